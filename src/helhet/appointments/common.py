"""Shared by the appointments package: an appointment's date in Oslo, and for the worklists who may list a unit,
page sizes, and the audit line for a list read; for the pages, the users who may own an appointment."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.audit import log as audit
from helhet.audit import policy
from helhet.errors import Invalid, NotFound
from helhet.users.actor import Actor
from helhet.users.models import Membership, User

MAX_PAGE = 200


def local_date_of(moment: datetime) -> date:
    """The date in Oslo of a moment: an appointment's date, which deadlines and ages count from."""
    return moment.astimezone(clock.OSLO).date()


def check_unit_member(actor: Actor, unit_id: int) -> None:
    """A unit's worklists are for its members; everyone else gets "not found", like for a person."""
    if not policy.sees_person_data(actor) or (not actor.is_system and unit_id not in actor.unit_ids):
        raise NotFound("unit", unit_id)


def check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_PAGE:
        raise Invalid("limit", limit, f"use a page size from 1 to {MAX_PAGE}")
    if offset < 0:
        raise Invalid("offset", offset, "use an offset of 0 or more")


def record_list_read(session: Session, actor: Actor, name: str, unit_id: int, person_ids: Iterable[int]) -> None:
    """One audit event per list shown, naming the persons on it."""
    persons = sorted(set(person_ids))
    if persons:
        audit.record_change(session, actor, "read", "worklist", name, detail={"unit_id": unit_id, "persons": persons})


def unit_members(session: Session, unit_ids: Iterable[int]) -> list[tuple[int, str]]:
    """(user id, name) of the active members of the units, by name: who may own an appointment (the booking form)."""
    wanted = sorted(set(unit_ids))
    if not wanted:
        return []
    stmt = (
        select(User.id, User.full_name)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.unit_id.in_(wanted), User.active.is_(True))
        .distinct()
        .order_by(User.full_name, User.id)
    )
    return [(row.id, row.full_name) for row in session.execute(stmt)]


def user_names(session: Session, user_ids: Iterable[int | None]) -> dict[int, str]:
    """The names of users (owners, who recorded what), for pages that went through the person's door."""
    wanted = sorted({u for u in user_ids if u is not None})
    if not wanted:
        return {}
    return {
        row.id: row.full_name for row in session.execute(select(User.id, User.full_name).where(User.id.in_(wanted)))
    }
