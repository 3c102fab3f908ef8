"""Builders for appointments: a person in outpatient treatment, and appointments booked through the service."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet.appointments import service as appointments
from helhet.appointments.models import Appointment, AppointmentMode
from helhet.appointments.schemas import AppointmentCreate
from helhet.pathways.models import Episode, TeamRole
from helhet.persons.models import Person
from helhet.reference.units import CareLevel
from helhet.referrals.models import Referral
from helhet.units.models import Unit
from helhet.users.actor import SYSTEM, Actor
from tests.builders import grant, make_episode, make_person, make_referral
from tests.careplans.builders import add_to_team
from tests.personas import Units

#: Monday 14 April 2025, 09:00 in Oslo: after the tests' "now" (Thursday 10 April 2025, 12:00 in Oslo)
NEXT_MONDAY = datetime(2025, 4, 14, 7, 0, tzinfo=UTC)
#: Thursday 10 April 2025, 09:00 in Oslo: earlier the same day
THIS_MORNING = datetime(2025, 4, 10, 7, 0, tzinfo=UTC)


def treated_person(session: Session, units: Units, **person: Any) -> tuple[Person, Episode]:
    """A person referred to the assessment unit, in outpatient treatment at the poliklinikk since 20 March 2025,
    with the kommune on the care team: the clinician (both units) and the coordinator see them."""
    who = make_person(session, **person)
    make_referral(session, person=who, receiving_unit_id=units.assessment.id, wished_level=CareLevel.OUTPATIENT)
    referral = session.scalars(select(Referral).where(Referral.person_id == who.id)).one()
    grant(session, SYSTEM, referral, CareLevel.OUTPATIENT)
    episode = make_episode(session, SYSTEM, referral, units.poli.id, CareLevel.OUTPATIENT)
    add_to_team(session, who.id, units.kommune, TeamRole.MUNICIPAL_CONTACT)
    return who, episode


def book(session: Session, actor: Actor, person: Person, unit: Unit, **changes: Any) -> Appointment:
    data: dict[str, Any] = {
        "person_id": person.id,
        "unit_id": unit.id,
        "owner_user_id": actor.user_id,
        "mode": AppointmentMode.IN_PERSON,
        "starts_at": NEXT_MONDAY,
        "purpose": "Samtale om behandlingen",
    }
    data.update(changes)
    return appointments.book_appointment(session, actor, AppointmentCreate(**data))
