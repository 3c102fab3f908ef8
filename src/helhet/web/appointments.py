"""Pages: appointments, attendance, interpreters and outreach after a no-show.

A no-show recorded here becomes an outreach task for the appointment's owner (the service makes it); the
appointment's page then says so and links to the task.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from helhet import clock
from helhet.appointments import common, outreach
from helhet.appointments import service as appointments
from helhet.appointments.models import Appointment, Attendance, AttendanceRecord, OutreachAttempt
from helhet.appointments.schemas import (
    AppointmentCreate,
    AppointmentRead,
    AppointmentUpdate,
    AttendanceChange,
    InterpreterChange,
    OutreachAttemptCreate,
)
from helhet.i18n import N_
from helhet.pathways import views
from helhet.persons import service as persons
from helhet.persons.models import Person
from helhet.relatives import service as relatives
from helhet.relatives.models import Relative
from helhet.tasks.models import Task
from helhet.users.actor import Actor
from helhet.web.actions import STALE, Action, checked_version, run, settle
from helhet.web.deps import PageActor, PageSession
from helhet.web.forms import FormState, PostedForm, csrf_guard, day, number, submit, text
from helhet.web.render import lang_of, render_form, render_read, translate

router = APIRouter(dependencies=[Depends(csrf_guard)], include_in_schema=False)
_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")

#: the appointments' services' fixed reasons, so the catalog has them
REASONS = (
    N_("is in the past; register a past appointment with what happened (attended, no_show, cancelled)"),
    N_("name the user of the unit who owns the appointment and its follow-up"),
    N_("the owner must be an active member of the unit"),
    N_("the unit has no care relationship with the person"),
    N_("book appointments in your own unit"),
    N_("only members of the appointment's unit change it"),
    N_("this is already recorded"),
    N_("the appointment has not started yet; it can be cancelled, not attended"),
    N_("record what happened: attended, no_show, cancelled_by_person or cancelled_by_service"),
    N_("the appointment has not taken place yet; say booked"),
    N_("a relative interprets at this appointment: say booked or used"),
    N_("say which language the interpreter is for"),
    N_("use the Nasjonalt tolkeregister category A, B, C, D or E"),
    N_("not a registered relative of this person"),
    N_("outreach after a no-show is recorded by the appointment's unit"),
    N_("keep each participant to 120 characters (a name or a role)"),
)


def _starts_at(form: FormState, request: Request) -> str | None:
    """The date and time fields as one moment in Oslo (ISO text for Pydantic); problems beside the fields."""
    on, at = day(form, "starts_on"), text(form, "starts_time")
    match = _TIME.match(at or "")
    if at is None:
        form.add("starts_time", translate(request, N_("Fill in the time, e.g. 09:30")))
    elif match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        form.add("starts_time", translate(request, N_("Write the time as hh:mm, e.g. 09:30")))
    if on is None:
        form.add("starts_on", translate(request, N_("Fill in this field")))
        return None
    try:
        when = date.fromisoformat(on)
    except ValueError:
        form.add("starts_on", translate(request, N_("Write the date as dd.mm.yyyy")))
        return None
    if match is None or form.error("starts_time"):
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    return datetime.combine(when, time(hours, minutes), tzinfo=clock.OSLO).isoformat()


# The person's appointments ---------------------------------------------------------------------------------


@router.get("/persons/{person_id}/appointments")
def appointments_list(request: Request, person_id: int, session: PageSession, actor: PageActor) -> Response:
    person = persons.get_person(session, actor, person_id, what="appointments")
    rows = appointments.appointments_of(session, actor, person_id)
    now = clock.now()
    upcoming = [a for a in rows if a.starts_at >= now and a.attendance == Attendance.BOOKED]
    past = [a for a in reversed(rows) if a not in upcoming]
    units = {u.id: u.name for u in views.unit_names(session, {a.unit_id for a in rows})}
    owners = common.user_names(session, (a.owner_user_id for a in rows))
    return render_read(
        request,
        session,
        "appointments/list.html",
        person=person,
        upcoming=upcoming,
        past=past,
        unit_names=units,
        owner_names=owners,
    )


def _new_page(
    request: Request, session: PageSession, actor: Actor, person: Person, form: FormState, status_code: int = 200
) -> Response:
    return render_read(
        request,
        session,
        "appointments/new.html",
        status_code=status_code,
        form=form,
        person=person,
        unit_choices=[(str(u.id), u.name) for u in views.unit_names(session, actor.unit_ids)],
        owner_choices=[(str(uid), name) for uid, name in common.unit_members(session, actor.unit_ids)],
        relatives=relatives.relatives_of(session, actor, person.id),
    )


@router.get("/persons/{person_id}/appointments/new")
def new_appointment(request: Request, person_id: int, session: PageSession, actor: PageActor) -> Response:
    person = persons.get_person(session, actor, person_id, what="appointments")
    defaults = {
        "unit_id": actor.active_unit_id,
        "owner_user_id": actor.user_id,
        "mode": "in_person",
        "minutes": 45,
        "interpreter_language": person.interpreter_language if person.interpreter_needed else None,
    }
    return _new_page(request, session, actor, person, FormState.of(defaults))


@router.post("/persons/{person_id}/appointments/new")
def book_appointment(
    request: Request, person_id: int, session: PageSession, actor: PageActor, form: PostedForm
) -> Response:
    lang = lang_of(request)
    person = persons.get_person(session, actor, person_id, what="appointments")
    data = {
        "person_id": person_id,
        "unit_id": text(form, "unit_id"),
        "owner_user_id": text(form, "owner_user_id"),
        "mode": text(form, "mode"),
        "starts_at": _starts_at(form, request),
        "minutes": number(form, "minutes", lang, whole=True),
        "purpose": text(form, "purpose"),
        "participants": [line for line in form.value("participants").splitlines() if line.strip()],
        "relative_ids": form.all("relative_ids"),
        "preferred_times_note": text(form, "preferred_times_note"),
        "interpreter_status": text(form, "interpreter_status"),
        "interpreter_language": text(form, "interpreter_language"),
    }
    action = Action(
        AppointmentCreate,
        data,
        lambda d: appointments.book_appointment(session, actor, d),
        done=N_("The appointment is booked."),
        then=lambda made: f"/appointments/{made.id}",
        rename={"starts_at": "starts_on"},
    )
    return _timed(request, session, form, action, lambda: _new_page(request, session, actor, person, form, 422))


def _timed(
    request: Request, session: PageSession, form: FormState, action: Action, again: Callable[[], Response]
) -> Response:
    """Booking or moving: the time's problems stay beside the date and time fields the user typed."""
    result = submit(form, lang_of(request), action.model, action.data, action.call, rename=action.rename)
    if action.data["starts_at"] is None:
        form.errors.pop("starts_at", None)  # the date or time field already says what is wrong
    return settle(
        request,
        session,
        form,
        result,
        again=again,
        done=action.done,
        then=action.then,
        rename=action.rename,
    )


