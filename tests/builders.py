"""Builders: plain functions with defaults that go through the real services."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from helhet.assessments import service as assessments
from helhet.assessments.models import Assessment, HeardHow, Outcome
from helhet.assessments.schemas import AssessmentCreate
from helhet.pathways import episodes
from helhet.pathways.models import Episode
from helhet.pathways.schemas import EpisodeCreate
from helhet.persons import fodselsnummer
from helhet.persons import service as persons
from helhet.persons.models import Person
from helhet.persons.schemas import PersonCreate
from helhet.reference.units import CareLevel
from helhet.referrals import service as referrals
from helhet.referrals.deadlines import Condition
from helhet.referrals.models import Referral, ReferrerKind, Substance
from helhet.referrals.schemas import ReferralCreate
from helhet.users.actor import SYSTEM, Actor

_rng = random.Random(2025)
_issued: set[str] = set()


def synthetic_fnr(birth_date: date = date(1985, 5, 17), sex: str = "female") -> str:
    """A synthetic number not handed out before in this test run. One date has about 200 numbers per sex;
    when they run out the builder says so instead of looping (vary ``birth_date`` in such tests)."""
    for _ in range(2000):
        value = fodselsnummer.generate_synthetic(_rng, birth_date, sex)  # type: ignore[arg-type]
        if value not in _issued:
            _issued.add(value)
            return value
    raise RuntimeError(f"no unused synthetic number left for {birth_date} ({sex}); vary birth_date")


def person_data(**changes: Any) -> PersonCreate:
    birth = changes.pop("birth_date", None) or date(1985, 5, 17) + timedelta(days=len(_issued) // 150)
    sex = changes.pop("sex", "female")
    data: dict[str, Any] = {
        "fodselsnummer": synthetic_fnr(birth, sex),
        "given_name": "Kari",
        "family_name": "Testesen",
        "municipality_number": "4601",
    }
    data.update(changes)
    return PersonCreate(**data)


def make_person(session: Session, actor: Actor = SYSTEM, **changes: Any) -> Person:
    return persons.register_person(session, actor, person_data(**changes))


def make_referral(
    session: Session,
    actor: Actor = SYSTEM,
    *,
    person: Person | None = None,
    receiving_unit_id: int,
    **changes: Any,
) -> Referral:
    person = person or make_person(session)
    data: dict[str, Any] = {
        "fodselsnummer": person.fodselsnummer,
        "receiving_unit_id": receiving_unit_id,
        "referrer_kind": ReferrerKind.GP,
        "received_on": date(2025, 3, 3),
        "reason": "Økende alkoholbruk, ønsker hjelp.",
        "substances": [Substance.ALCOHOL],
        "wished_level": CareLevel.INPATIENT_SHORT,
        "what_matters": "Å beholde leiligheten og kontakten med barna.",
    }
    data.update(changes)
    return referrals.register_referral(session, actor, ReferralCreate(**data))


def grant(
    session: Session, actor: Actor, referral: Referral, level: CareLevel | None = None, **changes: Any
) -> Assessment:
    level = level or referral.wished_level or CareLevel.OUTPATIENT
    data: dict[str, Any] = {
        "assessed_on": date(2025, 3, 10),
        "outcome": Outcome.GRANTED,
        "heard_how": HeardHow.PHONE,
        "condition": Condition.ALCOHOL_DEPENDENCE,
        "assigned_level": level,
    }
    data.update(changes)
    return assessments.assess_referral(session, actor, referral.id, AssessmentCreate(**data))


def make_episode(
    session: Session, actor: Actor, referral: Referral, unit_id: int, level: CareLevel, **changes: Any
) -> Episode:
    data: dict[str, Any] = {"unit_id": unit_id, "level": level, "started_on": date(2025, 3, 20)}
    data.update(changes)
    return episodes.start_episode(session, actor, referral.id, EpisodeCreate(**data))
