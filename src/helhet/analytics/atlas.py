"""Assembling the atlas: indicators with intervals, funnel flags, variation measures, case-mix adjusted O/E
and small-count suppression, for every level and year.

``build_atlas(con, as_of)`` returns an ``Atlas`` of Polars frames that pages, the HTML report and the exports
share. Privacy: counts 1-4 are suppressed, with secondary suppression so that a suppressed count cannot be
recovered from the national total minus the others (DOMAIN.md and issue 6 §4).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import duckdb
import numpy as np
import numpy.typing as npt
import polars as pl

from helhet.analytics import funnel, queries, stats, variation
from helhet.analytics.indicators import (
    CATALOGUE,
    LEVELS,
    Indicator,
    available,
    compute_all,
    fact_columns,
    over_facts,
)
from helhet.analytics.population import adult_population
from helhet.analytics.queries import display_names, in_period
from helhet.analytics.stats import FloatArray

SMALL = 5  # counts 1-4 are suppressed
AGE_BAND_SQL = (
    "CASE WHEN age < 25 THEN '18-24' WHEN age < 35 THEN '25-34' WHEN age < 45 THEN '35-44' "
    "WHEN age < 55 THEN '45-54' WHEN age < 65 THEN '55-64' ELSE '65+' END"
)
FLAG_LEVELS = (0.95, 0.998)
CASEMIX_COVARIATES = ("age_band", "sex", "homeless", "rop", "primary_substance", "injecting", "prior")


@dataclass
class Atlas:
    as_of: date
    indicators: list[Indicator]
    values: pl.DataFrame  # one row per indicator, level, code, year
    variation: pl.DataFrame  # one row per indicator, level, year
    casemix: pl.DataFrame  # O/E per indicator, level (area), code, year
    notes: list[str] = field(default_factory=list)


def _proportions(raw: pl.DataFrame) -> pl.DataFrame:
    n = raw["n"].to_numpy().astype(float)
    k = raw["k"].fill_null(0).to_numpy().astype(float)
    lower, upper = stats.wilson_interval(k, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(n > 0, k / n, np.nan)
    return raw.with_columns(pl.Series("value", value), pl.Series("lower", lower), pl.Series("upper", upper))


def _rates(con: duckdb.DuckDBPyConnection, raw: pl.DataFrame) -> pl.DataFrame:
    """Crude rate per 10,000 adults with exact Poisson limits, and the age- and sex-standardised rate (Dobson)."""
    years = sorted(set(raw["year"].drop_nulls().to_list()))
    out = raw.with_columns(pl.col("code").cast(pl.Utf8))
    if not years:
        return out
    strata, standard = _strata(con, years)
    rates = [
        _standardised_rates(year, group, standard.filter(pl.col("year") == year)["standard"].to_numpy())
        for (year,), group in strata.sort("level", "code").group_by("year", maintain_order=True)
    ]
    if rates:
        out = out.join(pl.concat(rates), on=["level", "code", "year"], how="left")
        out = out.with_columns(
            pl.col("dsr").alias("value"), pl.col("dsr_lower").alias("lower"), pl.col("dsr_upper").alias("upper")
        )
    return out


def _strata(con: duckdb.DuckDBPyConnection, years: list[int]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Adult events and persons per level, code, year, sex and age band, with the stratum's place among the
    year's standard strata (``stratum``); and the standard strata (year, sex, age band, ``standard``
    population, ``stratum``). The population is that of the year's population year (the nearest in
    2015-2026); a code with population but no events has 0 events."""
    pop = adult_population()
    periods = pl.DataFrame({"year": years, "pop_year": [min(max(y, 2015), 2026) for y in years]})
    periods = periods.with_columns(pl.col("year").cast(pl.Int64), pl.col("pop_year").cast(pl.Int64))
    geo = con.sql(
        "SELECT gm.municipality_number, gm.area_code, ga.hf_code, ga.rhf_code FROM geo_municipality gm "
        "JOIN geo_area ga USING (area_code)"
    ).pl()
    people = (
        pop.filter(pl.col("level") == "kommune")
        .rename({"code": "municipality_number", "year": "pop_year"})
        .join(geo, on="municipality_number", how="left")
        .join(periods, on="pop_year")
    )
    # the geography follows from the residence (``cell``), so it is joined to the grouped rows rather than grouped by
    events = con.sql(f"""
        SELECT g.rhf_code, g.hf_code, g.area_code, g.municipality_number, e.year, e.sex, e.age_band,
               sum(e.events)::BIGINT AS events
        FROM (SELECT cell, year, sex, {AGE_BAND_SQL} AS age_band, count(*) AS events
              FROM referral_facts WHERE age >= 18 GROUP BY ALL) e
        LEFT JOIN geo_cell g USING (cell)
        GROUP BY ALL
    """).pl()
    standard = (
        pop.filter(pl.col("level") == "land")
        .rename({"year": "pop_year"})
        .join(periods, on="pop_year")
        .group_by("year", "sex", "age_band")
        .agg(pl.col("persons").sum().alias("standard"))
        .sort("year", "sex", "age_band")
        .with_columns(pl.int_range(pl.len()).over("year").alias("stratum"))
    )
    columns = {"rhf": "rhf_code", "hf": "hf_code", "area": "area_code", "municipality": "municipality_number"}
    levels = []
    for level, column in [*columns.items(), ("national", None)]:
        keys = [column] if column else []
        persons = people.group_by([*keys, "year", "sex", "age_band"]).agg(pl.col("persons").sum())
        counted = events.group_by([*keys, "year", "sex", "age_band"]).agg(pl.col("events").sum())
        joined = persons.join(counted, on=[*keys, "year", "sex", "age_band"], how="left")
        code = pl.col(column).cast(pl.Utf8) if column else pl.lit("NO")
        levels.append(
            joined.filter(code.is_not_null()).select(
                pl.lit(level).alias("level"),
                code.alias("code"),
                pl.col("year").cast(pl.Int64),
                "sex",
                "age_band",
                pl.col("persons").cast(pl.Float64),
                pl.col("events").fill_null(0).cast(pl.Float64),
            )
        )
    strata = pl.concat(levels).join(standard.drop("standard"), on=["year", "sex", "age_band"])
    return strata, standard


