"""Personas as fixtures: units and users with the roles the rules are about.

- ``clinician``: TSB clinician in the assessment unit and the outpatient clinic of one health trust
- ``unit_leader``: leader of the same assessment unit
- ``inpatient_clinician``: clinician in the inpatient unit of the same trust
- ``coordinator``: municipal coordinator in the person's kommune (Bergen)
- ``outsider``: clinician in a TSB unit of another trust, with no relation to anyone here
- ``analyst`` and ``admin``: never see person-level data
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from helhet.reference.units import CareLevel, UnitKind
from helhet.units.models import Unit
from helhet.users import service as users
from helhet.users.actor import SYSTEM, Actor
from helhet.users.models import Role

TSB_LEVELS = [level.value for level in CareLevel]


@dataclass(frozen=True)
class Units:
    assessment: Unit
    poli: Unit
    inpatient: Unit
    kommune: Unit
    nav: Unit
    other: Unit


def _unit(session: Session, code: str, name: str, kind: UnitKind, levels: list[str], kommune: str | None) -> Unit:
    unit = Unit(code=code, name=name, kind=kind, levels=levels, municipality_number=kommune)
    session.add(unit)
    return unit


@pytest.fixture
def units(session: Session) -> Units:
    result = Units(
        assessment=_unit(
            session, "test-vurd", "Vurderingsinstans TSB (test)", UnitKind.ASSESSMENT_UNIT, TSB_LEVELS, None
        ),
        poli=_unit(
            session,
            "test-poli",
            "Poliklinikk rus (test)",
            UnitKind.TSB_UNIT,
            ["outpatient", "ambulant", "lar", "day"],
            None,
        ),
        inpatient=_unit(
            session,
            "test-dogn",
            "Døgnavdeling rus (test)",
            UnitKind.TSB_UNIT,
            ["detox", "inpatient_short", "inpatient_long", "user_controlled_bed"],
            None,
        ),
        kommune=_unit(
            session,
            "test-kom-4601",
            "Psykisk helse og rus, Bergen (test)",
            UnitKind.MUNICIPAL_SERVICE,
            [],
            "4601",
        ),
        nav=_unit(session, "test-nav-4601", "NAV Bergen (test)", UnitKind.NAV, [], "4601"),
        other=_unit(session, "test-other", "Poliklinikk rus, annet HF (test)", UnitKind.TSB_UNIT, ["outpatient"], None),
    )
    session.flush()
    return result


def _actor(session: Session, username: str, role: Role, *unit_codes: str) -> Actor:
    user = users.add_user(
        session,
        SYSTEM,
        users.NewUser(username=username, full_name=username.title(), role=role, unit_codes=unit_codes),
    )
    return users.actor_for(user)


@pytest.fixture
def clinician(session: Session, units: Units) -> Actor:
    return _actor(session, "clinician", Role.CLINICIAN, "test-vurd", "test-poli")


@pytest.fixture
def unit_leader(session: Session, units: Units) -> Actor:
    return _actor(session, "leader", Role.UNIT_LEADER, "test-vurd")


@pytest.fixture
def inpatient_clinician(session: Session, units: Units) -> Actor:
    return _actor(session, "inpatient", Role.CLINICIAN, "test-dogn")


@pytest.fixture
def coordinator(session: Session, units: Units) -> Actor:
    return _actor(session, "coordinator", Role.COORDINATOR, "test-kom-4601")


@pytest.fixture
def outsider(session: Session, units: Units) -> Actor:
    return _actor(session, "outsider", Role.CLINICIAN, "test-other")


@pytest.fixture
def analyst(session: Session, units: Units) -> Actor:
    return _actor(session, "analyst", Role.ANALYST)


@pytest.fixture
def admin(session: Session, units: Units) -> Actor:
    return _actor(session, "admin", Role.ADMIN)


__all__ = [
    "Units",
    "admin",
    "analyst",
    "clinician",
    "coordinator",
    "inpatient_clinician",
    "outsider",
    "unit_leader",
    "units",
]
