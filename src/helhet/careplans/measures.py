"""Measures (tiltak) towards a goal, their owners and evaluations, and the plan read (ROP-05, ROP-06).

Every measure has an owning unit and a named owner, or sits explicitly in the unit's unowned queue, and a date
by which it is evaluated. The owning unit must serve the person (referral, episode or care team), so it can
open the record. An evaluation of a continuing measure sets the next evaluation date; achieved or stopped ends
the measure. Overdue: active, ``evaluate_by`` before today, and no evaluation on or after ``evaluate_by``.

With ``create_task`` a measure gets a MEASURE task for its owner, due on the evaluation date; the task follows
the measure's owner and date, and closes when the measure ends.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.audit import log as audit
from helhet.audit import policy
from helhet.careplans import plans
from helhet.careplans.models import (
    ENDING_OUTCOMES,
    Evaluation,
    EvaluationOutcome,
    Goal,
    Measure,
    MeasureStatus,
)
from helhet.careplans.schemas import (
    CarePlanRead,
    CarePlanView,
    EvaluationCreate,
    EvaluationRead,
    GoalView,
    MeasureCreate,
    MeasureUpdate,
    MeasureView,
)
from helhet.errors import Conflict, Invalid, NotFound, check_version
from helhet.persons import service as persons
from helhet.referrals import service as referrals
from helhet.tasks import service as tasks
from helhet.tasks.models import Task, TaskKind, TaskStatus
from helhet.tasks.schemas import TaskCreate
from helhet.users.actor import Actor


def overdue_clause(today: date) -> ColumnElement[bool]:
    """SQL: the measure's evaluation is overdue on ``today``."""
    return (
        (Measure.status == MeasureStatus.ACTIVE)
        & (Measure.evaluate_by < today)
        & or_(Measure.last_evaluated_on.is_(None), Measure.last_evaluated_on < Measure.evaluate_by)
    )


def is_overdue(measure: Measure, today: date) -> bool:
    return (
        measure.status == MeasureStatus.ACTIVE
        and measure.evaluate_by < today
        and (measure.last_evaluated_on is None or measure.last_evaluated_on < measure.evaluate_by)
    )


def add_measure(session: Session, actor: Actor, goal_id: int, data: MeasureCreate) -> Measure:
    goal = plans.get_goal(session, actor, goal_id)
    plan = plans.active_goal(session, goal)
    description = data.description.strip()
    if not description:
        raise Invalid("description", data.description, "say what will be done")
    _check_owner(session, goal.person_id, data.owner_unit_id, data.owner_user_id, data.to_unit_queue)
    if data.evaluate_by < clock.today():
        raise Invalid("evaluate_by", data.evaluate_by.isoformat(), "set an evaluation date from today on")
    measure = Measure(
        goal_id=goal.id,
        plan_id=plan.id,
        person_id=goal.person_id,
        description=description,
        owner_unit_id=data.owner_unit_id,
        owner_user_id=data.owner_user_id,
        evaluate_by=data.evaluate_by,
        created_at=clock.now(),
        created_by=actor.user_id,
    )
    session.add(measure)
    session.flush()
    audit.record_change(
        session,
        actor,
        "care_plan.measure_added",
        "care_plan_measure",
        measure.id,
        person_id=goal.person_id,
        detail={"owner_unit_id": data.owner_unit_id, "owner_user_id": data.owner_user_id},
    )
    if data.create_task:
        task = tasks.create_task(
            session,
            actor,
            TaskCreate(
                person_id=goal.person_id,
                unit_id=data.owner_unit_id,
                owner_user_id=data.owner_user_id,
                to_unit_queue=data.owner_user_id is None,
                kind=TaskKind.MEASURE,
                title=f"Tiltak: {description}"[:300],
                due_on=data.evaluate_by,
                source_type="care_plan_measure",
                source_id=measure.id,
            ),
        )
        measure.task_id = task.id
        session.flush()
    return measure


