"""What every atlas output may show: `protect` applies the suppression rules to an ``Atlas`` before the pages,
the report or an export see it (issue 6 §4, DOMAIN.md).

``build_atlas`` marks the rows with counts 1-4 (``suppressed``) and one more row of a level when only one is
marked there. `protect` adds what a reader could still work out:

- every figure of a suppressed row is hidden, not only its counts: a rate with its population, a DSR and its
  limits, a median, p90 or mean of a handful of persons, a funnel flag. Only the row's keys, its name, its
  population (public, from SSB) and the funnel's over-dispersion factor (one number for the whole funnel) stay;
- secondary suppression within each parent: when only one row under a shown parent is suppressed
  (municipality in its referral area, area in its HF, HF in its RHF, RHF and unit in Norway), the parent's
  total minus its other rows would give it, so the smallest other row there with a count is suppressed too,
  repeated until no parent has a single suppressed row;
- case-mix O/E rows follow the area's row of the same indicator and year, and are suppressed themselves when
  their observed or trial counts are 1-4.

`protect` is idempotent and cheap (tens of thousands of rows), so each output calls it.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import polars as pl

from helhet import reference
from helhet.analytics.atlas import SMALL, Atlas, variation_of

#: the columns a suppressed row keeps; every other column is hidden
KEPT = ("indicator", "level", "code", "year", "name", "suppressed", "population", "phi")
NATIONAL = "NO"
KEYS = ["indicator", "level", "code", "year"]


@cache
def parents() -> pl.DataFrame:
    """The parent (level and code) whose total contains each municipality, area, HF, RHF and unit's counts."""
    rows = [("rhf", r.code, "national", NATIONAL) for r in reference.regions()]
    rows += [("hf", t.code, "rhf", t.rhf_code) for t in reference.health_trusts()]
    rows += [("area", a.code, "hf", a.hf_code) for a in reference.referral_areas()]
    rows += [
        ("municipality", m.number, "area", reference.home_area_code(m)) for m in reference.municipalities().values()
    ]
    schema = {"level": pl.Utf8, "code": pl.Utf8, "parent_level": pl.Utf8, "parent_code": pl.Utf8}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _with_parents(values: pl.DataFrame) -> pl.DataFrame:
    joined = values.join(parents(), on=["level", "code"], how="left", maintain_order="left")
    unit = pl.col("level") == "unit"  # units are treated by a trust, not resident in one: their total is Norway's
    return joined.with_columns(
        pl.when(unit).then(pl.lit("national")).otherwise(pl.col("parent_level")).alias("parent_level"),
        pl.when(unit).then(pl.lit(NATIONAL)).otherwise(pl.col("parent_code")).alias("parent_code"),
    )


def secondary_suppression(values: pl.DataFrame) -> pl.DataFrame:
    """Mark one more row under every shown parent that has exactly one suppressed row, until none has."""
    if values.height == 0 or "suppressed" not in values.columns:
        return values
    frame = _with_parents(values.with_row_index("_row"))
    group = ["indicator", "year", "parent_level", "parent_code"]
    for _ in range(10):  # each pass suppresses rows further from the first; a few passes settle every store
        shown_parents = frame.filter(~pl.col("suppressed")).select(
            pl.col("indicator"),
            pl.col("year"),
            pl.col("level").alias("parent_level"),
            pl.col("code").alias("parent_code"),
            pl.lit(True).alias("_parent_shown"),
        )
        counted = (
            frame.filter(pl.col("parent_code").is_not_null())
            .join(shown_parents, on=group, how="left")
            .filter(pl.col("_parent_shown").fill_null(False))
            .with_columns(pl.col("suppressed").sum().over(group).alias("_hidden"))
        )
        candidates = counted.filter((pl.col("_hidden") == 1) & ~pl.col("suppressed") & (pl.col("n") > 0))
        chosen = candidates.sort("n", "code").group_by(group).first()["_row"]
        if chosen.len() == 0:
            break
        frame = frame.with_columns((pl.col("suppressed") | pl.col("_row").is_in(chosen.implode())).alias("suppressed"))
    return frame.drop("_row", "parent_level", "parent_code")


def _hide(frame: pl.DataFrame) -> pl.DataFrame:
    hidden = [c for c in frame.columns if c not in KEPT]
    return frame.with_columns([pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(c)).alias(c) for c in hidden])


def _protect_casemix(casemix: pl.DataFrame, values: pl.DataFrame) -> pl.DataFrame:
    if casemix.height == 0:
        return casemix
    small = lambda c: (pl.col(c) > 0) & (pl.col(c) < SMALL)  # noqa: E731
    own = small("observed").fill_null(False) | small("trials").fill_null(False)
    if values.height and "suppressed" in values.columns:
        area_rows = values.filter(pl.col("level") == "area").select(
            *KEYS, pl.col("suppressed").alias("_area_suppressed")
        )
        casemix = casemix.join(area_rows, on=KEYS, how="left", maintain_order="left")
        own = own | pl.col("_area_suppressed").fill_null(False)
    previous = pl.col("suppressed").fill_null(False) if "suppressed" in casemix.columns else pl.lit(False)
    marked = casemix.with_columns((own | previous).alias("suppressed"))
    return _hide(marked.drop("_area_suppressed", strict=False))


def protect(atlas: Atlas) -> Atlas:
    """The atlas as any output may show it: every figure of a suppressed row hidden, secondary suppression
    within parents, case-mix rows suppressed with their areas."""
    values = atlas.values
    variation = atlas.variation
    if values.height and "suppressed" in values.columns:
        values = _hide(secondary_suppression(values))
        # the variation measures over the rows shown: FT and FT2 of the extremes would otherwise bound a row that
        # secondary suppression hid here; the median odds ratio (of the model, not of rows) is kept
        variation = variation_of(values)
        if variation.height and "median_odds_ratio" in atlas.variation.columns:
            mor = atlas.variation.select("indicator", "level", "year", "median_odds_ratio")
            variation = variation.join(mor, on=["indicator", "level", "year"], how="left", maintain_order="left")
    return replace(atlas, values=values, variation=variation, casemix=_protect_casemix(atlas.casemix, values))


__all__ = ["protect", "secondary_suppression"]