# One appointment: attendance, interpreter, outreach ------------------------------------------------------


@dataclass(frozen=True)
class AppointmentPage:
    appointment: AppointmentRead
    person: Person
    unit_name: str
    owner_name: str
    relatives: list[Relative]  # the person's, for the interpreter choice and the names of those taking part
    history: list[AttendanceRecord]
    attempts: list[OutreachAttempt]
    outreach_task: Task | None
    user_names: dict[int, str]

    def relative_name(self, relative_id: int) -> str:
        found = next((r for r in self.relatives if r.id == relative_id), None)
        return f"{found.given_name} {found.family_name}" if found else ""


def appointment_page(session: PageSession, actor: Actor, appointment_id: int) -> AppointmentPage:
    row: Appointment = appointments.get_appointment(session, actor, appointment_id)
    person = persons.get_person(session, actor, row.person_id, what="appointments")
    history = appointments.attendance_history(session, actor, appointment_id)
    attempts = appointments.outreach_attempts_of(session, actor, appointment_id)
    task = outreach.outreach_task_of(session, row)
    names = common.user_names(
        session,
        [row.owner_user_id, task.owner_user_id if task else None]
        + [h.recorded_by for h in history]
        + [a.recorded_by for a in attempts],
    )
    units = views.unit_names(session, [row.unit_id])
    return AppointmentPage(
        appointment=appointments.describe(session, row),
        person=person,
        unit_name=units[0].name if units else "",
        owner_name=names.get(row.owner_user_id or 0, ""),
        relatives=relatives.relatives_of(session, actor, row.person_id),
        history=history,
        attempts=attempts,
        outreach_task=task,
        user_names=names,
    )