def get_measure(session: Session, actor: Actor, measure_id: int) -> Measure:
    measure = session.get(Measure, measure_id)
    if measure is None or not policy.may_see(session, actor, measure.person_id):
        raise NotFound("measure", measure_id)
    audit.record_access(session, actor, measure.person_id, "care_plan", entity_id=measure.plan_id)
    return measure


def update_measure(session: Session, actor: Actor, measure_id: int, data: MeasureUpdate) -> Measure:
    """A new description, owner (unit and user, or the unit's queue) or evaluation date."""
    measure = _active(get_measure(session, actor, measure_id))
    check_version("measure", measure.version, data.version)
    sent = data.model_fields_set
    if data.description is not None:
        if not data.description.strip():
            raise Invalid("description", data.description, "say what will be done")
        measure.description = data.description.strip()
    if sent & {"owner_unit_id", "owner_user_id", "to_unit_queue"}:
        unit_id = data.owner_unit_id if data.owner_unit_id is not None else measure.owner_unit_id
        _check_owner(session, measure.person_id, unit_id, data.owner_user_id, bool(data.to_unit_queue))
        measure.owner_unit_id, measure.owner_user_id = unit_id, data.owner_user_id
    if data.evaluate_by is not None:
        if data.evaluate_by < clock.today():
            raise Invalid("evaluate_by", data.evaluate_by.isoformat(), "set an evaluation date from today on")
        measure.evaluate_by = data.evaluate_by
    session.flush()
    task = _task(session, measure)
    if task is not None:
        tasks.follow_source_owner(
            session, actor, task, measure.owner_unit_id, measure.owner_user_id, "the measure's owner changed"
        )
        tasks.reschedule_task(session, actor, task, measure.evaluate_by, "the measure's evaluation date changed")
    audit.record_change(
        session,
        actor,
        "care_plan.measure_updated",
        "care_plan_measure",
        measure.id,
        person_id=measure.person_id,
        detail={"changed": sorted(sent - {"version"})},
    )
    return measure


def evaluate_measure(session: Session, actor: Actor, measure_id: int, data: EvaluationCreate) -> Evaluation:
    """Record an evaluation with the person; a continuing measure gets its next evaluation date."""
    measure = _active(get_measure(session, actor, measure_id))
    check_version("measure", measure.version, data.version)
    note = data.note.strip()
    if not note:
        raise Invalid("note", data.note, "say what the evaluation found")
    if data.evaluated_on > clock.today():
        raise Invalid("evaluated_on", data.evaluated_on.isoformat(), "cannot be later than today")
    if data.evaluated_on < measure.created_at.astimezone(clock.OSLO).date():
        raise Invalid("evaluated_on", data.evaluated_on.isoformat(), "is before the measure was made")
    ends = data.outcome in ENDING_OUTCOMES
    if ends and data.next_evaluate_by is not None:
        raise Invalid("next_evaluate_by", data.next_evaluate_by.isoformat(), "an ended measure is not evaluated again")
    if not ends:
        if data.next_evaluate_by is None:
            raise Invalid("next_evaluate_by", None, "set the next evaluation date for a continuing measure")
        if data.next_evaluate_by <= data.evaluated_on or data.next_evaluate_by < clock.today():
            raise Invalid("next_evaluate_by", data.next_evaluate_by.isoformat(), "set a date after the evaluation")
    evaluation = Evaluation(
        measure_id=measure.id,
        person_id=measure.person_id,
        evaluated_on=data.evaluated_on,
        evaluated_by=actor.user_id,
        outcome=data.outcome,
        note=note,
        next_evaluate_by=data.next_evaluate_by,
        recorded_at=clock.now(),
    )
    session.add(evaluation)
    measure.last_evaluated_on = max(filter(None, [measure.last_evaluated_on, data.evaluated_on]))
    if data.outcome == EvaluationOutcome.ACHIEVED:
        measure.status = MeasureStatus.ACHIEVED
    elif data.outcome == EvaluationOutcome.STOPPED:
        measure.status = MeasureStatus.STOPPED
    elif data.next_evaluate_by is not None:
        measure.evaluate_by = data.next_evaluate_by
    session.flush()
    task = _task(session, measure)
    if task is not None:
        if ends:
            status = TaskStatus.DONE if data.outcome == EvaluationOutcome.ACHIEVED else TaskStatus.CANCELLED
            tasks.close_task_for_source(session, actor, task, status, f"measure {data.outcome.value}")
        else:
            tasks.reschedule_task(session, actor, task, measure.evaluate_by, "measure evaluated")
    audit.record_change(
        session,
        actor,
        "care_plan.measure_evaluated",
        "care_plan_evaluation",
        evaluation.id,
        person_id=measure.person_id,
        detail={"measure_id": measure.id, "outcome": data.outcome.value},
    )
    return evaluation


