"""A no-show creates an outreach task for the owner, never ends an episode, and ending an episode for
non-attendance needs a recorded outreach attempt. The worklist of no-shows awaiting outreach."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from helhet import clock
from helhet.appointments import outreach
from helhet.appointments import service as appointments
from helhet.appointments.models import Appointment, Attendance, OutreachMode
from helhet.appointments.schemas import AttendanceChange, OutreachAttemptCreate
from helhet.errors import Conflict, Invalid, NotFound
from helhet.pathways import episodes
from helhet.pathways.models import EndReason, Episode
from helhet.pathways.schemas import EpisodeEnd
from helhet.persons.models import Person
from helhet.tasks.models import Task, TaskKind, TaskStatus
from helhet.users.actor import Actor
from tests.appointments.builders import THIS_MORNING, book, treated_person
from tests.personas import Units


@contextmanager
def statements(session: Session) -> Iterator[list[str]]:
    seen: list[str] = []
    connection = session.connection()

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    event.listen(connection, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", count)


def _no_show(session: Session, actor: Actor, person: Person, units: Units, **changes: object) -> Appointment:
    appointment = book(
        session, actor, person, units.poli, starts_at=THIS_MORNING, attendance=Attendance.NO_SHOW, **changes
    )
    return appointment


def _attempt(session: Session, actor: Actor, appointment: Appointment, reached: bool = False) -> None:
    data = OutreachAttemptCreate(attempted_on=date(2025, 4, 10), mode=OutreachMode.PHONE, reached=reached)
    appointments.record_outreach_attempt(session, actor, appointment.id, data)


def test_no_show_creates_an_outreach_task_for_the_owner_due_in_two_working_days(
    session: Session, units: Units, clinician: Actor
) -> None:
    person, _ = treated_person(session, units)
    this_afternoon = datetime(2025, 4, 10, 12, 0, tzinfo=UTC)  # 14:00 in Oslo, booked at noon
    appointment = book(session, clinician, person, units.poli, starts_at=this_afternoon)
    assert appointment.outreach_task_id is None
    with clock.freeze(datetime(2025, 4, 10, 13, 0, tzinfo=UTC)):
        change = AttendanceChange(attendance=Attendance.NO_SHOW, version=appointment.version)
        appointments.record_attendance(session, clinician, appointment.id, change)
    task = session.get_one(Task, appointment.outreach_task_id)
    assert (task.kind, task.owner_user_id, task.unit_id) == (TaskKind.OUTREACH, clinician.user_id, units.poli.id)
    assert (task.source_type, task.source_id) == ("appointment", appointment.id)
    # Thursday 10 April 2025: Friday 11 is the first working day, then the weekend, then Monday 14
    assert task.due_on == date(2025, 4, 14)
    assert appointments.describe(session, appointment).postponement_code == "21"


def test_outreach_deadline_skips_easter(session: Session, units: Units, clinician: Actor) -> None:
    person, _ = treated_person(session, units)
    with clock.freeze(datetime(2025, 4, 16, 12, 0, tzinfo=UTC)):
        starts = datetime(2025, 4, 16, 7, 0, tzinfo=UTC)  # Wednesday before Easter
        appointment = book(session, clinician, person, units.poli, starts_at=starts, attendance=Attendance.NO_SHOW)
    task = session.get_one(Task, appointment.outreach_task_id)
    # 17, 18 and 21 April are public holidays, 19-20 a weekend: Tuesday 22 (1), Wednesday 23 (2)
    assert task.due_on == date(2025, 4, 23)


def test_a_no_show_does_not_end_the_episode(session: Session, units: Units, clinician: Actor) -> None:
    person, episode = treated_person(session, units)
    _no_show(session, clinician, person, units, episode_id=episode.id)
    _no_show(session, clinician, person, units, episode_id=episode.id)
    assert (episode.ended_on, episode.end_reason) == (None, None)
    assert session.get_one(Episode, episode.id).ended_on is None


def test_ending_for_non_attendance_is_refused_without_an_outreach_attempt(
    session: Session, units: Units, clinician: Actor
) -> None:
    person, episode = treated_person(session, units)
    _no_show(session, clinician, person, units, episode_id=episode.id)
    end = EpisodeEnd(ended_on=date(2025, 4, 10), end_reason=EndReason.NON_ATTENDANCE, version=episode.version)
    with pytest.raises(Invalid) as refused:
        episodes.end_episode(session, clinician, episode.id, end)
    assert (refused.value.field, refused.value.value) == ("end_reason", "non_attendance")
    assert episode.ended_on is None


def test_ending_for_non_attendance_is_allowed_after_an_outreach_attempt(
    session: Session, units: Units, clinician: Actor
) -> None:
    person, episode = treated_person(session, units)
    appointment = _no_show(session, clinician, person, units, episode_id=episode.id)
    _attempt(session, clinician, appointment, reached=False)
    end = EpisodeEnd(ended_on=date(2025, 4, 10), end_reason=EndReason.NON_ATTENDANCE, version=episode.version)
    episodes.end_episode(session, clinician, episode.id, end)
    assert (episode.ended_on, episode.end_reason) == (date(2025, 4, 10), EndReason.NON_ATTENDANCE)


def test_an_attempt_at_another_unit_does_not_count_for_this_episode(
    session: Session, units: Units, clinician: Actor
) -> None:
    person, episode = treated_person(session, units)
    elsewhere = book(
        session, clinician, person, units.assessment, starts_at=THIS_MORNING, attendance=Attendance.NO_SHOW
    )
    _attempt(session, clinician, elsewhere)
    end = EpisodeEnd(ended_on=date(2025, 4, 10), end_reason=EndReason.NON_ATTENDANCE, version=episode.version)
    with pytest.raises(Invalid):
        episodes.end_episode(session, clinician, episode.id, end)


def test_other_end_reasons_need_no_outreach_attempt(session: Session, units: Units, clinician: Actor) -> None:
    _, episode = treated_person(session, units)
    end = EpisodeEnd(ended_on=date(2025, 4, 10), end_reason=EndReason.PLANNED_COMPLETION, version=episode.version)
    episodes.end_episode(session, clinician, episode.id, end)
    assert episode.end_reason == EndReason.PLANNED_COMPLETION


def test_reaching_the_person_completes_the_outreach_task(session: Session, units: Units, clinician: Actor) -> None:
    person, _ = treated_person(session, units)
    appointment = _no_show(session, clinician, person, units)
    task = session.get_one(Task, appointment.outreach_task_id)
    _attempt(session, clinician, appointment, reached=False)
    assert task.status == TaskStatus.OPEN
    _attempt(session, clinician, appointment, reached=True)
    assert task.status == TaskStatus.DONE
    assert [a.reached for a in appointments.outreach_attempts_of(session, clinician, appointment.id)] == [False, True]


def test_outreach_attempt_is_refused_before_the_no_show_or_for_an_attended_appointment(
    session: Session, units: Units, clinician: Actor
) -> None:
    person, _ = treated_person(session, units)
    appointment = _no_show(session, clinician, person, units)
    early = OutreachAttemptCreate(attempted_on=date(2025, 4, 9), mode=OutreachMode.SMS, reached=False)
    with pytest.raises(Invalid) as refused:
        appointments.record_outreach_attempt(session, clinician, appointment.id, early)
    assert refused.value.field == "attempted_on"
    attended = book(session, clinician, person, units.poli, starts_at=THIS_MORNING, attendance=Attendance.ATTENDED)
    with pytest.raises(Conflict):
        _attempt(session, clinician, attended)


def test_correcting_a_no_show_cancels_its_outreach_task_and_needs_a_note(
    session: Session, units: Units, clinician: Actor
) -> None:
    person, _ = treated_person(session, units)
    appointment = _no_show(session, clinician, person, units)
    task = session.get_one(Task, appointment.outreach_task_id)
    with pytest.raises(Invalid) as refused:
        appointments.record_attendance(
            session,
            clinician,
            appointment.id,
            AttendanceChange(attendance=Attendance.ATTENDED, version=appointment.version),
        )
    assert refused.value.field == "note"
    change = AttendanceChange(attendance=Attendance.ATTENDED, note="Kom 20 min for sent", version=appointment.version)
    appointments.record_attendance(session, clinician, appointment.id, change)
    assert task.status == TaskStatus.CANCELLED
    assert [r.postponement_code for r in appointments.attendance_history(session, clinician, appointment.id)] == [
        "21",
        None,
    ]


def test_no_shows_awaiting_outreach_is_one_query_paginated_and_for_members_only(
    session: Session, units: Units, clinician: Actor, outsider: Actor, coordinator: Actor
) -> None:
    person, _ = treated_person(session, units)
    first = _no_show(session, clinician, person, units)
    second = _no_show(session, clinician, person, units)
    reached = _no_show(session, clinician, person, units)
    _attempt(session, clinician, first, reached=False)
    _attempt(session, clinician, reached, reached=True)
    poli = units.poli.id
    session.expire_all()
    with statements(session) as seen:
        rows = outreach.no_shows_awaiting_outreach(session, clinician, poli)
    assert len(seen) == 1
    assert [(r.appointment_id, r.attempts) for r in rows] == [(first.id, 1), (second.id, 0)]
    assert rows[0].owner_user_id == clinician.user_id
    assert rows[0].due_on == date(2025, 4, 14)
    page = outreach.no_shows_awaiting_outreach(session, clinician, units.poli.id, limit=1, offset=1)
    assert [r.appointment_id for r in page] == [second.id]
    with pytest.raises(Invalid):
        outreach.no_shows_awaiting_outreach(session, clinician, units.poli.id, limit=0)
    with pytest.raises(NotFound):
        outreach.no_shows_awaiting_outreach(session, outsider, units.poli.id)
    with pytest.raises(NotFound):
        outreach.no_shows_awaiting_outreach(session, coordinator, units.poli.id)


def test_outsider_gets_not_found_for_outreach(
    session: Session, units: Units, clinician: Actor, outsider: Actor
) -> None:
    person, _ = treated_person(session, units)
    appointment = _no_show(session, clinician, person, units)
    with pytest.raises(NotFound):
        _attempt(session, outsider, appointment)
    with pytest.raises(NotFound):
        appointments.outreach_attempts_of(session, outsider, appointment.id)
