"""The plan: goals in the person's words, measures with an owner and an evaluation date, overdue evaluations."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.careplans import facts, measures, plans
from helhet.careplans.models import EvaluationOutcome, Measure, MeasureStatus, Participation, PlanStatus
from helhet.careplans.schemas import (
    CarePlanClose,
    CarePlanCreate,
    CarePlanDecline,
    EvaluationCreate,
    GoalCreate,
    MeasureCreate,
    MeasureUpdate,
    ParticipationRecord,
)
from helhet.errors import Conflict, Invalid, NotFound
from helhet.gaps.rules import PersonFacts
from helhet.pathways.models import TeamRole
from helhet.persons.models import Person
from helhet.referrals.models import Referral
from helhet.tasks import service as tasks
from helhet.tasks.models import Task, TaskKind, TaskStatus
from helhet.users.actor import Actor
from tests.careplans.builders import add_to_team, make_goal, make_measure, make_plan, served_person
from tests.personas import Units


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def referral_of(session: Session, person: Person) -> int:
    return session.scalars(select(Referral.id).where(Referral.person_id == person.id)).one()


def on(day: date) -> AbstractContextManager[None]:
    return clock.freeze(datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC))


def test_measure_without_owner_is_refused_and_nothing_written(
    session: Session, units: Units, coordinator: Actor
) -> None:
    person = served_person(session, units)
    goal = make_goal(session, coordinator, make_plan(session, coordinator, person))
    before = (count(session, Measure), count(session, Task))
    data = MeasureCreate(description="Søke bolig", owner_unit_id=units.kommune.id, evaluate_by=date(2025, 5, 1))
    with pytest.raises(Invalid) as raised:
        measures.add_measure(session, coordinator, goal.id, data.model_copy(update={"create_task": True}))
    assert (raised.value.field, raised.value.value) == ("owner_user_id", None)
    assert (count(session, Measure), count(session, Task)) == before


def test_measure_owner_unit_must_serve_the_person(session: Session, units: Units, coordinator: Actor) -> None:
    person = served_person(session, units)
    goal = make_goal(session, coordinator, make_plan(session, coordinator, person))
    with pytest.raises(Invalid) as raised:
        make_measure(session, coordinator, goal, units.nav)
    assert (raised.value.field, raised.value.value) == ("owner_unit_id", units.nav.id)
    add_to_team(session, person.id, units.nav, TeamRole.NAV_CONTACT)
    assert make_measure(session, coordinator, goal, units.nav).owner_unit_id == units.nav.id


def test_measure_evaluation_date_cannot_be_past(session: Session, units: Units, coordinator: Actor) -> None:
    person = served_person(session, units)
    goal = make_goal(session, coordinator, make_plan(session, coordinator, person))
    with pytest.raises(Invalid) as raised:
        make_measure(session, coordinator, goal, units.kommune, evaluate_by=date(2025, 4, 9))
    assert raised.value.field == "evaluate_by"


def test_overdue_evaluation_is_detected_and_cleared_by_an_evaluation(
    session: Session, units: Units, coordinator: Actor
) -> None:
    person = served_person(session, units)
    goal = make_goal(session, coordinator, make_plan(session, coordinator, person))
    measure = make_measure(session, coordinator, goal, units.kommune, evaluate_by=date(2025, 4, 24))
    assert measures.overdue_evaluations(session, coordinator, person.id) == []
    with on(date(2025, 4, 24)):
        assert measures.overdue_evaluations(session, coordinator, person.id) == []  # due today, not overdue
    with on(date(2025, 4, 25)):
        assert [m.id for m in measures.overdue_evaluations(session, coordinator, person.id)] == [measure.id]
        view = measures.plan_view(session, coordinator, person.id)
        assert view is not None and view.overdue_evaluations == 1 and view.goals[0].measures[0].overdue
        with pytest.raises(Invalid) as no_next:
            measures.evaluate_measure(
                session,
                coordinator,
                measure.id,
                EvaluationCreate(evaluated_on=date(2025, 4, 25), outcome=EvaluationOutcome.PROGRESSING, note="Søkt"),
            )
        assert no_next.value.field == "next_evaluate_by"
        measures.evaluate_measure(
            session,
            coordinator,
            measure.id,
            EvaluationCreate(
                evaluated_on=date(2025, 4, 25),
                outcome=EvaluationOutcome.PROGRESSING,
                note="Søknad sendt, venter svar",
                next_evaluate_by=date(2025, 6, 1),
                version=measure.version,
            ),
        )
        assert measures.overdue_evaluations(session, coordinator, person.id) == []
        view = measures.plan_view(session, coordinator, person.id)
        assert view is not None and view.overdue_evaluations == 0
        evaluations = view.goals[0].measures[0].evaluations
        assert [(e.outcome, e.evaluated_by) for e in evaluations] == [
            (EvaluationOutcome.PROGRESSING, coordinator.user_id)
        ]
    assert (measure.evaluate_by, measure.last_evaluated_on) == (date(2025, 6, 1), date(2025, 4, 25))


def test_measure_task_follows_the_measure(session: Session, units: Units, coordinator: Actor, clinician: Actor) -> None:
    person = served_person(session, units)
    goal = make_goal(session, coordinator, make_plan(session, coordinator, person))
    measure = make_measure(
        session, coordinator, goal, units.kommune, owner_user_id=coordinator.user_id, to_unit_queue=False,
        create_task=True,
    )  # fmt: skip
    assert measure.task_id is not None
    task = session.get_one(Task, measure.task_id)
    assert (task.kind, task.unit_id, task.owner_user_id, task.due_on, task.source_type, task.source_id) == (
        TaskKind.MEASURE,
        units.kommune.id,
        coordinator.user_id,
        date(2025, 4, 24),
        "care_plan_measure",
        measure.id,
    )
    measures.update_measure(
        session, clinician, measure.id, MeasureUpdate(owner_unit_id=units.kommune.id, to_unit_queue=True)
    )
    assert (measure.owner_user_id, task.owner_user_id) == (None, None)
    assert [h.owner_user_id for h in tasks.task_history(session, coordinator, task.id)] == [coordinator.user_id, None]
    measures.update_measure(session, clinician, measure.id, MeasureUpdate(evaluate_by=date(2025, 5, 8)))
    assert task.due_on == date(2025, 5, 8)
    measures.evaluate_measure(
        session,
        coordinator,
        measure.id,
        EvaluationCreate(evaluated_on=date(2025, 4, 10), outcome=EvaluationOutcome.ACHIEVED, note="Fått bolig"),
    )
    assert (measure.status, task.status) == (MeasureStatus.ACHIEVED, TaskStatus.DONE)
    with pytest.raises(Conflict):
        measures.update_measure(session, coordinator, measure.id, MeasureUpdate(evaluate_by=date(2025, 6, 1)))


def test_one_current_plan_and_a_declined_plan_is_recorded(session: Session, units: Units, coordinator: Actor) -> None:
    person = served_person(session, units)
    declined = plans.decline_plan(
        session,
        coordinator,
        person.id,
        CarePlanDecline(declined_on=date(2025, 4, 1), reason="Vil vente til etter ferien"),
    )
    assert declined.status == PlanStatus.DECLINED
    with pytest.raises(Conflict):
        make_goal(session, coordinator, declined)
    plan = make_plan(session, coordinator, person, started_on=date(2025, 4, 8))
    assert (declined.closed_on, declined.status) == (date(2025, 4, 8), PlanStatus.DECLINED)
    with pytest.raises(Conflict):
        make_plan(session, coordinator, person)
    current = plans.current_plan(session, coordinator, person.id)
    assert current is not None and current.id == plan.id
    plans.close_plan(session, coordinator, plan.id, CarePlanClose(version=plan.version))
    assert plan.status == PlanStatus.CLOSED and plans.current_plan(session, coordinator, person.id) is None


def test_participation_marker_is_recorded(session: Session, units: Units, coordinator: Actor) -> None:
    person = served_person(session, units)
    plan = make_plan(session, coordinator, person)
    with pytest.raises(Invalid):
        plans.record_participation(
            session, coordinator, plan.id, ParticipationRecord(participation=Participation.SIGNED, on=date(2025, 3, 1))
        )
    plans.record_participation(
        session,
        coordinator,
        plan.id,
        ParticipationRecord(participation=Participation.SIGNED, on=date(2025, 4, 9), version=plan.version),
    )
    assert (plan.participation, plan.participation_on) == (Participation.SIGNED, date(2025, 4, 9))
    with pytest.raises(Conflict):
        plans.record_participation(
            session,
            coordinator,
            plan.id,
            ParticipationRecord(participation=Participation.CONFIRMED, on=date(2025, 4, 9), version=1),
        )


def test_goal_links_only_to_what_matters_of_the_same_person(
    session: Session, units: Units, coordinator: Actor, clinician: Actor
) -> None:
    person = served_person(session, units)
    other = served_person(session, units)
    plan = make_plan(session, coordinator, person)
    own_referral = referral_of(session, person)
    goal = plans.add_goal(
        session, coordinator, plan.id, GoalCreate(text="Være nær barna", what_matters_referral_id=own_referral)
    )
    assert goal.what_matters_referral_id == own_referral
    with pytest.raises(Invalid) as raised:
        plans.add_goal(
            session, coordinator, plan.id, GoalCreate(text="x", what_matters_referral_id=referral_of(session, other))
        )
    assert raised.value.field == "what_matters_referral_id"


def test_outsider_gets_not_found_for_the_plan(
    session: Session, units: Units, coordinator: Actor, outsider: Actor
) -> None:
    person = served_person(session, units)
    plan = make_plan(session, coordinator, person)
    goal = make_goal(session, coordinator, plan)
    measure = make_measure(session, coordinator, goal, units.kommune)
    for call in (
        lambda: plans.current_plan(session, outsider, person.id),
        lambda: measures.plan_view(session, outsider, person.id),
        lambda: plans.start_plan(session, outsider, person.id, CarePlanCreate()),
        lambda: plans.add_goal(session, outsider, plan.id, GoalCreate(text="x")),
        lambda: measures.get_measure(session, outsider, measure.id),
        lambda: measures.overdue_evaluations(session, outsider, person.id),
    ):
        with pytest.raises(NotFound):
            call()


def test_plan_facts_feed_the_gap_rules(session: Session, units: Units, coordinator: Actor) -> None:
    person = served_person(session, units)
    goal = make_goal(session, coordinator, make_plan(session, coordinator, person))
    make_measure(session, coordinator, goal, units.kommune, evaluate_by=date(2025, 4, 11))
    make_measure(session, coordinator, goal, units.kommune, evaluate_by=date(2025, 5, 11))
    ids = select(Person.id).where(Person.id == person.id)
    found = {person.id: PersonFacts(person_id=person.id, today=date(2025, 4, 20))}
    facts.plan_facts(session, ids, date(2025, 4, 20), found)
    facts.ip_facts(session, ids, date(2025, 4, 20), found)
    f = found[person.id]
    assert (f.has_plan, f.plan_declined, f.measures, f.overdue_evaluations, f.goals_in_own_words) == (
        True,
        False,
        2,
        1,
        True,
    )
    assert not f.ip_answered
