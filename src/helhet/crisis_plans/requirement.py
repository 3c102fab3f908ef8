"""When a person needs a crisis plan (ROP-11), and whether a current one exists on a given day.

A plan is required on day ``on`` when
- the person's latest assessment on or before ``on`` has relapse risk 2 or more (of 4), or overdose or suicide
  risk moderate or high (``assessments.models.ELEVATED_RISK``); or
- the person was discharged from inpatient care (``reference.units.is_inpatient``) within the last
  ``settings.followup_after_discharge_days`` days, a time when tolerance is low and crises are common.

A plan is current on a day when a version was made on or before it and that version's review date, if any, has
not passed. The functions without an actor are internal (for the gap rules); ``crisis_plan_status`` is the door.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Executable, Select, bindparam, func, or_, select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.assessments.models import ELEVATED_RISK, Assessment
from helhet.config import get_settings
from helhet.crisis_plans.models import CrisisPlan
from helhet.crisis_plans.schemas import CrisisPlanStatus
from helhet.pathways.models import EndReason, Episode
from helhet.persons import service as persons
from helhet.reference.units import INPATIENT_LEVELS
from helhet.users.actor import Actor

#: relapse risk (0 none to 4 severe) from which a crisis plan is required
RELAPSE_RISK_THRESHOLD = 2


def _latest_assessment(session: Session, person_id: int, on: date) -> Assessment | None:
    return session.scalar(_latest_assessment_statement(), {"person_id": person_id, "on": on})


# The one-person statements are built once and bound per call (the person, the day, the discharge window): the
# pathway page neither builds them nor makes their cache keys again on every request.
@cache
def _latest_assessment_statement() -> Executable:
    return (
        select(Assessment)
        .where(Assessment.person_id == bindparam("person_id"), Assessment.assessed_on <= bindparam("on"))
        .order_by(Assessment.assessed_on.desc(), Assessment.id.desc())
        .limit(1)
    )


@cache
def _discharged_statement() -> Executable:
    """The person's latest discharge from inpatient care within the window (``_inpatient_discharge_clause``)."""
    return select(func.max(Episode.ended_on)).where(
        Episode.person_id == bindparam("person_id"), _discharge_between(bindparam("window"), bindparam("on"))
    )


@cache
def _current_at_statement() -> Executable:
    return (
        select(CrisisPlan)
        .where(CrisisPlan.person_id == bindparam("person_id"), CrisisPlan.made_on <= bindparam("day"))
        .order_by(CrisisPlan.version_no.desc())
        .limit(1)
    )


def _discharge_window(on: date) -> date:
    return on - timedelta(days=get_settings().followup_after_discharge_days)


def _inpatient_discharge_clause(on: date) -> Any:
    return _discharge_between(_discharge_window(on), on)


def _discharge_between(start: Any, end: Any) -> Any:
    """Discharged from inpatient care (not by death) between ``start`` and ``end``: days or bound parameters."""
    return (
        Episode.level.in_(INPATIENT_LEVELS)
        & Episode.ended_on.between(start, end)
        & or_(Episode.end_reason.is_(None), Episode.end_reason != EndReason.DIED)
    )


@dataclass(frozen=True)
class RequirementReason:
    """One reason a crisis plan is required: ``kind`` is relapse_risk, overdose_risk, suicide_risk or discharged;
    ``value`` the risk (a relapse score 0-4, or a ``RiskLevel`` value), ``on`` the assessment or discharge day."""

    kind: str
    on: date
    value: str | None = None

    def __str__(self) -> str:
        when = self.on.isoformat()
        if self.kind == "relapse_risk":
            return f"relapse risk {self.value} of 4 in the assessment of {when}"
        if self.kind == "discharged":
            return f"discharged from inpatient care on {when}"
        return f"{self.kind.replace('_', ' ')} {self.value} in the assessment of {when}"


