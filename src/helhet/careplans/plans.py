"""The person's plan and its goals in their own words (ROP-05, ROP-12).

One current plan per person (``closed_on`` empty): an active plan, or a record that the person declined a plan
now (the ROP-05 exclusion). Starting a plan closes a declined one. Goals belong to the active plan; measures and
evaluations are in ``careplans/measures.py``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.audit import log as audit
from helhet.audit import policy
from helhet.careplans.models import CarePlan, Goal, GoalStatus, PlanStatus
from helhet.careplans.schemas import (
    CarePlanClose,
    CarePlanCreate,
    CarePlanDecline,
    GoalCreate,
    GoalUpdate,
    ParticipationRecord,
)
from helhet.errors import Conflict, Invalid, NotFound, check_version
from helhet.persons import service as persons
from helhet.referrals.models import Referral
from helhet.users.actor import Actor


def get_plan(session: Session, actor: Actor, plan_id: int) -> CarePlan:
    plan = session.get(CarePlan, plan_id)
    if plan is None or not policy.may_see(session, actor, plan.person_id):
        raise NotFound("care plan", plan_id)
    audit.record_access(session, actor, plan.person_id, "care_plan", entity_id=plan.id)
    return plan


def current_plan(session: Session, actor: Actor, person_id: int) -> CarePlan | None:
    persons.get_person(session, actor, person_id, what="care_plan")
    return current_plan_of(session, person_id)


def current_plan_of(session: Session, person_id: int) -> CarePlan | None:
    """Internal (no access check): the person's current plan, active or declined."""
    return session.scalar(select(CarePlan).where(CarePlan.person_id == person_id, CarePlan.closed_on.is_(None)))


def start_plan(session: Session, actor: Actor, person_id: int, data: CarePlanCreate) -> CarePlan:
    persons.get_person(session, actor, person_id, what="care_plan")
    started_on = data.started_on or clock.today()
    _not_future("started_on", started_on)
    current = current_plan_of(session, person_id)
    if current is not None and current.status == PlanStatus.ACTIVE:
        raise Conflict("the person already has a current plan; add goals to it or close it first")
    if current is not None:  # a declined plan: the person now wants one
        _end(session, actor, current, max(started_on, current.started_on), "plan started")
    plan = CarePlan(person_id=person_id, started_on=started_on, created_at=clock.now(), created_by=actor.user_id)
    session.add(plan)
    session.flush()
    audit.record_change(session, actor, "care_plan.started", "care_plan", plan.id, person_id=person_id)
    return plan


def decline_plan(session: Session, actor: Actor, person_id: int, data: CarePlanDecline) -> CarePlan:
    """Record that the person does not want a plan now, with their reason (kept as the current plan)."""
    persons.get_person(session, actor, person_id, what="care_plan")
    declined_on = data.declined_on or clock.today()
    _not_future("declined_on", declined_on)
    reason = data.reason.strip()
    if not reason:
        raise Invalid("reason", data.reason, "record what the person said")
    current = current_plan_of(session, person_id)
    if current is not None:
        raise Conflict(f"the person has a current plan ({current.status.value}); close it first")
    plan = CarePlan(
        person_id=person_id,
        status=PlanStatus.DECLINED,
        started_on=declined_on,
        declined_reason=reason,
        created_at=clock.now(),
        created_by=actor.user_id,
    )
    session.add(plan)
    session.flush()
    audit.record_change(session, actor, "care_plan.declined", "care_plan", plan.id, person_id=person_id, reason=reason)
    return plan


def close_plan(session: Session, actor: Actor, plan_id: int, data: CarePlanClose) -> CarePlan:
    plan = get_plan(session, actor, plan_id)
    check_version("care plan", plan.version, data.version)
    if plan.closed_on is not None:
        raise Conflict(f"the plan was closed on {plan.closed_on.isoformat()}")
    closed_on = data.closed_on or clock.today()
    _not_future("closed_on", closed_on)
    if closed_on < plan.started_on:
        raise Invalid("closed_on", closed_on.isoformat(), f"is before the plan started ({plan.started_on})")
    _end(session, actor, plan, closed_on, "plan closed")
    return plan


