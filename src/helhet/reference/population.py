"""Population on 1 January by sex and five-year age group, for rates and age/sex standardisation.

The data are SSB's (statbank 07459 and 10826), harmonised to 2024 borders by FHI's csdata, as shipped in
``reference/data/befolkning_kjonn_5arsgrupper_2020_2026.csv``: the years 2020–2026 and the levels ``land`` (code
``"0"``), ``kommune`` (kommunenummer) and ``bydel`` (bydelsnummer of Oslo, Bergen, Stavanger and Trondheim). That
file is derived from the shared 2015–2026 file, which also has counties; ATTRIBUTION.md says how.

Adults are 18 and over. The file has five-year groups, so the group 15–19 counts with 2/5 of its persons (ages 18
and 19, assuming the five ages are equally large) and every group from 20–24 up counts whole; the sum is rounded to
the nearest person. Against SKDE's exact single-year count for 2024 this is off by well under 0.5 %.

Each (year, level) is read once per process and cached; only the lines of that year and level are split.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal, get_args

POPULATION_FILE = "befolkning_kjonn_5arsgrupper_2020_2026.csv"
HEADER = "aar,nivaa,kode,kjonn,aldersgruppe,personer_1jan"
YEARS = range(2020, 2027)
NATIONAL_CODE = "0"

Level = Literal["land", "kommune", "bydel"]
Sex = Literal["male", "female"]
LEVELS: tuple[Level, ...] = get_args(Level)
_SEX: dict[str, Sex] = {"mann": "male", "kvinne": "female"}
_LEVEL_BY_CODE_LENGTH: dict[int, Level] = {1: "land", 4: "kommune", 6: "bydel"}

AGE_GROUPS = (*(f"{low:03d}_{low + 4:03d}" for low in range(0, 90, 5)), "090_plus")
#: share of each age group that is 18 or over: 2/5 of 15–19 (ages 18 and 19), all of 20–24 and up
ADULT_SHARE: dict[str, float] = {group: (0.4 if group == "015_019" else 1.0) for group in AGE_GROUPS[3:]}


@dataclass(frozen=True)
class PopulationCell:
    code: str  # "0" for the country, a kommunenummer or a bydelsnummer
    sex: Sex
    age_group: str  # "000_004" … "085_089", "090_plus"
    persons: int


def population(year: int, level: Level) -> list[PopulationCell]:
    """The population of ``year`` at one level, one cell per code, sex and age group (38 cells per code)."""
    return list(_cells(year, level))


@cache
def _cells(year: int, level: Level) -> tuple[PopulationCell, ...]:
    if year not in YEARS:
        raise ValueError(f"year={year!r}: population is shipped for {YEARS[0]}–{YEARS[-1]}")
    if level not in LEVELS:
        raise ValueError(f"level={level!r}: must be one of {', '.join(LEVELS)}")
    prefix = f"{year},{level},"
    cells: list[PopulationCell] = []
    with resources.files("helhet.reference").joinpath("data", POPULATION_FILE).open(encoding="utf-8") as fh:
        if (header := fh.readline().strip()) != HEADER:
            raise ValueError(f"{POPULATION_FILE}: unexpected header {header!r}")
        # no field is quoted (codes and group names only), so a plain split is safe and much faster than csv
        for line in fh:
            if line.startswith(prefix):
                _, _, code, kjonn, group, persons = line.rstrip("\n").split(",")
                cells.append(PopulationCell(code, _SEX[kjonn], group, int(persons)))
    return tuple(cells)


def national_standard_population(year: int) -> dict[tuple[Sex, str], int]:
    """Norway's population of ``year`` by (sex, age group): the standard for direct standardisation."""
    return {(c.sex, c.age_group): c.persons for c in _cells(year, "land")}


def adults(year: int, code: str) -> int:
    """Persons 18 and over in ``year`` in the country (``"0"``), a municipality or a city district."""
    level = _LEVEL_BY_CODE_LENGTH.get(len(code))
    if level is None:
        raise KeyError(f"code={code!r}: expected '0' (Norway), a 4-digit kommunenummer or a 6-digit bydelsnummer")
    try:
        return _adults(year, level)[code]
    except KeyError:
        raise KeyError(f"code={code!r}: no {level} with that number in the population of {year}") from None


@cache
def _adults(year: int, level: Level) -> dict[str, int]:
    weighted: dict[str, float] = {}
    for c in _cells(year, level):
        share = ADULT_SHARE.get(c.age_group, 0.0)
        weighted[c.code] = weighted.get(c.code, 0.0) + share * c.persons
    return {code: round(persons) for code, persons in weighted.items()}
