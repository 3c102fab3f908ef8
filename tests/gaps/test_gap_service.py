"""Gaps computed from the database, for one person and for a unit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from helhet import clock
from helhet.collaboration import service as collaboration
from helhet.collaboration.models import ContactKind, Counterpart
from helhet.collaboration.schemas import ContactCreate
from helhet.errors import NotFound
from helhet.gaps import service as gaps
from helhet.persons.models import HousingStatus
from helhet.persons.schemas import HousingIn
from helhet.reference.units import CareLevel
from helhet.users.actor import Actor
from tests.builders import grant, make_episode, make_person, make_referral
from tests.gaps.counting import statements
from tests.personas import Units


def codes(result: gaps.PersonGaps) -> set[str]:
    return {g.check.code for g in result.gaps}


def test_person_with_an_open_episode_and_nothing_else_has_the_audit_gaps(
    session: Session, units: Units, clinician: Actor
) -> None:
    person = make_person(session, housing=HousingIn(status=HousingStatus.HOMELESS, from_date=date(2024, 1, 1)))
    referral = make_referral(
        session, clinician, person=person, receiving_unit_id=units.assessment.id, wished_level=CareLevel.OUTPATIENT
    )
    grant(session, clinician, referral)
    make_episode(session, clinician, referral, units.poli.id, CareLevel.OUTPATIENT)
    result = gaps.person_gaps(session, clinician, person.id, today=date(2025, 10, 1))
    assert {"ROP-01", "ROP-02", "ROP-03", "ROP-05", "ROP-08", "ROP-10", "ROP-15"} <= codes(result)
    assert "ROP-12" not in codes(result)  # the wish was recorded
    assert all(g.check.rule_nb and g.check.action_nb for g in result.gaps)


def test_documented_cooperation_closes_rop_08(session: Session, units: Units, clinician: Actor) -> None:
    referral = make_referral(
        session, clinician, receiving_unit_id=units.assessment.id, wished_level=CareLevel.OUTPATIENT
    )
    grant(session, clinician, referral)
    make_episode(session, clinician, referral, units.poli.id, CareLevel.OUTPATIENT)
    today = clock.today()
    for counterpart in (Counterpart.GP, Counterpart.SPECIALIST):
        collaboration.record_contact(
            session,
            clinician,
            referral.person_id,
            ContactCreate(
                unit_id=units.poli.id,
                counterpart=counterpart,
                kind=ContactKind.MEETING,
                contact_on=today - timedelta(days=10),
            ),
        )
    assert "ROP-08" not in codes(gaps.person_gaps(session, clinician, referral.person_id))


def test_assessment_overdue_and_deadline_at_risk(session: Session, units: Units, clinician: Actor) -> None:
    late = make_referral(session, clinician, receiving_unit_id=units.assessment.id)
    assert "ASSESSMENT-OVERDUE" in codes(gaps.person_gaps(session, clinician, late.person_id))
    waiting = make_referral(session, clinician, receiving_unit_id=units.assessment.id)
    grant(session, clinician, waiting)
    assert "DEADLINE-AT-RISK" in codes(gaps.person_gaps(session, clinician, waiting.person_id))


def test_outsider_cannot_see_gaps(session: Session, units: Units, clinician: Actor, outsider: Actor) -> None:
    referral = make_referral(session, clinician, receiving_unit_id=units.assessment.id)
    with pytest.raises(NotFound):
        gaps.person_gaps(session, outsider, referral.person_id)
    with pytest.raises(NotFound):
        gaps.unit_gaps(session, outsider, units.assessment.id)


def test_unit_gap_list_costs_a_constant_number_of_queries(session: Session, units: Units, clinician: Actor) -> None:
    def statements_for(n: int) -> int:
        for _ in range(n):
            referral = make_referral(
                session, clinician, receiving_unit_id=units.assessment.id, wished_level=CareLevel.OUTPATIENT
            )
            grant(session, clinician, referral)
            make_episode(session, clinician, referral, units.poli.id, CareLevel.OUTPATIENT)
        rows = []
        count = statements(session, lambda: rows.extend(gaps.unit_gaps(session, clinician, units.poli.id)))
        assert rows
        return count

    small = statements_for(2)
    large = statements_for(12)
    assert small == large