def _detail_page(
    request: Request,
    session: PageSession,
    actor: Actor,
    appointment_id: int,
    *,
    failed: str | None = None,
    form: FormState | None = None,
) -> Response:
    """The appointment's page with its three forms; ``failed`` names the one to show again with ``form``."""
    page = appointment_page(session, actor, appointment_id)
    a = page.appointment
    forms = {
        "attendance": FormState.of({"version": a.version}),
        "interpreter": FormState.of(
            {
                "status": a.interpreter_status,
                "language": a.interpreter_language,
                "qualification": a.interpreter_qualification,
                "interpreter_relative_id": a.interpreter_relative_id,
                "version": a.version,
            }
        ),
        "outreach": FormState.of({"attempted_on": clock.today()}),
    }
    if failed is not None and form is not None:
        forms[failed] = form
    return render_read(
        request,
        session,
        "appointments/detail.html",
        status_code=422 if failed else 200,
        page=page,
        person=page.person,
        forms=forms,
        started=a.starts_at <= clock.now(),
        changeable=may_change(actor, a),
    )


@router.get("/appointments/{appointment_id}")
def appointment_detail(request: Request, appointment_id: int, session: PageSession, actor: PageActor) -> Response:
    return _detail_page(request, session, actor, appointment_id)


def _act(
    request: Request,
    session: PageSession,
    actor: Actor,
    appointment_id: int,
    form: FormState,
    name: str,
    action: Action,
) -> Response:
    """One form of the appointment's page: saved, or the page again with form ``name`` as it was posted."""
    return run(
        request,
        session,
        form,
        action,
        lambda: _detail_page(request, session, actor, appointment_id, failed=name, form=form),
    )


@router.post("/appointments/{appointment_id}/attendance")
def record_attendance(
    request: Request, appointment_id: int, session: PageSession, actor: PageActor, form: PostedForm
) -> Response:
    appointments.get_appointment(session, actor, appointment_id)  # outsiders get 404 first
    checked_version(request, form)  # the service compares it
    data = {
        "attendance": text(form, "attendance"),
        "note": text(form, "attendance_note"),
        "version": text(form, "version"),
    }
    action = Action(
        AttendanceChange,
        data,
        lambda d: appointments.record_attendance(session, actor, appointment_id, d),
        done=_attendance_done,
        then=f"/appointments/{appointment_id}",
        rename={"note": "attendance_note"},
    )
    return _act(request, session, actor, appointment_id, form, "attendance", action)


def _attendance_done(recorded: Appointment) -> str:
    if recorded.attendance == Attendance.NO_SHOW and recorded.outreach_task_id is not None:
        return N_("Did not attend is recorded. An outreach task is created for the owner of the appointment.")
    return N_("Attendance is recorded.")


@router.post("/appointments/{appointment_id}/interpreter")
def set_interpreter(
    request: Request, appointment_id: int, session: PageSession, actor: PageActor, form: PostedForm
) -> Response:
    appointments.get_appointment(session, actor, appointment_id)
    checked_version(request, form)
    data = {
        name: text(form, name) for name in ("status", "language", "qualification", "interpreter_relative_id", "version")
    }
    action = Action(
        InterpreterChange,
        data,
        lambda d: appointments.set_interpreter(session, actor, appointment_id, d),
        done=N_("The interpreter status is saved."),
        then=f"/appointments/{appointment_id}",
    )
    return _act(request, session, actor, appointment_id, form, "interpreter", action)


