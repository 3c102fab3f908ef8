"""The person's care team across organisations, and the coordinator (koordinator, hol § 7-2, pbrl § 2-5 b).

A membership is never deleted: it ends with ``to_date``. It is current on a day when ``from_date <= day`` and
``to_date`` is empty or not before the day; a current membership gives the unit (or the named user) access to
the person (``audit/policy.py``). A ``to_date`` the day before ``from_date`` means the membership never took
effect (recorded in error, or a coordinator handed over the day they were assigned).

At most one coordinator is current per person: assigning a new one ends the old membership the day before the
new one starts, so the history shows who was coordinator when.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from sqlalchemy import BindParameter, ColumnElement, Select, bindparam, func, or_, select, union
from sqlalchemy.orm import Session, aliased

from helhet import clock
from helhet.audit import log as audit
from helhet.audit import policy
from helhet.careplans.schemas import (
    CoordinatorAssign,
    OrganisationKind,
    TeamMemberCreate,
    TeamMemberEnd,
    TeamMemberRead,
)
from helhet.errors import Conflict, Invalid, NotFound, check_version
from helhet.pathways.models import CareTeamMember, Episode, TeamRole
from helhet.persons import service as persons
from helhet.reference.units import MUNICIPAL_KINDS, UnitKind
from helhet.referrals import service as referrals
from helhet.units.models import Unit
from helhet.users.actor import Actor
from helhet.users.models import Membership, User


def organisation_of(kind: UnitKind) -> OrganisationKind:
    if kind in MUNICIPAL_KINDS:
        return OrganisationKind.MUNICIPAL
    if kind == UnitKind.PRIVATE_PROVIDER:
        return OrganisationKind.PRIVATE
    return OrganisationKind.SPECIALIST


def current_on(on: date | BindParameter[date]) -> ColumnElement[bool]:
    """SQL condition: the membership is current on ``on``."""
    return (CareTeamMember.from_date <= on) & or_(CareTeamMember.to_date.is_(None), CareTeamMember.to_date >= on)


def add_member(session: Session, actor: Actor, person_id: int, data: TeamMemberCreate) -> CareTeamMember:
    """Add a unit (with a named user, or a name for someone without an account) to the person's team."""
    persons.get_person(session, actor, person_id, what="care_team")
    if data.role == TeamRole.COORDINATOR:
        raise Invalid("role", data.role.value, "assign the coordinator with 'assign coordinator', which ends the old")
    from_date, name = _check_member(session, data.unit_id, data.user_id, data.name, data.from_date)
    duplicate = session.scalar(
        select(CareTeamMember.id).where(
            CareTeamMember.person_id == person_id,
            CareTeamMember.unit_id == data.unit_id,
            CareTeamMember.role == data.role,
            _same_user_or_name(data.user_id, name),
            current_on(from_date),
        )
    )
    if duplicate is not None:
        raise Conflict("this member is already on the team in this role")
    member = _add(session, actor, person_id, data.unit_id, data.user_id, name, data.role, from_date, data.note)
    return member


def end_member(session: Session, actor: Actor, member_id: int, data: TeamMemberEnd) -> CareTeamMember:
    member = get_member(session, actor, member_id)
    check_version("care team member", member.version, data.version)
    if member.to_date is not None:
        raise Conflict(f"the membership already ends on {member.to_date.isoformat()}")
    to_date = data.to_date or clock.today()
    if to_date < member.from_date - timedelta(days=1):
        raise Invalid("to_date", to_date.isoformat(), f"cannot be before the membership began ({member.from_date})")
    member.to_date = to_date
    if data.note:
        member.note = "\n".join(filter(None, [member.note, data.note.strip()]))
    session.flush()
    audit.record_change(
        session,
        actor,
        "care_team.member_ended",
        "care_team_member",
        member.id,
        person_id=member.person_id,
        detail={"role": member.role.value, "unit_id": member.unit_id, "to_date": to_date.isoformat()},
    )
    return member


