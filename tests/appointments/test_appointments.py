"""Booking appointments, recording attendance, and the person's door for outsiders."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helhet.appointments import service as appointments
from helhet.appointments.models import Appointment, AppointmentMode, Attendance, InterpreterStatus
from helhet.appointments.schemas import AppointmentUpdate, AttendanceChange
from helhet.errors import Conflict, Forbidden, Invalid, NotFound
from helhet.tasks.models import Task
from helhet.users.actor import Actor
from tests.appointments.builders import NEXT_MONDAY, THIS_MORNING, book, treated_person
from tests.personas import Units
from tests.relatives.builders import give_consent, make_relative


def _count(session: Session, table: type[object]) -> int:
    return session.scalar(select(func.count()).select_from(table)) or 0


def test_appointment_is_booked_with_owner_participants_and_preferred_times(
    session: Session, units: Units, clinician: Actor
) -> None:
    person, episode = treated_person(session, units)
    appointment = book(
        session,
        clinician,
        person,
        units.poli,
        episode_id=episode.id,
        mode=AppointmentMode.VIDEO,
        participants=["Fastlege", " "],
        preferred_times_note="Helst formiddag, ikke mandager i partallsuker",
    )
    read = appointments.describe(session, appointment)
    assert (read.owner_user_id, read.unit_id, read.episode_id) == (clinician.user_id, units.poli.id, episode.id)
    assert read.participants == ["Fastlege"]
    assert read.attendance == Attendance.BOOKED
    assert read.interpreter_status == InterpreterStatus.NOT_NEEDED
    assert read.preferred_times_note == "Helst formiddag, ikke mandager i partallsuker"
    assert [a.id for a in appointments.appointments_of(session, clinician, person.id)] == [appointment.id]


def test_booking_without_an_owner_of_the_unit_is_refused_and_nothing_is_written(
    session: Session, units: Units, clinician: Actor, inpatient_clinician: Actor
) -> None:
    person, _ = treated_person(session, units)
    with pytest.raises(Invalid) as refused:
        book(session, clinician, person, units.poli, owner_user_id=None)
    assert refused.value.field == "owner_user_id"
    with pytest.raises(Invalid) as refused:
        book(session, clinician, person, units.poli, owner_user_id=inpatient_clinician.user_id)
    assert (refused.value.field, refused.value.value) == ("owner_user_id", inpatient_clinician.user_id)
    assert _count(session, Appointment) == 0


def test_booking_in_the_past_is_refused_and_nothing_is_written(
    session: Session, units: Units, clinician: Actor
) -> None:
    person, _ = treated_person(session, units)
    with pytest.raises(Invalid) as refused:
        book(session, clinician, person, units.poli, starts_at=THIS_MORNING)
    assert (refused.value.field, refused.value.value) == ("starts_at", THIS_MORNING.isoformat())
    with pytest.raises(Invalid) as refused:
        book(session, clinician, person, units.poli, starts_at=datetime(2025, 4, 14, 9, 0))  # no time zone
    assert refused.value.field == "starts_at"
    assert _count(session, Appointment) == 0


def test_a_past_appointment_is_registered_with_what_happened(session: Session, units: Units, clinician: Actor) -> None:
    person, _ = treated_person(session, units)
    appointment = book(session, clinician, person, units.poli, starts_at=THIS_MORNING, attendance=Attendance.ATTENDED)
    assert appointment.attendance == Attendance.ATTENDED
    assert appointment.attendance_recorded_at is not None
    assert [r.attendance for r in appointments.attendance_history(session, clinician, appointment.id)] == [
        Attendance.ATTENDED
    ]


def test_attended_and_no_show_are_refused_before_the_appointment_starts(
    session: Session, units: Units, clinician: Actor
) -> None:
    person, _ = treated_person(session, units)
    appointment = book(session, clinician, person, units.poli)
    for attendance in (Attendance.ATTENDED, Attendance.NO_SHOW):
        with pytest.raises(Invalid) as refused:
            appointments.record_attendance(
                session, clinician, appointment.id, AttendanceChange(attendance=attendance, version=appointment.version)
            )
        assert refused.value.field == "attendance"
    assert appointment.attendance == Attendance.BOOKED
    assert _count(session, Task) == 0
    cancelled = AttendanceChange(attendance=Attendance.CANCELLED_BY_PERSON, note="Syk", version=appointment.version)
    appointments.record_attendance(session, clinician, appointment.id, cancelled)
    read = appointments.describe(session, appointment)
    assert (read.attendance, read.postponement_code) == (Attendance.CANCELLED_BY_PERSON, "22")


def test_a_booked_appointment_is_moved_with_its_version_but_not_into_the_past(
    session: Session, units: Units, clinician: Actor
) -> None:
    person, _ = treated_person(session, units)
    appointment = book(session, clinician, person, units.poli)
    later = datetime(2025, 4, 15, 7, 0, tzinfo=UTC)
    appointments.update_appointment(
        session, clinician, appointment.id, AppointmentUpdate(starts_at=later, version=appointment.version)
    )
    assert appointment.starts_at == later
    with pytest.raises(Conflict):
        appointments.update_appointment(session, clinician, appointment.id, AppointmentUpdate(minutes=60, version=1))
    with pytest.raises(Invalid) as refused:
        appointments.update_appointment(
            session, clinician, appointment.id, AppointmentUpdate(starts_at=THIS_MORNING, version=appointment.version)
        )
    assert refused.value.field == "starts_at"
    assert appointment.starts_at == later


def test_relatives_take_part_only_with_consent_to_meetings(session: Session, units: Units, clinician: Actor) -> None:
    person, _ = treated_person(session, units)
    relative = make_relative(session, clinician, person)
    give_consent(session, clinician, relative, "general")
    with pytest.raises(Invalid) as refused:
        book(session, clinician, person, units.poli, relative_ids=[relative.id])
    assert (refused.value.field, refused.value.value) == ("relative_ids", relative.id)
    assert _count(session, Appointment) == 0
    give_consent(session, clinician, relative, "meetings", valid_from=NEXT_MONDAY.date())
    appointment = book(session, clinician, person, units.poli, relative_ids=[relative.id])
    assert appointments.describe(session, appointment).relative_ids == [relative.id]


def test_only_members_of_a_unit_serving_the_person_book_there(
    session: Session, units: Units, clinician: Actor, inpatient_clinician: Actor, coordinator: Actor
) -> None:
    person, _ = treated_person(session, units)
    with pytest.raises(Forbidden):
        book(session, coordinator, person, units.poli, owner_user_id=clinician.user_id)
    with pytest.raises(NotFound):  # the inpatient unit has no relation to the person: not even the person is found
        book(session, inpatient_clinician, person, units.inpatient)
    assert _count(session, Appointment) == 0


def test_outsider_gets_not_found_for_appointments(
    session: Session, units: Units, clinician: Actor, outsider: Actor
) -> None:
    person, _ = treated_person(session, units)
    appointment = book(session, clinician, person, units.poli)
    with pytest.raises(NotFound):
        appointments.get_appointment(session, outsider, appointment.id)
    with pytest.raises(NotFound):
        appointments.appointments_of(session, outsider, person.id)
    with pytest.raises(NotFound):
        book(session, outsider, person, units.other)
    with pytest.raises(NotFound):
        appointments.record_attendance(
            session, outsider, appointment.id, AttendanceChange(attendance=Attendance.CANCELLED_BY_SERVICE, version=1)
        )
    assert appointment.attendance == Attendance.BOOKED
