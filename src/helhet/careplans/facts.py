"""Gap facts from plans and individual-plan status (ROP-05, ROP-06, ROP-07, ROP-12), one query each.

Each function has the ``gaps.facts.Loader`` shape; ``gaps/facts.py`` registers them (``LOADERS``), so this
module does not import the gaps service and there is no import cycle.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from helhet.careplans.measures import overdue_clause
from helhet.careplans.models import CarePlan, Goal, IndividualPlanStatus, IpStatus, Measure, PlanStatus
from helhet.gaps.rules import PersonFacts


def plan_facts(session: Session, ids: Select[Any], today: date, facts: dict[int, PersonFacts]) -> None:
    """The current plan: declined or not, its measures, overdue evaluations, goals in the person's words and
    whether the person took part (participation marker)."""
    measures = (
        select(
            Measure.plan_id.label("plan_id"),
            func.count().label("n"),
            func.sum(case((overdue_clause(today), 1), else_=0)).label("overdue"),
        )
        .where(Measure.person_id.in_(ids))
        .group_by(Measure.plan_id)
        .subquery()
    )
    goals = (
        select(Goal.plan_id.label("plan_id"), func.sum(case((Goal.own_words, 1), else_=0)).label("own"))
        .where(Goal.person_id.in_(ids))
        .group_by(Goal.plan_id)
        .subquery()
    )
    stmt = (
        select(
            CarePlan.person_id, CarePlan.status, measures.c.n, measures.c.overdue, goals.c.own, CarePlan.participation
        )
        .outerjoin(measures, measures.c.plan_id == CarePlan.id)
        .outerjoin(goals, goals.c.plan_id == CarePlan.id)
        .where(CarePlan.person_id.in_(ids), CarePlan.closed_on.is_(None))
    )
    for person_id, status, n, overdue, own, participation in session.execute(stmt):
        f = facts[person_id]
        f.plan_declined = status == PlanStatus.DECLINED
        f.has_plan = status == PlanStatus.ACTIVE
        f.measures = int(n or 0)
        f.measures_without_owner_or_date = 0  # every measure has both; the service refuses one without
        f.overdue_evaluations = int(overdue or 0)
        f.goals_in_own_words = bool(own)
        if participation is not None:
            f.details["plan_participation"] = participation.value


def ip_facts(session: Session, ids: Select[Any], today: date, facts: dict[int, PersonFacts]) -> None:
    """The current IP status: answered (accepted or declined) counts for ROP-07."""
    latest = (
        select(IndividualPlanStatus.person_id, func.max(IndividualPlanStatus.version).label("v"))
        .where(IndividualPlanStatus.person_id.in_(ids))
        .group_by(IndividualPlanStatus.person_id)
        .subquery()
    )
    stmt = select(IndividualPlanStatus.person_id, IndividualPlanStatus.status).join(
        latest,
        (latest.c.person_id == IndividualPlanStatus.person_id) & (latest.c.v == IndividualPlanStatus.version),
    )
    for person_id, status in session.execute(stmt):
        f = facts[person_id]
        f.ip_answered = status in (IpStatus.ACCEPTED, IpStatus.DECLINED)
        f.details["ip_status"] = status.value
