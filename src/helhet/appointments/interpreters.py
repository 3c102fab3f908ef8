"""Interpreters at appointments (tolkeloven; DOMAIN.md §7).

The need (and the language) is recorded on the person and on relatives. Every appointment for someone with that
need carries an interpreter status; booking one sets ``needed_not_booked`` unless a status is given, and an
upcoming appointment still ``needed_not_booked`` is a gap (``missing_interpreter_bookings``).

Children are never used to interpret (tolkeloven § 4): a relative may interpret only when known to be 18 or older
on the day of the appointment. Qualified interpreters are those meeting the requirements of Nasjonalt tolkeregister
(§ 7), whose categories are A to E.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from helhet import clock
from helhet.appointments import common
from helhet.appointments.models import Appointment, AppointmentRelative, AppointmentRole, Attendance, InterpreterStatus
from helhet.appointments.schemas import MissingInterpreterRow
from helhet.audit import policy
from helhet.errors import Invalid
from helhet.persons.models import Person
from helhet.persons.service import LANGUAGE_RE
from helhet.relatives.models import Relative
from helhet.users.actor import Actor
from helhet.users.models import User

QUALIFICATIONS = ("A", "B", "C", "D", "E")
ADULT_AGE = 18
CHILD_RULE = "children must never be used to interpret (tolkeloven § 4)"


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def needed_language(person: Person, relatives: Sequence[Relative] = ()) -> str | None:
    """The language an interpreter is needed for at an appointment: the person's, else a taking-part relative's."""
    if person.interpreter_needed:
        return person.interpreter_language or "?"
    for relative in relatives:
        if relative.interpreter_needed:
            return relative.interpreter_language or "?"
    return None


def status_for_booking(need: str | None, given: InterpreterStatus | None) -> InterpreterStatus:
    """The interpreter status of a new appointment: ``needed_not_booked`` when someone needs one and no status is
    given. "Not needed" is refused for someone with the need: that would hide the gap."""
    if given is None:
        return InterpreterStatus.NEEDED_NOT_BOOKED if need else InterpreterStatus.NOT_NEEDED
    if need and given == InterpreterStatus.NOT_NEEDED:
        raise Invalid(
            "interpreter_status",
            given.value,
            f"an interpreter is needed ({need}); say booked, used, not available or declined by the person",
        )
    return given


def check_status_timing(status: InterpreterStatus, starts_at: datetime, field: str = "interpreter_status") -> None:
    if status == InterpreterStatus.USED and starts_at > clock.now():
        raise Invalid(field, status.value, "the appointment has not taken place yet; say booked")


def check_qualification(value: str | None, field: str = "interpreter_qualification") -> str | None:
    if value is None or not value.strip():
        return None
    category = value.strip().upper()
    if category not in QUALIFICATIONS:
        raise Invalid(field, value, "use the Nasjonalt tolkeregister category A, B, C, D or E")
    return category


def check_interpreter_relative(
    session: Session, person_id: int, relative_id: int, on: date, field: str = "interpreter_relative_id"
) -> Relative:
    """The relative, when they are the person's and known to be an adult on ``on``; a child never interprets."""
    relative = session.get(Relative, relative_id)
    if relative is None or relative.person_id != person_id:
        raise Invalid(field, relative_id, "not a registered relative of this person")
    if relative.birth_date is None:
        raise Invalid(field, relative_id, f"the relative's birth date is unknown, so they may be a child; {CHILD_RULE}")
    age = age_on(relative.birth_date, on)
    if age < ADULT_AGE:
        raise Invalid(field, relative_id, f"the relative is {age} years old on {on.isoformat()}; {CHILD_RULE}")
    return relative


def interpreting_relative(
    session: Session, person_id: int, starts_at: datetime, relative_id: int | None
) -> Relative | None:
    """The relative interpreting at an appointment starting at ``starts_at``, checked (or None)."""
    if relative_id is None:
        return None
    return check_interpreter_relative(session, person_id, relative_id, common.local_date_of(starts_at))


