"""Registering relatives, the nearest relative, involvement, and the person's door for outsiders."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helhet.errors import Invalid, NotFound
from helhet.relatives import service as relatives
from helhet.relatives.models import Involvement, Relationship, Relative
from helhet.relatives.schemas import InvolvementRecord, RelativeUpdate
from helhet.users.actor import Actor
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
