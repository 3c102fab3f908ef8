"""Norwegian geography for residence and oversight: RHF → HF → referral area → municipality / city district.

Read from the CSV files in ``reference/data`` (see ATTRIBUTION.md). Codes we invent are short, stable and
ASCII: regions ``HSO``, ``HV``, ``HMN``, ``HN``; health trusts and referral areas are slugs of their names
(``helse-bergen-hf``, ``bergen``). Oslo is split between four areas by city district; a resident of Oslo
whose district is unknown is placed in the OUS area (project default, documented in ATTRIBUTION.md).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

REGION_CODES = {"Helse Sør-Øst": "HSO", "Helse Vest": "HV", "Helse Midt-Norge": "HMN", "Helse Nord": "HN"}
OSLO = "0301"
OSLO_UNKNOWN_DISTRICT_AREA = "ous"


def slug(text: str) -> str:
    text = text.replace("ø", "o").replace("Ø", "O").replace("æ", "ae").replace("Æ", "Ae").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def rows(name: str) -> Iterator[dict[str, str]]:
    with resources.files("helhet.reference").joinpath("data", name).open(encoding="utf-8") as fh:
        yield from csv.DictReader(fh)


@dataclass(frozen=True)
class Region:
    code: str
    name: str


@dataclass(frozen=True)
class HealthTrust:
    code: str
    name: str
    rhf_code: str


@dataclass(frozen=True)
class ReferralArea:
    code: str
    name: str
    hf_code: str
    rhf_code: str
    population: int
    population_18plus: int


@dataclass(frozen=True)
class County:
    number: str
    name: str


@dataclass(frozen=True)
class Municipality:
    number: str
    name: str
    short_name: str
    county_number: str
    population: int
    referral_area_code: str | None  # None when split by city district (Oslo)


@dataclass(frozen=True)
class CityDistrict:
    number: str
    name: str
    kommunenummer: str
    referral_area_code: str


#: official names whose Norwegian form is not the first part
NORWEGIAN_FORM = {
    "Snåase-Snåsa": "Snåsa",
    "Raarvihke-Røyrvik": "Røyrvik",
    "Loabák-Lavangen": "Lavangen",
    "Gáivuotna-Kåfjord-Kaivuono": "Kåfjord",
    "Kárášjohka-Karasjok": "Karasjok",
    "Guovdageaidnu-Kautokeino": "Kautokeino",
    "Deatnu-Tana": "Tana",
    "Unjárga-Nesseby": "Nesseby",
}
COMPOUND_PREFIXES = ("Nord-", "Sør-", "Stor-", "Midt-", "Aurskog-")


def short_name(official: str) -> str:
    """The Norwegian form of an official name with Sami or Kven forms (``Oslo-Oslove`` → ``Oslo``)."""
    if official in NORWEGIAN_FORM:
        return NORWEGIAN_FORM[official]
    if "-" not in official or official.startswith(COMPOUND_PREFIXES):
        return official
    return official.split("-")[0]


@cache
def regions() -> list[Region]:
    return [Region(code, name) for name, code in REGION_CODES.items()]


@cache
def referral_areas() -> list[ReferralArea]:
    return [
        ReferralArea(
            code=slug(r["opptaksomraade"]),
            name=r["opptaksomraade"],
            hf_code=slug(r["helseforetak"]),
            rhf_code=REGION_CODES[r["rhf"]],
            population=int(r["folketall_2024"]),
            population_18plus=int(r["folketall_18pluss_2024"]),
        )
        for r in rows("skde_opptaksomraader_hf_rhf_2025.csv")
    ]


@cache
def health_trusts() -> list[HealthTrust]:
    seen: dict[str, HealthTrust] = {}
    for r in rows("skde_opptaksomraader_hf_rhf_2025.csv"):
        code = slug(r["helseforetak"])
        seen.setdefault(code, HealthTrust(code, r["helseforetak"], REGION_CODES[r["rhf"]]))
    return list(seen.values())


@cache
def counties() -> list[County]:
    return [County(r["fylkesnummer"], r["fylkesnavn"]) for r in rows("fylker_2024.csv")]


@cache
def _area_by_code() -> dict[str, str]:
    """kommunenummer or bydelsnummer → referral area code."""
    return {
        r["kode"]: slug(r["opptaksomraade"])
        for r in rows("skde_opptaksomraader_voksenpsykiatri_2025_kommune_bydel.csv")
    }


@cache
def municipalities() -> dict[str, Municipality]:
    areas = _area_by_code()
    return {
        r["kommunenummer"]: Municipality(
            number=r["kommunenummer"],
            name=r["kommunenavn"],
            short_name=short_name(r["kommunenavn"]),
            county_number=r["fylkesnummer"],
            population=int(r["folketall_2024_01_01"]),
            referral_area_code=areas.get(r["kommunenummer"]),
        )
        for r in rows("kommuner_2024.csv")
    }


@cache
def city_districts() -> list[CityDistrict]:
    return [
        CityDistrict(
            number=r["bydelsnummer"],
            name=r["bydelsnavn"],
            kommunenummer=r["kommunenummer"],
            referral_area_code=slug(r["skde_opptaksomraade_voksenpsyk_2025"]),
        )
        for r in rows("bydeler_2024.csv")
    ]


def municipality(number: str) -> Municipality:
    try:
        return municipalities()[number]
    except KeyError:
        raise KeyError(f"no municipality {number!r} in the 2024 list (357 municipalities)") from None


def referral_area_for(kommunenummer: str, bydelsnummer: str | None = None) -> ReferralArea:
    by_code = {a.code: a for a in referral_areas()}
    areas = _area_by_code()
    if bydelsnummer and bydelsnummer in areas:
        return by_code[areas[bydelsnummer]]
    code = municipality(kommunenummer).referral_area_code
    if code is None:
        code = OSLO_UNKNOWN_DISTRICT_AREA
    return by_code[code]


@cache
def _recoding() -> dict[tuple[int, str], list[tuple[str, float]]]:
    table: dict[tuple[int, str], list[tuple[str, float]]] = {}
    for r in rows("kommune_omkoding_til_2024_grenser_2015_2024.csv"):
        table.setdefault((int(r["aar"]), r["kommunenummer_opprinnelig"]), []).append(
            (r["kommunenummer_2024"], float(r["vekt"]))
        )
    return table


def recode_to_2024(year: int, old_number: str) -> list[tuple[str, float]]:
    """2024 municipality number(s) and weights for a number used in ``year`` (weights < 1 mark splits)."""
    try:
        return _recoding()[(year, old_number)]
    except KeyError:
        raise KeyError(f"municipality {old_number!r} is not known for {year}") from None
