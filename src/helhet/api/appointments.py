"""JSON API: appointments, attendance, interpreters, outreach after a no-show, and their worklists."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query, Response

from helhet.api.common import require_version, set_etag
from helhet.appointments import interpreters, outreach
from helhet.appointments import service as appointments
from helhet.appointments.schemas import (
    AppointmentCreate,
    AppointmentRead,
    AppointmentUpdate,
    AttendanceChange,
    AttendanceRecordRead,
    InterpreterChange,
    MissingInterpreterRow,
    NoShowRow,
    OutreachAttemptCreate,
    OutreachAttemptRead,
)
from helhet.deps import ApiActor, DbSession, IfMatch

router = APIRouter(tags=["appointments"])

Limit = Query(default=50, ge=1, le=200)
Offset = Query(default=0, ge=0)


@router.post("/appointments", status_code=201, response_model=AppointmentRead)
def book_appointment(
    data: AppointmentCreate, session: DbSession, actor: ApiActor, response: Response
) -> AppointmentRead:
    result = appointments.describe(session, appointments.book_appointment(session, actor, data))
    session.commit()
    set_etag(response, result.version)
    response.headers["Location"] = f"/api/v1/appointments/{result.id}"
    return result


@router.get("/appointments/{appointment_id}", response_model=AppointmentRead)
def get_appointment(appointment_id: int, session: DbSession, actor: ApiActor, response: Response) -> AppointmentRead:
    result = appointments.describe(session, appointments.get_appointment(session, actor, appointment_id))
    session.commit()
    set_etag(response, result.version)
    return result


@router.patch("/appointments/{appointment_id}", response_model=AppointmentRead)
def update_appointment(
    appointment_id: int,
    data: AppointmentUpdate,
    session: DbSession,
    actor: ApiActor,
    if_match: IfMatch,
    response: Response,
) -> AppointmentRead:
    data.version = require_version(if_match, data.version)
    result = appointments.describe(session, appointments.update_appointment(session, actor, appointment_id, data))
    session.commit()
    set_etag(response, result.version)
    return result


@router.post("/appointments/{appointment_id}/attendance", response_model=AppointmentRead)
def record_attendance(
    appointment_id: int,
    data: AttendanceChange,
    session: DbSession,
    actor: ApiActor,
    if_match: IfMatch,
    response: Response,
) -> AppointmentRead:
    """Attended, no-show (creates the owner's outreach task), cancelled by the person or by the service."""
    data.version = require_version(if_match, data.version)
    result = appointments.describe(session, appointments.record_attendance(session, actor, appointment_id, data))
    session.commit()
    set_etag(response, result.version)
    return result


@router.get("/appointments/{appointment_id}/attendance", response_model=list[AttendanceRecordRead])
def attendance_history(appointment_id: int, session: DbSession, actor: ApiActor) -> list[AttendanceRecordRead]:
    rows = appointments.attendance_history(session, actor, appointment_id)
    result = [AttendanceRecordRead.model_validate(r) for r in rows]
    session.commit()
    return result


@router.put("/appointments/{appointment_id}/interpreter", response_model=AppointmentRead)
def set_interpreter(
    appointment_id: int,
    data: InterpreterChange,
    session: DbSession,
    actor: ApiActor,
    if_match: IfMatch,
    response: Response,
) -> AppointmentRead:
    data.version = require_version(if_match, data.version)
    result = appointments.describe(session, appointments.set_interpreter(session, actor, appointment_id, data))
    session.commit()
    set_etag(response, result.version)
    return result


@router.post("/appointments/{appointment_id}/outreach-attempts", status_code=201, response_model=OutreachAttemptRead)
def record_outreach_attempt(
    appointment_id: int, data: OutreachAttemptCreate, session: DbSession, actor: ApiActor
) -> OutreachAttemptRead:
    attempt = appointments.record_outreach_attempt(session, actor, appointment_id, data)
    result = OutreachAttemptRead.model_validate(attempt)
    session.commit()
    return result


@router.get("/appointments/{appointment_id}/outreach-attempts", response_model=list[OutreachAttemptRead])
def outreach_attempts(appointment_id: int, session: DbSession, actor: ApiActor) -> list[OutreachAttemptRead]:
    rows = appointments.outreach_attempts_of(session, actor, appointment_id)
    result = [OutreachAttemptRead.model_validate(r) for r in rows]
    session.commit()
    return result


@router.get("/persons/{person_id}/appointments", response_model=list[AppointmentRead])
def appointments_of(person_id: int, session: DbSession, actor: ApiActor) -> list[AppointmentRead]:
    result = [appointments.describe(session, a) for a in appointments.appointments_of(session, actor, person_id)]
    session.commit()
    return result


@router.get("/units/{unit_id}/no-shows", response_model=list[NoShowRow])
def no_shows_awaiting_outreach(
    unit_id: int, session: DbSession, actor: ApiActor, limit: int = Limit, offset: int = Offset
) -> list[NoShowRow]:
    """No-shows whose outreach task is still open (the worklist "no-shows awaiting outreach")."""
    result = outreach.no_shows_awaiting_outreach(session, actor, unit_id, limit, offset)
    session.commit()
    return result


@router.get("/units/{unit_id}/missing-interpreters", response_model=list[MissingInterpreterRow])
def missing_interpreter_bookings(
    unit_id: int,
    session: DbSession,
    actor: ApiActor,
    on: date | None = None,
    limit: int = Limit,
    offset: int = Offset,
) -> list[MissingInterpreterRow]:
    result = interpreters.missing_interpreter_bookings(session, actor, unit_id, on, limit, offset)
    session.commit()
    return result
