"""Who may see what. One short function per question, read like the rules they encode.

A user may see a person only through a care relationship:
- a member of a unit that received or sent an open referral for the person (or one closed within the grace
  period, so the unit can finish letters and follow-up);
- a member of a unit with an open episode for the person (or one ended within the grace period);
- a member of a unit on the person's current care team, or named on it;
- an active emergency ("break the glass") grant, which has a reason and expires;
- a pending handover to one of the actor's units.
Analysts and admins see no person-level data. The system actor (imports, generator) sees everything.
Everyone else gets "not found", the same answer as for a person who does not exist.

Within one transaction a person the actor was found to see is remembered (``may_see`` asks the database once
per actor and person, however many domain doors a page goes through); the memory ends with the transaction,
with any change recorded in it (a change may end the very relationship that gave access), and after
``REMEMBER_FOR`` (or when the clock goes back, as a test's frozen clock may).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    any_,
    bindparam,
    event,
    exists,
    false,
    literal,
    literal_column,
    or_,
    select,
    union,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import InstrumentedAttribute, Session, SessionTransaction
from sqlalchemy.types import Date, Integer, String

from helhet import clock
from helhet.audit.models import EmergencyAccess
from helhet.config import get_settings
from helhet.pathways.models import CareTeamMember, Episode
from helhet.referrals.models import OPEN_STATUSES, Referral
from helhet.transitions.models import Handover, HandoverStatus
from helhet.users.actor import Actor
from helhet.users.models import Role


def sees_person_data(actor: Actor) -> bool:
    """Only clinical roles (and the system) ever see person-level data."""
    return actor.is_system or actor.is_clinical


InUnits = Callable[[Any], ColumnElement[bool]]


def _word(value: enum.StrEnum) -> ColumnElement[str]:
    """A code written into the SQL, not bound: the relationships' statements then bind only the actor's values."""
    return literal_column(f"'{value.value}'", String)


_OPEN = [_word(status) for status in sorted(OPEN_STATUSES)]


def _in(units: Any) -> InUnits:
    """``column IN units`` (a list of ids, or an expanding bind parameter)."""
    return lambda column: column.in_(units)


def _relation_selects(in_units: InUnits, user_id: Any, since: Any, today: Any, now: Any) -> list[Select[int]]:
    """One SELECT of person ids per kind of care relationship, for the actor's units (``in_units(column)``: the
    column names one of them) and ``user_id`` on ``today`` (``since``: the grace period's first day; ``now``: for
    expiring grants). Values or bind parameters."""
    open_or_recent_referral = or_(Referral.status.in_(_OPEN), Referral.closed_on >= since)
    return [
        select(Referral.person_id).where(
            or_(in_units(Referral.receiving_unit_id), in_units(Referral.referrer_unit_id)),
            open_or_recent_referral,
        ),
        select(Episode.person_id).where(
            in_units(Episode.unit_id), or_(Episode.ended_on.is_(None), Episode.ended_on >= since)
        ),
        select(CareTeamMember.person_id).where(
            or_(in_units(CareTeamMember.unit_id), CareTeamMember.user_id == user_id),
            or_(CareTeamMember.to_date.is_(None), CareTeamMember.to_date >= today),
        ),
        select(EmergencyAccess.person_id).where(EmergencyAccess.user_id == user_id, EmergencyAccess.expires_at > now),
        # a unit asked to take over (a pending handover to it) sees the person, so it can decide
        select(Handover.person_id).where(
            in_units(Handover.to_unit_id), Handover.status == _word(HandoverStatus.PENDING)
        ),
    ]


def relation_params(actor: Actor) -> dict[str, Any]:
    """The values of the relationships' bind parameters for ``actor`` now (see ``may_see_bound``)."""
    today = clock.today()
    return {
        "policy_units": sorted(actor.unit_ids),
        "policy_user_id": actor.user_id,
        "policy_since": today - timedelta(days=get_settings().relation_grace_days),
        "policy_today": today,
        "policy_now": clock.now(),
    }


def _relations(actor: Actor) -> list[Select[int]]:
    """The relationships of ``actor`` with its values in the statement (subqueries for search and worklists)."""
    values = relation_params(actor)
    return _relation_selects(_in(values["policy_units"]), *(values[f"policy_{k}"] for k in _SCALARS))


_SCALARS = ("user_id", "since", "today", "now")


def _exists_any(relations: list[Select[int]], person_id_column: Any) -> ColumnElement[bool]:
    return or_(*(exists(r.where(r.selected_columns[0] == person_id_column)) for r in relations))


def may_see_bound(person_id_column: ColumnElement[int] | InstrumentedAttribute[int]) -> ColumnElement[bool]:
    """``may_see_clause`` for any clinical actor, with bind parameters instead of the actor's values: build a
    statement with it once and execute it with ``relation_params(actor)``, so it is neither rebuilt nor
    recompiled on each read (the hot path's door)."""
    return _exists_any(_bound_relations(), person_id_column)


