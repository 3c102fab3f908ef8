"""Appointments with attendance, the person's preferred times, and interpreter status.

``appointment`` is read by other domains (handovers, gaps, the synthetic generator), so its columns stay as they
are; what the appointments' service adds lives in tables of its own: the relatives taking part (and a relative
interpreting), the history of attendance recordings, and outreach attempts after a no-show.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from helhet.db import Base


class AppointmentMode(StrEnum):
    IN_PERSON = "in_person"
    VIDEO = "video"
    PHONE = "phone"
    OUTREACH = "outreach"  # where the person is


class Attendance(StrEnum):
    BOOKED = "booked"  # not yet happened
    ATTENDED = "attended"
    NO_SHOW = "no_show"
    CANCELLED_BY_PERSON = "cancelled_by_person"
    CANCELLED_BY_SERVICE = "cancelled_by_service"


#: utsettelseskode (NPR code system 8446, DOMAIN.md §2.3): why a planned contact did not happen, so a no-show is
#: told apart from a postponement for welfare reasons or the service's own capacity (DOMAIN.md §13.4)
POSTPONEMENT_CODES = {
    Attendance.NO_SHOW: "21",  # the patient did not attend
    Attendance.CANCELLED_BY_PERSON: "22",  # the patient postponed (welfare reasons)
    Attendance.CANCELLED_BY_SERVICE: "1",  # the institution postponed (capacity)
}


class InterpreterStatus(StrEnum):
    NOT_NEEDED = "not_needed"
    NEEDED_NOT_BOOKED = "needed_not_booked"
    BOOKED = "booked"
    USED = "used"
    NOT_AVAILABLE = "not_available"
    DECLINED_BY_PERSON = "declined_by_person"


class Appointment(Base):
    __tablename__ = "appointment"
    __table_args__ = (
        Index("ix_appointment_person_start", "person_id", "starts_at"),
        Index("ix_appointment_unit_start", "unit_id", "starts_at"),
        Index("ix_appointment_owner_attendance", "owner_user_id", "attendance"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episode.id"))
    mode: Mapped[AppointmentMode]
    starts_at: Mapped[datetime]
    minutes: Mapped[int] = mapped_column(default=45)
    purpose: Mapped[str | None] = mapped_column(String(300))
    participants: Mapped[list[str]] = mapped_column(default=list)  # names/roles of other participants
    preferred_times_note: Mapped[str | None] = mapped_column(Text)  # the person's preferred times
    attendance: Mapped[Attendance] = mapped_column(default=Attendance.BOOKED)
    attendance_recorded_at: Mapped[datetime | None]
    interpreter_status: Mapped[InterpreterStatus] = mapped_column(default=InterpreterStatus.NOT_NEEDED)
    interpreter_language: Mapped[str | None] = mapped_column(String(40))
    interpreter_qualification: Mapped[str | None] = mapped_column(String(2))  # Nasjonalt tolkeregister A-E
    outreach_task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id"))
    created_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class AppointmentRole(StrEnum):
    PARTICIPANT = "participant"  # a relative taking part (needs consent to take part in meetings)
    INTERPRETER = "interpreter"  # a relative interpreting: an adult only (tolkeloven § 4)


class AppointmentRelative(Base):
    """A registered relative taking part in an appointment, or interpreting at it (at most one interpreter)."""

    __tablename__ = "appointment_relative"
    __table_args__ = (
        Index("ix_appointment_relative_relative", "relative_id"),
        Index(
            "uq_appointment_relative_interpreter",
            "appointment_id",
            unique=True,
            sqlite_where=text("role = 'interpreter'"),
            postgresql_where=text("role = 'interpreter'"),
        ),
    )

    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointment.id"), primary_key=True)
    relative_id: Mapped[int] = mapped_column(ForeignKey("relative.id"), primary_key=True)
    role: Mapped[AppointmentRole]
    added_at: Mapped[datetime]


class AttendanceRecord(Base):
    """Every recording (and correction) of an appointment's attendance, with its utsettelseskode and reason."""

    __tablename__ = "appointment_attendance"
    __table_args__ = (Index("ix_appointment_attendance_appointment", "appointment_id", "recorded_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointment.id"))
    attendance: Mapped[Attendance]
    postponement_code: Mapped[str | None] = mapped_column(String(4))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class OutreachMode(StrEnum):
    PHONE = "phone"
    SMS = "sms"
    HOME_VISIT = "home_visit"
    VIA_PARTNER = "via_partner"  # through NAV, the GP, a housing service, a peer worker, ...


class OutreachAttempt(Base):
    """An attempt to reach the person after a no-show. Ending an episode for non-attendance needs one."""

    __tablename__ = "outreach_attempt"
    __table_args__ = (
        Index("ix_outreach_attempt_appointment", "appointment_id"),
        Index("ix_outreach_attempt_person", "person_id", "attempted_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointment.id"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    attempted_on: Mapped[date]
    mode: Mapped[OutreachMode]
    reached: Mapped[bool]
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
