"""Builders for care teams, individual-plan status and plans: plain functions through the real services."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from helhet.careplans import measures, plans, team
from helhet.careplans.models import CarePlan, Goal, Measure
from helhet.careplans.schemas import CarePlanCreate, GoalCreate, MeasureCreate, TeamMemberCreate
from helhet.pathways.models import CareTeamMember, TeamRole
from helhet.persons.models import Person
from helhet.units.models import Unit
from helhet.users import service as users
from helhet.users.actor import SYSTEM, Actor
from helhet.users.models import Role
from tests.builders import make_person, make_referral
from tests.personas import Units

TODAY = date(2025, 4, 10)  # a Thursday; Easter 2025 is 17-21 April


_births = itertools.count()


def next_birth_date() -> date:
    """A different birth date each time: synthetic numbers for one date run out after a few hundred."""
    return date(1960, 1, 1) + timedelta(days=53 * next(_births) % 15_000)


def served_person(session: Session, units: Units, person: Person | None = None, **changes: Any) -> Person:
    """A person referred to the assessment unit (the clinician and the unit leader see them) with the kommune
    on the care team (the coordinator sees them)."""
    person = person or make_person(session, birth_date=next_birth_date())
    referral = make_referral(session, person=person, receiving_unit_id=units.assessment.id, **changes)
    add_to_team(session, referral.person_id, units.kommune, TeamRole.MUNICIPAL_CONTACT)
    return session.get_one(Person, referral.person_id)


def add_to_team(
    session: Session,
    person_id: int,
    unit: Unit,
    role: TeamRole,
    actor: Actor = SYSTEM,
    **changes: Any,
) -> CareTeamMember:
    data: dict[str, Any] = {"unit_id": unit.id, "role": role, "from_date": date(2025, 3, 3)}
    data.update(changes)
    return team.add_member(session, actor, person_id, TeamMemberCreate(**data))


def colleague(session: Session, username: str, unit_code: str, role: Role = Role.CLINICIAN) -> Actor:
    user = users.add_user(
        session,
        SYSTEM,
        users.NewUser(username=username, full_name=username.title(), role=role, unit_codes=(unit_code,)),
    )
    return users.actor_for(user)


def make_plan(session: Session, actor: Actor, person: Person, **changes: Any) -> CarePlan:
    data: dict[str, Any] = {"started_on": date(2025, 4, 1)}
    data.update(changes)
    return plans.start_plan(session, actor, person.id, CarePlanCreate(**data))


def make_goal(session: Session, actor: Actor, plan: CarePlan, text: str = "Jeg vil ha et sted å bo") -> Goal:
    return plans.add_goal(session, actor, plan.id, GoalCreate(text=text))


def make_measure(session: Session, actor: Actor, goal: Goal, owner_unit: Unit, **changes: Any) -> Measure:
    data: dict[str, Any] = {
        "description": "Søke kommunal bolig sammen",
        "owner_unit_id": owner_unit.id,
        "to_unit_queue": True,
        "evaluate_by": date(2025, 4, 24),
    }
    data.update(changes)
    return measures.add_measure(session, actor, goal.id, MeasureCreate(**data))
