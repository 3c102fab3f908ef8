"""Suppression in what the atlas outputs (issue 6 §4): no figure of a suppressed row, secondary suppression
within each parent, case-mix rows with their areas, in the exports and the report alike."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from helhet.analytics import queries
from helhet.analytics.atlas import build_atlas
from helhet.analytics.privacy import KEPT, protect
from helhet.analytics.report import export_tables, render_html
from tests.analytics.store_builder import StoreBuilder

AS_OF = date(2025, 1, 1)


def row(frame: pl.DataFrame, indicator: str, level: str, code: str, year: int = 2024) -> dict[str, object]:
    found = frame.filter(
        (pl.col("indicator") == indicator)
        & (pl.col("level") == level)
        & (pl.col("code") == code)
        & (pl.col("year") == year)
    )
    assert found.height == 1, found
    return found.row(0, named=True)


def store(tmp_path: Path, counts: dict[str, int]) -> Path:
    b = StoreBuilder()
    unit = b.unit()
    for municipality, count in counts.items():
        for i in range(count):
            b.referral(unit, municipality=municipality, start_after=10 + 3 * i)
    return b.write(tmp_path / "store")


def test_a_suppressed_row_shows_no_figure_at_all(tmp_path: Path) -> None:
    # Kinn: 3 referrals (suppressed), Sogndal 12 (secondary), Bergen 30
    folder = store(tmp_path, {"4601": 30, "4602": 3, "4640": 12})
    atlas = protect(build_atlas(queries.connect(folder), AS_OF, ["new_referrals", "waiting_days", "rights_granted"]))
    for indicator in ("new_referrals", "waiting_days", "rights_granted"):
        kinn = row(atlas.values, indicator, "municipality", "4602")
        assert kinn["suppressed"]
        shown = {c: v for c, v in kinn.items() if c not in KEPT and v is not None}
        assert shown == {}, f"{indicator}: {shown}"  # rate x population, the median of 3 waits, flags: none
    bergen = row(atlas.values, "new_referrals", "municipality", "4601")
    assert bergen["rate"] is not None and bergen["dsr"] is not None
    assert row(atlas.values, "waiting_days", "municipality", "4601")["median"] is not None


def test_the_parent_total_cannot_reveal_a_suppressed_municipality(tmp_path: Path) -> None:
    # Kinn (3) and Sogndal (30) make up the Førde area (33); Askøy (2) is suppressed in the Bergen area, so the
    # level has two suppressed rows and the national rule adds none: Førde's 33 - Sogndal's 30 would give Kinn's 3.
    folder = store(tmp_path, {"4601": 40, "4627": 2, "4602": 3, "4640": 30})
    atlas = protect(build_atlas(queries.connect(folder), AS_OF, ["rights_granted"]))
    assert row(atlas.values, "rights_granted", "area", "forde")["n"] == 33
    assert row(atlas.values, "rights_granted", "municipality", "4602")["suppressed"]
    assert row(atlas.values, "rights_granted", "municipality", "4640")["suppressed"]  # within Førde
    assert row(atlas.values, "rights_granted", "municipality", "4601")["suppressed"]  # within Bergen
    # and the areas' totals stay shown
    assert row(atlas.values, "rights_granted", "area", "bergen")["n"] == 42


def test_exports_and_report_carry_no_small_count(tmp_path: Path) -> None:
    folder = store(tmp_path, {"4601": 30, "4602": 3, "4627": 12})
    atlas = build_atlas(queries.connect(folder), AS_OF, ["new_referrals", "waiting_days"])
    written = export_tables(atlas, tmp_path / "export", "parquet")
    exported = pl.read_parquet(next(p for p in written if p.name == "indicators.parquet"))
    kinn = exported.filter((pl.col("code") == "4602") & (pl.col("year") == 2024))
    assert kinn.height == 2 and kinn["suppressed"].all()
    for column in ("rate", "dsr", "dsr_lower", "median", "p90", "mean"):
        assert kinn[column].null_count() == kinn.height, column
    rate = row(atlas.values, "new_referrals", "area", "forde")["dsr"]  # Førde is Kinn alone: 3 referrals
    assert rate is not None  # what build_atlas alone leaves in the frame
    html = render_html(atlas)
    assert f"{rate:.6g}"[:6] not in html and "Førde" in html


def test_casemix_rows_follow_their_area(tmp_path: Path) -> None:
    casemix = pl.DataFrame(
        {
            "code": ["bergen", "forde", "fonna"],
            "observed": [40, 3, 20],
            "expected": [38.0, 2.5, 21.0],
            "trials": [60, 8, 30],
            "oe": [40 / 38, 3 / 2.5, 20 / 21],
            "year": [2024, 2024, 2024],
            "indicator": ["wish_concordance"] * 3,
            "level": ["area"] * 3,
        }
    )
    folder = store(tmp_path, {"4601": 30})
    atlas = build_atlas(queries.connect(folder), AS_OF, ["rights_granted"])
    protected = protect(atlas.__class__(atlas.as_of, atlas.indicators, atlas.values, atlas.variation, casemix))
    forde = protected.casemix.filter(pl.col("code") == "forde").row(0, named=True)
    assert forde["suppressed"] and forde["observed"] is None and forde["oe"] is None and forde["expected"] is None
    bergen = protected.casemix.filter(pl.col("code") == "bergen").row(0, named=True)
    assert not bergen["suppressed"] and bergen["observed"] == 40


def test_variation_is_measured_over_the_rows_shown(tmp_path: Path) -> None:
    """FT (highest/lowest) over rows that secondary suppression hid would bound them: after ``protect`` the
    variation measures are those of the shown rows only."""
    counts = {"4601": 40, "4627": 2, "4602": 3, "4640": 30, "1103": 50, "5001": 60, "1804": 45, "5501": 35}
    folder = store(tmp_path, counts)
    raw = build_atlas(queries.connect(folder), AS_OF, ["new_referrals"])
    atlas = protect(raw)
    municipalities = atlas.values.filter((pl.col("level") == "municipality") & (pl.col("year") == 2024))
    shown = municipalities.filter(pl.col("value").is_not_null())["value"].to_list()
    assert len(shown) == 4  # Bergen and Sogndal hidden within their areas, Askøy and Kinn small
    measures = atlas.variation.filter((pl.col("level") == "municipality") & (pl.col("year") == 2024)).row(0, named=True)
    assert measures["areas"] == 4
    assert measures["ft"] == max(shown) / min(shown)
    before = raw.variation.filter((pl.col("level") == "municipality") & (pl.col("year") == 2024)).row(0, named=True)
    assert before["areas"] == 6  # build_atlas alone had not hidden Bergen and Sogndal
