"""Input and output shapes of appointments, attendance, interpreters and outreach after a no-show."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from helhet.appointments.models import AppointmentMode, Attendance, InterpreterStatus, OutreachMode


class AppointmentCreate(BaseModel):
    person_id: int
    unit_id: int
    owner_user_id: int | None = None  # required: a named user of the unit owns the appointment (and any no-show)
    episode_id: int | None = None
    mode: AppointmentMode
    starts_at: datetime  # with a time zone
    minutes: int = Field(default=45, ge=5, le=600)
    purpose: str | None = Field(default=None, max_length=300)
    participants: list[str] = Field(default_factory=list, max_length=20)  # other participants, names or roles
    relative_ids: list[int] = Field(default_factory=list, max_length=10)  # registered relatives taking part
    preferred_times_note: str | None = Field(default=None, max_length=2000)  # the person's preferred times
    attendance: Attendance = Attendance.BOOKED  # an appointment registered afterwards says what happened
    attendance_note: str | None = Field(default=None, max_length=2000)
    interpreter_status: InterpreterStatus | None = None  # None: needed_not_booked when someone needs one
    interpreter_language: str | None = Field(default=None, max_length=40)
    interpreter_qualification: str | None = Field(default=None, max_length=10)  # Nasjonalt tolkeregister A-E
    interpreter_relative_id: int | None = None  # an adult relative interpreting (never a child)


class AppointmentUpdate(BaseModel):
    """Changes to a booked appointment (moving it, another owner, other participants)."""

    starts_at: datetime | None = None
    minutes: int | None = Field(default=None, ge=5, le=600)
    mode: AppointmentMode | None = None
    purpose: str | None = Field(default=None, max_length=300)
    participants: list[str] | None = Field(default=None, max_length=20)
    preferred_times_note: str | None = Field(default=None, max_length=2000)
    owner_user_id: int | None = None
    version: int | None = None


class AttendanceChange(BaseModel):
    attendance: Attendance
    note: str | None = Field(default=None, max_length=2000)  # why; required when correcting an earlier recording
    version: int | None = None


class InterpreterChange(BaseModel):
    status: InterpreterStatus
    language: str | None = Field(default=None, max_length=40)
    qualification: str | None = Field(default=None, max_length=10)
    interpreter_relative_id: int | None = None
    version: int | None = None


class OutreachAttemptCreate(BaseModel):
    attempted_on: date
    mode: OutreachMode
    reached: bool
    note: str | None = Field(default=None, max_length=2000)


class AppointmentRead(BaseModel):
    id: int
    person_id: int
    unit_id: int
    owner_user_id: int | None
    episode_id: int | None
    mode: AppointmentMode
    starts_at: datetime
    minutes: int
    purpose: str | None
    participants: list[str]
    relative_ids: list[int]
    preferred_times_note: str | None
    attendance: Attendance
    attendance_recorded_at: datetime | None
    postponement_code: str | None  # utsettelseskode 21 / 22 / 1 (NPR 8446)
    interpreter_status: InterpreterStatus
    interpreter_language: str | None
    interpreter_qualification: str | None
    interpreter_relative_id: int | None
    outreach_task_id: int | None
    version: int


class AttendanceRecordRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    appointment_id: int
    attendance: Attendance
    postponement_code: str | None
    note: str | None
    recorded_at: datetime
    recorded_by: int | None


class OutreachAttemptRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    appointment_id: int
    task_id: int | None
    person_id: int
    attempted_on: date
    mode: OutreachMode
    reached: bool
    note: str | None
    recorded_at: datetime
    recorded_by: int | None


class NoShowRow(BaseModel):
    """One line of "no-shows awaiting outreach": the missed appointment and its open outreach task."""

    appointment_id: int
    person_id: int
    person_name: str
    starts_at: datetime
    mode: AppointmentMode
    owner_user_id: int | None
    owner_name: str | None
    task_id: int
    task_owner_user_id: int | None
    due_on: date
    overdue: bool
    attempts: int
    last_attempt_on: date | None


class MissingInterpreterRow(BaseModel):
    """An upcoming appointment that needs an interpreter and has none booked (a gap)."""

    appointment_id: int
    person_id: int
    person_name: str
    starts_at: datetime
    mode: AppointmentMode
    interpreter_language: str | None
    owner_user_id: int | None
    owner_name: str | None
    version: int
