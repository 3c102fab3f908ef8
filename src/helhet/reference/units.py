"""Levels of care, kinds of unit, and the seed catalogue of units (editable by an admin once loaded).

TSB units are generated per health trust (assessment unit, outpatient clinic with ambulant/FACT work, detox,
inpatient and LAR); contracted private/non-profit providers are listed per region from DOMAIN.md §9. The
provider list is illustrative (contracts change; DOMAIN.md marks it volatile), not a register.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from helhet.reference.geography import health_trusts, municipality, slug


class CareLevel(StrEnum):
    DETOX = "detox"
    OUTPATIENT = "outpatient"
    AMBULANT = "ambulant"  # ACT / FACT teams
    DAY = "day"
    INPATIENT_SHORT = "inpatient_short"
    INPATIENT_LONG = "inpatient_long"
    USER_CONTROLLED_BED = "user_controlled_bed"
    LAR = "lar"


#: levels after which discharge counts as discharge from inpatient care (follow-up within 7 days, crisis plan);
#: detox is a 24-hour stay here, so it counts too
INPATIENT_LEVELS = frozenset(
    {CareLevel.DETOX, CareLevel.INPATIENT_SHORT, CareLevel.INPATIENT_LONG, CareLevel.USER_CONTROLLED_BED}
)


def is_inpatient(level: CareLevel | str) -> bool:
    return CareLevel(level) in INPATIENT_LEVELS


class UnitKind(StrEnum):
    TSB_UNIT = "tsb_unit"
    PRIVATE_PROVIDER = "private_provider"
    ASSESSMENT_UNIT = "assessment_unit"  # vurderingsinstans
    MUNICIPAL_SERVICE = "municipal_service"  # psykisk helse og rus / rustjeneste
    NAV = "nav"
    HOUSING_OFFICE = "housing_office"
    GP = "gp"
    COORDINATING_UNIT = "coordinating_unit"  # koordinerende enhet


MUNICIPAL_KINDS = frozenset(
    {
        UnitKind.MUNICIPAL_SERVICE,
        UnitKind.NAV,
        UnitKind.HOUSING_OFFICE,
        UnitKind.GP,
        UnitKind.COORDINATING_UNIT,
    }
)


@dataclass(frozen=True)
class UnitSeed:
    code: str
    name: str
    kind: UnitKind
    hf_code: str | None
    rhf_code: str | None
    kommunenummer: str | None
    levels: tuple[CareLevel, ...]


L = CareLevel
ALL_TSB = tuple(CareLevel)
LARGE_TRUST_ADULTS = 250_000

PRIVATE_PROVIDERS: dict[str, list[tuple[str, tuple[CareLevel, ...]]]] = {
    "HSO": [
        ("Tyrilistiftelsen", (L.INPATIENT_LONG, L.INPATIENT_SHORT)),
        ("Blå Kors klinikk Skien", (L.INPATIENT_SHORT, L.INPATIENT_LONG, L.DETOX)),
        ("A-senteret, Kirkens Bymisjon", (L.DETOX, L.INPATIENT_SHORT)),
        ("Stiftelsen Fekjær", (L.INPATIENT_LONG,)),
        ("Stiftelsen Trasoppklinikken", (L.INPATIENT_SHORT, L.OUTPATIENT)),
    ],
    "HV": [
        ("Stiftelsen Bergensklinikkene", (L.DETOX, L.INPATIENT_SHORT, L.OUTPATIENT)),
        ("Kalfaret Behandlingssenter", (L.INPATIENT_LONG,)),
        ("Rogaland A-senter", (L.INPATIENT_SHORT, L.OUTPATIENT)),
    ],
    "HMN": [("Blå Kors behandlingssenter Lade", (L.INPATIENT_SHORT, L.INPATIENT_LONG))],
    "HN": [
        ("Stiftelsen Finnmarkskollektivet", (L.INPATIENT_LONG,)),
        ("Sigma Nord", (L.INPATIENT_SHORT, L.INPATIENT_LONG)),
    ],
}


@cache
def tsb_units() -> list[UnitSeed]:
    """Every health trust's TSB units, then the contracted private providers of each region."""
    from helhet.reference.geography import referral_areas

    adults: dict[str, int] = {}
    for area in referral_areas():
        adults[area.hf_code] = adults.get(area.hf_code, 0) + area.population_18plus
    seeds: list[UnitSeed] = []
    for hf in health_trusts():
        short = hf.name.removesuffix(" HF")

        def unit(suffix: str, name: str, kind: UnitKind, levels: tuple[CareLevel, ...], hf: object = hf) -> UnitSeed:
            return UnitSeed(f"tsb-{hf.code}-{suffix}", name, kind, hf.code, hf.rhf_code, None, levels)  # type: ignore[attr-defined]

        seeds += [
            unit("vurd", f"Vurderingsinstans TSB, {short}", UnitKind.ASSESSMENT_UNIT, ALL_TSB),
            unit(
                "poli",
                f"Poliklinikk rus og avhengighet, {short}",
                UnitKind.TSB_UNIT,
                (L.OUTPATIENT, L.AMBULANT, L.DAY),
            ),
            unit("avrus", f"Avrusning, {short}", UnitKind.TSB_UNIT, (L.DETOX,)),
            unit(
                "dogn",
                f"Døgnbehandling rus, {short}",
                UnitKind.TSB_UNIT,
                (L.INPATIENT_SHORT, L.INPATIENT_LONG, L.USER_CONTROLLED_BED),
            ),
            unit("lar", f"LAR-poliklinikk, {short}", UnitKind.TSB_UNIT, (L.LAR, L.OUTPATIENT)),
        ]
        if adults.get(hf.code, 0) >= LARGE_TRUST_ADULTS:
            seeds.append(unit("fact", f"FACT-team, {short}", UnitKind.TSB_UNIT, (L.AMBULANT,)))
    for rhf_code, providers in PRIVATE_PROVIDERS.items():
        for name, levels in providers:
            seeds.append(UnitSeed(f"priv-{slug(name)}", name, UnitKind.PRIVATE_PROVIDER, None, rhf_code, None, levels))
    return seeds


def municipal_units(kommunenummer: str) -> list[UnitSeed]:
    """The municipal services of one kommune: substance-use/mental-health service, NAV, housing, GP, coordination."""
    kommune = municipality(kommunenummer)
    name = kommune.short_name
    k = kommunenummer
    return [
        UnitSeed(f"kom-{k}-rus", f"Psykisk helse og rus, {name}", UnitKind.MUNICIPAL_SERVICE, None, None, k, ()),
        UnitSeed(f"kom-{k}-nav", f"NAV {name}", UnitKind.NAV, None, None, k, ()),
        UnitSeed(f"kom-{k}-bolig", f"Boligkontoret, {name}", UnitKind.HOUSING_OFFICE, None, None, k, ()),
        UnitSeed(f"kom-{k}-ke", f"Koordinerende enhet, {name}", UnitKind.COORDINATING_UNIT, None, None, k, ()),
        UnitSeed(f"kom-{k}-lege", f"Fastlegekontoret, {name}", UnitKind.GP, None, None, k, ()),
    ]


def units_for_region(rhf_code: str) -> list[UnitSeed]:
    return [u for u in tsb_units() if u.rhf_code == rhf_code]
