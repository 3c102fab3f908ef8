"""Appointments with attendance, the person's preferred times, and interpreter status."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
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
