"""Booking appointments (in person, video, phone, outreach), recording attendance, interpreters, and outreach
attempts after a no-show.

Every appointment has a named owner, a user of its unit: a no-show becomes that owner's outreach task
(``appointments/outreach.py``, imported here so its episode check is registered whenever this module is loaded).
Who may change an appointment: members of its unit. Anyone who may see the person may read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.appointments import common, interpreters, outreach
from helhet.appointments.models import (
    POSTPONEMENT_CODES,
    Appointment,
    AppointmentRelative,
    AppointmentRole,
    Attendance,
    AttendanceRecord,
    OutreachAttempt,
)
from helhet.appointments.schemas import (
    AppointmentCreate,
    AppointmentRead,
    AppointmentUpdate,
    AttendanceChange,
    InterpreterChange,
    OutreachAttemptCreate,
)
from helhet.audit import log as audit
from helhet.audit import policy
from helhet.errors import Conflict, Forbidden, Invalid, NotFound, check_version
from helhet.pathways.models import Episode
from helhet.persons import service as persons
from helhet.persons.models import Person
from helhet.referrals import service as referrals
from helhet.relatives import consent as consents
from helhet.relatives.models import ConsentScope, Relative
from helhet.tasks import service as tasks
from helhet.tasks.models import TaskStatus
from helhet.users.actor import Actor

CANCELLED = frozenset({Attendance.CANCELLED_BY_PERSON, Attendance.CANCELLED_BY_SERVICE})
HAPPENED = frozenset({Attendance.ATTENDED, Attendance.NO_SHOW})  # only once the appointment has started


def get_appointment(session: Session, actor: Actor, appointment_id: int) -> Appointment:
    """The door to an appointment: not found unless the actor may see the person; the read is logged."""
    appointment = session.get(Appointment, appointment_id)
    if appointment is None or not policy.may_see(session, actor, appointment.person_id):
        raise NotFound("appointment", appointment_id)
    audit.record_access(session, actor, appointment.person_id, "appointment", entity_id=appointment.id)
    return appointment


def appointments_of(session: Session, actor: Actor, person_id: int) -> list[Appointment]:
    persons.get_person(session, actor, person_id, what="appointments")
    stmt = select(Appointment).where(Appointment.person_id == person_id)
    return list(session.scalars(stmt.order_by(Appointment.starts_at, Appointment.id)))


def describe(session: Session, appointment: Appointment) -> AppointmentRead:
    """The appointment with the relatives taking part, for the API and pages (the caller went through the door)."""
    links = session.execute(
        select(AppointmentRelative.relative_id, AppointmentRelative.role)
        .where(AppointmentRelative.appointment_id == appointment.id)
        .order_by(AppointmentRelative.relative_id)
    ).all()
    return AppointmentRead(
        id=appointment.id,
        person_id=appointment.person_id,
        unit_id=appointment.unit_id,
        owner_user_id=appointment.owner_user_id,
        episode_id=appointment.episode_id,
        mode=appointment.mode,
        starts_at=appointment.starts_at,
        minutes=appointment.minutes,
        purpose=appointment.purpose,
        participants=list(appointment.participants or []),
        relative_ids=[rid for rid, role in links if role == AppointmentRole.PARTICIPANT],
        preferred_times_note=appointment.preferred_times_note,
        attendance=appointment.attendance,
        attendance_recorded_at=appointment.attendance_recorded_at,
        postponement_code=POSTPONEMENT_CODES.get(appointment.attendance),
        interpreter_status=appointment.interpreter_status,
        interpreter_language=appointment.interpreter_language,
        interpreter_qualification=appointment.interpreter_qualification,
        interpreter_relative_id=next((rid for rid, role in links if role == AppointmentRole.INTERPRETER), None),
        outreach_task_id=appointment.outreach_task_id,
        version=appointment.version,
    )


def book_appointment(session: Session, actor: Actor, data: AppointmentCreate) -> Appointment:
    """Book an appointment, or register one afterwards with what happened (a past one cannot be "booked")."""
    person = persons.get_person(session, actor, data.person_id, what="appointments")
    unit = referrals.get_unit(session, data.unit_id)
    if not actor.is_system and unit.id not in actor.unit_ids:
        raise Forbidden("book appointments in your own unit")
    if not tasks.unit_serves_person(session, unit.id, person.id):
        raise Invalid("unit_id", unit.id, "the unit has no care relationship with the person")
    _check_owner(session, unit.id, data.owner_user_id)
    _check_episode(session, person.id, data.episode_id)
    _check_time(data.starts_at)
    if data.attendance == Attendance.BOOKED and data.starts_at < clock.now():
        raise Invalid(
            "starts_at",
            data.starts_at.isoformat(),
            "is in the past; register a past appointment with what happened (attended, no_show, cancelled)",
        )
    _check_happened(data.attendance, data.starts_at)
    day = common.local_date_of(data.starts_at)
    taking_part = _relatives_taking_part(session, person.id, data.relative_ids, day)
    interpreter = interpreters.interpreting_relative(session, person.id, data.starts_at, data.interpreter_relative_id)
    status = interpreters.resolve_status(person, taking_part, data.interpreter_status, interpreter, data.starts_at)
    language = interpreters.resolve_language(person, taking_part, data.interpreter_language, status)
    appointment = Appointment(
        person_id=person.id,
        unit_id=unit.id,
        owner_user_id=data.owner_user_id,
        episode_id=data.episode_id,
        mode=data.mode,
        starts_at=data.starts_at,
        minutes=data.minutes,
        purpose=_clean(data.purpose),
        participants=_participants(data.participants),
        preferred_times_note=_clean(data.preferred_times_note),
        interpreter_status=status,
        interpreter_language=language,
        interpreter_qualification=interpreters.check_qualification(data.interpreter_qualification),
        created_at=clock.now(),
        created_by=actor.user_id,
    )
    session.add(appointment)
    session.flush()
    _link_relatives(session, appointment, taking_part, interpreter)
    audit.record_change(
        session,
        actor,
        "appointment.booked",
        "appointment",
        appointment.id,
        person_id=person.id,
        detail={"unit_id": unit.id, "mode": data.mode.value, "interpreter_status": status.value},
    )
    if data.attendance != Attendance.BOOKED:
        _apply_attendance(session, actor, appointment, data.attendance, _clean(data.attendance_note))
    session.flush()
    return appointment


def update_appointment(session: Session, actor: Actor, appointment_id: int, data: AppointmentUpdate) -> Appointment:
    """Move a booked appointment, change its owner, mode or participants."""
    appointment = _to_change(session, actor, appointment_id, data.version)
    if appointment.attendance != Attendance.BOOKED:
        raise Conflict(f"the appointment is {appointment.attendance.value}; only booked appointments are changed")
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    for key in ("starts_at", "minutes", "mode", "owner_user_id", "participants"):
        if key in changes and changes[key] is None:
            raise Invalid(key, None, "cannot be empty")
    if "starts_at" in changes:
        _check_time(data.starts_at)
        if data.starts_at is not None and data.starts_at < clock.now():
            raise Invalid("starts_at", data.starts_at.isoformat(), "a booked appointment cannot be moved to the past")
    if "owner_user_id" in changes:
        _check_owner(session, appointment.unit_id, data.owner_user_id)
    if "participants" in changes:
        changes["participants"] = _participants(data.participants or [])
    for key in ("purpose", "preferred_times_note"):
        if key in changes:
            changes[key] = _clean(changes[key])
    for key, value in changes.items():
        setattr(appointment, key, value)
    session.flush()
    audit.record_change(
        session,
        actor,
        "appointment.updated",
        "appointment",
        appointment.id,
        person_id=appointment.person_id,
        detail={"fields": sorted(changes)},
    )
    return appointment


def record_attendance(session: Session, actor: Actor, appointment_id: int, data: AttendanceChange) -> Appointment:
    """Record what happened: attended, no-show (which creates the owner's outreach task), or cancelled. A no-show
    never ends an episode by itself. Correcting an earlier recording needs a note."""
    appointment = _to_change(session, actor, appointment_id, data.version)
    note = _clean(data.note)
    if data.attendance == Attendance.BOOKED:
        raise Invalid(
            "attendance",
            data.attendance.value,
            "record what happened: attended, no_show, cancelled_by_person or cancelled_by_service",
        )
    if data.attendance == appointment.attendance:
        raise Invalid("attendance", data.attendance.value, "this is already recorded")
    _check_happened(data.attendance, appointment.starts_at)
    if appointment.attendance != Attendance.BOOKED and note is None:
        raise Invalid("note", data.note, f"say why the earlier recording ({appointment.attendance.value}) is corrected")
    _apply_attendance(session, actor, appointment, data.attendance, note)
    session.flush()
    return appointment


def attendance_history(session: Session, actor: Actor, appointment_id: int) -> list[AttendanceRecord]:
    appointment = get_appointment(session, actor, appointment_id)
    stmt = select(AttendanceRecord).where(AttendanceRecord.appointment_id == appointment.id)
    return list(session.scalars(stmt.order_by(AttendanceRecord.recorded_at, AttendanceRecord.id)))


def set_interpreter(session: Session, actor: Actor, appointment_id: int, data: InterpreterChange) -> Appointment:
    """Record the interpreter status (booked, used, not available, declined by the person), the language, the
    interpreter's qualification category, or an adult relative interpreting."""
    appointment = _to_change(session, actor, appointment_id, data.version)
    if appointment.attendance in CANCELLED:
        raise Conflict(f"the appointment is {appointment.attendance.value}")
    person = session.get_one(Person, appointment.person_id)
    taking_part = _linked_relatives(session, appointment.id, AppointmentRole.PARTICIPANT)
    interpreter = interpreters.interpreting_relative(
        session, person.id, appointment.starts_at, data.interpreter_relative_id
    )
    status = interpreters.resolve_status(person, taking_part, data.status, interpreter, appointment.starts_at, "status")
    language = interpreters.resolve_language(person, taking_part, data.language, status, "language")
    before = appointment.interpreter_status
    appointment.interpreter_status = status
    appointment.interpreter_language = language
    appointment.interpreter_qualification = interpreters.check_qualification(data.qualification, "qualification")
    interpreters.set_interpreting_relative(session, appointment, interpreter)
    session.flush()
    audit.record_change(
        session,
        actor,
        "appointment.interpreter",
        "appointment",
        appointment.id,
        person_id=appointment.person_id,
        detail={"from": before.value, "to": status.value, "relative_id": data.interpreter_relative_id},
    )
    return appointment


def record_outreach_attempt(
    session: Session, actor: Actor, appointment_id: int, data: OutreachAttemptCreate
) -> OutreachAttempt:
    """An attempt to reach the person after a no-show, by the appointment's unit or the outreach task's owner."""
    appointment = get_appointment(session, actor, appointment_id)
    task = outreach.outreach_task_of(session, appointment)
    owner = task.owner_user_id if task is not None else None
    if not (actor.is_system or appointment.unit_id in actor.unit_ids or (owner and owner == actor.user_id)):
        raise Forbidden("outreach after a no-show is recorded by the appointment's unit")
    return outreach.record_attempt(session, actor, appointment, data)


def outreach_attempts_of(session: Session, actor: Actor, appointment_id: int) -> list[OutreachAttempt]:
    appointment = get_appointment(session, actor, appointment_id)
    stmt = select(OutreachAttempt).where(OutreachAttempt.appointment_id == appointment.id)
    return list(session.scalars(stmt.order_by(OutreachAttempt.attempted_on, OutreachAttempt.id)))


def _apply_attendance(
    session: Session, actor: Actor, appointment: Appointment, attendance: Attendance, note: str | None
) -> None:
    before = appointment.attendance
    now = clock.now()
    appointment.attendance = attendance
    appointment.attendance_recorded_at = now
    code = POSTPONEMENT_CODES.get(attendance)
    session.add(
        AttendanceRecord(
            appointment_id=appointment.id,
            attendance=attendance,
            postponement_code=code,
            note=note,
            recorded_at=now,
            recorded_by=actor.user_id,
        )
    )
    session.flush()
    if before == Attendance.NO_SHOW:
        reason = f"oppmøte rettet til {attendance.value}" + (f": {note}" if note else "")
        outreach.close_outreach_task(session, actor, appointment, TaskStatus.CANCELLED, reason)
    if attendance == Attendance.NO_SHOW:
        outreach.open_outreach_task(session, actor, appointment)
    audit.record_change(
        session,
        actor,
        "appointment.attendance",
        "appointment",
        appointment.id,
        person_id=appointment.person_id,
        reason=note,
        detail={"from": before.value, "to": attendance.value, "utsettelseskode": code},
    )


def _to_change(session: Session, actor: Actor, appointment_id: int, version: int | None) -> Appointment:
    """Fetch, check the version, and check that the actor works in the appointment's unit."""
    appointment = get_appointment(session, actor, appointment_id)
    check_version("appointment", appointment.version, version)
    if not (actor.is_system or appointment.unit_id in actor.unit_ids):
        raise Forbidden("only members of the appointment's unit change it")
    return appointment


def _check_owner(session: Session, unit_id: int, owner_user_id: int | None) -> None:
    if owner_user_id is None:
        raise Invalid("owner_user_id", None, "name the user of the unit who owns the appointment and its follow-up")
    tasks.check_owner(session, unit_id, owner_user_id, False)


def _check_episode(session: Session, person_id: int, episode_id: int | None) -> None:
    if episode_id is None:
        return
    episode = session.get(Episode, episode_id)
    if episode is None or episode.person_id != person_id:
        raise Invalid("episode_id", episode_id, "not an episode of this person")


def _check_time(starts_at: datetime | None) -> None:
    if starts_at is not None and starts_at.tzinfo is None:
        raise Invalid("starts_at", starts_at.isoformat(), "give the time with a time zone, e.g. 2025-04-14T09:00+02:00")


def _check_happened(attendance: Attendance, starts_at: datetime) -> None:
    if attendance in HAPPENED and starts_at > clock.now():
        raise Invalid(
            "attendance", attendance.value, "the appointment has not started yet; it can be cancelled, not attended"
        )


def _relatives_taking_part(session: Session, person_id: int, relative_ids: Sequence[int], day: date) -> list[Relative]:
    """Registered relatives of the person with consent to take part in meetings on the appointment's day."""
    found: list[Relative] = []
    for relative_id in dict.fromkeys(relative_ids):
        relative = session.get(Relative, relative_id)
        if relative is None or relative.person_id != person_id:
            raise Invalid("relative_ids", relative_id, "not a registered relative of this person")
        scope = consents.current_scope(session, relative_id, day)
        if not consents.may_share(ConsentScope.MEETINGS, scope):
            raise Invalid(
                "relative_ids",
                relative_id,
                f"the person's consent for this relative is {scope.value} on {day}; taking part in meetings needs "
                "consent of scope meetings or full",
            )
        found.append(relative)
    return found


def _link_relatives(
    session: Session, appointment: Appointment, taking_part: Sequence[Relative], interpreter: Relative | None
) -> None:
    now = clock.now()
    for relative in taking_part:
        if interpreter is None or relative.id != interpreter.id:
            session.add(
                AppointmentRelative(
                    appointment_id=appointment.id,
                    relative_id=relative.id,
                    role=AppointmentRole.PARTICIPANT,
                    added_at=now,
                )
            )
    if interpreter is not None:
        session.add(
            AppointmentRelative(
                appointment_id=appointment.id,
                relative_id=interpreter.id,
                role=AppointmentRole.INTERPRETER,
                added_at=now,
            )
        )
    session.flush()


def _linked_relatives(session: Session, appointment_id: int, role: AppointmentRole) -> list[Relative]:
    stmt = (
        select(Relative)
        .join(AppointmentRelative, AppointmentRelative.relative_id == Relative.id)
        .where(AppointmentRelative.appointment_id == appointment_id, AppointmentRelative.role == role)
        .order_by(Relative.id)
    )
    return list(session.scalars(stmt))


def _participants(names: Sequence[str]) -> list[str]:
    cleaned = []
    for name in names:
        text = name.strip()
        if len(text) > 120:
            raise Invalid("participants", name, "keep each participant to 120 characters (a name or a role)")
        if text:
            cleaned.append(text)
    return cleaned


def _clean(value: str | None) -> str | None:
    return (value or "").strip() or None