def resolve_status(
    person: Person,
    taking_part: Sequence[Relative],
    given: InterpreterStatus | None,
    interpreter: Relative | None,
    starts_at: datetime,
    field: str = "interpreter_status",
) -> InterpreterStatus:
    """The status to store: given or derived from the need; a relative interpreting is booked or used."""
    if interpreter is not None:
        started = starts_at <= clock.now()
        if given is None:
            return InterpreterStatus.USED if started else InterpreterStatus.BOOKED
        if given not in (InterpreterStatus.BOOKED, InterpreterStatus.USED):
            raise Invalid(field, given.value, "a relative interprets at this appointment: say booked or used")
    need = needed_language(person, taking_part)
    try:
        status = status_for_booking(need, given)
    except Invalid as exc:
        raise Invalid(field, exc.value, exc.reason) from None
    check_status_timing(status, starts_at, field)
    return status


def resolve_language(
    person: Person,
    taking_part: Sequence[Relative],
    given: str | None,
    status: InterpreterStatus,
    field: str = "interpreter_language",
) -> str | None:
    """The language given, else the one needed; booked or used interpreters need one."""
    if given is not None and given.strip():
        if not LANGUAGE_RE.match(given.strip()):
            raise Invalid(field, given, "use a language code such as ar, so, pl, uk or nsl")
        return given.strip()
    if status == InterpreterStatus.NOT_NEEDED:
        return None
    need = needed_language(person, taking_part)
    if need and need != "?":
        return need
    if status in (InterpreterStatus.BOOKED, InterpreterStatus.USED):
        raise Invalid(field, given, "say which language the interpreter is for")
    return None


def set_interpreting_relative(session: Session, appointment: Appointment, interpreter: Relative | None) -> None:
    """Make ``interpreter`` the appointment's interpreting relative (or none); one who stops interpreting is
    unlinked, and a relative already taking part who starts interpreting changes role."""
    current = session.scalar(
        select(AppointmentRelative).where(
            AppointmentRelative.appointment_id == appointment.id,
            AppointmentRelative.role == AppointmentRole.INTERPRETER,
        )
    )
    if current is not None and (interpreter is None or current.relative_id != interpreter.id):
        session.delete(current)
        session.flush()
        current = None
    if interpreter is None or current is not None:
        return
    link = session.get(AppointmentRelative, (appointment.id, interpreter.id))
    if link is not None:
        link.role = AppointmentRole.INTERPRETER
    else:
        session.add(
            AppointmentRelative(
                appointment_id=appointment.id,
                relative_id=interpreter.id,
                role=AppointmentRole.INTERPRETER,
                added_at=clock.now(),
            )
        )
    session.flush()


def missing_interpreter_bookings(
    session: Session, actor: Actor, unit_id: int, on: date | None = None, limit: int = 50, offset: int = 0
) -> list[MissingInterpreterRow]:
    """Upcoming appointments of the unit (from ``on``, default today) that need an interpreter and have none
    booked. One query, paginated, limited to persons the actor may see."""
    common.check_unit_member(actor, unit_id)
    common.check_page(limit, offset)
    day = on or clock.today()
    since = max(clock.now(), datetime.combine(day, time(), tzinfo=clock.OSLO))
    owner = aliased(User)
    stmt = (
        select(
            Appointment.id,
            Appointment.person_id,
            Person.given_name,
            Person.family_name,
            Appointment.starts_at,
            Appointment.mode,
            Appointment.interpreter_language,
            Appointment.owner_user_id,
            owner.full_name,
            Appointment.version,
        )
        .join(Person, Person.id == Appointment.person_id)
        .outerjoin(owner, owner.id == Appointment.owner_user_id)
        .where(
            Appointment.unit_id == unit_id,
            Appointment.attendance == Attendance.BOOKED,
            Appointment.interpreter_status == InterpreterStatus.NEEDED_NOT_BOOKED,
            Appointment.starts_at >= since,
            policy.may_see_clause(actor, Appointment.person_id),
        )
        .order_by(Appointment.starts_at, Appointment.id)
        .limit(limit)
        .offset(offset)
    )
    rows = [
        MissingInterpreterRow(
            appointment_id=r[0],
            person_id=r[1],
            person_name=f"{r[2]} {r[3]}",
            starts_at=r[4],
            mode=r[5],
            interpreter_language=r[6],
            owner_user_id=r[7],
            owner_name=r[8],
            version=r[9],
        )
        for r in session.execute(stmt)
    ]
    common.record_list_read(session, actor, "missing_interpreters", unit_id, (r.person_id for r in rows))
    return rows
