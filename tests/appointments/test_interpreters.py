"""Interpreter need → needed_not_booked → a gap on the unit's list; children never interpret (tolkeloven § 4)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helhet.appointments import interpreters
from helhet.appointments import service as appointments
from helhet.appointments.models import Appointment, AppointmentRelative, InterpreterStatus
from helhet.appointments.schemas import InterpreterChange
from helhet.errors import Invalid, NotFound
from helhet.relatives.models import Relationship
from helhet.users.actor import Actor
from tests.appointments.builders import THIS_MORNING, book, treated_person
from tests.personas import Units
from tests.relatives.builders import give_consent, make_relative


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Appointment)) or 0


def test_interpreter_need_gives_needed_not_booked_which_is_listed_as_missing(
    session: Session, units: Units, clinician: Actor
) -> None:
    person, _ = treated_person(session, units, interpreter_needed=True, interpreter_language="ar")
    appointment = book(session, clinician, person, units.poli)
    assert (appointment.interpreter_status, appointment.interpreter_language) == (
        InterpreterStatus.NEEDED_NOT_BOOKED,
        "ar",
    )
    rows = interpreters.missing_interpreter_bookings(session, clinician, units.poli.id, date(2025, 4, 10))
    assert [(r.appointment_id, r.interpreter_language) for r in rows] == [(appointment.id, "ar")]
    change = InterpreterChange(status=InterpreterStatus.BOOKED, qualification="b", version=appointment.version)
    appointments.set_interpreter(session, clinician, appointment.id, change)
    assert (appointment.interpreter_status, appointment.interpreter_qualification) == (InterpreterStatus.BOOKED, "B")
    assert interpreters.missing_interpreter_bookings(session, clinician, units.poli.id) == []


def test_a_past_appointment_is_not_a_missing_booking(session: Session, units: Units, clinician: Actor) -> None:
    person, _ = treated_person(session, units, interpreter_needed=True, interpreter_language="so")
    book(session, clinician, person, units.poli)
    rows = interpreters.missing_interpreter_bookings(session, clinician, units.poli.id, date(2025, 4, 15))
    assert rows == []


def test_not_needed_is_refused_for_someone_who_needs_an_interpreter(
    session: Session, units: Units, clinician: Actor
) -> None:
    person, _ = treated_person(session, units, interpreter_needed=True, interpreter_language="ar")
    with pytest.raises(Invalid) as refused:
        book(session, clinician, person, units.poli, interpreter_status=InterpreterStatus.NOT_NEEDED)
    assert refused.value.field == "interpreter_status"
    assert _count(session) == 0
    declined = book(session, clinician, person, units.poli, interpreter_status=InterpreterStatus.DECLINED_BY_PERSON)
    assert declined.interpreter_status == InterpreterStatus.DECLINED_BY_PERSON


def test_a_relative_who_needs_an_interpreter_makes_the_meeting_need_one(
    session: Session, units: Units, clinician: Actor
) -> None:
    person, _ = treated_person(session, units)
    mother = make_relative(
        session, clinician, person, relationship=Relationship.PARENT, interpreter_needed=True, interpreter_language="pl"
    )
    give_consent(session, clinician, mother, "meetings")
    appointment = book(session, clinician, person, units.poli, relative_ids=[mother.id])
    assert (appointment.interpreter_status, appointment.interpreter_language) == (
        InterpreterStatus.NEEDED_NOT_BOOKED,
        "pl",
    )


def test_a_child_relative_is_refused_as_interpreter_and_nothing_is_written(
    session: Session, units: Units, clinician: Actor
) -> None:
    person, _ = treated_person(session, units, interpreter_needed=True, interpreter_language="ar")
    child = make_relative(session, clinician, person, relationship=Relationship.CHILD, birth_date=date(2010, 6, 1))
    with pytest.raises(Invalid) as refused:
        book(session, clinician, person, units.poli, interpreter_relative_id=child.id)
    assert (refused.value.field, refused.value.value) == ("interpreter_relative_id", child.id)
    assert "tolkeloven § 4" in refused.value.reason
    unknown = make_relative(session, clinician, person, relationship=Relationship.OTHER, birth_date=None)
    with pytest.raises(Invalid) as refused:
        book(session, clinician, person, units.poli, interpreter_relative_id=unknown.id)
    assert refused.value.field == "interpreter_relative_id"
    assert "tolkeloven § 4" in refused.value.reason
    assert _count(session) == 0
    assert session.scalar(select(func.count()).select_from(AppointmentRelative)) == 0


def test_a_relative_who_turns_eighteen_after_the_appointment_is_still_a_child_at_it(
    session: Session, units: Units, clinician: Actor
) -> None:
    person, _ = treated_person(session, units, interpreter_needed=True, interpreter_language="ar")
    # 18 on Tuesday 15 April 2025: a child at Monday's appointment, an adult at Tuesday's
    almost = make_relative(session, clinician, person, relationship=Relationship.CHILD, birth_date=date(2007, 4, 15))
    with pytest.raises(Invalid):
        book(session, clinician, person, units.poli, interpreter_relative_id=almost.id)
    tuesday = datetime(2025, 4, 15, 7, 0, tzinfo=UTC)
    appointment = book(session, clinician, person, units.poli, starts_at=tuesday, interpreter_relative_id=almost.id)
    read = appointments.describe(session, appointment)
    assert (read.interpreter_relative_id, read.interpreter_status) == (almost.id, InterpreterStatus.BOOKED)


def test_a_child_cannot_be_made_interpreter_afterwards(session: Session, units: Units, clinician: Actor) -> None:
    person, _ = treated_person(session, units, interpreter_needed=True, interpreter_language="ar")
    child = make_relative(session, clinician, person, relationship=Relationship.CHILD, birth_date=date(2012, 1, 1))
    appointment = book(session, clinician, person, units.poli)
    change = InterpreterChange(
        status=InterpreterStatus.BOOKED, interpreter_relative_id=child.id, version=appointment.version
    )
    with pytest.raises(Invalid) as refused:
        appointments.set_interpreter(session, clinician, appointment.id, change)
    assert refused.value.field == "interpreter_relative_id"
    assert appointment.interpreter_status == InterpreterStatus.NEEDED_NOT_BOOKED


def test_qualification_category_is_a_to_e_and_used_only_after_the_appointment(
    session: Session, units: Units, clinician: Actor
) -> None:
    person, _ = treated_person(session, units, interpreter_needed=True, interpreter_language="ar")
    with pytest.raises(Invalid) as refused:
        book(
            session,
            clinician,
            person,
            units.poli,
            interpreter_status=InterpreterStatus.BOOKED,
            interpreter_qualification="F",
        )
    assert (refused.value.field, refused.value.value) == ("interpreter_qualification", "F")
    with pytest.raises(Invalid) as refused:
        book(session, clinician, person, units.poli, interpreter_status=InterpreterStatus.USED)
    assert refused.value.field == "interpreter_status"
    assert _count(session) == 0
    past = book(
        session,
        clinician,
        person,
        units.poli,
        starts_at=THIS_MORNING,
        attendance="attended",
        interpreter_status=InterpreterStatus.USED,
        interpreter_qualification="A",
    )
    assert past.interpreter_qualification == "A"


def test_outsider_gets_not_found_for_interpreter_lists_and_changes(
    session: Session, units: Units, clinician: Actor, outsider: Actor
) -> None:
    person, _ = treated_person(session, units, interpreter_needed=True, interpreter_language="ar")
    appointment = book(session, clinician, person, units.poli)
    with pytest.raises(NotFound):
        interpreters.missing_interpreter_bookings(session, outsider, units.poli.id)
    with pytest.raises(NotFound):
        appointments.set_interpreter(
            session, outsider, appointment.id, InterpreterChange(status=InterpreterStatus.BOOKED, version=1)
        )
    assert appointment.interpreter_status == InterpreterStatus.NEEDED_NOT_BOOKED
