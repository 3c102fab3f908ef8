"""Crisis plans: versions kept, contacts only with consent, sharing, the summary, and when a plan is required."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.assessments.models import RiskLevel
from helhet.crisis_plans import choices, requirement
from helhet.crisis_plans import service as crisis_plans
from helhet.crisis_plans.models import ContactKind, CrisisPlan, CrisisPlanContact, OverdoseFactor, SharedHow
from helhet.crisis_plans.schemas import ContactIn, CrisisPlanCreate, CrisisPlanShare, UserControlledAdmissionIn
from helhet.errors import Conflict, Invalid, NotFound
from helhet.pathways import episodes
from helhet.pathways.models import EndReason
from helhet.pathways.schemas import EpisodeEnd
from helhet.persons.models import Person
from helhet.reference.units import CareLevel
from helhet.referrals.models import Referral
from helhet.relatives.models import ConsentScope
from helhet.users.actor import SYSTEM, Actor
from tests.builders import grant, make_episode
from tests.careplans.builders import served_person
from tests.crisis_plans.builders import consenting_relative, give_consent, make_crisis_plan, make_relative
from tests.personas import Units


def plan_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(CrisisPlan)) or 0


def relative_contact(relative_id: int) -> ContactIn:
    return ContactIn(kind=ContactKind.RELATIVE, relative_id=relative_id, role_note="Ring først")


def assessed(session: Session, units: Units, **risk: object) -> Person:
    person = served_person(session, units)
    referral = session.scalars(select(Referral).where(Referral.person_id == person.id)).one()
    grant(session, SYSTEM, referral, **risk)
    return person


def test_each_change_is_a_new_version_and_earlier_versions_stay_readable(
    session: Session, units: Units, clinician: Actor
) -> None:
    person = served_person(session, units)
    first = make_crisis_plan(session, clinician, person, made_on=date(2025, 4, 1))
    with pytest.raises(Invalid) as raised:  # a plan exists: say which version the change is based on
        make_crisis_plan(session, clinician, person)
    assert raised.value.field == "version"
    second = make_crisis_plan(session, clinician, person, what_helps=["Musikk"], version=1)
    with pytest.raises(Conflict):  # based on version 1, but version 2 is current now
        make_crisis_plan(session, clinician, person, version=1)
    assert (first.version_no, second.version_no) == (1, 2)
    assert [p.version_no for p in crisis_plans.crisis_plan_versions(session, clinician, person.id)] == [2, 1]
    current = crisis_plans.current_crisis_plan(session, clinician, person.id)
    assert current is not None and current.id == second.id
    old = crisis_plans.crisis_plan_read(session, crisis_plans.crisis_plan_version(session, clinician, person.id, 1))
    assert (old.current, old.what_helps) == (False, ["Gå tur med hunden", "Ringe poliklinikken"])
    assert requirement.crisis_plan_current_at(session, person.id, date(2025, 4, 5)) == first
    assert requirement.crisis_plan_current_at(session, person.id, date(2025, 3, 31)) is None


def test_contact_who_is_not_a_consenting_relative_is_refused_and_nothing_is_written(
    session: Session, units: Units, clinician: Actor
) -> None:
    person = served_person(session, units)
    no_consent = make_relative(session, person)
    general = make_relative(session, person, given_name="Liv")
    give_consent(session, general, ConsentScope.GENERAL)
    expired = make_relative(session, person, given_name="Nils")
    give_consent(session, expired, ConsentScope.FULL, valid_to=date(2025, 4, 9))
    someone_elses = make_relative(session, served_person(session, units))
    give_consent(session, someone_elses, ConsentScope.FULL)
    for relative in (no_consent, general, expired, someone_elses):
        with pytest.raises(Invalid) as raised:
            make_crisis_plan(session, clinician, person, contacts=[relative_contact(relative.id)])
        assert (raised.value.field, raised.value.value) == ("contacts[0].relative_id", relative.id)
    assert plan_count(session) == 0
    assert session.scalar(select(func.count()).select_from(CrisisPlanContact)) == 0


def test_withdrawn_consent_makes_the_relative_ineligible(session: Session, units: Units, clinician: Actor) -> None:
    person = served_person(session, units)
    sister = make_relative(session, person)
    consent = give_consent(session, sister, ConsentScope.MEETINGS)
    make_crisis_plan(session, clinician, person, contacts=[relative_contact(sister.id)])
    consent.withdrawn_at = clock.now() - timedelta(hours=1)
    session.flush()
    with pytest.raises(Invalid) as raised:
        make_crisis_plan(session, clinician, person, contacts=[relative_contact(sister.id)], version=1)
    assert (raised.value.field, raised.value.value) == ("contacts[0].relative_id", sister.id)
    # the version that named her is kept, but she is marked for review and left out of the printed page
    kept = crisis_plans.crisis_plan_version(session, clinician, person.id, 1)
    [contact] = crisis_plans.crisis_plan_read(session, kept).contacts
    assert contact.consent_current is False
    summary = crisis_plans.crisis_plan_summary(session, clinician, person.id)
    assert (summary.contacts, summary.contacts_to_review) == ([], 1)


def test_plan_with_every_kind_of_contact_and_an_admission_agreement(
    session: Session, units: Units, clinician: Actor
) -> None:
    person = served_person(session, units)
    brother = consenting_relative(session, person, ConsentScope.FULL)
    contacts = [
        relative_contact(brother.id),
        ContactIn(kind=ContactKind.UNIT, unit_id=units.poli.id, phone="+47 55 00 00 00"),
        ContactIn(kind=ContactKind.PROFESSIONAL, name="Legevakten", phone="116 117"),
    ]
    agreement = UserControlledAdmissionIn(
        unit_id=units.inpatient.id, max_days_per_stay=5, min_days_between=14, valid_until=date(2025, 10, 1)
    )
    plan = make_crisis_plan(
        session,
        clinician,
        person,
        contacts=contacts,
        overdose_risk=RiskLevel.HIGH,
        overdose_factors=[OverdoseFactor.LOWERED_TOLERANCE_AFTER_INPATIENT],
        user_controlled_admission=agreement,
    )
    read = crisis_plans.crisis_plan_read(session, plan)
    assert [(c.kind, c.name) for c in read.contacts] == [
        (ContactKind.RELATIVE, "Ola Testesen"),
        (ContactKind.UNIT, units.poli.name),
        (ContactKind.PROFESSIONAL, "Legevakten"),
    ]
    assert read.contacts[0].consent_current is True
    assert read.user_controlled_admission is not None
    assert (read.user_controlled_admission.max_days_per_stay, read.user_controlled_admission.in_force) == (5, True)
    summary = crisis_plans.crisis_plan_summary(session, clinician, person.id)
    assert [c.name for c in summary.contacts] == ["Ola Testesen", units.poli.name, "Legevakten"]
    assert summary.overdose_factors == [OverdoseFactor.LOWERED_TOLERANCE_AFTER_INPATIENT]
    assert summary.last_shared_on is None


def test_bad_contacts_and_agreements_are_refused_together(session: Session, units: Units, clinician: Actor) -> None:
    person = served_person(session, units)
    contacts = [ContactIn(kind=ContactKind.PROFESSIONAL, name="Fastlegen"), ContactIn(kind=ContactKind.UNIT)]
    agreement = UserControlledAdmissionIn(
        unit_id=units.poli.id, max_days_per_stay=5, min_days_between=14, valid_until=date(2025, 10, 1)
    )
    with pytest.raises(Invalid) as raised:
        make_crisis_plan(session, clinician, person, contacts=contacts, user_controlled_admission=agreement)
    fields = [p.field for p in raised.value.problems]
    assert fields == ["contacts[0].phone", "contacts[1].unit_id", "user_controlled_admission.unit_id"]
    with pytest.raises(Invalid) as raised:
        make_crisis_plan(session, clinician, person, warning_signs=["  "], what_helps=[])
    assert raised.value.field == "warning_signs"
    assert plan_count(session) == 0


def test_sharing_is_recorded_for_the_current_version(session: Session, units: Units, clinician: Actor) -> None:
    person = served_person(session, units)
    make_crisis_plan(session, clinician, person, made_on=date(2025, 4, 2))
    make_crisis_plan(session, clinician, person, version=1, made_on=date(2025, 4, 8))
    with pytest.raises(Conflict):
        crisis_plans.share_crisis_plan(session, clinician, person.id, CrisisPlanShare(how=SharedHow.PAPER, version=1))
    with pytest.raises(Invalid) as raised:
        share = CrisisPlanShare(how=SharedHow.PAPER, version=2, shared_on=date(2025, 4, 7))
        crisis_plans.share_crisis_plan(session, clinician, person.id, share)
    assert raised.value.field == "shared_on"
    crisis_plans.share_crisis_plan(session, clinician, person.id, CrisisPlanShare(how=SharedHow.DIGITAL, version=2))
    summary = crisis_plans.crisis_plan_summary(session, clinician, person.id)
    assert (summary.version_no, summary.last_shared_on, summary.last_shared_how) == (
        2,
        date(2025, 4, 10),
        SharedHow.DIGITAL,
    )


def test_required_when_overdose_risk_is_high(session: Session, units: Units, clinician: Actor) -> None:
    person = assessed(session, units, overdose_risk=RiskLevel.HIGH)
    status = requirement.crisis_plan_status(session, clinician, person.id)
    assert (status.required, status.current, status.gap) == (True, False, True)
    assert status.reasons == ["overdose risk high in the assessment of 2025-03-10"]
    make_crisis_plan(session, clinician, person)
    status = requirement.crisis_plan_status(session, clinician, person.id)
    assert (status.required, status.current, status.gap, status.current_version_no) == (True, True, False, 1)


def test_required_when_relapse_or_suicide_risk_is_elevated(session: Session, units: Units) -> None:
    relapse = assessed(session, units, relapse_risk=2)
    suicide = assessed(session, units, suicide_risk=RiskLevel.MODERATE)
    low = assessed(session, units, relapse_risk=1, overdose_risk=RiskLevel.LOW, suicide_risk=RiskLevel.LOW)
    on = date(2025, 4, 10)
    assert requirement.crisis_plan_required(session, relapse.id, on)
    assert requirement.crisis_plan_required(session, suicide.id, on)
    assert not requirement.crisis_plan_required(session, low.id, on)
    assert not requirement.crisis_plan_required(session, relapse.id, date(2025, 3, 9))  # before the assessment


def test_required_after_discharge_from_inpatient_care(session: Session, units: Units) -> None:
    person = served_person(session, units)
    referral = session.scalars(select(Referral).where(Referral.person_id == person.id)).one()
    grant(session, SYSTEM, referral, CareLevel.INPATIENT_SHORT)
    episode = make_episode(session, SYSTEM, referral, units.inpatient.id, CareLevel.INPATIENT_SHORT)
    end = EpisodeEnd(ended_on=date(2025, 4, 7), end_reason=EndReason.PLANNED_COMPLETION)
    episodes.end_episode(session, SYSTEM, episode.id, end)
    assert requirement.requirement_reasons(session, person.id, date(2025, 4, 10)) == [
        "discharged from inpatient care on 2025-04-07"
    ]
    assert not requirement.crisis_plan_required(session, person.id, date(2025, 4, 15))  # more than 7 days later


def test_plan_past_its_review_date_is_not_current(session: Session, units: Units, clinician: Actor) -> None:
    person = assessed(session, units, suicide_risk=RiskLevel.HIGH)
    make_crisis_plan(session, clinician, person, made_on=date(2025, 1, 2), review_by=date(2025, 4, 1))
    status = requirement.crisis_plan_status(session, clinician, person.id)
    assert (status.current_version_no, status.current, status.gap) == (1, False, True)


def test_facts_for_many_persons_match_the_single_person_answers(
    session: Session, units: Units, clinician: Actor
) -> None:
    high = assessed(session, units, overdose_risk=RiskLevel.HIGH)
    covered = assessed(session, units, relapse_risk=3)
    make_crisis_plan(session, clinician, covered)
    calm = assessed(session, units, relapse_risk=0)
    facts = requirement.crisis_plan_facts(session, select(Person.id), date(2025, 4, 10))
    assert facts[high.id] == (True, False)
    assert facts[covered.id] == (True, True)
    assert calm.id not in facts


def test_outsider_gets_not_found_for_crisis_plans(
    session: Session, units: Units, clinician: Actor, outsider: Actor
) -> None:
    person = served_person(session, units)
    plan = make_crisis_plan(session, clinician, person)
    calls = [
        lambda: crisis_plans.current_crisis_plan(session, outsider, person.id),
        lambda: crisis_plans.crisis_plan_versions(session, outsider, person.id),
        lambda: crisis_plans.crisis_plan_version(session, outsider, person.id, 1),
        lambda: crisis_plans.get_crisis_plan(session, outsider, plan.id),
        lambda: crisis_plans.crisis_plan_summary(session, outsider, person.id),
        lambda: crisis_plans.share_crisis_plan(
            session, outsider, person.id, CrisisPlanShare(how=SharedHow.PAPER, version=1)
        ),
        lambda: make_crisis_plan(session, outsider, person, version=1),
        lambda: requirement.crisis_plan_status(session, outsider, person.id),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            call()
    assert plan_count(session) == 1
    with pytest.raises(NotFound):
        crisis_plans.crisis_plan_version(session, clinician, person.id, 7)


def test_crisis_plan_input_shape() -> None:
    with pytest.raises(ValueError):
        CrisisPlanCreate(warning_signs=["x" * 501])


def test_consent_withdrawn_today_no_longer_counts(session: Session, units: Units, clinician: Actor) -> None:
    """One rule for "in force" (relatives.consent.in_force_clause): withdrawn early today is withdrawn today."""
    person = served_person(session, units)
    sister = make_relative(session, person)
    consent = give_consent(session, sister, ConsentScope.FULL)
    assert [r.id for r in choices.contact_choices(session, clinician, person.id)] == [sister.id]
    consent.withdrawn_at = clock.now().replace(hour=0, minute=5)  # 02:05 in Oslo, the same day
    session.flush()
    assert choices.contact_choices(session, clinician, person.id) == []
    with pytest.raises(Invalid) as raised:
        make_crisis_plan(session, clinician, person, contacts=[relative_contact(sister.id)])
    assert raised.value.field == "contacts[0].relative_id"
