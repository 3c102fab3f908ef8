"""Task worklists: each one query, paginated with limit/offset, returning typed ``TaskRow``s.

Every list is limited to persons the actor may see (``policy.audience_clause`` in the same statement), and each
view writes one audit event naming the persons it showed. Each list's statement is built once per kind of actor
and its values bound per call.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Executable, bindparam, select
from sqlalchemy.orm import Session, aliased

from helhet import clock
from helhet.audit import log as audit
from helhet.audit import policy
from helhet.errors import Forbidden, Invalid, NotFound
from helhet.persons.models import Person
from helhet.tasks.models import OPEN_TASK_STATUSES, Task
from helhet.tasks.schemas import TaskRow
from helhet.units.models import Unit
from helhet.users.actor import Actor
from helhet.users.models import Role, User

MAX_PAGE = 200


def my_tasks(session: Session, actor: Actor, limit: int = 50, offset: int = 0) -> list[TaskRow]:
    """Open tasks the actor owns, earliest due first."""
    if actor.user_id is None:
        return []
    return _list(session, actor, "my_tasks", None, {"owner_user_id": actor.user_id}, limit, offset)


def unit_queue(session: Session, actor: Actor, unit_id: int, limit: int = 50, offset: int = 0) -> list[TaskRow]:
    """Open tasks in the unit's unowned queue. Only the unit's members (its leader among them) see it."""
    _check_member(actor, unit_id)
    return _list(session, actor, "unit_queue", unit_id, {"unit_id": unit_id}, limit, offset)


def overdue_tasks(
    session: Session, actor: Actor, unit_id: int, limit: int = 50, offset: int = 0, today: date | None = None
) -> list[TaskRow]:
    """Open tasks of the unit (owned or in the queue) past their due date."""
    _check_member(actor, unit_id)
    today = today or clock.today()
    params = {"unit_id": unit_id, "today": today}
    return _list(session, actor, "overdue_tasks", unit_id, params, limit, offset, today)


def escalated_tasks_for_leader(session: Session, actor: Actor, limit: int = 50, offset: int = 0) -> list[TaskRow]:
    """Open escalated tasks of every unit the leader leads."""
    if actor.role != Role.UNIT_LEADER:
        raise Forbidden("escalated tasks are listed for unit leaders")
    params = {"unit_ids": sorted(actor.unit_ids)}
    return _list(session, actor, "escalated_tasks", actor.active_unit_id, params, limit, offset)


#: each list's own conditions, with bind parameters for its values (bound from ``_list``'s ``params``)
_WHERE: dict[str, Callable[[], list[ColumnElement[bool]]]] = {
    "my_tasks": lambda: [Task.owner_user_id == bindparam("owner_user_id")],
    "unit_queue": lambda: [Task.unit_id == bindparam("unit_id"), Task.owner_user_id.is_(None)],
    "overdue_tasks": lambda: [Task.unit_id == bindparam("unit_id"), Task.due_on < bindparam("today")],
    "escalated_tasks": lambda: [
        Task.unit_id.in_(bindparam("unit_ids", expanding=True)),
        Task.escalated_at.is_not(None),
    ],
}


def _check_member(actor: Actor, unit_id: int) -> None:
    if not policy.sees_person_data(actor) or (not actor.is_system and unit_id not in actor.unit_ids):
        raise NotFound("unit", unit_id)


def _check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_PAGE:
        raise Invalid("limit", limit, f"use a page size from 1 to {MAX_PAGE}")
    if offset < 0:
        raise Invalid("offset", offset, "use an offset of 0 or more")


@cache
def _statement(name: str, audience: str) -> Executable:
    """Built once per list and audience (``policy.audience``), its values and page bound at each call: neither
    the statement nor its cache key is made again per request (the compiled SQL is SQLAlchemy's cache)."""
    owner = aliased(User)
    return (
        select(
            Task.id,
            Task.person_id,
            Person.given_name,
            Person.family_name,
            Task.unit_id,
            Unit.name,
            Task.owner_user_id,
            owner.full_name,
            Task.kind,
            Task.title,
            Task.due_on,
            Task.status,
            Task.escalated_at,
            Task.version,
        )
        .join(Person, Person.id == Task.person_id)
        .join(Unit, Unit.id == Task.unit_id)
        .outerjoin(owner, owner.id == Task.owner_user_id)
        .where(Task.status.in_(OPEN_TASK_STATUSES), policy.audience_clause(audience, Task.person_id), *_WHERE[name]())
        .order_by(Task.due_on, Task.id)
        .limit(bindparam("page_limit"))
        .offset(bindparam("page_offset"))
    )


def _list(
    session: Session,
    actor: Actor,
    name: str,
    unit_id: int | None,
    params: dict[str, Any],
    limit: int,
    offset: int,
    today: date | None = None,
) -> list[TaskRow]:
    _check_page(limit, offset)
    today = today or clock.today()
    stmt = _statement(name, policy.audience(actor))
    values = {**params, **policy.audience_params(actor), "page_limit": limit, "page_offset": offset}
    rows = [
        TaskRow(
            task_id=r[0],
            person_id=r[1],
            person_name=f"{r[2]} {r[3]}",
            unit_id=r[4],
            unit_name=r[5],
            owner_user_id=r[6],
            owner_name=r[7],
            kind=r[8],
            title=r[9],
            due_on=r[10],
            status=r[11],
            overdue=r[10] < today,
            escalated_at=r[12],
            version=r[13],
        )
        for r in session.execute(stmt, values)
    ]
    if rows:
        persons = sorted({r.person_id for r in rows})
        audit.record_change(session, actor, "read", "worklist", name, detail={"unit_id": unit_id, "persons": persons})
    return rows