def get_member(session: Session, actor: Actor, member_id: int) -> CareTeamMember:
    member = session.get(CareTeamMember, member_id)
    if member is None or not policy.may_see(session, actor, member.person_id):
        raise NotFound("care team member", member_id)
    audit.record_access(session, actor, member.person_id, "care_team", entity_id=member.id)
    return member


def assign_coordinator(session: Session, actor: Actor, person_id: int, data: CoordinatorAssign) -> CareTeamMember:
    """Make a unit (and named user) the coordinator; a current coordinator is ended the day before."""
    persons.get_person(session, actor, person_id, what="care_team")
    from_date, name = _check_member(session, data.unit_id, data.user_id, data.name, data.from_date)
    previous = coordinator_on(session, person_id, clock.today())
    if previous is not None:
        if data.version is None:
            raise Invalid("version", None, "a coordinator is assigned; send the version of that membership you read")
        check_version("coordinator", previous.version, data.version)
        if (previous.unit_id, previous.user_id, previous.name) == (data.unit_id, data.user_id, name):
            raise Invalid("user_id", data.user_id, "this is already the coordinator")
        if from_date < previous.from_date:
            raise Invalid("from_date", from_date.isoformat(), f"the current coordinator began on {previous.from_date}")
        previous.to_date = from_date - timedelta(days=1)
        session.flush()
        audit.record_change(
            session,
            actor,
            "care_team.member_ended",
            "care_team_member",
            previous.id,
            person_id=person_id,
            reason="coordinator handed over",
            detail={"role": TeamRole.COORDINATOR.value, "to_date": previous.to_date.isoformat()},
        )
    member = _add(
        session, actor, person_id, data.unit_id, data.user_id, name, TeamRole.COORDINATOR, from_date, data.note
    )
    return member


def current_coordinator(session: Session, actor: Actor, person_id: int) -> TeamMemberRead | None:
    persons.get_person(session, actor, person_id, what="care_team")
    today = clock.today()
    stmt = _rows().where(
        CareTeamMember.person_id == person_id,
        CareTeamMember.role == TeamRole.COORDINATOR,
        current_on(today),
    )
    rows = _read(session, stmt, today)
    return rows[0] if rows else None


def current_team(session: Session, actor: Actor, person_id: int, on: date | None = None) -> list[TeamMemberRead]:
    """The team on a day (today by default): each member with unit, organisation kind and named person."""
    persons.get_person(session, actor, person_id, what="care_team")
    on = on or clock.today()
    return _read(session, _current_team_statement(), on, {"person_id": person_id, "on": on})


@cache
def _current_team_statement() -> Select[CareTeamMember, str, UnitKind, str]:
    """Built once (every pathway page shows the team), the person and the day bound at each call."""
    return _rows().where(CareTeamMember.person_id == bindparam("person_id"), current_on(bindparam("on")))


def team_history(session: Session, actor: Actor, person_id: int) -> list[TeamMemberRead]:
    """Every membership, ended ones included, newest first."""
    persons.get_person(session, actor, person_id, what="care_team")
    today = clock.today()
    stmt = _rows().where(CareTeamMember.person_id == person_id)
    return _read(
        session, stmt.order_by(None).order_by(CareTeamMember.from_date.desc(), CareTeamMember.id.desc()), today
    )


def needs_coordinator(session: Session, person_id: int, on: date) -> bool:
    """Long-term, coordinated needs (DOMAIN.md §4.1: "coordinated" means two or more services): on ``on`` the
    person is served by two or more different units, counting current care-team members and open episodes.

    Vedtak and other services are not counted yet; the gap check (``gaps/facts.py``) counts team members only.
    No access check and no audit: the answer names no data, and callers have already opened the person.
    """
    team = select(CareTeamMember.unit_id).where(CareTeamMember.person_id == person_id, current_on(on))
    episodes = select(Episode.unit_id).where(
        Episode.person_id == person_id,
        Episode.started_on <= on,
        or_(Episode.ended_on.is_(None), Episode.ended_on >= on),
    )
    units = union(team, episodes).subquery()  # UNION drops duplicates: distinct units
    return (session.scalar(select(func.count()).select_from(units)) or 0) >= 2


