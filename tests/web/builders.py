"""Web test builders: a person with a referral the signed-in users can see, through the real services."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helhet.db import Base
from helhet.referrals.models import Referral
from tests.builders import make_person, make_referral
from tests.personas import Units


def count(session: Session, model: type[Base]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def referral_to_assessment_unit(session: Session, units: Units, **changes: Any) -> Referral:
    """A referral from the kommune to the assessment unit, committed so page requests see it."""
    person = make_person(session, **changes.pop("person", {}))
    referral = make_referral(
        session, person=person, receiving_unit_id=units.assessment.id, referrer_unit_id=units.kommune.id, **changes
    )
    session.commit()
    return referral
