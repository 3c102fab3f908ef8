"""Norwegian geography for residence and oversight: RHF → HF → referral area → municipality / city district.

Read with the csv module from the files in ``reference/data`` (sources in ATTRIBUTION.md) and cached, so every
function below parses its file once per process. All codes are strings with their leading zeros.

Codes we invent are short, stable and ASCII, and the database and demo depend on them, so never rename one:

- regions (RHF): ``HSO`` Helse Sør-Øst, ``HV`` Helse Vest, ``HMN`` Helse Midt-Norge, ``HN`` Helse Nord;
- health trusts (HF): the slug of SKDE's name, ``helse-bergen-hf``, ``oslo-universitetssykehus-hf``,
  ``lovisenberg-diakonale-sykehus`` (the two private hospitals with an Oslo catchment area count as trusts here);
- referral areas (opptaksområder): the slug of SKDE's short name, ``bergen``, ``ous``, ``st-olav``, ``more-og-romsdal``.

Referral areas are SKDE's adult mental-health areas (2025), which the shared data takes as the default for TSB too.
Oslo is split between four areas by city district. A resident of Oslo whose district is unknown belongs to the
OUS area: SKDE maps "030199 Uoppgitt bydel Oslo" there, and ``referral_area_for("0301")`` does the same.
Bergen, Stavanger and Trondheim have districts too, but each lies wholly in one area.
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

MUNICIPALITIES_FILE = "kommuner_2024.csv"
COUNTIES_FILE = "fylker_2024.csv"
DISTRICTS_FILE = "bydeler_2024.csv"
AREA_MAPPING_FILE = "skde_opptaksomraader_voksenpsykiatri_2025_kommune_bydel.csv"
AREAS_FILE = "skde_opptaksomraader_hf_rhf_2025.csv"
RECODING_FILE = "kommune_omkoding_til_2024_grenser_2015_2024.csv"
RECODING_YEARS = range(2015, 2025)


def slug(text: str) -> str:
    """ASCII slug of a Norwegian name: ``Møre og Romsdal`` → ``more-og-romsdal``, ``St. Olav`` → ``st-olav``."""
    text = text.replace("ø", "o").replace("Ø", "O").replace("æ", "ae").replace("Æ", "Ae").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def rows(name: str) -> Iterator[dict[str, str]]:
    """The rows of one CSV file in ``reference/data``."""
    with resources.files("helhet.reference").joinpath("data", name).open(encoding="utf-8") as fh:
        yield from csv.DictReader(fh)


@dataclass(frozen=True)
class Region:
    """A regional health authority (RHF)."""

    code: str
    name: str


@dataclass(frozen=True)
class HealthTrust:
    """A health trust (HF), or a private hospital with a catchment area (Lovisenberg, Diakonhjemmet)."""

    code: str
    name: str
    rhf_code: str


@dataclass(frozen=True)
class ReferralArea:
    """An opptaksområde; populations are on 1 Jan 2024 (Oslo residents with unknown district left out)."""

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
    name: str  # official, with Sami or Kven forms: "Oslo-Oslove"
    short_name: str  # Norwegian form for display: "Oslo"
    county_number: str
    population: int  # 1 Jan 2024
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
#: hyphenated Norwegian names that are one name, not parallel forms ("Nord-Fron", "Aurskog-Høland")
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
    """The 21 referral areas, in SKDE's order (by region, then name)."""
    return [
        ReferralArea(
            code=slug(r["opptaksomraade"]),
            name=r["opptaksomraade"],
            hf_code=slug(r["helseforetak"]),
            rhf_code=REGION_CODES[r["rhf"]],
            population=int(r["folketall_2024"]),
            population_18plus=int(r["folketall_18pluss_2024"]),
        )
        for r in rows(AREAS_FILE)
    ]


@cache
def _areas() -> dict[str, ReferralArea]:
    return {a.code: a for a in referral_areas()}


def referral_area(code: str) -> ReferralArea:
    """One referral area by its code (``bergen``)."""
    try:
        return _areas()[code]
    except KeyError:
        raise KeyError(f"no referral area {code!r}; the codes are {', '.join(sorted(_areas()))}") from None


@cache
def health_trusts() -> list[HealthTrust]:
    seen: dict[str, HealthTrust] = {}
    for r in rows(AREAS_FILE):
        code = slug(r["helseforetak"])
        seen.setdefault(code, HealthTrust(code, r["helseforetak"], REGION_CODES[r["rhf"]]))
    return list(seen.values())


@cache
def counties() -> list[County]:
    return [County(r["fylkesnummer"], r["fylkesnavn"]) for r in rows(COUNTIES_FILE)]


