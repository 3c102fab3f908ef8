"""Reads shaped for the task and handover pages: which units may take work for a person, who works in a unit,
and names for ids. The pages call these after the door (``get_person``, ``get_task``) has checked access.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import CompoundSelect, select, union
from sqlalchemy.orm import Session

from helhet.pathways.models import CareTeamMember, Episode
from helhet.reference.units import UnitKind
from helhet.referrals.models import Referral
from helhet.tasks.service import unit_serves_person
from helhet.units.models import Unit
from helhet.users.models import Membership, User


@dataclass(frozen=True)
class Choice:
    id: int
    name: str


@dataclass(frozen=True)
class UnitChoices:
    """Units of one kind (TSB units, municipal services, NAV ...), for an ``<optgroup>``."""

    kind: UnitKind
    units: list[Choice]


@dataclass(frozen=True)
class MemberChoices:
    """The active members of one unit, for an ``<optgroup>`` of possible owners."""

    unit: Choice
    members: list[Choice]


def connected_units(session: Session, person_id: int, also: Iterable[int] = ()) -> list[UnitChoices]:
    """Units with a care relationship with the person (referral, episode, care team: the units work may be
    handed to), plus ``also`` (the actor's own units), grouped by kind and sorted by name."""
    candidates: CompoundSelect[tuple[int]] = union(
        select(Referral.receiving_unit_id).where(Referral.person_id == person_id),
        select(Referral.referrer_unit_id).where(
            Referral.person_id == person_id, Referral.referrer_unit_id.is_not(None)
        ),
        select(Episode.unit_id).where(Episode.person_id == person_id),
        select(CareTeamMember.unit_id).where(CareTeamMember.person_id == person_id),
    )
    ids = {int(i) for i in session.scalars(select(candidates.subquery().c[0])) if i is not None}
    serving = {i for i in ids if unit_serves_person(session, i, person_id)} | set(also)
    if not serving:
        return []
    rows = session.execute(
        select(Unit.id, Unit.name, Unit.kind).where(Unit.id.in_(serving), Unit.active.is_(True)).order_by(Unit.name)
    )
    groups: dict[UnitKind, list[Choice]] = {}
    for row in rows:
        groups.setdefault(UnitKind(row.kind), []).append(Choice(row.id, row.name))
    order = list(UnitKind)
    return [UnitChoices(kind, groups[kind]) for kind in sorted(groups, key=order.index)]


def unit_members(session: Session, unit_ids: Iterable[int]) -> list[MemberChoices]:
    """Active members of each unit, by unit name then member name (one query)."""
    wanted = list(unit_ids)
    if not wanted:
        return []
    stmt = (
        select(Unit.id, Unit.name, User.id.label("user_id"), User.full_name)
        .join(Membership, Membership.unit_id == Unit.id)
        .join(User, User.id == Membership.user_id)
        .where(Unit.id.in_(wanted), User.active.is_(True))
        .order_by(Unit.name, Unit.id, User.full_name, User.id)
    )
    groups: dict[int, MemberChoices] = {}
    for row in session.execute(stmt):
        group = groups.setdefault(row.id, MemberChoices(Choice(row.id, row.name), []))
        group.members.append(Choice(row.user_id, row.full_name))
    return list(groups.values())


def user_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {r.id: r.full_name for r in session.execute(select(User.id, User.full_name).where(User.id.in_(wanted)))}


def unit_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {r.id: r.name for r in session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(wanted)))}
