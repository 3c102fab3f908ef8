"""Registering relatives, the nearest relative, involvement, and the person's door for outsiders."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helhet.audit import log as audit
from helhet.audit.models import AuditEvent
from helhet.errors import Conflict, Invalid, NotFound
from helhet.relatives import service as relatives
from helhet.relatives.models import Involvement, Relationship, Relative, RelativeContact
from helhet.relatives.schemas import InvolvementRecord, RelativeUpdate
from helhet.users.actor import SYSTEM, Actor
from tests.careplans.builders import served_person
from tests.personas import Units
from tests.relatives.builders import make_relative


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Relative)) or 0


def test_relative_is_registered_with_relationship_contact_language_and_interpreter_need(
    session: Session, units: Units, clinician: Actor
) -> None:
    person = served_person(session, units)
    relative = make_relative(
        session,
        clinician,
        person,
        relationship=Relationship.PARENT,
        preferred_language="ar",
        interpreter_needed=True,
        interpreter_language="ar",
        email="ola@example.org",
        contact_phone="+47 55 00 00 00",
    )
    read = relatives.describe(session, relative)
    assert read.relationship == Relationship.PARENT
    assert (read.interpreter_needed, read.interpreter_language) == (True, "ar")
    assert read.contact_unit_id == units.assessment.id  # the clinician's unit that serves the person
    assert read.contact_phone == "+47 55 00 00 00"
    assert read.involvement == Involvement.NOT_OFFERED


def test_naming_a_new_nearest_relative_replaces_the_former(session: Session, units: Units, clinician: Actor) -> None:
    person = served_person(session, units)
    first = make_relative(session, clinician, person, is_nearest=True)
    second = make_relative(session, clinician, person, given_name="Per", is_nearest=True)
    assert (first.is_nearest, second.is_nearest) == (False, True)
    relatives.update_relative(session, clinician, first.id, RelativeUpdate(is_nearest=True, version=first.version))
    assert (first.is_nearest, second.is_nearest) == (True, False)
    assert [r.is_nearest for r in relatives.relatives_of(session, clinician, person.id)] == [True, False]


def test_interpreter_need_without_language_is_refused_and_nothing_is_written(
    session: Session, units: Units, clinician: Actor
) -> None:
    person = served_person(session, units)
    before = _count(session)
    with pytest.raises(Invalid) as refused:
        make_relative(session, clinician, person, interpreter_needed=True)
    assert refused.value.field == "interpreter_language"
    with pytest.raises(Invalid) as refused:
        make_relative(session, clinician, person, birth_date=date(2026, 1, 1))
    assert refused.value.field == "birth_date"
    with pytest.raises(Invalid) as refused:
        make_relative(session, clinician, person, contact_unit_id=units.other.id)
    assert (refused.value.field, refused.value.value) == ("contact_unit_id", units.other.id)
    assert _count(session) == before


def test_involvement_offered_accepted_or_declined_is_recorded_with_its_date(
    session: Session, units: Units, clinician: Actor
) -> None:
    person = served_person(session, units)
    relative = make_relative(session, clinician, person)
    record = InvolvementRecord(involvement=Involvement.OFFERED, on=date(2025, 4, 8), version=relative.version)
    relatives.record_involvement(session, clinician, relative.id, record)
    record = InvolvementRecord(involvement=Involvement.DECLINED, on=date(2025, 4, 9), version=relative.version)
    relatives.record_involvement(session, clinician, relative.id, record)
    assert (relative.involvement, relative.involvement_recorded_on) == (Involvement.DECLINED, date(2025, 4, 9))
    with pytest.raises(Invalid) as refused:
        relatives.record_involvement(
            session, clinician, relative.id, InvolvementRecord(involvement=Involvement.ACCEPTED, on=date(2025, 4, 11))
        )
    assert refused.value.field == "on"
    with pytest.raises(Invalid) as refused:
        relatives.record_involvement(
            session, clinician, relative.id, InvolvementRecord(involvement=Involvement.NOT_OFFERED, on=date(2025, 4, 9))
        )
    assert refused.value.field == "involvement"


def test_outsider_gets_not_found_for_relatives(
    session: Session, units: Units, clinician: Actor, outsider: Actor
) -> None:
    person = served_person(session, units)
    relative = make_relative(session, clinician, person)
    with pytest.raises(NotFound):
        relatives.get_relative(session, outsider, relative.id)
    with pytest.raises(NotFound):
        relatives.relatives_of(session, outsider, person.id)
    with pytest.raises(NotFound):
        make_relative(session, outsider, person)
    with pytest.raises(NotFound):
        relatives.update_relative(session, outsider, relative.id, RelativeUpdate(phone="+47 1234", version=1))


def test_coordinator_on_the_care_team_sees_the_relatives(
    session: Session, units: Units, clinician: Actor, coordinator: Actor
) -> None:
    person = served_person(session, units)
    relative = make_relative(session, clinician, person)
    assert [r.id for r in relatives.relatives_of(session, coordinator, person.id)] == [relative.id]


# The number the relative is given ---------------------------------------------------------------------------


@pytest.fixture
def numbered(session: Session, units: Units, clinician: Actor) -> Relative:
    """A relative registered by the clinician, so the assessment unit gives them its number."""
    return make_relative(session, clinician, served_person(session, units), contact_phone="+47 55 00 00 00")


def test_the_number_the_relative_is_given_is_changed_with_the_version_and_an_audit_event(
    session: Session, units: Units, clinician: Actor, numbered: Relative
) -> None:
    relative, version = numbered, numbered.version
    update = RelativeUpdate(contact_phone=" +47 55 11 22 33 ", version=version)
    relatives.update_relative(session, clinician, relative.id, update)
    read = relatives.describe(session, relative)
    assert (read.contact_phone, read.contact_unit_id) == ("+47 55 11 22 33", units.assessment.id)
    assert read.version == version + 1  # the relative's version covers the number, so a stale form is refused
    audit.flush_pending(session)
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "relative.updated", AuditEvent.entity_id == str(relative.id))
    ).one()
    assert event.detail == {"fields": ["contact_phone"]}  # the field is named; the number is not logged
    with pytest.raises(Conflict):
        relatives.update_relative(session, clinician, relative.id, RelativeUpdate(contact_phone=None, version=version))
    relatives.update_relative(session, clinician, relative.id, RelativeUpdate(contact_phone="", version=version + 1))
    assert relatives.describe(session, relative).contact_phone is None


def test_a_bad_number_for_the_relative_is_refused_with_field_value_and_reason_and_nothing_changes(
    session: Session, clinician: Actor, numbered: Relative
) -> None:
    relative, version = numbered, numbered.version
    update = RelativeUpdate(given_name="Per", contact_phone="ring sentralbordet", version=version)
    with pytest.raises(Invalid) as refused:
        relatives.update_relative(session, clinician, relative.id, update)
    assert (refused.value.field, refused.value.value) == ("contact_phone", "ring sentralbordet")
    assert refused.value.reason == "use digits, spaces and an optional leading +"
    session.expire_all()
    assert (relative.given_name, relative.version) == ("Ola", version)
    assert relatives.describe(session, relative).contact_phone == "+47 55 00 00 00"


def test_a_relative_without_a_contact_unit_gets_one_with_the_number(
    session: Session, units: Units, clinician: Actor
) -> None:
    person = served_person(session, units)
    relative = make_relative(session, SYSTEM, person)  # the system serves no unit: no contact unit yet
    assert relatives.contact_of(session, relative.id) is None
    with pytest.raises(Invalid) as refused:
        relatives.update_relative(
            session, SYSTEM, relative.id, RelativeUpdate(contact_phone="+47 55 00 00 00", version=relative.version)
        )
    assert (refused.value.field, refused.value.value) == ("contact_phone", "+47 55 00 00 00")
    assert session.get(RelativeContact, relative.id) is None
    update = RelativeUpdate(contact_phone="+47 55 00 00 00", version=relative.version)
    relatives.update_relative(session, clinician, relative.id, update)
    read = relatives.describe(session, relative)
    assert (read.contact_phone, read.contact_unit_id) == ("+47 55 00 00 00", units.assessment.id)
