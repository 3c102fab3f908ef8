"""Builders for crisis plans (through the real service), and for relatives, consents and appointments, which are
written as rows directly: their services are being written elsewhere and these tests must not wait for them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from helhet import clock
from helhet.appointments.models import Appointment, AppointmentMode, Attendance
from helhet.crisis_plans import service as crisis_plans
from helhet.crisis_plans.models import CrisisPlan
from helhet.crisis_plans.schemas import CrisisPlanCreate
from helhet.persons.models import Person
from helhet.relatives.models import Consent, ConsentScope, Relationship, Relative
from helhet.units.models import Unit
from helhet.users.actor import Actor


def make_relative(session: Session, person: Person, **changes: Any) -> Relative:
    data: dict[str, Any] = {
        "person_id": person.id,
        "given_name": "Ola",
        "family_name": "Testesen",
        "relationship": Relationship.SIBLING,
        "phone": "+47 400 00 000",
        "created_at": clock.now(),
    }
    data.update(changes)
    relative = Relative(**data)
    session.add(relative)
    session.flush()
    return relative


def give_consent(
    session: Session, relative: Relative, scope: ConsentScope = ConsentScope.MEETINGS, **changes: Any
) -> Consent:
    data: dict[str, Any] = {
        "person_id": relative.person_id,
        "relative_id": relative.id,
        "scope": scope,
        "valid_from": date(2025, 3, 1),
        "given_how": "written",
        "recorded_at": clock.now(),
    }
    data.update(changes)
    row = Consent(**data)
    session.add(row)
    session.flush()
    return row


def consenting_relative(session: Session, person: Person, scope: ConsentScope = ConsentScope.MEETINGS) -> Relative:
    relative = make_relative(session, person)
    give_consent(session, relative, scope)
    return relative


def make_appointment(
    session: Session, person: Person, unit: Unit, on: date, attendance: Attendance = Attendance.ATTENDED
) -> Appointment:
    appointment = Appointment(
        person_id=person.id,
        unit_id=unit.id,
        mode=AppointmentMode.IN_PERSON,
        starts_at=datetime(on.year, on.month, on.day, 9, 0, tzinfo=UTC),
        attendance=attendance,
        created_at=clock.now(),
    )
    session.add(appointment)
    session.flush()
    return appointment


def make_crisis_plan(session: Session, actor: Actor, person: Person, **changes: Any) -> CrisisPlan:
    data: dict[str, Any] = {
        "warning_signs": ["Sover dårlig flere netter på rad", "Trekker meg unna venner"],
        "what_helps": ["Gå tur med hunden", "Ringe poliklinikken"],
        "what_to_avoid": ["Være alene i helgene"],
    }
    data.update(changes)
    return crisis_plans.record_crisis_plan(session, actor, person.id, CrisisPlanCreate(**data))
