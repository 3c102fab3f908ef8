"""Levels of care, kinds of unit, and the seed catalogue of units (loaded into the database, then edited by an admin).

For every health trust (``geography.health_trusts()``, 21 including Lovisenberg and Diakonhjemmet) the catalogue has
an assessment unit (vurderingsinstans), an outpatient clinic (also ambulant and day), a detox unit, an inpatient unit
(short, long and user-controlled beds) and a LAR clinic, plus a FACT team where the trust's areas have at least
250 000 adults. Then come contracted private and non-profit providers per region, taken from DOMAIN.md §9. That
list is illustrative, not a register: contracts are re-tendered and litigated (DOMAIN.md marks it volatile).

Unit codes are stable ASCII slugs; the database, the demo and the synthetic data refer to them, so never rename one:

- ``tsb-<hf>-<kind>``: kind ``vurd``, ``poli``, ``avrus``, ``dogn``, ``lar``, ``fact`` (``tsb-helse-bergen-hf-lar``);
- ``priv-<slug of name>``: private providers (``priv-tyrilistiftelsen``);
- ``kom-<kommunenummer>-<service>``: service ``rus``, ``nav``, ``bolig``, ``ke``, ``lege`` (``kom-0301-nav``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from helhet.reference.geography import REGION_CODES, HealthTrust, health_trusts, municipality, referral_areas, slug


class CareLevel(StrEnum):
    DETOX = "detox"
    OUTPATIENT = "outpatient"
    AMBULANT = "ambulant"  # ACT / FACT teams
    DAY = "day"
    INPATIENT_SHORT = "inpatient_short"
    INPATIENT_LONG = "inpatient_long"
    USER_CONTROLLED_BED = "user_controlled_bed"
    LAR = "lar"


#: Levels whose end is a discharge from a 24-hour stay, so the rules for follow-up after discharge apply (contact
#: within 7 days, crisis plan, next treatment the same day). Detox counts: in TSB it is a 24-hour stay, and the
#: pathway rule "next treatment the same day after inpatient detox" is exactly such a rule. A user-controlled bed
#: counts too: it is a short admission, and the person goes home from it.
INPATIENT_LEVELS = frozenset(
    {CareLevel.DETOX, CareLevel.INPATIENT_SHORT, CareLevel.INPATIENT_LONG, CareLevel.USER_CONTROLLED_BED}
)


def is_inpatient(level: CareLevel | str) -> bool:
    """Whether ``level`` is a 24-hour stay (detox, inpatient short or long, user-controlled bed)."""
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
    """One unit as first loaded; ``hf_code`` and ``rhf_code`` are None where they do not apply."""

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

#: region → (name, levels); illustrative, from DOMAIN.md §9, mostly inpatient as the contracts are
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


def _trust_units(hf: HealthTrust, adults: int) -> list[UnitSeed]:
    short = hf.name.removesuffix(" HF")

    def unit(suffix: str, name: str, kind: UnitKind, levels: tuple[CareLevel, ...]) -> UnitSeed:
        return UnitSeed(f"tsb-{hf.code}-{suffix}", f"{name}, {short}", kind, hf.code, hf.rhf_code, None, levels)

    units = [
        unit("vurd", "Vurderingsinstans TSB", UnitKind.ASSESSMENT_UNIT, ALL_TSB),
        unit("poli", "Poliklinikk rus og avhengighet", UnitKind.TSB_UNIT, (L.OUTPATIENT, L.AMBULANT, L.DAY)),
        unit("avrus", "Avrusning", UnitKind.TSB_UNIT, (L.DETOX,)),
        unit(
            "dogn",
            "Døgnbehandling rus",
            UnitKind.TSB_UNIT,
            (L.INPATIENT_SHORT, L.INPATIENT_LONG, L.USER_CONTROLLED_BED),
        ),
        unit("lar", "LAR-poliklinikk", UnitKind.TSB_UNIT, (L.LAR, L.OUTPATIENT)),
    ]
    if adults >= LARGE_TRUST_ADULTS:
        units.append(unit("fact", "FACT-team", UnitKind.TSB_UNIT, (L.AMBULANT,)))
    return units


@cache
def _tsb_units() -> tuple[UnitSeed, ...]:
    adults: dict[str, int] = {}
    for area in referral_areas():
        adults[area.hf_code] = adults.get(area.hf_code, 0) + area.population_18plus
    seeds: list[UnitSeed] = []
    for hf in health_trusts():
        seeds += _trust_units(hf, adults.get(hf.code, 0))
    for rhf_code, providers in PRIVATE_PROVIDERS.items():
        for name, levels in providers:
            seeds.append(UnitSeed(f"priv-{slug(name)}", name, UnitKind.PRIVATE_PROVIDER, None, rhf_code, None, levels))
    return tuple(seeds)


def tsb_units() -> list[UnitSeed]:
    """Every health trust's TSB units, then the contracted private providers of each region, in a stable order."""
    return list(_tsb_units())


def municipal_units(kommunenummer: str) -> list[UnitSeed]:
    """One kommune's services: psykisk helse og rus, NAV, housing office, coordinating unit and a GP practice.

    Named with the short (Norwegian) name; one GP practice stands for all the fastleger of the municipality.
    """
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
    """The TSB units of one region's health trusts and its private providers (``HSO``, ``HV``, ``HMN``, ``HN``)."""
    if rhf_code not in REGION_CODES.values():
        raise KeyError(f"no region {rhf_code!r}; the codes are {', '.join(REGION_CODES.values())}")
    return [u for u in tsb_units() if u.rhf_code == rhf_code]