def requirement_reason_items(session: Session, person_id: int, on: date) -> list[RequirementReason]:
    """Why the person needs a crisis plan on ``on``; empty when they do not."""
    reasons = []
    assessment = _latest_assessment(session, person_id, on)
    if assessment is not None:
        when = assessment.assessed_on
        if assessment.relapse_risk is not None and assessment.relapse_risk >= RELAPSE_RISK_THRESHOLD:
            reasons.append(RequirementReason("relapse_risk", when, str(assessment.relapse_risk)))
        if assessment.overdose_risk in ELEVATED_RISK:
            reasons.append(RequirementReason("overdose_risk", when, assessment.overdose_risk.value))
        if assessment.suicide_risk in ELEVATED_RISK:
            reasons.append(RequirementReason("suicide_risk", when, assessment.suicide_risk.value))
    window = {"person_id": person_id, "window": _discharge_window(on), "on": on}
    discharged = session.scalar(_discharged_statement(), window)
    if discharged is not None:
        reasons.append(RequirementReason("discharged", discharged))
    return reasons


def requirement_reasons(session: Session, person_id: int, on: date) -> list[str]:
    """Why the person needs a crisis plan on ``on``, in plain words; empty when they do not."""
    return [str(reason) for reason in requirement_reason_items(session, person_id, on)]


def crisis_plan_required(session: Session, person_id: int, on: date) -> bool:
    return bool(requirement_reasons(session, person_id, on))


def crisis_plan_current_at(session: Session, person_id: int, day: date) -> CrisisPlan | None:
    """The version in force on ``day``: the latest made on or before it (out of date or not)."""
    return session.scalar(_current_at_statement(), {"person_id": person_id, "day": day})


def is_current(plan: CrisisPlan | None, day: date) -> bool:
    return plan is not None and (plan.review_by is None or plan.review_by >= day)


def crisis_plan_status(session: Session, actor: Actor, person_id: int, on: date | None = None) -> CrisisPlanStatus:
    persons.get_person(session, actor, person_id, what="crisis_plan")
    on = on or clock.today()
    return status_with(session, person_id, on, crisis_plan_current_at(session, person_id, on))


def status_with(session: Session, person_id: int, on: date, plan: CrisisPlan | None) -> CrisisPlanStatus:
    """``crisis_plan_status`` after the door, with the version in force on ``on`` (``crisis_plan_current_at``)
    already read by the caller."""
    reasons = requirement_reasons(session, person_id, on)
    current = is_current(plan, on)
    return CrisisPlanStatus(
        person_id=person_id,
        on=on,
        required=bool(reasons),
        reasons=reasons,
        current_version_no=plan.version_no if plan else None,
        current=current,
        gap=bool(reasons) and not current,
    )


def crisis_plan_facts(session: Session, ids: Select[Any], on: date) -> dict[int, tuple[bool, bool]]:
    """For every person in the ``ids`` subquery with a reason or a plan: (required, current). Three queries,
    however many persons, for the gap list of a whole unit."""
    result: dict[int, tuple[bool, bool]] = {}
    ranked = (
        select(
            Assessment.person_id,
            Assessment.relapse_risk,
            Assessment.overdose_risk,
            Assessment.suicide_risk,
            func.row_number()
            .over(partition_by=Assessment.person_id, order_by=(Assessment.assessed_on.desc(), Assessment.id.desc()))
            .label("rn"),
        )
        .where(Assessment.person_id.in_(ids), Assessment.assessed_on <= on)
        .subquery()
    )
    elevated = [r.value for r in ELEVATED_RISK]
    risky = select(ranked.c.person_id).where(
        ranked.c.rn == 1,
        or_(
            ranked.c.relapse_risk >= RELAPSE_RISK_THRESHOLD,
            ranked.c.overdose_risk.in_(elevated),
            ranked.c.suicide_risk.in_(elevated),
        ),
    )
    required = set(session.scalars(risky))
    discharged = select(Episode.person_id).where(Episode.person_id.in_(ids), _inpatient_discharge_clause(on))
    required |= set(session.scalars(discharged))
    latest = (
        select(
            CrisisPlan.person_id,
            CrisisPlan.review_by,
            func.row_number()
            .over(partition_by=CrisisPlan.person_id, order_by=CrisisPlan.version_no.desc())
            .label("rn"),
        )
        .where(CrisisPlan.person_id.in_(ids), CrisisPlan.made_on <= on)
        .subquery()
    )
    current = set(
        session.scalars(
            select(latest.c.person_id).where(
                latest.c.rn == 1, or_(latest.c.review_by.is_(None), latest.c.review_by >= on)
            )
        )
    )
    for person_id in required | current:
        result[person_id] = (person_id in required, person_id in current)
    return result
