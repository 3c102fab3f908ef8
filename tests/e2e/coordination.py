"""A person with something on every coordination page, made through the real services (the domain builders).

The inpatient unit treats the person, whom the kommune referred; the person has a pending discharge handover to
the kommune, a task, an appointment, a vedtak, a relative, a crisis plan, an AUDIT, a care team and a care plan.
Each piece is its own transaction, so a refusal names the piece that failed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

from sqlalchemy.orm import Session

from helhet import clock
from helhet.crisis_plans.models import ContactKind
from helhet.crisis_plans.schemas import ContactIn
from helhet.pathways.models import TeamRole
from helhet.persons.models import Person
from helhet.transitions.models import HandoverKind
from helhet.units.models import Unit
from tests.appointments.builders import book
from tests.careplans.builders import add_to_team, make_goal, make_plan
from tests.crisis_plans.builders import make_crisis_plan
from tests.e2e.world import DOGN, KOMMUNE, OSLO_POLI, POLI, VURD, Seeded, World
from tests.mapping.builders import record_questionnaire
from tests.personas import Units
from tests.relatives.builders import make_relative
from tests.tasks.builders import make_task
from tests.transitions.builders import make_handover
from tests.vedtak.builders import make_vedtak


def units_of(session: Session, world: World) -> Units:
    """The live server's real units in the shape the domain builders expect."""

    def unit(code: str) -> Unit:
        found = session.get(Unit, world.unit_id(code))
        assert found is not None
        return found

    return Units(
        assessment=unit(VURD),
        poli=unit(POLI),
        inpatient=unit(DOGN),
        kommune=unit(KOMMUNE),
        nav=unit("kom-4601-nav"),
        other=unit(OSLO_POLI),
    )


def tomorrow_at(hour: int) -> datetime:
    day = clock.today() + timedelta(days=1)
    return datetime.combine(day, time(hour, 0), tzinfo=clock.OSLO).astimezone(UTC)


def full_pathway(world: World, given_name: str = "Ola", family_name: str = "Nordmann") -> dict[str, int]:
    """Ids by name (person, referral, episode, handover, task, appointment, vedtak, relative, crisis_plan)."""
    seeded = world.in_treatment(given_name, family_name, interpreter_needed=False)
    ids: dict[str, int] = {"person": seeded.person_id, "referral": seeded.referral_id}
    assert seeded.episode_id is not None
    ids["episode"] = seeded.episode_id
    today = clock.today()

    def step(name: str, make: Callable[[Session, Person, Units], int]) -> None:
        with world.session() as session:
            person = session.get(Person, seeded.person_id)
            assert person is not None
            try:
                ids[name] = make(session, person, units_of(session, world))
            except Exception as exc:
                raise AssertionError(f"seeding {name} for the coordination pages failed: {exc}") from exc

    step(
        "handover",
        lambda s, p, u: (
            make_handover(
                s,
                world.actor(s, "dogn", DOGN),
                p,
                u.inpatient,
                u.kommune,
                kind=HandoverKind.DISCHARGE,
                planned_on=today + timedelta(days=7),
                episode_id=seeded.episode_id,
                note="Utskrives til egen bolig; trenger oppfølging første uke.",
            ).id
        ),
    )
    step(
        "task",
        lambda s, p, u: (
            make_task(
                s,
                p,
                u.kommune,
                world.actor(s, "koordinator", KOMMUNE),
                owner_user_id=world.actor(s, "koordinator", KOMMUNE).user_id,
                title="Avtal hjemmebesøk etter utskriving",
                due_on=today + timedelta(days=3),
            ).id
        ),
    )
    step(
        "appointment",
        lambda s, p, u: book(s, world.actor(s, "dogn", DOGN), p, u.inpatient, starts_at=tomorrow_at(10)).id,
    )
    step(
        "vedtak",
        lambda s, p, u: (
            make_vedtak(
                s,
                world.actor(s, "koordinator", KOMMUNE),
                p.id,
                u,
                decided_on=today - timedelta(days=20),
                start_on=today - timedelta(days=14),
                end_on=today + timedelta(days=150),
                review_on=today + timedelta(days=60),
            ).id
        ),
    )
    step(
        "relative",
        lambda s, p, u: (
            make_relative(s, world.actor(s, "koordinator", KOMMUNE), p, given_name="Liv", family_name=family_name).id
        ),
    )
    contacts = [
        ContactIn(kind=ContactKind.UNIT, unit_id=world.unit_id(KOMMUNE), role_note="Koordinator, dagtid"),
        ContactIn(kind=ContactKind.PROFESSIONAL, name="Fastlege Hilde Berg", phone="+47 55 00 00 00"),
    ]
    step("crisis_plan", lambda s, p, u: make_crisis_plan(s, world.actor(s, "dogn", DOGN), p, contacts=contacts).id)
    step(
        "audit",
        lambda s, p, u: (
            record_questionnaire(
                s, world.actor(s, "dogn", DOGN), p, u.inpatient.id, total=14, done_on=today - timedelta(days=2)
            ).id
        ),
    )
    step(
        "care_team_member",
        lambda s, p, u: (
            add_to_team(
                s, p.id, u.kommune, TeamRole.MUNICIPAL_CONTACT, world.actor(s, "koordinator", KOMMUNE), from_date=today
            ).id
        ),
    )

    def care_plan(s: Session, p: Person, u: Units) -> int:
        actor = world.actor(s, "koordinator", KOMMUNE)
        plan = make_plan(s, actor, p, started_on=today - timedelta(days=10))
        make_goal(s, actor, plan, "Jeg vil bo i egen leilighet og ha kontakt med barna.")
        return plan.id

    step("care_plan", care_plan)
    return ids


def awaiting(world: World) -> Seeded:
    """A referral awaiting assessment (the assessment form)."""
    return world.referred_person("Mari", "Hagen")


def granted_without_episode(world: World) -> Seeded:
    """A granted referral with no episode yet (the form that starts one)."""
    return world.granted("Lars", "Eriksen")
