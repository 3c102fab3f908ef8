"""Adult population by municipality (and Oslo district), sex, age group and year, from SSB via reference data.

Five-year groups: 15–19 counts 2/5 towards adults (18 and 19), the rest of the groups from 20 on count whole.
Standard population for direct standardisation: the national adult population of the chosen year.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import polars as pl

AGE_BANDS = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")
_GROUP_TO_BAND = {
    "015_019": ("18-24", 0.4),
    "020_024": ("18-24", 1.0),
    "025_029": ("25-34", 1.0),
    "030_034": ("25-34", 1.0),
    "035_039": ("35-44", 1.0),
    "040_044": ("35-44", 1.0),
    "045_049": ("45-54", 1.0),
    "050_054": ("45-54", 1.0),
    "055_059": ("55-64", 1.0),
    "060_064": ("55-64", 1.0),
}


def _band(group: str) -> tuple[str, float] | None:
    if group in _GROUP_TO_BAND:
        return _GROUP_TO_BAND[group]
    lower = int(group[:3])
    return ("65+", 1.0) if lower >= 65 else None


@cache
def adult_population() -> pl.DataFrame:
    """Columns: year, level (kommune/bydel/land), code, sex, age_band, persons (18 and over)."""
    path = resources.files("helhet.reference").joinpath("data", "befolkning_kjonn_5arsgrupper_2015_2026.csv")
    with path.open("rb") as fh:
        raw = pl.read_csv(fh, schema_overrides={"kode": pl.Utf8, "aldersgruppe": pl.Utf8})
    mapping = [(group, *band) for group in raw["aldersgruppe"].unique().to_list() if (band := _band(group)) is not None]
    bands = pl.DataFrame(mapping, schema=["aldersgruppe", "age_band", "weight"], orient="row")
    return (
        raw.join(bands, on="aldersgruppe")
        .with_columns(
            (pl.col("personer_1jan") * pl.col("weight")).alias("persons"),
            pl.col("kjonn").replace({"mann": "male", "kvinne": "female"}).alias("sex"),
        )
        .group_by("aar", "nivaa", "kode", "sex", "age_band")
        .agg(pl.col("persons").sum())
        .rename({"aar": "year", "nivaa": "level", "kode": "code"})
    )


def age_band(age: int) -> str:
    for band in AGE_BANDS[:-1]:
        low, high = (int(x) for x in band.split("-"))
        if low <= age <= high:
            return band
    return "65+" if age >= 65 else "under 18"