@cache
def _area_by_code() -> dict[str, str]:
    """kommunenummer or Oslo bydelsnummer → referral area code (SKDE's table, one row per code)."""
    return {r["kode"]: slug(r["opptaksomraade"]) for r in rows(AREA_MAPPING_FILE)}


@cache
def municipalities() -> dict[str, Municipality]:
    """The 357 municipalities of 2024 by kommunenummer."""
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
        for r in rows(MUNICIPALITIES_FILE)
    }


@cache
def city_districts() -> list[CityDistrict]:
    """The 38 city districts of Oslo, Stavanger, Bergen and Trondheim (unknown district, 030199, not listed)."""
    return [
        CityDistrict(
            number=r["bydelsnummer"],
            name=r["bydelsnavn"],
            kommunenummer=r["kommunenummer"],
            referral_area_code=slug(r["skde_opptaksomraade_voksenpsyk_2025"]),
        )
        for r in rows(DISTRICTS_FILE)
    ]


def municipality(number: str) -> Municipality:
    """One municipality by its 2024 kommunenummer; a KeyError says why a number is not one."""
    try:
        return municipalities()[number]
    except KeyError:
        raise KeyError(_not_a_municipality(number)) from None


def _not_a_municipality(number: object) -> str:
    message = f"no municipality {number!r} in the 2024 list of 357"
    if not isinstance(number, str):
        return f"{message}: kommunenummer is a string with its leading zero, e.g. '0301'"
    if number.isdigit() and len(number) == 3:
        return f"{message}: did you mean {number.zfill(4)!r}? (keep the leading zero)"
    if len(number) == 6 and number[:4] in municipalities():
        return f"{message}: {number!r} looks like a bydelsnummer in {number[:4]}"
    for year in reversed(RECODING_YEARS):
        new = _recoding().get((year, number))
        if new:
            codes = " and ".join(code for code, _ in new)
            return f"{message}: {number!r} was a number in {year}; recode_to_2024({year}, {number!r}) gives {codes}"
    return message


def home_area_code(kommune: Municipality) -> str:
    """The referral area a municipality's residents count in when their district is not known: its own, or OUS for
    Oslo (split by district; SKDE maps "uoppgitt bydel" to OUS). Every table that rolls municipalities up to areas
    (the atlas geography, its suppression parents, the dissolved maps) takes the area from here."""
    return kommune.referral_area_code or OSLO_UNKNOWN_DISTRICT_AREA


def referral_area_for(kommunenummer: str, bydelsnummer: str | None = None) -> ReferralArea:
    """The referral area of a residence.

    The district decides only in Oslo. An Oslo resident with no district, or one not in SKDE's table, belongs to
    OUS (SKDE's own rule for "uoppgitt bydel"). A district elsewhere is checked to lie in the municipality and then
    ignored, since Bergen, Stavanger and Trondheim each lie in one area.
    """
    kommune = municipality(kommunenummer)
    if bydelsnummer and bydelsnummer[:4] != kommunenummer:
        raise ValueError(f"bydelsnummer {bydelsnummer!r} does not lie in municipality {kommunenummer!r}")
    code = kommune.referral_area_code
    if code is None:
        code = _area_by_code().get(bydelsnummer or "", OSLO_UNKNOWN_DISTRICT_AREA)
    return _areas()[code]


@cache
def _recoding() -> dict[tuple[int, str], list[tuple[str, float]]]:
    table: dict[tuple[int, str], list[tuple[str, float]]] = {}
    for r in rows(RECODING_FILE):
        table.setdefault((int(r["aar"]), r["kommunenummer_opprinnelig"]), []).append(
            (r["kommunenummer_2024"], float(r["vekt"]))
        )
    return table


def recode_to_2024(year: int, old_number: str) -> list[tuple[str, float]]:
    """2024 municipality number(s) and weights for a number used in ``year`` (2015–2024).

    Weights below 1 mark a municipality later split; they sum to 1 and are csdata's approximations (Ålesund and
    Haram 0.5 each). For 2023 both the old and the new (2024) numbers are accepted. Years after 2024 have 2024
    borders, so a current number maps to itself.
    """
    if year > RECODING_YEARS[-1] and old_number in municipalities():
        return [(old_number, 1.0)]
    try:
        return list(_recoding()[(year, old_number)])
    except KeyError:
        if year not in RECODING_YEARS:
            raise KeyError(f"cannot recode {old_number!r} from {year}: the table covers 2015–2024") from None
        raise KeyError(f"municipality {old_number!r} is not known for {year}") from None