#: a rate's observed (adult) events and those expected at the national rates by sex and age band
_OBSERVED, _EXPECTED = "observed", "expected"


def _standardised_rates(year: int, strata: pl.DataFrame, weights: FloatArray) -> pl.DataFrame:
    """One year's crude and standardised rates of every level and code, from its `_strata` rows sorted by
    level and code, and the standard population of each stratum (``weights``)."""
    areas = strata.select("level", "code").unique(maintain_order=True)
    area = strata.select(pl.struct("level", "code").rle_id())["level"].to_numpy()
    stratum = strata["stratum"].to_numpy()
    e = np.zeros((areas.height, weights.size))
    p = np.zeros((areas.height, weights.size))
    e[area, stratum] = strata["events"].to_numpy()
    p[area, stratum] = strata["persons"].to_numpy()
    crude = stats.crude_rate(e.sum(axis=1), p.sum(axis=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        dsr = stats.direct_standardised_rate(e, np.where(p > 0, p, np.nan), weights)
        # indirect standardisation: the events the area's persons would have at the national rate of each stratum
        # (expected), the ratio O/E with its exact Poisson interval, and O and E for McPherson's SCV (``_variation``)
        national = (areas["level"] == "national").to_numpy()
        stratum_rates = np.where(p[national].sum(axis=0) > 0, e[national].sum(axis=0) / p[national].sum(axis=0), 0.0)
        if not national.any():
            stratum_rates = np.full(weights.size, np.nan)
        sir = stats.indirect_standardised_ratio(e, p, stratum_rates)
    return areas.with_columns(
        pl.lit(year, dtype=pl.Int64).alias("year"),
        pl.Series(_OBSERVED, sir.observed),
        pl.Series(_EXPECTED, sir.expected),
        pl.Series("sir", sir.ratio),
        pl.Series("sir_lower", sir.lower),
        pl.Series("sir_upper", sir.upper),
        pl.Series("population", p.sum(axis=1)),
        pl.Series("rate", crude.rate),
        pl.Series("rate_lower", crude.lower),
        pl.Series("rate_upper", crude.upper),
        pl.Series("dsr", dsr.rate),
        pl.Series("dsr_lower", dsr.lower),
        pl.Series("dsr_upper", dsr.upper),
    )


def _funnel_flags(frame: pl.DataFrame) -> pl.DataFrame:
    """Each area against the national value of its indicator and year: within, above or below 95 % and 99.8 %
    limits. All funnels (indicator × level × year) in one vectorised call; national rows get no flag, and a
    funnel with no events, only events or fewer than 3 areas is "missing"."""
    keys = [c for c in ("indicator", "level", "year") if c in frame.columns]
    frame = frame.with_columns(pl.col("k").fill_null(0).alias("_k"))
    funnels = frame.with_columns(
        pl.col("_k").sum().over(keys).alias("_total_k"),
        pl.col("n").sum().over(keys).alias("_total_n"),
        pl.len().over(keys).alias("_areas"),
        pl.struct(keys).rank("dense").alias("_funnel"),
    )
    usable = (
        (pl.col("level") != "national")
        & (pl.col("_total_n") > 0)
        & (pl.col("_total_k") > 0)
        & (pl.col("_total_k") < pl.col("_total_n"))
        & (pl.col("_areas") >= 3)
    )
    mask = funnels.select(usable.fill_null(False)).to_series().to_numpy()
    national = (frame["level"] == "national").to_numpy()
    phi = np.full(frame.height, np.nan)
    empty = np.array(["missing"] * frame.height, dtype=object)
    empty[national] = None
    flags = {level: empty.copy() for level in FLAG_LEVELS}
    if mask.any():
        rows = funnels.filter(pl.lit(mask))
        k = rows["_k"].to_numpy().astype(float)
        n = rows["n"].to_numpy().astype(float)
        grouped = funnel.funnel_limits_proportion_grouped(
            k, n, rows["_funnel"].to_numpy(), FLAG_LEVELS, overdispersed=True, consistent=True
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            classified = funnel.classify(np.where(n > 0, k / n, np.nan), grouped.limits)
        for level in FLAG_LEVELS:
            flags[level][mask] = classified[level]
        phi[mask] = grouped.phi
    return frame.drop("_k").with_columns(
        pl.Series("flag_95", flags[0.95], dtype=pl.Utf8),
        pl.Series("flag_998", flags[0.998], dtype=pl.Utf8),
        pl.when(pl.Series(mask)).then(pl.Series(phi)).otherwise(None).alias("phi"),
    )


def _suppress(frame: pl.DataFrame) -> pl.DataFrame:
    """Suppress counts 1-4 (k, n, and n - k: 97 of 100 tells of 3 who did not) and, per indicator, level and year,
    one more when only one is suppressed."""
    small = lambda c: (c > 0) & (c < SMALL)  # noqa: E731
    n, k = pl.col("n"), pl.col("k")
    primary = small(n) | small(k).fill_null(False) | small(n - k).fill_null(False)
    if _OBSERVED in frame.columns:  # a rate's adult events may be fewer than its events
        primary = primary | small(pl.col(_OBSERVED)).fill_null(False)
    frame = frame.with_columns(primary.alias("suppressed"))
    # secondary: if exactly one area of a level-year is suppressed, also suppress the next smallest
    counts = frame.group_by(["indicator", "level", "year"]).agg(pl.col("suppressed").sum().alias("_s"))
    frame = frame.join(counts, on=["indicator", "level", "year"], how="left")
    frame = frame.with_columns(
        pl.col("n").rank("ordinal").over(["indicator", "level", "year", "suppressed"]).alias("_rank")
    )
    secondary = (pl.col("_s") == 1) & ~pl.col("suppressed") & (pl.col("_rank") == 1) & (pl.col("level") != "national")
    frame = frame.with_columns((pl.col("suppressed") | secondary).alias("suppressed")).drop("_s", "_rank")
    hidden = ["k", "value", "lower", "upper", "n", _OBSERVED, _EXPECTED, "sir", "sir_lower", "sir_upper"]
    return frame.with_columns(
        [pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(c)).alias(c) for c in hidden if c in frame.columns]
    )


def _variation(values: pl.DataFrame) -> pl.DataFrame:
    """FT, FT2 and CV of the unweighted area values, and McPherson's SCV from observed and expected counts
    (expected = the area's denominator times the national value of the year; for a rate, the area's persons
    times the national rate of each age and sex stratum), per indicator, level and year.

    The groups' values are gathered as lists in one grouped aggregation; groups with the same number of areas
    are then one (groups × areas) matrix for the row-wise `variation` functions, whose numbers for a row are
    exactly those for the row alone."""
    finite = pl.col("value").is_not_null() & pl.col("value").is_not_nan()
    counted = pl.col("k").is_not_null() & pl.col("n").is_not_null() & (pl.col("n") > 0)
    if "rate" in values.columns:  # a rate's count is no share of trials: its SCV comes from observed and expected
        counted = counted & pl.col("rate").is_null()
    if _EXPECTED not in values.columns:
        values = values.with_columns(
            pl.lit(None, pl.Float64).alias(_OBSERVED), pl.lit(None, pl.Float64).alias(_EXPECTED)
        )
    standardised = pl.col(_EXPECTED).is_not_null() & (pl.col(_EXPECTED) > 0) & pl.col(_OBSERVED).is_not_null()
    groups = (
        values.filter(pl.col("level") != "national")
        .group_by(["indicator", "level", "year"], maintain_order=True)
        .agg(
            pl.col("value").filter(finite).cast(pl.Float64).alias("_v"),
            pl.col("k").filter(counted).cast(pl.Float64).alias("_o"),
            pl.col("n").filter(counted).cast(pl.Float64).alias("_n"),
            pl.col(_OBSERVED).filter(standardised).cast(pl.Float64).alias("_so"),
            pl.col(_EXPECTED).filter(standardised).cast(pl.Float64).alias("_se"),
        )
        .filter(pl.col("_v").list.len() >= 4)
    )
    if groups.height == 0:
        return pl.DataFrame()
    measures = {name: np.full(groups.height, np.nan) for name in ("ft", "ft2", "cv", "scv")}
    for rows, v in _by_length(groups["_v"]):
        measures["ft"][rows], measures["ft2"][rows], measures["cv"][rows] = (
            variation.ft(v),
            variation.ft2(v),
            variation.cv(v),
        )
    observed, trials = groups["_o"], groups["_n"]
    for rows, k in _by_length(observed, at_least=4):
        n = _matrix(trials, rows, k.shape[1])
        expected = n * (k.sum(axis=1) / n.sum(axis=1))[:, None]
        measures["scv"][rows] = np.where(np.all(expected > 0, axis=1), variation.scv(k, expected), np.nan)
    # rates: a count has no denominator of trials; observed events against those expected from the national
    # age- and sex-specific rates (McPherson 1982; indirect standardisation)
    for rows, o in _by_length(groups["_so"], at_least=4):
        measures["scv"][rows] = variation.scv(o, _matrix(groups["_se"], rows, o.shape[1]))
    return groups.select(
        "indicator",
        "level",
        pl.col("year").cast(pl.Int64),
        pl.col("_v").list.len().cast(pl.Int64).alias("areas"),
        *(pl.Series(name, measures[name]) for name in ("ft", "ft2", "cv")),
        pl.Series("scv", measures["scv"]).fill_nan(None),
    )


def _by_length(lists: pl.Series, at_least: int = 1) -> Iterator[tuple[npt.NDArray[np.intp], FloatArray]]:
    """The rows of a list column, grouped by the lists' length (``at_least`` or more): each group's row
    positions and its lists as one (rows × length) matrix, for numpy's row-wise functions."""
    lengths = lists.list.len().to_numpy()
    for length in np.unique(lengths[lengths >= at_least]):
        rows = np.flatnonzero(lengths == length)
        yield rows, _matrix(lists, rows, int(length))


def _matrix(lists: pl.Series, rows: npt.NDArray[np.intp], length: int) -> FloatArray:
    return lists.gather(rows).explode().to_numpy().astype(np.float64).reshape(rows.size, length)


#: a referral's case-mix covariates from its row of ``referral_facts``, as `CASEMIX_COVARIATES` names them
_COVARIATES_SQL = (
    "CASE WHEN age < 25 THEN '18-24' WHEN age < 35 THEN '25-34' WHEN age < 45 THEN '35-44' WHEN age < 55 THEN "
    "'45-54' ELSE '55+' END AS age_band, sex, homeless, rop, primary_substance, injecting, "
    "(prior_episodes > 0) AS prior"
)


def _casemix_cells(con: duckdb.DuckDBPyConnection, adjusted: list[Indicator], as_of: date) -> dict[str, pl.DataFrame]:
    """Per case-mix indicator, its k and n per referral area, year and covariate cell (sorted by every column).

    Counted per residence (``cell``) and covariates, then summed per area: the few cells joined to their area.
    The indicators over ``referral_facts`` alone are counted in one scan of it (``count(*) FILTER``, as
    ``indicators.compute_all`` counts them); any other in a statement of its own."""
    covariates = ", ".join(f"s.{c}" for c in CASEMIX_COVARIATES)
    by_area = f"""SELECT g.area_code, s.year, {covariates}, {{sums}}
        FROM ({{cells}}) s JOIN geo_cell g USING (cell)
        WHERE g.area_code IS NOT NULL
        GROUP BY ALL"""
    cells: dict[str, pl.DataFrame] = {}
    matches = {i.code: match for i in adjusted if (match := over_facts(i, as_of))}
    if matches:
        counts = ", ".join(
            f"sum({m['k']}) FILTER (WHERE {m['rows'] or 'TRUE'}) AS k_{r}, "
            f"count(*) FILTER (WHERE {m['rows'] or 'TRUE'}) AS n_{r}"
            for r, m in enumerate(matches.values())
        )
        sums = ", ".join(f"sum(s.k_{r})::BIGINT AS k_{r}, sum(s.n_{r})::BIGINT AS n_{r}" for r in range(len(matches)))
        source = (
            f"SELECT cell, year, {_COVARIATES_SQL}, {counts} FROM referral_facts WHERE {in_period(con)} GROUP BY ALL"
        )
        con.execute(f"CREATE OR REPLACE TEMP TABLE casemix_cells AS {by_area.format(sums=sums, cells=source)}")
        for r, code in enumerate(matches):
            cells[code] = con.sql(f"""
                SELECT area_code, year, {", ".join(CASEMIX_COVARIATES)}, k_{r} AS k, n_{r} AS n
                FROM casemix_cells WHERE n_{r} > 0 ORDER BY ALL
            """).pl()
        con.execute("DROP TABLE casemix_cells")
    for indicator in (i for i in adjusted if i.code not in matches):
        source = indicator.sql.replace("$as_of", f"DATE '{as_of.isoformat()}'")
        source = source.replace("SELECT cell, unit_id, year, ", f"SELECT cell, year, {_COVARIATES_SQL}, ")
        grouped = f"""SELECT cell, year, {", ".join(CASEMIX_COVARIATES)}, sum(k) AS k, count(*) AS n
            FROM ({source}) s WHERE {in_period(con)} GROUP BY ALL"""
        sums = "sum(s.k)::BIGINT AS k, sum(s.n)::BIGINT AS n"
        cells[indicator.code] = con.sql(f"{by_area.format(sums=sums, cells=grouped)} ORDER BY ALL").pl()
    return cells


def _casemix(indicator: Indicator, cells: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, float]]:
    """O/E per referral area from a logistic model fitted on covariate cells (cost grows with cells, not rows)."""
    if cells.height == 0:
        return pl.DataFrame(), {}
    cells = cells.with_columns(pl.col("year").cast(pl.Utf8).alias("year_c"))
    model = stats.fit_casemix_model(cells, "k", "n", [*CASEMIX_COVARIATES, "year_c"])
    probs = model.predict_cells(cells)
    frames = []
    for (year,), group in cells.with_columns(pl.Series("_p", probs)).group_by(["year"], maintain_order=True):
        oe = stats.expected_by_group(group, group["_p"].to_numpy(), "area_code", "n", "k")
        limits = funnel.funnel_limits_oe(
            oe["expected"].to_numpy(),
            FLAG_LEVELS,
            overdispersed=True,
            observed=oe["observed"].to_numpy(),
            consistent=True,
        )
        flags = funnel.classify(oe["oe"].to_numpy(), limits)
        frames.append(
            oe.with_columns(
                pl.lit(year).alias("year"),
                pl.lit(indicator.code).alias("indicator"),
                pl.Series("flag_95", flags[0.95]),
                pl.Series("flag_998", flags[0.998]),
            )
        )
    result = pl.concat(frames).rename({"area_code": "code"}).with_columns(pl.lit("area").alias("level"))
    # Area variance beyond case mix: a random-intercept model on area-year cells with the case-mix expected
    # log-odds as offset. Collapsing the covariate cells within an area-year is an approximation (exact when the
    # expected probability is the same within the cell); it keeps the cost at areas x years, not cells.
    area_year = result.select("code", "year", "observed", "expected", "trials").filter(pl.col("trials") > 0)
    expected_p = np.clip(area_year["expected"].to_numpy() / area_year["trials"].to_numpy(), 1e-6, 1 - 1e-6)
    av = variation.estimate_area_variance(
        area_year["observed"].to_numpy(),
        area_year["trials"].to_numpy(),
        np.log(expected_p / (1 - expected_p)),
        area=area_year["code"].to_numpy(),
    )
    return result, {"sigma2": av.sigma2, "mor": av.mor}


#: the columns of ``referral_facts`` that `_strata` (rates) and `_casemix` read beyond the indicators' own
RATE_COLUMNS = ("age", "sex")
CASEMIX_COLUMNS = ("age", "sex", "homeless", "rop", "primary_substance", "injecting", "prior_episodes")


def _fact_columns(chosen: list[Indicator]) -> set[str]:
    columns = fact_columns(chosen)
    if any(i.kind == "rate" for i in chosen):
        columns |= set(RATE_COLUMNS)
    if any(i.casemix for i in chosen):
        columns |= set(CASEMIX_COLUMNS)
    return columns


def build_atlas(con: duckdb.DuckDBPyConnection, as_of: date, indicators: list[str] | None = None) -> Atlas:
    present = available(con)  # asked once: each call looks up every optional table
    chosen = [i for i in present if indicators is None or i.code in indicators]
    notes = [
        f"{i.code}: left out (needs {', '.join(i.needs)})"
        for i in CATALOGUE
        if i not in present and (indicators is None or i.code in indicators)
    ]
    casemix_frames, mor = [], {}
    if columns := _fact_columns(chosen):
        queries.facts(con, columns)  # once, with the columns of the rates and case mix too
    raw = compute_all(con, chosen, as_of)  # every indicator's counts in two statements (one long frame)
    frames = []
    if raw.height:
        kinds = {i.code: i.kind for i in chosen}
        kind = pl.col("indicator").replace_strict(kinds, return_dtype=pl.Utf8)
        proportions = raw.filter(kind == "proportion")
        if proportions.height:
            frames.append(_funnel_flags(_proportions(proportions)))
        for indicator in (i for i in chosen if i.kind == "rate"):
            frames.append(_rates(con, raw.filter(pl.col("indicator") == indicator.code)))
        quantiles = raw.filter(kind == "quantile")
        if quantiles.height:
            frames.append(quantiles.with_columns(pl.col("median").alias("value")))
    adjusted = [i for i in chosen if i.casemix]
    cells = _casemix_cells(con, adjusted, as_of) if adjusted else {}
    for indicator in adjusted:
        cm, summary = _casemix(indicator, cells[indicator.code])
        if cm.height:
            casemix_frames.append(cm)
            mor[indicator.code] = summary
    values = pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame()
    if values.height:  # catalogue order, as the pages and the report list them
        order = {indicator.code: rank for rank, indicator in enumerate(chosen)}
        rank = pl.col("indicator").replace_strict(order, return_dtype=pl.Int64)
        values = _suppress(values.sort(rank, maintain_order=True))
    var = _variation(values) if values.height else pl.DataFrame()
    if var.height and mor:
        var = var.with_columns(
            pl.col("indicator")
            .replace_strict({k: v["mor"] for k, v in mor.items()}, default=None, return_dtype=pl.Float64)
            .alias("median_odds_ratio")
        )
    casemix = pl.concat(casemix_frames, how="diagonal_relaxed") if casemix_frames else pl.DataFrame()
    names = display_names(con)
    if values.height:
        named = pl.DataFrame(
            [(level, code, name) for level, codes in names.items() for code, name in codes.items()],
            schema={"level": pl.Utf8, "code": pl.Utf8, "name": pl.Utf8},
            orient="row",
        )
        values = values.join(named, on=["level", "code"], how="left", maintain_order="left").with_columns(
            pl.col("name").fill_null(pl.col("code"))
        )
    if casemix.height:
        casemix = casemix.with_columns(
            pl.col("code").replace_strict(names["area"], default=pl.col("code")).alias("name")
        )
    return Atlas(as_of, chosen, values, var, casemix, notes)


def variation_of(values: pl.DataFrame) -> pl.DataFrame:
    """FT, FT2, CV and SCV of ``values`` (``_variation``): for ``privacy.protect``, over the rows it shows."""
    return _variation(values) if values.height else pl.DataFrame()


__all__ = ["LEVELS", "Atlas", "build_atlas", "variation_of"]
