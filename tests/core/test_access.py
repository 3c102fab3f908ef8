"""Who may see a person: outsiders, analysts, admins and other units get "not found"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.audit import log as audit
from helhet.audit import policy
from helhet.audit.models import AuditEvent, EmergencyAccess
from helhet.errors import Invalid, NotFound
from helhet.pathways import timeline
from helhet.persons import service as persons
from helhet.referrals import service as referrals
from helhet.users.actor import Actor
from tests.builders import make_person, make_referral
from tests.personas import Units


@pytest.fixture
def referral_in_unit(session: Session, units: Units, clinician: Actor):  # type: ignore[no-untyped-def]
    return make_referral(session, clinician, receiving_unit_id=units.assessment.id)


@pytest.mark.parametrize("persona", ["outsider", "analyst", "admin", "inpatient_clinician"])
def test_people_without_a_care_relation_get_not_found(
    session: Session,
    referral_in_unit,
    persona: str,
    request: pytest.FixtureRequest,  # type: ignore[no-untyped-def]
) -> None:
    actor: Actor = request.getfixturevalue(persona)
    with pytest.raises(NotFound):
        persons.get_person(session, actor, referral_in_unit.person_id)
    with pytest.raises(NotFound):
        referrals.get_referral(session, actor, referral_in_unit.id)
    with pytest.raises(NotFound):
        timeline.read_pathway(session, actor, referral_in_unit.person_id)


def test_missing_and_forbidden_look_the_same(session: Session, referral_in_unit, outsider: Actor) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound) as hidden:
        persons.get_person(session, outsider, referral_in_unit.person_id)
    with pytest.raises(NotFound) as missing:
        persons.get_person(session, outsider, 10_000_000)
    assert type(hidden.value) is type(missing.value)
    assert str(hidden.value).replace(str(referral_in_unit.person_id), "N") == str(missing.value).replace(
        "10000000", "N"
    )


def test_referring_municipal_unit_sees_the_person(session: Session, units: Units, coordinator: Actor) -> None:
    referral = make_referral(session, coordinator, receiving_unit_id=units.assessment.id)
    assert referral.referrer_unit_id == units.kommune.id
    assert persons.get_person(session, coordinator, referral.person_id).id == referral.person_id


def test_every_read_leaves_an_audit_event(session: Session, referral_in_unit, clinician: Actor) -> None:  # type: ignore[no-untyped-def]
    persons.get_person(session, clinician, referral_in_unit.person_id)
    audit.flush_pending(session)
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.person_id == referral_in_unit.person_id, AuditEvent.action == "read")
    ).all()
    assert events and events[-1].username == "clinician" and events[-1].role == "clinician"


def test_break_the_glass_needs_a_reason(session: Session, referral_in_unit, outsider: Actor) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Invalid) as err:
        persons.break_glass(session, outsider, referral_in_unit.person_id, "  ")
    assert err.value.field == "reason"
    with pytest.raises(NotFound):
        persons.get_person(session, outsider, referral_in_unit.person_id)


def test_break_the_glass_opens_access_and_is_logged_with_reason(
    session: Session,
    referral_in_unit,
    outsider: Actor,
    units: Units,  # type: ignore[no-untyped-def]
) -> None:
    reason = "Pasienten innlagt akutt på legevakt, trenger legemiddelliste"
    grant = persons.break_glass(session, outsider, referral_in_unit.person_id, reason)
    assert persons.get_person(session, outsider, referral_in_unit.person_id).id == referral_in_unit.person_id
    audit.flush_pending(session)
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "emergency_access.granted", AuditEvent.entity_id == str(grant.id))
    ).one()
    assert event.reason == reason
    assert event.person_id == referral_in_unit.person_id
    assert grant.expires_at > grant.granted_at


def test_unit_leader_reviews_emergency_access(
    session: Session, units: Units, clinician: Actor, unit_leader: Actor
) -> None:
    stranger = make_person(session)
    actor = Actor(clinician.user_id, clinician.username, clinician.role, clinician.unit_ids, units.assessment.id)
    grant = persons.break_glass(session, actor, stranger.id, "Akutt henvendelse, må se kriseplan nå")
    assert [g.id for g in persons.emergency_grants_to_review(session, unit_leader)] == [grant.id]
    persons.review_emergency_access(session, unit_leader, grant.id, "Begrunnet, ok")
    assert persons.emergency_grants_to_review(session, unit_leader) == []


def test_a_person_seen_is_remembered_until_the_transaction_ends_or_a_change_is_recorded(
    session: Session, referral_in_unit, clinician: Actor, units: Units
) -> None:  # type: ignore[no-untyped-def]
    pid = referral_in_unit.person_id
    session.commit()
    assert policy.may_see(session, clinician, pid)
    referral_in_unit.receiving_unit_id = units.other.id  # the clinician's units lose the relationship
    session.flush()
    assert policy.may_see(session, clinician, pid)  # remembered within the transaction ...
    audit.record_change(session, clinician, "referral.moved", "referral", referral_in_unit.id, person_id=pid)
    assert not policy.may_see(session, clinician, pid)  # ... until a change is recorded
    referral_in_unit.receiving_unit_id = units.assessment.id
    session.commit()
    assert policy.may_see(session, clinician, pid)
    referral_in_unit.receiving_unit_id = units.other.id
    session.commit()  # a new transaction asks again
    assert not policy.may_see(session, clinician, pid)
    with pytest.raises(NotFound):
        timeline.read_pathway(session, clinician, pid)


def test_a_remembered_check_is_asked_again_when_the_clock_has_moved_on(
    session: Session, units: Units, clinician: Actor
) -> None:
    person = make_person(session)
    start = datetime(2025, 4, 10, 10, 0, tzinfo=UTC)
    with clock.freeze(start):
        session.add(
            EmergencyAccess(
                person_id=person.id,
                user_id=clinician.user_id,
                reason="akutt",
                granted_at=start,
                expires_at=start + timedelta(hours=1),
            )
        )
        session.flush()
        assert policy.may_see(session, clinician, person.id)
    with clock.freeze(start + timedelta(hours=2)):  # the grant has expired, in the same transaction
        assert not policy.may_see(session, clinician, person.id)
