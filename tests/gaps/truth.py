"""The rules over the facts as the loaders read them now: what the snapshot, ``person_gaps`` and a unit's list
must all agree with."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.config import get_settings
from helhet.gaps import facts as fact_loaders
from helhet.gaps.rules import RuleResult, evaluate
from helhet.persons.models import Person


def rules_over_facts(session: Session, person_ids: list[int], on: date | None = None) -> dict[int, list[RuleResult]]:
    """Every rule's result per person, from the fact loaders, without reading or writing any snapshot."""
    on = on or clock.today()
    session.flush()
    loaded = fact_loaders.load(session, select(Person.id).where(Person.id.in_(person_ids)), person_ids, on)
    return {pid: evaluate(f, get_settings()) for pid, f in loaded.items()}
