"""Which relatives may be named in a crisis plan or told about a handover: a consent in force of scope meetings or
full. General information to relatives needs no consent (DOMAIN.md §6), but being someone the service calls in a
crisis, or being told about a discharge, is more than general information.

Whether a consent is in force on a day is decided in one place, ``relatives.consent.in_force_clause``: it has
started, has not run out, and was not withdrawn on or before the day (a withdrawal counts from the day it is made).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from helhet.errors import Invalid
from helhet.relatives.consent import in_force_clause
from helhet.relatives.models import SCOPE_ORDER, Consent, ConsentScope, Relative

#: the least scope that lets the service contact a relative about the person's care
CONTACT_SCOPES = frozenset(s for s in SCOPE_ORDER if SCOPE_ORDER.index(s) >= SCOPE_ORDER.index(ConsentScope.MEETINGS))


def consent_current_clause(on: date) -> ColumnElement[bool]:
    """True for a consent row that is in force on ``on`` with a scope of meetings or full."""
    return Consent.scope.in_(CONTACT_SCOPES) & in_force_clause(on)


def consenting_relative_ids(session: Session, person_id: int, on: date) -> set[int]:
    """The person's relatives with a consent in force of scope meetings or full (one query)."""
    stmt = (
        select(Consent.relative_id)
        .join(Relative, Relative.id == Consent.relative_id)
        .where(Relative.person_id == person_id, Consent.person_id == person_id, consent_current_clause(on))
    )
    return set(session.scalars(stmt))


def consenting_relatives(session: Session, person_id: int, on: date) -> list[Relative]:
    """The relatives who may be named as crisis contacts on ``on``, by name."""
    ids = consenting_relative_ids(session, person_id, on)
    if not ids:
        return []
    stmt = select(Relative).where(Relative.id.in_(ids)).order_by(Relative.given_name, Relative.family_name, Relative.id)
    return list(session.scalars(stmt))


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