def may_see_bound_pg(person_id_column: ColumnElement[int] | InstrumentedAttribute[int]) -> ColumnElement[bool]:
    """``may_see_bound`` for PostgreSQL alone: the actor's units one array parameter (``= ANY``), not a list
    SQLAlchemy expands into the SQL on each execution, so the statement's text is fixed and psycopg can send it
    as it is (``db.KeptStatement``). The same parameters (``relation_params``)."""
    units = bindparam("policy_units", type_=ARRAY(Integer))
    return _exists_any(_bound_relations(lambda column: column == any_(units)), person_id_column)


def _bound_relations(in_units: InUnits | None = None) -> list[Select[int]]:
    """The relationships with bind parameters for the values (``relation_params``)."""
    return _relation_selects(
        in_units or _in(bindparam("policy_units", expanding=True, type_=Integer)),
        bindparam("policy_user_id", type_=Integer),
        bindparam("policy_since", type_=Date),
        bindparam("policy_today", type_=Date),
        bindparam("policy_now", type_=EmergencyAccess.expires_at.type),
    )


def visible_person_ids_bound() -> Select[int]:
    """``visible_person_ids`` for any clinical actor, executed with ``relation_params(actor)`` (kept lists)."""
    return union(*_bound_relations()).subquery().select()


#: who a kept statement's may-see clause is for (``audience``): the system, a clinical role, anyone else
EVERYONE, RELATED, NO_ONE = "everyone", "related", "no one"


def audience(actor: Actor) -> str:
    """Which may-see clause a kept statement needs for ``actor`` (``audience_clause``; the values from
    ``audience_params``): the system sees every person, a clinical role those it has a care relationship with,
    anyone else no one."""
    if actor.is_system:
        return EVERYONE
    return RELATED if actor.is_clinical else NO_ONE


def audience_clause(
    kind: str, person_id_column: ColumnElement[int] | InstrumentedAttribute[int]
) -> ColumnElement[bool]:
    """``may_see_clause`` for every actor of ``audience`` ``kind``, with the relationships' bind parameters: a
    statement built with it is built once per kind and executed with ``audience_params(actor)``."""
    if kind == EVERYONE:
        return literal(True)
    if kind == NO_ONE:
        return literal(False)
    return may_see_bound(person_id_column)


def audience_params(actor: Actor) -> dict[str, Any]:
    """The bind parameter values of ``audience_clause(audience(actor), ...)``."""
    return relation_params(actor) if audience(actor) == RELATED else {}


def visible_person_ids(actor: Actor) -> Select[int]:
    """A subquery of the ids of every person ``actor`` may see (for search and worklists)."""
    if not actor.is_clinical:
        return select(literal(-1)).where(false())
    return union(*_relations(actor)).subquery().select()


def may_see_clause(
    actor: Actor, person_id_column: ColumnElement[int] | InstrumentedAttribute[int]
) -> ColumnElement[bool]:
    """A boolean SQL expression, so the check rides along in the query that loads the record."""
    if actor.is_system:
        return literal(True)
    if not actor.is_clinical:
        return literal(False)
    return _exists_any(_relations(actor), person_id_column)


#: ``session.info`` key of the (actor, person) pairs found visible in the current transaction
SEEN = "helhet_policy_seen"


def _seen_key(actor: Actor, person_id: int) -> tuple[object, ...]:
    return (actor.user_id, actor.role, actor.unit_ids, person_id)


#: how long a check is remembered at most (a grant that expires meanwhile is asked about again)
REMEMBER_FOR = timedelta(seconds=30)


def remember_seen(session: Session, actor: Actor, person_id: int) -> None:
    """The caller checked (in its own statement) that ``actor`` may see the person: later doors need not ask."""
    session.info.setdefault(SEEN, {})[_seen_key(actor, person_id)] = clock.now()


def _remembered(session: Session, actor: Actor, person_id: int) -> bool:
    checked_at = session.info.get(SEEN, {}).get(_seen_key(actor, person_id))
    return checked_at is not None and checked_at <= clock.now() < checked_at + REMEMBER_FOR


def forget_seen(session: Session) -> None:
    session.info.pop(SEEN, None)


def may_see(session: Session, actor: Actor, person_id: int) -> bool:
    if actor.is_system:
        return True
    if not actor.is_clinical:
        return False
    if _remembered(session, actor, person_id):
        return True
    allowed = bool(session.scalar(select(may_see_clause(actor, literal(person_id)))))
    if allowed:
        remember_seen(session, actor, person_id)
    return allowed


@event.listens_for(Session, "after_transaction_end")
def _forget_at_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None or transaction.nested:  # not at the end of a flush's subtransaction
        forget_seen(session)


def may_review_emergency_access(actor: Actor) -> bool:
    return actor.role == Role.UNIT_LEADER


def may_manage_units_and_users(actor: Actor) -> bool:
    return actor.is_system or actor.role == Role.ADMIN


def may_see_aggregates(actor: Actor) -> bool:
    return actor.is_system or actor.role in {Role.ANALYST, Role.UNIT_LEADER, Role.ADMIN}
