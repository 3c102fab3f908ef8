"""Which relatives may be named in a crisis plan or told about a handover: a current consent of scope meetings or
full. General information to relatives needs no consent (DOMAIN.md §6), but being someone the service calls in a
crisis, or being told about a discharge, is more than general information.

A consent is current on a day when it has started, has not run out, and was not withdrawn before the day ended.
These read the ``relative`` and ``consent`` tables directly; once ``helhet.relatives`` has a consent service, these
checks belong there.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.errors import Invalid
from helhet.relatives.models import SCOPE_ORDER, Consent, ConsentScope, Relative

#: the least scope that lets the service contact a relative about the person's care
CONTACT_SCOPES = frozenset(s for s in SCOPE_ORDER if SCOPE_ORDER.index(s) >= SCOPE_ORDER.index(ConsentScope.MEETINGS))


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=clock.OSLO)


def consent_current_clause(on: date) -> ColumnElement[bool]:
    """True for a consent row that is in force on ``on`` with a scope of meetings or full."""
    return (
        Consent.scope.in_(CONTACT_SCOPES)
        & (Consent.valid_from <= on)
        & or_(Consent.valid_to.is_(None), Consent.valid_to >= on)
        & or_(Consent.withdrawn_at.is_(None), Consent.withdrawn_at >= _end_of(on))
    )


def consenting_relative_ids(session: Session, person_id: int, on: date) -> set[int]:
    """The person's relatives with a current consent of scope meetings or full (one query)."""
    stmt = (
        select(Consent.relative_id)
        .join(Relative, Relative.id == Consent.relative_id)
        .where(Relative.person_id == person_id, Consent.person_id == person_id, consent_current_clause(on))
    )
    return set(session.scalars(stmt))


def check_consenting_relative(
    session: Session, person_id: int, relative_id: int, on: date, field: str, purpose: str
) -> Relative:
    """The relative, when they belong to the person and have a current consent for ``purpose``; else Invalid."""
    relative = session.get(Relative, relative_id)
    if relative is None or relative.person_id != person_id:
        raise Invalid(field, relative_id, "not a registered relative of this person")
    if relative_id not in consenting_relative_ids(session, person_id, on):
        raise Invalid(
            field,
            relative_id,
            f"the person has no current consent (take part in meetings, or full information) for {purpose}; "
            "general information needs no consent, but this does",
        )
    return relative
