"""Builders for relatives and consent: plain functions through the real services."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from helhet.persons.models import Person
from helhet.relatives import consent as consents
from helhet.relatives import service as relatives
from helhet.relatives.models import Consent, Relationship, Relative
from helhet.relatives.schemas import ConsentCreate, RelativeCreate
from helhet.users.actor import Actor


def make_relative(session: Session, actor: Actor, person: Person, **changes: Any) -> Relative:
    data: dict[str, Any] = {
        "given_name": "Ola",
        "family_name": "Testesen",
        "relationship": Relationship.SIBLING,
        "birth_date": date(1980, 2, 1),
        "phone": "+47 400 00 000",
    }
    data.update(changes)
    return relatives.register_relative(session, actor, person.id, RelativeCreate(**data))


def give_consent(
    session: Session, actor: Actor, relative: Relative, scope: str = "meetings", **changes: Any
) -> Consent:
    data: dict[str, Any] = {"scope": scope, "valid_from": date(2025, 4, 1), "given_how": "written"}
    data.update(changes)
    return consents.give_consent(session, actor, relative.id, ConsentCreate(**data))
