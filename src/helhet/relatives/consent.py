"""The person's consent to share with a relative: scoped, time-bounded, revocable, never deleted (DOMAIN.md §6).

Scopes grow: none < general < meetings < full. General information (the unit's contact details, routines, rights,
support offers) is always allowed, with or without consent (pbrl § 3-3), so ``may_share(GENERAL, NONE)`` is true.

A consent is in force on a day when it has started, has not run out, and was not withdrawn on or before that day:
a withdrawal counts from the day it is made, so a relative never sees more than the consent allows. A new consent
supersedes the older ones of the relative from its first day: their period is cut to end the day before (the
change is in the audit log with the old end date).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import BindParameter, ColumnElement, bindparam, or_, select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.audit import log as audit
from helhet.errors import Conflict, Invalid, NotFound
from helhet.relatives import service as relatives
from helhet.relatives.models import SCOPE_ORDER, Consent, ConsentScope, GivenHow
from helhet.relatives.schemas import ConsentCreate, ConsentWithdraw, ScopeRead
from helhet.users.actor import Actor


def may_share(scope_needed: ConsentScope, current: ConsentScope) -> bool:
    """Whether what needs ``scope_needed`` may be shared under the ``current`` consent. General information always."""
    if scope_needed in (ConsentScope.NONE, ConsentScope.GENERAL):
        return True
    return SCOPE_ORDER.index(current) >= SCOPE_ORDER.index(scope_needed)


def parse_scope(value: str, field: str = "scope") -> ConsentScope:
    try:
        return ConsentScope(value)
    except ValueError:
        allowed = ", ".join(s.value for s in SCOPE_ORDER)
        raise Invalid(field, value, f"not a consent scope; use one of {allowed}") from None


def _parse_given_how(value: str) -> GivenHow:
    try:
        return GivenHow(value)
    except ValueError:
        allowed = ", ".join(g.value for g in GivenHow)
        raise Invalid("given_how", value, f"say how consent was given: {allowed}") from None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=clock.OSLO)


def in_force_clause(on: date) -> ColumnElement[bool]:
    """True for a consent row in force on ``on`` (started, not run out, not withdrawn on or before ``on``)."""
    return _in_force(on, _start_of(on + timedelta(days=1)))


def in_force_bound() -> ColumnElement[bool]:
    """``in_force_clause`` for a statement built once: the day bound at each call with ``in_force_params``."""
    # untyped: each comparison gives the parameter its column's type
    return _in_force(bindparam("in_force_on"), bindparam("in_force_next"))


def in_force_params(on: date) -> dict[str, object]:
    return {"in_force_on": on, "in_force_next": _start_of(on + timedelta(days=1))}


def _in_force(on: date | BindParameter[date], next_day: datetime | BindParameter[datetime]) -> ColumnElement[bool]:
    return (
        (Consent.valid_from <= on)
        & or_(Consent.valid_to.is_(None), Consent.valid_to >= on)
        & or_(Consent.withdrawn_at.is_(None), Consent.withdrawn_at >= next_day)
    )


def current_consent(session: Session, relative_id: int, on: date) -> Consent | None:
    """Internal (no access check): the consent in force for the relative on ``on``; the newest wins."""
    stmt = (
        select(Consent)
        .where(Consent.relative_id == relative_id, in_force_clause(on))
        .order_by(Consent.valid_from.desc(), Consent.id.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def current_scope(session: Session, relative_id: int, on: date) -> ConsentScope:
    """Internal (no access check): what the person has consented to share with the relative on ``on``."""
    consent = current_consent(session, relative_id, on)
    return consent.scope if consent is not None else ConsentScope.NONE


def scope_of(session: Session, actor: Actor, relative_id: int, on: date | None = None) -> ScopeRead:
    relative = relatives.get_relative(session, actor, relative_id, what="consent")
    on = on or clock.today()
    consent = current_consent(session, relative.id, on)
    return ScopeRead(
        relative_id=relative.id,
        on=on,
        scope=consent.scope if consent else ConsentScope.NONE,
        consent_id=consent.id if consent else None,
        valid_to=consent.valid_to if consent else None,
    )


def consents_of(session: Session, actor: Actor, relative_id: int) -> list[Consent]:
    """Every consent given for the relative, withdrawn and superseded ones too, newest first."""
    relative = relatives.get_relative(session, actor, relative_id, what="consent")
    stmt = (
        select(Consent)
        .where(Consent.relative_id == relative.id)
        .order_by(Consent.recorded_at.desc(), Consent.id.desc())
    )
    return list(session.scalars(stmt))


def give_consent(session: Session, actor: Actor, relative_id: int, data: ConsentCreate) -> Consent:
    """Record the person's consent for a relative; it supersedes the relative's earlier consents from its start."""
    relative = relatives.get_relative(session, actor, relative_id, what="consent")
    scope = parse_scope(data.scope)
    given_how = _parse_given_how(data.given_how)
    if data.valid_to is not None and data.valid_to < data.valid_from:
        raise Invalid("valid_to", data.valid_to.isoformat(), f"cannot be before valid_from {data.valid_from}")
    if data.valid_to is not None and data.valid_to < clock.today():
        raise Invalid("valid_to", data.valid_to.isoformat(), "a consent that has already run out gives nothing")
    older = _open_consents_reaching(session, relative.id, data.valid_from)
    consent = Consent(
        person_id=relative.person_id,
        relative_id=relative.id,
        scope=scope,
        valid_from=data.valid_from,
        valid_to=data.valid_to,
        given_how=given_how.value,
        note=(data.note or "").strip() or None,
        recorded_at=clock.now(),
        recorded_by=actor.user_id,
    )
    session.add(consent)
    session.flush()
    for row in older:
        before = row.valid_to
        row.valid_to = data.valid_from - timedelta(days=1)
        audit.record_change(
            session,
            actor,
            "consent.superseded",
            "consent",
            row.id,
            person_id=relative.person_id,
            detail={"by": consent.id, "valid_to_before": before.isoformat() if before else None},
        )
    session.flush()
    audit.record_change(
        session,
        actor,
        "consent.given",
        "consent",
        consent.id,
        person_id=relative.person_id,
        detail={"relative_id": relative.id, "scope": scope.value, "valid_to": _iso(data.valid_to)},
    )
    return consent


def withdraw_consent(session: Session, actor: Actor, consent_id: int, data: ConsentWithdraw) -> Consent:
    """The person withdraws a consent, at any time. It stays on record with the time and the note."""
    consent = _get_consent(session, actor, consent_id)
    if consent.withdrawn_at is not None:
        raise Conflict(f"the consent was already withdrawn at {consent.withdrawn_at.isoformat()}")
    consent.withdrawn_at = clock.now()
    consent.withdrawn_note = (data.note or "").strip() or None
    session.flush()
    audit.record_change(
        session,
        actor,
        "consent.withdrawn",
        "consent",
        consent.id,
        person_id=consent.person_id,
        reason=consent.withdrawn_note,
    )
    return consent


def _get_consent(session: Session, actor: Actor, consent_id: int) -> Consent:
    consent = session.get(Consent, consent_id)
    if consent is None:
        raise NotFound("consent", consent_id)
    try:
        relatives.get_relative(session, actor, consent.relative_id, what="consent")
    except NotFound:
        raise NotFound("consent", consent_id) from None
    return consent


def _open_consents_reaching(session: Session, relative_id: int, day: date) -> list[Consent]:
    """The relative's consents not withdrawn whose period reaches ``day`` or later: a new consent from ``day``
    supersedes them."""
    stmt = select(Consent).where(
        Consent.relative_id == relative_id,
        Consent.withdrawn_at.is_(None),
        or_(Consent.valid_to.is_(None), Consent.valid_to >= day),
    )
    return list(session.scalars(stmt))


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
