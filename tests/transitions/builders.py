"""Builders for handovers: a person in inpatient care with the kommune on the care team, and handovers made
through the real service."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet.pathways.models import Episode
from helhet.persons.models import Person
from helhet.reference.units import CareLevel, is_inpatient
from helhet.referrals.models import Referral
from helhet.transitions import service as handovers
from helhet.transitions.models import Handover, HandoverKind
from helhet.transitions.schemas import HandoverCreate
from helhet.units.models import Unit
from helhet.users.actor import SYSTEM, Actor
from tests.builders import grant, make_episode
from tests.careplans.builders import served_person
from tests.personas import Units


def inpatient_person(
    session: Session, units: Units, level: CareLevel = CareLevel.INPATIENT_SHORT
) -> tuple[Person, Episode]:
    """A person granted care, in an episode at the inpatient unit since 20 March 2025, with the kommune on the care
    team: the inpatient clinician and the coordinator both see them."""
    person = served_person(session, units, wished_level=level)
    referral = session.scalars(select(Referral).where(Referral.person_id == person.id)).one()
    grant(session, SYSTEM, referral, level)
    unit = units.inpatient if is_inpatient(level) else units.poli
    episode = make_episode(session, SYSTEM, referral, unit.id, level)
    return person, episode


def lar_episode(session: Session, units: Units, person: Person) -> Episode:
    referral = session.scalars(select(Referral).where(Referral.person_id == person.id)).one()
    return make_episode(session, SYSTEM, referral, units.poli.id, CareLevel.LAR)


def make_handover(
    session: Session, actor: Actor, person: Person, from_unit: Unit, to_unit: Unit, **changes: Any
) -> Handover:
    data: dict[str, Any] = {
        "person_id": person.id,
        "kind": HandoverKind.DISCHARGE,
        "from_unit_id": from_unit.id,
        "to_unit_id": to_unit.id,
        "planned_on": date(2025, 4, 30),
    }
    data.update(changes)
    return handovers.create_handover(session, actor, HandoverCreate(**data))