def _check_member(
    session: Session, unit_id: int, user_id: int | None, name: str | None, from_date: date | None
) -> tuple[date, str | None]:
    referrals.get_unit(session, unit_id)
    name = (name or "").strip() or None
    if user_id is not None and name is not None:
        raise Invalid("name", name, "give a name only for members without a user account")
    if user_id is not None:
        member = session.scalar(
            select(Membership.id)
            .join(User, User.id == Membership.user_id)
            .where(Membership.user_id == user_id, Membership.unit_id == unit_id, User.active.is_(True))
        )
        if member is None:
            raise Invalid("user_id", user_id, "the named member must be an active member of the unit")
    start = from_date or clock.today()
    if start > clock.today():
        raise Invalid("from_date", start.isoformat(), "cannot be later than today")
    return start, name


def _same_user_or_name(user_id: int | None, name: str | None) -> ColumnElement[bool]:
    user = CareTeamMember.user_id.is_(None) if user_id is None else CareTeamMember.user_id == user_id
    named = CareTeamMember.name.is_(None) if name is None else CareTeamMember.name == name
    return user & named


def coordinator_on(session: Session, person_id: int, on: date) -> CareTeamMember | None:
    """The coordinator membership current on ``on`` (internal: no access check)."""
    stmt = (
        select(CareTeamMember)
        .where(
            CareTeamMember.person_id == person_id,
            CareTeamMember.role == TeamRole.COORDINATOR,
            current_on(on),
        )
        .order_by(CareTeamMember.from_date.desc(), CareTeamMember.id.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def _add(
    session: Session,
    actor: Actor,
    person_id: int,
    unit_id: int,
    user_id: int | None,
    name: str | None,
    role: TeamRole,
    from_date: date,
    note: str | None,
) -> CareTeamMember:
    member = CareTeamMember(
        person_id=person_id,
        unit_id=unit_id,
        user_id=user_id,
        name=name,
        role=role,
        from_date=from_date,
        note=(note or "").strip() or None,
    )
    session.add(member)
    session.flush()
    audit.record_change(
        session,
        actor,
        "care_team.coordinator_assigned" if role == TeamRole.COORDINATOR else "care_team.member_added",
        "care_team_member",
        member.id,
        person_id=person_id,
        detail={"role": role.value, "unit_id": unit_id, "user_id": user_id},
    )
    return member


def _rows() -> Select[CareTeamMember, str, UnitKind, str]:
    user = aliased(User)
    return (
        select(CareTeamMember, Unit.name, Unit.kind, user.full_name)
        .join(Unit, Unit.id == CareTeamMember.unit_id)
        .outerjoin(user, user.id == CareTeamMember.user_id)
        .order_by(CareTeamMember.role, Unit.name, CareTeamMember.id)
    )


def member_read(session: Session, member: CareTeamMember) -> TeamMemberRead:
    """One membership as read (the caller has opened the person)."""
    today = clock.today()
    return _read(session, _rows().where(CareTeamMember.id == member.id), today)[0]


def _read(
    session: Session,
    stmt: Select[CareTeamMember, str, UnitKind, str],
    on: date,
    params: dict[str, object] | None = None,
) -> list[TeamMemberRead]:
    result = []
    for member, unit_name, unit_kind, user_name in session.execute(stmt, params):
        result.append(
            TeamMemberRead(
                id=member.id,
                person_id=member.person_id,
                unit_id=member.unit_id,
                unit_name=unit_name,
                unit_kind=unit_kind,
                organisation=organisation_of(unit_kind),
                user_id=member.user_id,
                user_name=user_name,
                name=member.name,
                role=member.role,
                from_date=member.from_date,
                to_date=member.to_date,
                current=member.from_date <= on and (member.to_date is None or member.to_date >= on),
                note=member.note,
                version=member.version,
            )
        )
    return result
