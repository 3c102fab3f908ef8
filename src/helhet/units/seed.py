"""Load reference data into the database: geography and the seed catalogue of units. Idempotent.

Rows are inserted only when missing (by primary key or unit code), so running ``helhet init`` twice changes
nothing, and units an admin has edited are left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import reference
from helhet.audit import log as audit
from helhet.reference import units as unit_catalogue
from helhet.units.models import CityDistrict, County, HealthTrust, Municipality, ReferralArea, Region, Unit


@dataclass
class SeedSummary:
    added: dict[str, int]

    def describe(self) -> str:
        if not any(self.added.values()):
            return "Reference data already loaded; nothing changed."
        return "Loaded " + ", ".join(f"{n} {name}" for name, n in self.added.items() if n) + "."


def _missing(session: Session, column: object, keys: list[str]) -> set[str]:
    existing = set(session.scalars(select(column)))  # type: ignore[call-overload]
    return {k for k in keys if k not in existing}


def load_reference(session: Session, *, municipal_units_for: list[str] | None = None) -> SeedSummary:
    """Insert missing geography and units. ``municipal_units_for`` limits municipal units (default: all)."""
    added: dict[str, int] = {}
    regions = reference.regions()
    todo = _missing(session, Region.code, [r.code for r in regions])
    session.add_all(Region(code=r.code, name=r.name) for r in regions if r.code in todo)
    added["regions"] = len(todo)
    session.flush()

    trusts = reference.health_trusts()
    todo = _missing(session, HealthTrust.code, [t.code for t in trusts])
    session.add_all(HealthTrust(code=t.code, name=t.name, region_code=t.rhf_code) for t in trusts if t.code in todo)
    added["health trusts"] = len(todo)
    session.flush()

    areas = reference.referral_areas()
    todo = _missing(session, ReferralArea.code, [a.code for a in areas])
    session.add_all(
        ReferralArea(code=a.code, name=a.name, health_trust_code=a.hf_code, adults=a.population_18plus)
        for a in areas
        if a.code in todo
    )
    added["referral areas"] = len(todo)

    counties = reference.counties()
    todo = _missing(session, County.number, [c.number for c in counties])
    session.add_all(County(number=c.number, name=c.name) for c in counties if c.number in todo)
    added["counties"] = len(todo)
    session.flush()

    municipalities = list(reference.municipalities().values())
    todo = _missing(session, Municipality.number, [m.number for m in municipalities])
    session.add_all(
        Municipality(
            number=m.number,
            name=m.name,
            short_name=m.short_name,
            county_number=m.county_number,
            population=m.population,
            referral_area_code=m.referral_area_code,
        )
        for m in municipalities
        if m.number in todo
    )
    added["municipalities"] = len(todo)
    session.flush()

    districts = reference.city_districts()
    todo = _missing(session, CityDistrict.number, [d.number for d in districts])
    session.add_all(
        CityDistrict(
            number=d.number,
            name=d.name,
            municipality_number=d.kommunenummer,
            referral_area_code=d.referral_area_code,
        )
        for d in districts
        if d.number in todo
    )
    added["city districts"] = len(todo)
    session.flush()

    seeds = list(unit_catalogue.tsb_units())
    for number in municipal_units_for if municipal_units_for is not None else [m.number for m in municipalities]:
        seeds.extend(unit_catalogue.municipal_units(number))
    todo = _missing(session, Unit.code, [s.code for s in seeds])
    session.add_all(
        Unit(
            code=s.code,
            name=s.name,
            kind=s.kind,
            health_trust_code=s.hf_code,
            region_code=s.rhf_code,
            municipality_number=s.kommunenummer,
            levels=[level.value for level in s.levels],
        )
        for s in seeds
        if s.code in todo
    )
    added["units"] = len(todo)
    session.flush()
    audit.ensure_head(session)
    return SeedSummary(added)
