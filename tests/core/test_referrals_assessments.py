from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.assessments.models import Assessment, HeardHow, Outcome, WishDifferenceReason
from helhet.errors import Conflict, Forbidden, Invalid
from helhet.pathways import episodes
from helhet.pathways.models import EndReason
from helhet.pathways.schemas import EpisodeEnd
from helhet.reference.units import CareLevel
from helhet.referrals.models import ReferralStatus
from helhet.users.actor import Actor
from tests.builders import grant, make_episode, make_person, make_referral
from tests.personas import Units


def test_referral_records_wish_and_assessment_due(session: Session, units: Units, clinician: Actor) -> None:
    referral = make_referral(session, clinician, receiving_unit_id=units.assessment.id, received_on=date(2025, 4, 11))
    assert referral.wished_level == CareLevel.INPATIENT_SHORT
    assert referral.what_matters
    # 10 working days after Fri 11 April 2025 skip Easter (17, 18 and 21 April)
    assert referral.assessment_due == date(2025, 4, 30)


def test_re_referral_links_to_the_earlier_one(session: Session, units: Units, clinician: Actor) -> None:
    person = make_person(session)
    first = make_referral(session, clinician, person=person, receiving_unit_id=units.assessment.id)
    again = make_referral(
        session, clinician, person=person, receiving_unit_id=units.assessment.id, received_on=date(2025, 9, 1)
    )
    assert again.previous_referral_id == first.id
    assert first.previous_referral_id is None


def test_under_23_flag_is_derived(session: Session, units: Units, clinician: Actor) -> None:
    young = make_person(session, birth_date=date(2004, 6, 1))
    referral = make_referral(session, clinician, person=young, receiving_unit_id=units.assessment.id)
    assert referral.under_23


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"received_on": date.today() + timedelta(days=2)}, "received_on"),
        ({"wished_level": "sauna"}, None),
        ({"reason": "   "}, "reason"),
    ],
)
def test_bad_referrals_are_refused(
    session: Session,
    units: Units,
    clinician: Actor,
    change: dict,
    field: str | None,  # type: ignore[type-arg]
) -> None:
    from pydantic import ValidationError

    with pytest.raises((Invalid, ValidationError)) as err:
        make_referral(session, clinician, receiving_unit_id=units.assessment.id, **change)
    if field is not None:
        assert isinstance(err.value, Invalid) and err.value.field == field


def test_a_unit_that_does_not_receive_referrals_is_refused(session: Session, units: Units, coordinator: Actor) -> None:
    with pytest.raises(Invalid) as err:
        make_referral(session, coordinator, receiving_unit_id=units.nav.id)
    assert err.value.field == "receiving_unit_id"


def test_assessment_that_differs_from_wish_needs_reason(session: Session, units: Units, clinician: Actor) -> None:
    referral = make_referral(session, clinician, receiving_unit_id=units.assessment.id)
    before = session.scalar(select(func.count()).select_from(Assessment))
    with pytest.raises(Invalid) as err:
        grant(session, clinician, referral, CareLevel.OUTPATIENT)
    assert err.value.field == "wish_difference_reason"
    with pytest.raises(Invalid) as err:
        grant(
            session,
            clinician,
            referral,
            CareLevel.OUTPATIENT,
            wish_difference_reason=WishDifferenceReason.CLINICAL_JUDGEMENT,
        )
    assert err.value.field == "wish_difference_note"
    assert session.scalar(select(func.count()).select_from(Assessment)) == before
    assert referral.status == ReferralStatus.RECEIVED
    assessment = grant(
        session,
        clinician,
        referral,
        CareLevel.OUTPATIENT,
        wish_difference_reason=WishDifferenceReason.LEVEL_NOT_AVAILABLE,
        wish_difference_note="Ingen ledig døgnplass før sommeren; poliklinikk nå, døgn vurderes igjen.",
    )
    assert assessment.wish_concordant is False
    assert assessment.wished_level == CareLevel.INPATIENT_SHORT
    assert referral.status == ReferralStatus.GRANTED


def test_assessment_matching_wish_needs_no_reason(session: Session, units: Units, clinician: Actor) -> None:
    referral = make_referral(session, clinician, receiving_unit_id=units.assessment.id)
    assessment = grant(session, clinician, referral)
    assert assessment.wish_concordant is True
    # alcohol dependence: 6 weeks from receipt (3 March 2025)
    assert assessment.start_deadline == date(2025, 4, 14)