@router.post("/appointments/{appointment_id}/outreach")
def record_outreach(
    request: Request, appointment_id: int, session: PageSession, actor: PageActor, form: PostedForm
) -> Response:
    appointments.get_appointment(session, actor, appointment_id)
    data = {
        "attempted_on": day(form, "attempted_on"),
        "mode": text(form, "outreach_mode"),
        "reached": text(form, "reached"),
        "note": text(form, "outreach_note"),
    }
    action = Action(
        OutreachAttemptCreate,
        data,
        lambda d: appointments.record_outreach_attempt(session, actor, appointment_id, d),
        done=N_("The outreach attempt is recorded."),
        then=f"/appointments/{appointment_id}#outreach",
        rename={"mode": "outreach_mode", "note": "outreach_note"},
    )
    return _act(request, session, actor, appointment_id, form, "outreach", action)


# Move or change a booked appointment -----------------------------------------------------------------------

#: what the edit form may empty: sent as None so the service clears it
CLEARABLE = ("purpose", "preferred_times_note")


def may_change(actor: Actor, appointment: Appointment | AppointmentRead) -> bool:
    """The link to the edit page: a booked appointment, for a member of its unit (the service's own rule)."""
    return appointment.attendance == Attendance.BOOKED and appointment.unit_id in actor.unit_ids


def _edit_page(
    request: Request, session: PageSession, actor: Actor, appointment_id: int, form: FormState | None = None
) -> Response:
    page = appointment_page(session, actor, appointment_id)
    a = page.appointment
    if form is None:
        local = a.starts_at.astimezone(clock.OSLO)
        form = FormState.of(
            {
                "starts_on": local.date(),
                "starts_time": local.strftime("%H:%M"),
                "minutes": a.minutes,
                "mode": a.mode,
                "owner_user_id": a.owner_user_id,
                "purpose": a.purpose,
                "participants": "\n".join(a.participants),
                "preferred_times_note": a.preferred_times_note,
                "version": a.version,
            }
        )
    return render_form(
        request,
        session,
        "appointments/edit.html",
        form,
        page=page,
        person=page.person,
        owner_choices=[(str(uid), name) for uid, name in common.unit_members(session, [a.unit_id])],
    )


@router.get("/appointments/{appointment_id}/edit")
def edit_appointment(request: Request, appointment_id: int, session: PageSession, actor: PageActor) -> Response:
    return _edit_page(request, session, actor, appointment_id)


@router.post("/appointments/{appointment_id}/edit")
def update_appointment(
    request: Request, appointment_id: int, session: PageSession, actor: PageActor, form: PostedForm
) -> Response:
    appointment = appointments.get_appointment(session, actor, appointment_id)  # outsiders get 404 first
    data = {
        "starts_at": _starts_at(form, request),
        "minutes": number(form, "minutes", lang_of(request), whole=True),
        "mode": text(form, "mode"),
        "owner_user_id": text(form, "owner_user_id"),
        "purpose": text(form, "purpose"),
        "participants": [line for line in form.value("participants").splitlines() if line.strip()],
        "preferred_times_note": text(form, "preferred_times_note"),
        "version": checked_version(request, form, appointment.version, STALE["appointment"]),
    }
    for name in ("mode", "owner_user_id"):
        if data[name] is None:
            form.add(name, translate(request, N_("Choose one of the options")))

    def update(parsed: AppointmentUpdate) -> Appointment:
        given = {**dict.fromkeys(CLEARABLE), **parsed.model_dump(exclude_unset=True)}
        return appointments.update_appointment(session, actor, appointment_id, AppointmentUpdate(**given))

    action = Action(
        AppointmentUpdate,
        data,
        update,
        done=N_("The appointment is changed."),
        then=f"/appointments/{appointment_id}",
        rename={"starts_at": "starts_on"},
    )
    return _timed(request, session, form, action, lambda: _edit_page(request, session, actor, appointment_id, form))
