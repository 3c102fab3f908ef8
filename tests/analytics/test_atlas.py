"""The atlas on small stores whose answers are worked out by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from helhet.analytics import funnel, pages, queries
from helhet.analytics.atlas import build_atlas
from helhet.analytics.indicators import BY_CODE, available, compute_all, compute_raw
from helhet.errors import Invalid
from tests.analytics.store_builder import StoreBuilder

AS_OF = date(2025, 1, 1)


def value(frame: pl.DataFrame, level: str, code: str, year: int = 2024) -> dict[str, object]:
    rows = frame.filter((pl.col("level") == level) & (pl.col("code") == code) & (pl.col("year") == year))
    assert rows.height == 1, rows
    return rows.row(0, named=True)


def test_wish_concordance_by_hand(tmp_path: Path) -> None:
    b = StoreBuilder()
    unit = b.unit()
    # 10 granted referrals in Bergen wishing inpatient: 6 assigned inpatient, 4 outpatient
    for i in range(10):
        b.referral(unit, assigned="inpatient_short" if i < 6 else "outpatient")
    # 3 homeless wishing inpatient, all assigned outpatient
    for _ in range(3):
        b.referral(unit, assigned="outpatient", homeless=True)
    con = queries.connect(b.write(tmp_path / "store"))
    raw = compute_raw(con, BY_CODE["wish_concordance"], AS_OF)
    bergen = value(raw, "area", "bergen")
    assert (bergen["n"], bergen["k"]) == (13, 6)
    homeless = value(compute_raw(con, BY_CODE["wish_concordance_homeless"], AS_OF), "area", "bergen")
    assert (homeless["n"], homeless["k"]) == (3, 0)
    national = value(raw, "national", "NO")
    assert national["n"] == 13


def test_waiting_time_and_breaches(tmp_path: Path) -> None:
    b = StoreBuilder()
    unit = b.unit()
    for days in (10, 20, 30, 40, 50):
        b.referral(unit, start_after=days, deadline_days=35)
    b.referral(unit, start_after=None, deadline_days=35)  # never started, deadline passed by AS_OF
    con = queries.connect(b.write(tmp_path / "store"))
    waits = value(compute_raw(con, BY_CODE["waiting_days"], AS_OF), "national", "NO")
    assert waits["median"] == 30 and waits["n"] == 5
    breach = value(compute_raw(con, BY_CODE["start_deadline_breach"], AS_OF), "national", "NO")
    assert (breach["n"], breach["k"]) == (6, 3)  # 40, 50 and the one not started


def test_oslo_districts_map_to_their_areas(tmp_path: Path) -> None:
    b = StoreBuilder()
    unit = b.unit("oslo-universitetssykehus-hf")
    b.referral(unit, municipality="0301", district="030101")  # Gamle Oslo → Lovisenberg
    b.referral(unit, municipality="0301", district=None)  # unknown district → OUS
    con = queries.connect(b.write(tmp_path / "store"))
    raw = compute_raw(con, BY_CODE["rights_granted"], AS_OF)
    assert value(raw, "area", "lovisenberg")["n"] == 1
    assert value(raw, "area", "ous")["n"] == 1


def test_small_counts_are_suppressed(tmp_path: Path) -> None:
    b = StoreBuilder()
    unit = b.unit()
    for _ in range(30):
        b.referral(unit, municipality="4601")
    for _ in range(3):
        b.referral(unit, municipality="4602")  # Kinn: only 3 referrals
    for _ in range(12):
        b.referral(unit, municipality="4640")
    atlas = build_atlas(queries.connect(b.write(tmp_path / "store")), AS_OF, ["wish_concordance"])
    small = value(atlas.values, "municipality", "4602")
    assert small["suppressed"] and small["n"] is None and small["k"] is None
    # secondary suppression: the next smallest municipality is hidden too, so 45 - 30 - x cannot reveal 3
    assert value(atlas.values, "municipality", "4640")["suppressed"]
    assert not value(atlas.values, "municipality", "4601")["suppressed"]


def test_a_share_whose_complement_is_small_is_suppressed(tmp_path: Path) -> None:
    """97 of 100 names the 3 who did not: a count of 1-4 on either side of a proportion is suppressed."""
    b = StoreBuilder()
    unit = b.unit()
    for i in range(40):
        b.referral(unit, municipality="4601", assigned="inpatient_short" if i < 37 else "outpatient")
    for i in range(30):
        b.referral(unit, municipality="4640", assigned="inpatient_short" if i < 15 else "outpatient")
    for i in range(35):  # the largest of the other two: secondary suppression takes 4640, not this one
        b.referral(unit, municipality="1103", assigned="inpatient_short" if i < 10 else "outpatient")
    atlas = build_atlas(queries.connect(b.write(tmp_path / "store")), AS_OF, ["wish_concordance"])
    bergen = value(atlas.values, "municipality", "4601")
    assert bergen["suppressed"] and bergen["n"] is None and bergen["k"] is None and bergen["value"] is None
    assert not value(atlas.values, "municipality", "1103")["suppressed"]


def test_missing_column_is_refused_by_name(tmp_path: Path) -> None:
    b = StoreBuilder()
    b.referral(b.unit())
    folder = b.write(tmp_path / "store")
    import pyarrow.parquet as pq

    table = pq.read_table(folder / "referral.parquet").drop(["wished_level"])
    pq.write_table(table, folder / "referral.parquet")
    with pytest.raises(Invalid) as err:
        queries.connect(folder)
    assert "wished_level" in err.value.reason


def test_planted_area_is_flagged(tmp_path: Path) -> None:
    import random

    rng = random.Random(4)
    b = StoreBuilder()
    unit = b.unit()
    municipalities = ["4601", "1103", "5001", "1804", "5501", "1108", "3301", "3201", "4204", "3907"]
    for m in municipalities:
        share = 0.9 if m == "5001" else 0.3  # Trondheim assigns inpatient far more often
        for _ in range(300):
            b.referral(
                unit,
                municipality=m,
                wished="outpatient",
                assigned="inpatient_short" if rng.random() < share else "outpatient",
            )
    atlas = build_atlas(queries.connect(b.write(tmp_path / "store")), AS_OF, ["assigned_inpatient"])
    trondheim = value(atlas.values, "municipality", "5001")
    assert trondheim["flag_998"] == "above"
    others = atlas.values.filter((pl.col("level") == "municipality") & (pl.col("code") != "5001"))
    assert (others["flag_998"] == "above").sum() == 0
    assert atlas.casemix.height > 0
    st_olav = atlas.casemix.filter(pl.col("code") == "st-olav").row(0, named=True)
    assert st_olav["oe"] > 2 and st_olav["flag_998"] == "above"


def test_report_is_self_contained_with_tables(tmp_path: Path) -> None:
    from helhet.analytics.report import export_tables, render_html

    b = StoreBuilder()
    unit = b.unit()
    for m in ("4601", "1103", "5001", "1804", "5501"):
        for i in range(20):
            b.referral(unit, municipality=m, assigned="inpatient_short" if i % 3 else "outpatient")
    atlas = build_atlas(queries.connect(b.write(tmp_path / "store")), AS_OF)
    html = render_html(atlas, lang="en")  # the English names (bokmål: test_atlas_report.py)
    assert "<script src" not in html  # Plotly is embedded, nothing is fetched
    assert "plotly.js v" in html.lower() or "plotly" in html[:200_000].lower()
    assert "<caption>" in html and "Wish concordance" in html
    written = export_tables(atlas, tmp_path / "export", "csv")
    assert {p.name for p in written} >= {"indicators.csv", "catalogue.csv"}


def test_referral_rates_per_10000_adults(tmp_path: Path) -> None:
    from helhet.analytics.population import adult_population

    b = StoreBuilder()
    unit = b.unit()
    for _ in range(40):
        b.referral(unit, municipality="4601", birth=date(1990, 6, 1))
    atlas = build_atlas(queries.connect(b.write(tmp_path / "store")), AS_OF, ["new_referrals"])
    pop = adult_population()
    bergen_adults = pop.filter((pl.col("level") == "kommune") & (pl.col("code") == "4601") & (pl.col("year") == 2024))[
        "persons"
    ].sum()
    row = value(atlas.values, "municipality", "4601")
    assert row["rate"] == pytest.approx(40 / bergen_adults * 10_000)
    assert row["rate_lower"] < row["rate"] < row["rate_upper"]
    assert row["dsr"] > 0  # all 40 are 33-34 years old: the standardised rate differs from the crude one
    assert row["dsr"] != pytest.approx(row["rate"])
    national = value(atlas.values, "national", "NO")
    assert national["n"] == 40


def test_variation_measures_include_scv(tmp_path: Path) -> None:
    b = StoreBuilder()
    unit = b.unit()
    for m, share in (("4601", 0.2), ("1103", 0.4), ("5001", 0.6), ("1804", 0.3), ("5501", 0.5)):
        for i in range(50):
            b.referral(
                unit,
                municipality=m,
                assigned="inpatient_short" if i < 50 * share else "outpatient",
                wished="outpatient",
            )
    atlas = build_atlas(queries.connect(b.write(tmp_path / "store")), AS_OF, ["assigned_inpatient"])
    row = atlas.variation.filter((pl.col("level") == "municipality") & (pl.col("year") == 2024)).row(0, named=True)
    assert row["ft"] == pytest.approx(0.6 / 0.2)
    assert row["ft2"] == pytest.approx(0.5 / 0.3)
    assert row["scv"] > 0


def _store_with_a_history_tail(folder: Path) -> Path:
    b = StoreBuilder()
    unit = b.unit()
    for year, count in ((2013, 6), (2019, 6), (2023, 30), (2024, 30)):
        for i in range(count):
            b.referral(unit, received=date(year, 3, 4), assigned="inpatient_short" if i % 2 else "outpatient")
    return b.write(folder)


def test_a_generated_store_shows_only_the_years_it_covers(tmp_path: Path) -> None:
    # The generator writes earlier referrals as history; its ground_truth.json says which years it covers.
    folder = _store_with_a_history_tail(tmp_path / "store")
    (folder / queries.GROUND_TRUTH).write_text('{"as_of": "2024-12-31", "years": 2, "planted": []}')
    assert queries.covered_years(folder) == (2023, 2024)
    con = queries.connect(folder)
    raw = compute_raw(con, BY_CODE["wish_concordance"], AS_OF)
    assert sorted(set(raw["year"].to_list())) == [2023, 2024]
    assert value(raw, "national", "NO", 2023)["n"] == 30
    atlas = build_atlas(con, AS_OF, ["wish_concordance", "assigned_inpatient"])
    assert set(atlas.values["year"].to_list()) == {2023, 2024}
    assert atlas.casemix.height == 0 or set(atlas.casemix["year"].to_list()) <= {2023, 2024}
    assert pages.open_store(folder).years == (2023, 2024)


def test_a_store_from_a_database_keeps_all_its_years(tmp_path: Path) -> None:
    folder = _store_with_a_history_tail(tmp_path / "store")
    assert queries.covered_years(folder) is None
    raw = compute_raw(queries.connect(folder), BY_CODE["wish_concordance"], AS_OF)
    assert sorted(set(raw["year"].to_list())) == [2013, 2019, 2023, 2024]
    assert pages.open_store(folder).years == (2013, 2019, 2023, 2024)
    # an unreadable ground truth is ignored rather than hiding years
    (folder / queries.GROUND_TRUTH).write_text("{not json")
    assert queries.covered_years(folder) is None


@pytest.fixture(scope="module")
def generated_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from helhet.synthetic import generate_to_parquet

    folder = tmp_path_factory.mktemp("generated") / "store"
    generate_to_parquet(folder, persons=4_000, years=3, seed=5, as_of=AS_OF)
    return folder


def _flags_one_funnel_at_a_time(raw: pl.DataFrame) -> pl.DataFrame:
    """The reference: one `funnel_limits_proportion` call per level and year, as the atlas once did."""
    out = []
    for (level, _year), group in raw.group_by(["level", "year"], maintain_order=True):
        k = group["k"].fill_null(0).to_numpy().astype(float)
        n = group["n"].to_numpy().astype(float)
        phi = None
        f95: list[str | None] = [None] * group.height
        f998 = list(f95)
        if level != "national":
            f95 = f998 = ["missing"] * group.height
            if n.sum() > 0 and 0 < k.sum() < n.sum() and len(n) >= 3:
                limits = funnel.funnel_limits_proportion(
                    k.sum() / n.sum(), n, (0.95, 0.998), overdispersed=True, successes=k, consistent=True
                )
                with np.errstate(divide="ignore", invalid="ignore"):
                    flags = funnel.classify(np.where(n > 0, k / n, np.nan), limits)
                f95, f998, phi = list(flags[0.95]), list(flags[0.998]), limits.phi
        out.append(
            group.with_columns(
                pl.Series("flag_95", f95, pl.Utf8),
                pl.Series("flag_998", f998, pl.Utf8),
                pl.lit(phi, pl.Float64).alias("phi"),
            )
        )
    return pl.concat(out)


def test_all_indicators_at_once_give_the_values_of_one_query_each(generated_store: Path) -> None:
    # build_atlas counts every indicator in two statements (cells, then GROUPING SETS over cells) and draws
    # every funnel in one call; each indicator on its own (compute_raw, one funnel per level and year) is the
    # reference, on a generated store with all the tables.
    con = queries.connect(generated_store)
    chosen = available(con)
    assert {"vedtak_delivery", "vedtak_delivery_ratio", "waiting_days", "new_referrals"} <= {i.code for i in chosen}
    key = ["indicator", "level", "code", "year"]
    together = compute_all(con, chosen, AS_OF)
    one_by_one = pl.concat([compute_raw(con, i, AS_OF) for i in chosen], how="vertical_relaxed")
    assert together.height == one_by_one.height > 1000
    assert_frame_equal(together.sort(key), one_by_one.sort(key).select(together.columns))

    atlas = build_atlas(con, AS_OF)
    proportions = [i for i in chosen if i.kind == "proportion"]
    reference = pl.concat(
        [_flags_one_funnel_at_a_time(compute_raw(con, i, AS_OF)) for i in proportions], how="vertical_relaxed"
    )
    got = atlas.values.filter(pl.col("indicator").is_in([i.code for i in proportions]) & ~pl.col("suppressed"))
    expected = reference.join(got.select(key), on=key, how="semi")
    assert got.height == expected.height > 500
    columns = [*key, "n", "k", "flag_95", "flag_998", "phi"]
    assert_frame_equal(got.select(columns).sort(key), expected.select(columns).sort(key))
    assert set(got["flag_998"].drop_nulls().to_list()) >= {"within", "missing"}


def _variation_one_group_at_a_time(values: pl.DataFrame) -> pl.DataFrame:
    """The reference: FT, FT2, CV and SCV computed for one indicator, level and year after another."""
    from helhet.analytics import variation

    rows = []
    for (indicator, level, year), group in values.filter(pl.col("level") != "national").group_by(
        ["indicator", "level", "year"], maintain_order=True
    ):
        v = group["value"].drop_nulls().drop_nans().to_numpy().astype(float)
        if len(v) < 4:
            continue
        counted = group.filter(pl.col("k").is_not_null() & pl.col("n").is_not_null() & (pl.col("n") > 0))
        k, n = (counted[c].to_numpy().astype(float) for c in ("k", "n"))
        expected = n * (k.sum() / n.sum()) if counted.height >= 4 else np.zeros(0)
        scv = float(variation.scv(k, expected)) if expected.size and np.all(expected > 0) else None
        ft, ft2, cv = (float(f(v)) for f in (variation.ft, variation.ft2, variation.cv))
        rows.append((indicator, level, year, len(v), ft, ft2, cv, scv))
    schema = {"indicator": pl.Utf8, "level": pl.Utf8, "year": pl.Int64, "areas": pl.Int64}
    schema |= dict.fromkeys(("ft", "ft2", "cv", "scv"), pl.Float64)
    return pl.DataFrame(rows, schema=schema, orient="row")


def test_variation_of_all_groups_at_once_is_that_of_one_group_at_a_time(generated_store: Path) -> None:
    atlas = build_atlas(queries.connect(generated_store), AS_OF)
    reference = _variation_one_group_at_a_time(atlas.values)
    assert reference.height > 100 and reference["scv"].null_count() < reference.height
    # a rate's SCV is against the events its population would have at the national rates (the next test)
    rates = pl.col("indicator").is_in([i.code for i in atlas.indicators if i.kind == "rate"])
    without_rates = pl.when(rates).then(None).otherwise(pl.col("scv")).alias("scv")
    got = atlas.variation.drop("median_odds_ratio")
    assert got.filter(rates)["scv"].null_count() < got.filter(rates).height
    assert_frame_equal(got.with_columns(without_rates), reference.with_columns(without_rates), check_exact=True)


def test_the_scv_of_a_rate_is_against_events_expected_at_the_national_rates(tmp_path: Path) -> None:
    """McPherson's SCV for referrals per adult: observed events against those the area's adults would have at
    the national rate of their sex and age band (indirect standardisation), not a count against itself."""
    from helhet.analytics import atlas as atlas_module
    from helhet.analytics import variation

    b = StoreBuilder()
    unit = b.unit()
    for m, count, birth in (("4601", 50, 1990), ("1103", 30, 1970), ("5001", 20, 1990), ("1804", 40, 1960)):
        for _ in range(count):
            b.referral(unit, municipality=m, birth=date(birth, 6, 1))
    for _ in range(60):
        b.referral(unit, municipality="5501", birth=date(1980, 6, 1))
    con = queries.connect(b.write(tmp_path / "store"))
    atlas = build_atlas(con, AS_OF, ["new_referrals"])
    row = atlas.variation.filter((pl.col("level") == "municipality") & (pl.col("year") == 2024)).row(0, named=True)
    strata, _ = atlas_module._strata(con, [2024])
    keys = ["sex", "age_band"]
    national = strata.filter(pl.col("level") == "national").select(
        *keys, (pl.col("events") / pl.col("persons")).alias("national_rate")
    )
    per_code = (
        strata.filter((pl.col("level") == "municipality") & (pl.col("events").sum().over("code") > 0))
        .join(national, on=keys)
        .group_by("code")
        .agg(pl.col("events").sum(), (pl.col("persons") * pl.col("national_rate")).sum().alias("expected"))
        .sort("code")
    )
    assert per_code.height == 5 and per_code["events"].sum() == 200
    expected = float(variation.scv(per_code["events"].to_numpy(), per_code["expected"].to_numpy()))
    assert row["scv"] == pytest.approx(expected, rel=1e-9)
    assert row["scv"] > 0  # five municipalities' rates far apart: variation beyond chance
    # the indirectly standardised ratio of each municipality: the same O over E, with an exact interval around it
    for code, events, wanted in per_code.iter_rows():
        shown = value(atlas.values, "municipality", code)
        assert shown["sir"] == pytest.approx(events / wanted, rel=1e-9)
        assert shown["sir_lower"] < shown["sir"] < shown["sir_upper"]
    assert value(atlas.values, "national", "NO")["sir"] == pytest.approx(1.0)


def _rates_one_area_at_a_time(con: duckdb.DuckDBPyConnection, years: list[int]) -> pl.DataFrame:
    """The reference: each level, code and year's crude and directly standardised rate on its own."""
    from helhet.analytics import stats
    from helhet.analytics.atlas import AGE_BAND_SQL
    from helhet.analytics.population import adult_population

    pop = adult_population()
    geo = con.sql(
        "SELECT municipality_number, area_code, hf_code, rhf_code FROM geo_municipality JOIN geo_area USING (area_code)"
    ).pl()
    people = (
        pop.filter(pl.col("level") == "kommune")
        .rename({"code": "municipality_number"})
        .join(geo, on="municipality_number", how="left")
    )
    events = con.sql(
        f"SELECT rhf_code, hf_code, area_code, municipality_number, year, sex, {AGE_BAND_SQL} AS age_band, "
        f"count(*) AS events FROM ({queries.referral_facts_sql(queries.FACT_COLUMNS)}) WHERE age >= 18 GROUP BY ALL"
    ).pl()
    columns = {"rhf": "rhf_code", "hf": "hf_code", "area": "area_code", "municipality": "municipality_number"}
    rows = []
    for year in years:
        pop_year = min(max(year, 2015), 2026)
        standard = pop.filter((pl.col("level") == "land") & (pl.col("year") == pop_year))
        standard = standard.group_by("sex", "age_band").agg(pl.col("persons").sum()).sort("sex", "age_band")
        strata = list(zip(standard["sex"], standard["age_band"], strict=True))
        for level, column in [*columns.items(), ("national", None)]:
            keys = [column] if column else []
            persons = (
                people.filter(pl.col("year") == pop_year)
                .group_by([*keys, "sex", "age_band"])
                .agg(pl.col("persons").sum())
            )
            counts = (
                events.filter(pl.col("year") == year).group_by([*keys, "sex", "age_band"]).agg(pl.col("events").sum())
            )
            p_of = {(r[column] if column else "NO", r["sex"], r["age_band"]): r["persons"] for r in persons.to_dicts()}
            e_of = {(r[column] if column else "NO", r["sex"], r["age_band"]): r["events"] for r in counts.to_dicts()}
            for code in sorted({c for c, _, _ in p_of if c is not None}):
                cells = [(code, *stratum) for stratum in strata]
                p = np.array([p_of.get(cell, 0.0) for cell in cells])
                e = np.array([float(e_of.get(cell, 0)) if cell in p_of else 0.0 for cell in cells])  # needs people
                crude = stats.crude_rate(e.sum(), p.sum())
                with np.errstate(divide="ignore", invalid="ignore"):
                    dsr = stats.direct_standardised_rate(e, np.where(p > 0, p, np.nan), standard["persons"].to_numpy())
                rows.append((level, str(code), year, float(p.sum()), *map(float, (*crude, *dsr))))
    names = ["level", "code", "year", "population", "rate", "rate_lower", "rate_upper", "dsr", "dsr_lower", "dsr_upper"]
    return pl.DataFrame(rows, schema=names, orient="row")