def record_participation(session: Session, actor: Actor, plan_id: int, data: ParticipationRecord) -> CarePlan:
    """How and when the person took part in the plan: participated, confirmed or signed (ROP-12)."""
    plan = _active(get_plan(session, actor, plan_id))
    check_version("care plan", plan.version, data.version)
    _not_future("on", data.on)
    if data.on < plan.started_on:
        raise Invalid("on", data.on.isoformat(), f"is before the plan started ({plan.started_on})")
    plan.participation, plan.participation_on = data.participation, data.on
    session.flush()
    audit.record_change(
        session,
        actor,
        "care_plan.participation_recorded",
        "care_plan",
        plan.id,
        person_id=plan.person_id,
        detail={"participation": data.participation.value, "on": data.on.isoformat()},
    )
    return plan


def add_goal(session: Session, actor: Actor, plan_id: int, data: GoalCreate) -> Goal:
    plan = _active(get_plan(session, actor, plan_id))
    text = data.text.strip()
    if not text:
        raise Invalid("text", data.text, "write the goal as the person says it")
    if data.what_matters_referral_id is not None:
        owner = session.scalar(select(Referral.person_id).where(Referral.id == data.what_matters_referral_id))
        if owner != plan.person_id:
            raise Invalid("what_matters_referral_id", data.what_matters_referral_id, "not a referral of this person")
    goal = Goal(
        plan_id=plan.id,
        person_id=plan.person_id,
        text=text,
        own_words=data.own_words,
        what_matters_referral_id=data.what_matters_referral_id,
        created_at=clock.now(),
        created_by=actor.user_id,
    )
    session.add(goal)
    session.flush()
    audit.record_change(session, actor, "care_plan.goal_added", "care_plan_goal", goal.id, person_id=plan.person_id)
    return goal


def get_goal(session: Session, actor: Actor, goal_id: int) -> Goal:
    goal = session.get(Goal, goal_id)
    if goal is None or not policy.may_see(session, actor, goal.person_id):
        raise NotFound("goal", goal_id)
    audit.record_access(session, actor, goal.person_id, "care_plan", entity_id=goal.plan_id)
    return goal


def update_goal(session: Session, actor: Actor, goal_id: int, data: GoalUpdate) -> Goal:
    goal = get_goal(session, actor, goal_id)
    check_version("goal", goal.version, data.version)
    _active(session.get_one(CarePlan, goal.plan_id))
    if data.text is not None:
        if not data.text.strip():
            raise Invalid("text", data.text, "write the goal as the person says it")
        goal.text = data.text.strip()
    if data.own_words is not None:
        goal.own_words = data.own_words
    if data.status is not None:
        goal.status = data.status
    session.flush()
    audit.record_change(
        session,
        actor,
        "care_plan.goal_updated",
        "care_plan_goal",
        goal.id,
        person_id=goal.person_id,
        detail={"status": goal.status.value},
    )
    return goal


def active_goal(session: Session, goal: Goal) -> CarePlan:
    """The goal's plan, when both are active (measures are only added to those)."""
    plan = _active(session.get_one(CarePlan, goal.plan_id))
    if goal.status != GoalStatus.ACTIVE:
        raise Conflict(f"the goal is {goal.status.value}")
    return plan


def _active(plan: CarePlan) -> CarePlan:
    if plan.closed_on is not None or plan.status != PlanStatus.ACTIVE:
        raise Conflict(f"the plan is {'closed' if plan.closed_on else plan.status.value}")
    return plan


def _end(session: Session, actor: Actor, plan: CarePlan, on: date, why: str) -> None:
    plan.closed_on = on
    if plan.status == PlanStatus.ACTIVE:
        plan.status = PlanStatus.CLOSED
    session.flush()
    audit.record_change(session, actor, "care_plan.closed", "care_plan", plan.id, person_id=plan.person_id, reason=why)


def _not_future(field: str, value: date) -> None:
    if value > clock.today():
        raise Invalid(field, value.isoformat(), "cannot be later than today")