def test_under_23_deadline_ceiling_is_enforced(session: Session, units: Units, clinician: Actor) -> None:
    young = make_person(session, birth_date=date(2004, 6, 1))
    referral = make_referral(session, clinician, person=young, receiving_unit_id=units.assessment.id)
    with pytest.raises(Invalid) as err:
        grant(session, clinician, referral, start_deadline=date(2025, 12, 1), deadline_reason="Lang ventetid")
    assert err.value.field == "start_deadline"
    assessment = grant(session, clinician, referral)
    assert assessment.start_deadline == date(2025, 3, 31)  # 4 weeks for everyone under 23


def test_deadline_differing_from_guideline_needs_reason(session: Session, units: Units, clinician: Actor) -> None:
    referral = make_referral(session, clinician, receiving_unit_id=units.assessment.id)
    with pytest.raises(Invalid) as err:
        grant(session, clinician, referral, start_deadline=date(2025, 5, 1))
    assert err.value.field == "deadline_reason"


def test_rejection_needs_reason_and_advice(session: Session, units: Units, clinician: Actor) -> None:
    referral = make_referral(session, clinician, receiving_unit_id=units.assessment.id)
    with pytest.raises(Invalid) as err:
        grant(
            session,
            clinician,
            referral,
            outcome=Outcome.REJECTED,
            assigned_level=None,
            rejection_reason="Ikke TSB",
        )
    assert err.value.field == "advice_to_referrer"
    grant(
        session,
        clinician,
        referral,
        outcome=Outcome.REJECTED,
        assigned_level=None,
        rejection_reason="Ikke behov for spesialisthelsetjeneste nå",
        advice_to_referrer="Oppfølging i kommunens rustjeneste; henvis på nytt ved forverring",
    )
    assert referral.status == ReferralStatus.REJECTED
    assert referral.closed_on == date(2025, 3, 10)


def test_only_the_receiving_unit_assesses(session: Session, units: Units, coordinator: Actor) -> None:
    referral = make_referral(session, coordinator, receiving_unit_id=units.assessment.id)
    with pytest.raises(Forbidden):
        grant(session, coordinator, referral)


def test_not_heard_needs_a_note(session: Session, units: Units, clinician: Actor) -> None:
    referral = make_referral(session, clinician, receiving_unit_id=units.assessment.id)
    with pytest.raises(Invalid) as err:
        grant(session, clinician, referral, heard_how=HeardHow.NOT_HEARD)
    assert err.value.field == "heard_note"


def test_episode_derives_waiting_time_and_breaches(
    session: Session, units: Units, clinician: Actor, inpatient_clinician: Actor
) -> None:
    referral = make_referral(session, clinician, receiving_unit_id=units.assessment.id)
    grant(session, clinician, referral, CareLevel.INPATIENT_SHORT)
    episode = make_episode(
        session,
        clinician,
        referral,
        units.inpatient.id,
        CareLevel.INPATIENT_SHORT,
        started_on=date(2025, 4, 22),
    )
    facts = episodes.facts_for_referral(session, referral)
    assert facts.waiting_days == 50
    assert facts.start_deadline_breached is True  # deadline 14 April
    assert facts.assessment_breached is False
    assert facts.delivered_level == CareLevel.INPATIENT_SHORT
    with pytest.raises(Invalid) as err:
        episodes.end_episode(
            session,
            inpatient_clinician,
            episode.id,
            EpisodeEnd(version=episode.version, ended_on=date(2025, 4, 1), end_reason=EndReason.PLANNED_COMPLETION),
        )
    assert err.value.field == "ended_on"


def test_end_episode_with_stale_version_is_refused(session: Session, units: Units, clinician: Actor) -> None:
    referral = make_referral(
        session, clinician, receiving_unit_id=units.assessment.id, wished_level=CareLevel.OUTPATIENT
    )
    grant(session, clinician, referral)
    episode = make_episode(session, clinician, referral, units.poli.id, CareLevel.OUTPATIENT)
    with pytest.raises(Conflict):
        episodes.end_episode(
            session,
            clinician,
            episode.id,
            EpisodeEnd(
                version=episode.version + 5,
                ended_on=date(2025, 6, 1),
                end_reason=EndReason.PLANNED_COMPLETION,
            ),
        )
    episodes.end_episode(
        session,
        clinician,
        episode.id,
        EpisodeEnd(version=episode.version, ended_on=date(2025, 6, 1), end_reason=EndReason.PLANNED_COMPLETION),
    )
    assert referral.status == ReferralStatus.CLOSED


def test_episode_level_must_be_offered_by_the_unit(session: Session, units: Units, clinician: Actor) -> None:
    referral = make_referral(session, clinician, receiving_unit_id=units.assessment.id)
    grant(session, clinician, referral)
    with pytest.raises(Invalid) as err:
        make_episode(session, clinician, referral, units.poli.id, CareLevel.INPATIENT_LONG)
    assert err.value.field == "level"


def test_today_is_not_in_the_future() -> None:
    assert clock.today() <= date.today() + timedelta(days=1)