def overdue_evaluations(session: Session, actor: Actor, person_id: int, today: date | None = None) -> list[Measure]:
    """Measures of the person's current plan whose evaluation is overdue."""
    persons.get_person(session, actor, person_id, what="care_plan")
    plan = plans.current_plan_of(session, person_id)
    if plan is None:
        return []
    stmt = (
        select(Measure)
        .where(Measure.plan_id == plan.id, overdue_clause(today or clock.today()))
        .order_by(Measure.evaluate_by, Measure.id)
    )
    return list(session.scalars(stmt))


def plan_view(session: Session, actor: Actor, person_id: int, today: date | None = None) -> CarePlanView | None:
    """The current plan with goals, measures and evaluations (four statements however large the plan)."""
    persons.get_person(session, actor, person_id, what="care_plan")
    plan = plans.current_plan_of(session, person_id)
    if plan is None:
        return None
    today = today or clock.today()
    goals = session.scalars(select(Goal).where(Goal.plan_id == plan.id).order_by(Goal.id)).all()
    measures = session.scalars(select(Measure).where(Measure.plan_id == plan.id).order_by(Measure.id)).all()
    evaluations = session.scalars(
        select(Evaluation)
        .join(Measure, Measure.id == Evaluation.measure_id)
        .where(Measure.plan_id == plan.id)
        .order_by(Evaluation.evaluated_on, Evaluation.id)
    ).all()
    by_measure: dict[int, list[EvaluationRead]] = {}
    for e in evaluations:
        by_measure.setdefault(e.measure_id, []).append(EvaluationRead.model_validate(e))
    by_goal: dict[int, list[MeasureView]] = {}
    overdue = 0
    for m in measures:
        view = MeasureView.model_validate(m)
        view.overdue = is_overdue(m, today)
        view.evaluations = by_measure.get(m.id, [])
        overdue += view.overdue
        by_goal.setdefault(m.goal_id, []).append(view)
    goal_views = []
    for g in goals:
        goal_view = GoalView.model_validate(g)
        goal_view.measures = by_goal.get(g.id, [])
        goal_views.append(goal_view)
    return CarePlanView(plan=CarePlanRead.model_validate(plan), goals=goal_views, overdue_evaluations=overdue)


def _check_owner(
    session: Session, person_id: int, unit_id: int, owner_user_id: int | None, to_unit_queue: bool
) -> None:
    referrals.get_unit(session, unit_id, "owner_unit_id")
    tasks.check_owner(session, unit_id, owner_user_id, to_unit_queue)
    if not tasks.unit_serves_person(session, unit_id, person_id):
        raise Invalid("owner_unit_id", unit_id, "the unit does not serve the person; add it to the care team first")


def _active(measure: Measure) -> Measure:
    if measure.status != MeasureStatus.ACTIVE:
        raise Conflict(f"the measure is {measure.status.value}")
    return measure


def _task(session: Session, measure: Measure) -> Task | None:
    return session.get(Task, measure.task_id) if measure.task_id is not None else None
