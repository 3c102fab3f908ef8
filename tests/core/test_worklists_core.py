from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from helhet import clock
from helhet.errors import NotFound
from helhet.reference.units import CareLevel
from helhet.users.actor import Actor
from helhet.worklists import core as worklists
from tests.builders import grant, make_episode, make_referral
from tests.personas import Units


def test_assessments_due_lists_unassessed_referrals_of_the_unit(
    session: Session, units: Units, clinician: Actor
) -> None:
    recent = clock.today() - timedelta(days=1)
    first = make_referral(session, clinician, receiving_unit_id=units.assessment.id, received_on=date(2025, 3, 3))
    second = make_referral(session, clinician, receiving_unit_id=units.assessment.id, received_on=recent)
    done = make_referral(session, clinician, receiving_unit_id=units.assessment.id)
    grant(session, clinician, done)
    rows = worklists.assessments_due(session, clinician, units.assessment.id)
    assert [r.referral_id for r in rows] == [first.id, second.id]
    assert rows[0].overdue and not rows[1].overdue


def test_deadlines_at_risk_excludes_started(session: Session, units: Units, clinician: Actor) -> None:
    waiting = make_referral(session, clinician, receiving_unit_id=units.assessment.id)
    grant(session, clinician, waiting)
    started = make_referral(
        session, clinician, receiving_unit_id=units.assessment.id, wished_level=CareLevel.OUTPATIENT
    )
    grant(session, clinician, started)
    make_episode(session, clinician, started, units.poli.id, CareLevel.OUTPATIENT)
    rows = worklists.deadlines_at_risk(session, clinician, units.assessment.id)
    assert [r.referral_id for r in rows] == [waiting.id]
    assert rows[0].breached and rows[0].days_left < 0


def test_worklist_of_a_unit_you_do_not_belong_to_is_not_found(session: Session, units: Units, outsider: Actor) -> None:
    with pytest.raises(NotFound):
        worklists.assessments_due(session, outsider, units.assessment.id)
