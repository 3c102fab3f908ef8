"""The mapping status: the latest of each kind, and timeliness against service start (fixed dates)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from helhet.config import get_settings
from helhet.mapping import rules
from helhet.mapping import service as mapping
from helhet.mapping.models import (
    Activity,
    ChildrenAnswer,
    Examiner,
    Income,
    MappingArea,
    Network,
)
from helhet.mapping.schemas import DeclinedCreate, SomaticCheckCreate
from helhet.persons.models import HousingStatus, Person
from helhet.reference.units import CareLevel
from helhet.users.actor import Actor
from helhet.vedtak import service as vedtak
from helhet.vedtak.schemas import VedtakWithdraw
from tests.builders import grant, make_episode, make_referral
from tests.mapping.builders import record_questionnaire, served_person
from tests.personas import Units
from tests.vedtak.builders import make_vedtak


def test_settings_behind_these_dates() -> None:
    settings = get_settings()
    assert (settings.mapping_within_days, settings.remapping_months, settings.somatic_check_months) == (30, 12, 12)


def test_audit_within_the_set_days_of_the_first_episode_is_in_time_until_remapping_is_due(
    session: Session, units: Units, clinician: Actor
) -> None:
    referral = make_referral(
        session, clinician, receiving_unit_id=units.assessment.id, wished_level=CareLevel.OUTPATIENT
    )
    grant(session, clinician, referral)
    make_episode(session, clinician, referral, units.poli.id, CareLevel.OUTPATIENT, started_on=date(2025, 3, 20))
    person_id = referral.person_id
    waiting = mapping.mapping_status(session, clinician, person_id, date(2025, 4, 10))
    assert (waiting.service_start, waiting.substance_mapping_due) == (date(2025, 3, 20), date(2025, 4, 19))
    assert waiting.substance_mapped_in_time is None  # not mapped yet, still in time
    assert mapping.mapping_status(session, clinician, person_id, date(2025, 4, 20)).substance_mapped_in_time is False

    person = session.get_one(Person, person_id)
    record_questionnaire(session, clinician, person, units.poli.id, "AUDIT", 9, done_on=date(2025, 4, 1))
    record_questionnaire(session, clinician, person, units.poli.id, "DUDIT", 0, done_on=date(2025, 4, 2))
    status = mapping.mapping_status(session, clinician, person_id, date(2025, 4, 10))
    assert status.substance_mapped_in_time is True
    assert (status.first_substance_mapping, status.last_substance_mapping) == (date(2025, 4, 1), date(2025, 4, 2))
    assert status.audit is not None and (status.audit.total, status.audit.band) == (9, "hazardous")
    assert status.dudit is not None and status.dudit.total == 0
    assert status.remapping_due == date(2026, 4, 2) and not status.remapping_overdue
    later = mapping.mapping_status(session, clinician, person_id, date(2026, 4, 3))
    assert later.remapping_overdue and later.substance_mapped_in_time


def test_a_vedtak_that_started_first_is_the_service_start(session: Session, units: Units, coordinator: Actor) -> None:
    person = served_person(session, units)
    make_vedtak(session, coordinator, person.id, units, decided_on=date(2025, 1, 3), start_on=date(2025, 1, 6))
    withdrawn = make_vedtak(
        session, coordinator, person.id, units, decided_on=date(2024, 12, 1), start_on=date(2024, 12, 2)
    )
    # a withdrawn vedtak never started a service
    vedtak.withdraw_vedtak(session, coordinator, withdrawn.id, VedtakWithdraw(reason="Feilregistrert"))
    record_questionnaire(session, coordinator, person, units.kommune.id, "AUDIT", 3, done_on=date(2025, 4, 1))
    status = mapping.mapping_status(session, coordinator, person.id)
    assert (status.service_start, status.substance_mapping_due) == (date(2025, 1, 6), date(2025, 2, 5))
    assert status.substance_mapped_in_time is False


def test_the_somatic_check_is_current_for_the_set_months(session: Session, units: Units, coordinator: Actor) -> None:
    person = served_person(session, units)
    data = SomaticCheckCreate(checked_on=date(2024, 4, 15), examiner=Examiner.GP, unit_id=units.kommune.id)
    mapping.record_somatic_check(session, coordinator, person.id, data)
    assert mapping.mapping_status(session, coordinator, person.id, date(2025, 4, 15)).somatic_current
    stale = mapping.mapping_status(session, coordinator, person.id, date(2025, 4, 16))
    assert stale.somatic_due == date(2025, 4, 15) and not stale.somatic_current
    assert mapping.mapping_status(session, coordinator, person.id, date(2024, 4, 14)).somatic is None


def test_a_decline_holds_until_the_person_is_mapped_again(session: Session, units: Units, coordinator: Actor) -> None:
    person = served_person(session, units)
    data = DeclinedCreate(
        area=MappingArea.SUBSTANCE_USE, declined_on=date(2025, 4, 3), unit_id=units.kommune.id, reason="Vil ikke nå"
    )
    mapping.record_declined(session, coordinator, person.id, data)
    assert mapping.mapping_status(session, coordinator, person.id).declined == {
        MappingArea.SUBSTANCE_USE: date(2025, 4, 3)
    }
    record_questionnaire(session, coordinator, person, units.kommune.id, done_on=date(2025, 4, 8))
    assert mapping.mapping_status(session, coordinator, person.id).declined == {}
    assert len(mapping.mapping_records(session, coordinator, person.id).declined) == 1


def test_pure_rules_on_timeliness_and_completeness() -> None:
    assert rules.service_start(None, None) is None
    assert rules.service_start(date(2025, 3, 1), date(2025, 2, 1)) == date(2025, 2, 1)
    early = rules.substance_timeliness(date(2025, 3, 1), date(2024, 2, 1), date(2024, 2, 1), date(2025, 3, 5), 30, 12)
    assert early.in_time and early.remapping_overdue  # mapped before the start, but over a year ago
    assert rules.substance_timeliness(None, None, None, date(2025, 3, 5), 30, 12).in_time is None
    assert rules.add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert rules.somatic_due(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert rules.situation_complete(HousingStatus.RENTED, Income.WORK, Activity.WORK, Network.FRIENDS)
    assert not rules.situation_complete(None, Income.WORK, Activity.WORK, Network.FRIENDS)
    assert not rules.situation_complete(HousingStatus.RENTED, Income.UNKNOWN, Activity.WORK, Network.FRIENDS)
    assert rules.financial_or_housing_problem(HousingStatus.HOMELESS, Income.WORK, False)
    assert rules.financial_or_housing_problem(HousingStatus.RENTED, Income.WORK, True)
    assert not rules.financial_or_housing_problem(HousingStatus.RENTED, Income.BENEFITS, None)
    assert rules.children_needs_assessed(ChildrenAnswer.YES, date(2025, 4, 1))
    assert not rules.children_needs_assessed(ChildrenAnswer.YES, None)
    assert rules.infection_check_missing(True, False) and not rules.infection_check_missing(None, False)
    declined = {MappingArea.SOMATIC: date(2025, 4, 1), MappingArea.SITUATION: date(2025, 4, 1)}
    latest = {MappingArea.SOMATIC: date(2025, 4, 1), MappingArea.SITUATION: date(2025, 3, 31)}
    assert rules.declined_areas(declined, latest) == {MappingArea.SITUATION: date(2025, 4, 1)}
