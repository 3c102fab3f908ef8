"""Handover worklists and escalation.

An open (pending) handover shows on both units' lists: incoming for the receiver, outgoing for the sender. Each
list is one query, paginated, limited to persons the actor may see, and logs one audit event naming the persons
shown; its statement is built once per kind of actor and its values bound per call. A pending handover is
overdue the day after its ``acceptance_due``; ``escalate_overdue_handovers`` marks it once (``escalated_at``)
with an audit event, for the scheduled job.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Executable, Select, bindparam, func, select
from sqlalchemy.orm import Session, aliased

from helhet import clock
from helhet.audit import log as audit
from helhet.audit import policy
from helhet.config import get_settings
from helhet.errors import Invalid, NotFound
from helhet.persons.models import Person
from helhet.transitions.models import Handover, HandoverChecklistItem, HandoverStatus
from helhet.transitions.schemas import HandoverRow
from helhet.units.models import Unit
from helhet.users.actor import SYSTEM, Actor

MAX_PAGE = 200


def incoming_handovers(
    session: Session, actor: Actor, unit_id: int, limit: int = 50, offset: int = 0, today: date | None = None
) -> list[HandoverRow]:
    """Pending handovers to the unit, the earliest acceptance day first."""
    _check_member(actor, unit_id)
    return _list(session, actor, "incoming_handovers", unit_id, limit, offset, today)


def outgoing_handovers(
    session: Session, actor: Actor, unit_id: int, limit: int = 50, offset: int = 0, today: date | None = None
) -> list[HandoverRow]:
    """Pending handovers from the unit: it is still responsible for these persons."""
    _check_member(actor, unit_id)
    return _list(session, actor, "outgoing_handovers", unit_id, limit, offset, today)


def overdue_handovers(session: Session, today: date | None = None) -> list[Handover]:
    """Internal (the scheduled job, the gap list): every pending handover past its acceptance day."""
    today = today or clock.today()
    stmt = (
        select(Handover)
        .where(Handover.status == HandoverStatus.PENDING, Handover.acceptance_due < today)
        .order_by(Handover.acceptance_due, Handover.id)
    )
    return list(session.scalars(stmt))


def escalate_overdue_handovers(session: Session, today: date | None = None, actor: Actor = SYSTEM) -> list[Handover]:
    """Mark overdue handovers not yet escalated; returns those marked now."""
    today = today or clock.today()
    marked = [h for h in overdue_handovers(session, today) if h.escalated_at is None]
    now = clock.now()
    for handover in marked:
        handover.escalated_at = now
        audit.record_change(
            session,
            actor,
            "handover.escalated",
            "handover",
            handover.id,
            person_id=handover.person_id,
            detail={
                "from_unit_id": handover.from_unit_id,
                "to_unit_id": handover.to_unit_id,
                "acceptance_due": handover.acceptance_due.isoformat(),
                "working_days_late": clock.working_days_between(handover.acceptance_due, today),
                "limit": get_settings().handover_acceptance_working_days,
            },
        )
    session.flush()
    return marked


def overdue_handover_counts(session: Session, ids: Select[Any], today: date) -> dict[int, int]:
    """Pending handovers past their acceptance day per person in the ``ids`` subquery (one query; the gap list)."""
    stmt = (
        select(Handover.person_id, func.count())
        .where(Handover.person_id.in_(ids), Handover.status == HandoverStatus.PENDING, Handover.acceptance_due < today)
        .group_by(Handover.person_id)
    )
    return {person_id: int(count) for person_id, count in session.execute(stmt)}


def _check_member(actor: Actor, unit_id: int) -> None:
    if not policy.sees_person_data(actor) or (not actor.is_system and unit_id not in actor.unit_ids):
        raise NotFound("unit", unit_id)


def _check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_PAGE:
        raise Invalid("limit", limit, f"use a page size from 1 to {MAX_PAGE}")
    if offset < 0:
        raise Invalid("offset", offset, "use an offset of 0 or more")


#: each list's unit column: the unit bound from ``_list``
_UNIT_COLUMN = {"incoming_handovers": Handover.to_unit_id, "outgoing_handovers": Handover.from_unit_id}


@cache
def _statement(name: str, audience: str) -> Executable:
    """Built once per list and audience (``policy.audience``); the unit, the relationships' values and the page
    bound at each call, so neither the statement nor its cache key is made again per request."""
    from_unit, to_unit = aliased(Unit), aliased(Unit)
    item = HandoverChecklistItem
    done = (
        select(func.count()).where(item.handover_id == Handover.id, item.done.is_(True)).correlate(Handover)
    ).scalar_subquery()
    total = (select(func.count()).where(item.handover_id == Handover.id).correlate(Handover)).scalar_subquery()
    return (
        select(
            Handover.id,
            Handover.person_id,
            Person.given_name,
            Person.family_name,
            Handover.kind,
            Handover.from_unit_id,
            from_unit.name,
            Handover.to_unit_id,
            to_unit.name,
            Handover.planned_on,
            Handover.acceptance_due,
            Handover.escalated_at,
            done,
            total,
            Handover.version,
        )
        .join(Person, Person.id == Handover.person_id)
        .join(from_unit, from_unit.id == Handover.from_unit_id)
        .join(to_unit, to_unit.id == Handover.to_unit_id)
        .where(
            Handover.status == HandoverStatus.PENDING,
            policy.audience_clause(audience, Handover.person_id),
            _UNIT_COLUMN[name] == bindparam("unit_id"),
        )
        .order_by(Handover.acceptance_due, Handover.id)
        .limit(bindparam("page_limit"))
        .offset(bindparam("page_offset"))
    )


def _list(
    session: Session,
    actor: Actor,
    name: str,
    unit_id: int,
    limit: int,
    offset: int,
    today: date | None,
) -> list[HandoverRow]:
    _check_page(limit, offset)
    today = today or clock.today()
    values = {"unit_id": unit_id, **policy.audience_params(actor), "page_limit": limit, "page_offset": offset}
    rows = [
        HandoverRow(
            handover_id=r[0],
            person_id=r[1],
            person_name=f"{r[2]} {r[3]}",
            kind=r[4],
            from_unit_id=r[5],
            from_unit_name=r[6],
            to_unit_id=r[7],
            to_unit_name=r[8],
            planned_on=r[9],
            acceptance_due=r[10],
            overdue=r[10] < today,
            escalated_at=r[11],
            checklist_done=int(r[12] or 0),
            checklist_total=int(r[13] or 0),
            version=r[14],
        )
        for r in session.execute(_statement(name, policy.audience(actor)), values)
    ]
    if rows:
        persons = sorted({r.person_id for r in rows})
        audit.record_change(session, actor, "read", "worklist", name, detail={"unit_id": unit_id, "persons": persons})
    return rows