def test_rates_of_all_areas_at_once_are_those_of_one_area_at_a_time(generated_store: Path) -> None:
    con = queries.connect(generated_store)
    atlas = build_atlas(con, AS_OF, ["new_referrals"])
    key = ["level", "code", "year"]
    got = atlas.values.filter(pl.col("population").is_not_null())  # units and unknown places have none
    got = got.select(*key, "population", "rate", "rate_lower", "rate_upper", "dsr", "dsr_lower", "dsr_upper")
    reference = _rates_one_area_at_a_time(con, sorted(set(got["year"].to_list())))
    assert got.height > 300 and got["dsr"].is_finite().sum() > 100
    assert_frame_equal(got.sort(key), reference.join(got.select(key), on=key, how="semi").sort(key), rel_tol=1e-12)


def test_each_indicator_over_the_facts_it_needs_gives_the_values_of_the_facts_of_every_column(
    generated_store: Path,
) -> None:
    # compute_all makes referral_facts with only the columns its indicators read (queries.facts); the reference
    # is the table of every column, as connect made it before
    full = queries.connect(generated_store)
    queries.facts(full, queries.FACT_COLUMNS)
    chosen = available(full)
    reference = compute_all(full, chosen, AS_OF)
    over_facts = [i for i in chosen if "referral_facts" in i.sql]
    assert len(over_facts) >= 10
    for indicator in over_facts:
        con = queries.connect(generated_store)
        got = compute_all(con, [indicator], AS_OF)
        assert len(con.execute("DESCRIBE referral_facts").fetchall()) < len(queries.FACT_COLUMNS), indicator.code
        assert_frame_equal(got, reference.filter(pl.col("indicator") == indicator.code), check_dtypes=False)


