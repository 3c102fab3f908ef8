"""The individual plan (IP) status: not asked, offered, accepted or declined, with dates, and the coordinator offer.

Every change is a new ``IndividualPlanStatus`` row; the latest (highest ``version``) is current, so the history
shows when the plan was offered and answered and who recorded it. An accepted plan is reviewed with the person
within ``settings.ip_review_months`` of the answer or the last review.

DOMAIN.md §4.1: the IP is made only if the person wants it, but the coordinator **must be offered even when the
IP is declined** (pbrl § 2-5 b). Recording a declined IP therefore needs a recorded coordinator offer, or a
coordinator already on the care team.
"""

from __future__ import annotations

import calendar
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.audit import log as audit
from helhet.careplans import team
from helhet.careplans.models import IndividualPlanStatus, IpStatus
from helhet.careplans.schemas import IpStatusRead, IpStatusRecord
from helhet.config import get_settings
from helhet.errors import Invalid, check_version
from helhet.persons import service as persons
from helhet.users.actor import Actor

ANSWERED = frozenset({IpStatus.ACCEPTED, IpStatus.DECLINED})


def add_months(d: date, months: int) -> date:
    month = d.month - 1 + months
    year, month = d.year + month // 12, month % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def review_due(row: IndividualPlanStatus) -> date | None:
    """An accepted plan is reviewed within the set months of the answer or the last review."""
    if row.status != IpStatus.ACCEPTED:
        return None
    since = row.reviewed_on or row.answered_on
    return add_months(since, get_settings().ip_review_months) if since else None


def ip_read(row: IndividualPlanStatus, today: date | None = None) -> IpStatusRead:
    today = today or clock.today()
    due = review_due(row)
    result = IpStatusRead.model_validate(row)
    result.review_due, result.review_overdue = due, due is not None and due < today
    return result


def current_ip_status(session: Session, actor: Actor, person_id: int) -> IndividualPlanStatus | None:
    persons.get_person(session, actor, person_id, what="individual_plan")
    return _current(session, person_id)


def ip_status_history(session: Session, actor: Actor, person_id: int) -> list[IndividualPlanStatus]:
    persons.get_person(session, actor, person_id, what="individual_plan")
    stmt = (
        select(IndividualPlanStatus)
        .where(IndividualPlanStatus.person_id == person_id)
        .order_by(IndividualPlanStatus.version.desc())
    )
    return list(session.scalars(stmt))


def record_ip_status(session: Session, actor: Actor, person_id: int, data: IpStatusRecord) -> IndividualPlanStatus:
    """Record a change of IP status as a new row. Sent with the version of the current status, if any."""
    persons.get_person(session, actor, person_id, what="individual_plan")
    previous = _current(session, person_id)
    if previous is not None:
        if data.version is None:
            raise Invalid("version", None, "an IP status is recorded; send the version you read")
        check_version("individual plan status", previous.version, data.version)
    row = _next_row(previous, data)
    _check(session, person_id, previous, row)
    row.person_id = person_id
    row.version = previous.version + 1 if previous else 1
    row.note = (data.note or "").strip() or None
    row.recorded_at = clock.now()
    row.recorded_by = actor.user_id
    session.add(row)
    session.flush()
    audit.record_change(
        session,
        actor,
        "individual_plan.status_recorded",
        "individual_plan_status",
        row.id,
        person_id=person_id,
        detail={
            "status": row.status.value,
            "from": previous.status.value if previous else None,
            "coordinator_offered": row.coordinator_offered_on is not None,
        },
    )
    return row


def _current(session: Session, person_id: int) -> IndividualPlanStatus | None:
    stmt = (
        select(IndividualPlanStatus)
        .where(IndividualPlanStatus.person_id == person_id)
        .order_by(IndividualPlanStatus.version.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def _next_row(previous: IndividualPlanStatus | None, data: IpStatusRecord) -> IndividualPlanStatus:
    """The new row: what was sent, and what still applies from the current status.

    Dates of an offer carry over to its answer; an answer's dates carry over while the status stays the same
    (e.g. recording a review). The coordinator offer always carries over.
    """
    status = data.status
    same = previous is not None and previous.status == status
    answering = previous is not None and previous.status == IpStatus.OFFERED and status in ANSWERED
    offered_on = data.offered_on or (previous.offered_on if previous and (same or answering) else None)
    answered_on = data.answered_on or (previous.answered_on if previous and same else None)
    reviewed_on = data.reviewed_on or (previous.reviewed_on if previous and same else None)
    if status in ANSWERED and offered_on is None:
        offered_on = answered_on  # offered and answered in the same conversation
    return IndividualPlanStatus(
        status=status,
        offered_on=offered_on,
        answered_on=answered_on,
        reviewed_on=reviewed_on,
        coordinator_offered_on=data.coordinator_offered_on or (previous.coordinator_offered_on if previous else None),
        coordinator_answer=data.coordinator_answer or (previous.coordinator_answer if previous else None),
    )


def _check(session: Session, person_id: int, previous: IndividualPlanStatus | None, row: IndividualPlanStatus) -> None:
    today = clock.today()
    for field in ("offered_on", "answered_on", "reviewed_on", "coordinator_offered_on"):
        value = getattr(row, field)
        if value is not None and value > today:
            raise Invalid(field, value.isoformat(), "cannot be later than today")
    if row.status == IpStatus.NOT_ASKED:
        if previous is not None and previous.status != IpStatus.NOT_ASKED:
            raise Invalid("status", row.status.value, f"the plan was already {previous.status.value}")
        if row.offered_on or row.answered_on or row.reviewed_on:
            raise Invalid("offered_on", row.offered_on, "a plan not asked about has no offer, answer or review dates")
    if row.status == IpStatus.OFFERED:
        if row.offered_on is None:
            raise Invalid("offered_on", None, "say when the plan was offered")
        if row.reviewed_on is not None:
            raise Invalid("reviewed_on", row.reviewed_on.isoformat(), "only an accepted plan is reviewed")
    if row.status in ANSWERED:
        if row.answered_on is None:
            raise Invalid("answered_on", None, "say when the person answered")
        if row.offered_on is not None and row.answered_on < row.offered_on:
            raise Invalid("answered_on", row.answered_on.isoformat(), f"is before the offer ({row.offered_on})")
    if row.reviewed_on is not None:
        if row.status != IpStatus.ACCEPTED:
            raise Invalid("reviewed_on", row.reviewed_on.isoformat(), "only an accepted plan is reviewed")
        if row.answered_on is not None and row.reviewed_on < row.answered_on:
            raise Invalid(
                "reviewed_on", row.reviewed_on.isoformat(), f"is before the plan was accepted ({row.answered_on})"
            )
    if row.coordinator_answer is not None and row.coordinator_offered_on is None:
        raise Invalid("coordinator_offered_on", None, "say when the coordinator was offered")
    if (
        row.status == IpStatus.DECLINED
        and row.coordinator_offered_on is None
        and team.coordinator_on(session, person_id, today) is None
    ):
        raise Invalid(
            "coordinator_offered_on",
            None,
            "a coordinator must be offered even when the individual plan is declined (pbrl § 2-5 b)",
        )
