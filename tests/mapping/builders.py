"""Builders for mapping and vedtak tests: plain functions through the real services."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helhet.careplans import team
from helhet.careplans.schemas import TeamMemberCreate
from helhet.mapping import service as mapping
from helhet.mapping.instruments import get_instrument
from helhet.mapping.models import QuestionnaireResult
from helhet.mapping.schemas import QuestionnaireCreate
from helhet.pathways.models import TeamRole
from helhet.persons.models import Person
from helhet.users.actor import SYSTEM, Actor
from tests.builders import make_referral
from tests.personas import Units

TODAY = date(2025, 4, 10)  # a Thursday


def served_person(session: Session, units: Units, **changes: Any) -> Person:
    """A person referred to the assessment unit (the clinician sees them) with the kommune on the care team (the
    coordinator sees them)."""
    referral = make_referral(session, receiving_unit_id=units.assessment.id, **changes)
    data = TeamMemberCreate(unit_id=units.kommune.id, role=TeamRole.MUNICIPAL_CONTACT, from_date=date(2025, 3, 3))
    team.add_member(session, SYSTEM, referral.person_id, data)
    return session.get_one(Person, referral.person_id)


def answers_totalling(code: str, total: int) -> dict[str, int]:
    """Answers with the given total: each item in order gets the highest score that still fits."""
    answers, left = {}, total
    for item in get_instrument(code).items:
        score = max(s for s in item.scores if s <= left)
        answers[str(item.number)] = score
        left -= score
    assert left == 0, f"{code} cannot total {total}"
    return answers


def record_questionnaire(
    session: Session, actor: Actor, person: Person, unit_id: int, code: str = "AUDIT", total: int = 10, **changes: Any
) -> QuestionnaireResult:
    data: dict[str, Any] = {
        "instrument": code,
        "answers": answers_totalling(code, total),
        "done_on": date(2025, 4, 1),
        "unit_id": unit_id,
    }
    data.update(changes)
    return mapping.record_questionnaire(session, actor, person.id, QuestionnaireCreate(**data))


def count(session: Session, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)