def test_build_atlas_over_the_facts_it_needs_is_the_atlas_over_every_column(generated_store: Path) -> None:
    full = queries.connect(generated_store)
    queries.facts(full, queries.FACT_COLUMNS)
    codes = ["new_referrals", "assigned_inpatient", "waiting_days"]  # a rate, case mix and a quantile
    expected = build_atlas(full, AS_OF, codes)
    con = queries.connect(generated_store)
    got = build_atlas(con, AS_OF, codes)
    assert_frame_equal(got.values, expected.values)
    assert_frame_equal(got.casemix, expected.casemix)
    assert_frame_equal(got.variation, expected.variation)
    assert "homeless" in {str(c[0]) for c in con.execute("DESCRIBE referral_facts").fetchall()}


def test_both_quantiles_of_one_aggregate_are_those_of_one_call_each(generated_store: Path) -> None:
    # compute_all takes the median and p90 from quantile_cont(value, [0.5, 0.9]); the reference calls it per quantile
    con = queries.connect(generated_store)
    got = compute_all(con, [BY_CODE["waiting_days"]], AS_OF).filter(pl.col("level") == "area")
    expected = con.sql(f"""
        SELECT area_code AS code, year, count(*) AS n, quantile_cont(waiting_days, 0.5) AS median,
               quantile_cont(waiting_days, 0.9) AS p90
        FROM ({queries.referral_facts_sql(queries.FACT_COLUMNS)})
        WHERE waiting_days IS NOT NULL AND {queries.in_period(con)} AND area_code IS NOT NULL
        GROUP BY ALL
    """).pl()
    assert got.height == expected.height > 20
    key = ["code", "year"]
    assert_frame_equal(
        got.select(*key, "n", "median", "p90").sort(key), expected.sort(key), check_exact=True, check_dtypes=False
    )
