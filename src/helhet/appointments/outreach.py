"""After a no-show: an outreach task for the appointment's owner, attempts to reach the person, and the rule that
ending an episode for non-attendance needs a recorded attempt (DOMAIN.md §2.3 utsettelseskode 21, §13.4).

A missed appointment is never held against the person by itself: it does not end an episode, and it creates a
task to get in touch within ``settings.outreach_working_days`` working days of the appointment's date. Importing
this module registers ``require_outreach_attempt`` in ``helhet.pathways.episodes.OUTREACH_CHECKS``
(``helhet.appointments.service`` imports it, so loading the appointments' services is enough).
"""

from __future__ import annotations

from datetime import date
from functools import cache

from sqlalchemy import Executable, bindparam, func, select
from sqlalchemy.orm import Session, aliased

from helhet import clock
from helhet.appointments import common
from helhet.appointments.models import Appointment, Attendance, OutreachAttempt
from helhet.appointments.schemas import NoShowRow, OutreachAttemptCreate
from helhet.audit import log as audit
from helhet.audit import policy
from helhet.config import get_settings
from helhet.errors import Conflict, Invalid
from helhet.pathways.episodes import OUTREACH_CHECKS
from helhet.pathways.models import EndReason, Episode
from helhet.pathways.schemas import EpisodeEnd
from helhet.persons.models import Person
from helhet.tasks import service as tasks
from helhet.tasks.models import OPEN_TASK_STATUSES, Task, TaskKind, TaskStatus
from helhet.tasks.schemas import TaskCreate
from helhet.users.actor import Actor
from helhet.users.models import User

SOURCE_TYPE = "appointment"


def local_date(appointment: Appointment) -> date:
    return common.local_date_of(appointment.starts_at)


def outreach_due(appointment: Appointment) -> date:
    return clock.add_working_days(local_date(appointment), get_settings().outreach_working_days)


def open_outreach_task(session: Session, actor: Actor, appointment: Appointment) -> Task:
    """Create the outreach task for a no-show and link it. It goes to the appointment's owner; to the unit's
    queue only when the owner is no longer an active member of the unit, so the no-show is never lost."""
    owner = appointment.owner_user_id
    try:
        tasks.check_owner(session, appointment.unit_id, owner, False)
    except Invalid:
        owner = None
    day = local_date(appointment)
    task = tasks.create_task(
        session,
        actor,
        TaskCreate(
            person_id=appointment.person_id,
            unit_id=appointment.unit_id,
            owner_user_id=owner,
            to_unit_queue=owner is None,
            kind=TaskKind.OUTREACH,
            title=f"Ta kontakt etter uteblitt time {day.strftime('%d.%m.%Y')}",
            description="Personen møtte ikke til avtalt time. Forsøk å få kontakt og avtal videre oppfølging.",
            due_on=outreach_due(appointment),
            source_type=SOURCE_TYPE,
            source_id=appointment.id,
        ),
    )
    appointment.outreach_task_id = task.id
    return task


def outreach_task_of(session: Session, appointment: Appointment) -> Task | None:
    return session.get(Task, appointment.outreach_task_id) if appointment.outreach_task_id else None


def close_outreach_task(
    session: Session, actor: Actor, appointment: Appointment, status: TaskStatus, note: str
) -> None:
    task = outreach_task_of(session, appointment)
    if task is not None:
        tasks.close_task_for_source(session, actor, task, status, note)


def record_attempt(
    session: Session, actor: Actor, appointment: Appointment, data: OutreachAttemptCreate
) -> OutreachAttempt:
    """Record an attempt to reach the person after a no-show (the caller went through the appointment's door).
    Reaching the person completes the outreach task; an attempt that did not reach them leaves it open."""
    if appointment.attendance != Attendance.NO_SHOW:
        raise Conflict(f"outreach follows a no-show; this appointment is {appointment.attendance.value}")
    day = local_date(appointment)
    if data.attempted_on < day:
        raise Invalid("attempted_on", data.attempted_on.isoformat(), f"cannot be before the appointment ({day})")
    if data.attempted_on > clock.today():
        raise Invalid("attempted_on", data.attempted_on.isoformat(), "cannot be later than today")
    note = (data.note or "").strip() or None
    attempt = OutreachAttempt(
        appointment_id=appointment.id,
        task_id=appointment.outreach_task_id,
        person_id=appointment.person_id,
        attempted_on=data.attempted_on,
        mode=data.mode,
        reached=data.reached,
        note=note,
        recorded_at=clock.now(),
        recorded_by=actor.user_id,
    )
    session.add(attempt)
    session.flush()
    audit.record_change(
        session,
        actor,
        "outreach.attempted",
        "outreach_attempt",
        attempt.id,
        person_id=appointment.person_id,
        detail={"appointment_id": appointment.id, "mode": data.mode.value, "reached": data.reached},
    )
    if data.reached:
        close_outreach_task(
            session, actor, appointment, TaskStatus.DONE, note or f"kontakt oppnådd ({data.mode.value})"
        )
    return attempt


def has_outreach_attempt(session: Session, episode: Episode, until: date) -> bool:
    """Whether someone tried to reach the person after a no-show in this episode (or at its unit, for
    appointments not linked to an episode), between the episode's start and ``until``."""
    in_episode = (Appointment.episode_id == episode.id) | (
        Appointment.episode_id.is_(None) & (Appointment.unit_id == episode.unit_id)
    )
    stmt = (
        select(OutreachAttempt.id)
        .join(Appointment, Appointment.id == OutreachAttempt.appointment_id)
        .where(
            OutreachAttempt.person_id == episode.person_id,
            Appointment.attendance == Attendance.NO_SHOW,
            in_episode,
            OutreachAttempt.attempted_on >= episode.started_on,
            OutreachAttempt.attempted_on <= until,
        )
        .limit(1)
    )
    return session.scalar(stmt) is not None


def require_outreach_attempt(session: Session, episode: Episode, data: EpisodeEnd) -> None:
    """The hook in ``end_episode``: ending for non-attendance needs a recorded outreach attempt after a no-show."""
    if data.end_reason != EndReason.NON_ATTENDANCE:
        return
    if not has_outreach_attempt(session, episode, data.ended_on):
        raise Invalid(
            "end_reason",
            data.end_reason.value,
            "ending for non-attendance needs a recorded attempt to reach the person after a no-show; "
            "a missed appointment never ends an episode by itself",
        )


if require_outreach_attempt not in OUTREACH_CHECKS:
    OUTREACH_CHECKS.append(require_outreach_attempt)


def no_shows_awaiting_outreach(
    session: Session, actor: Actor, unit_id: int, limit: int = 50, offset: int = 0
) -> list[NoShowRow]:
    """No-shows of the unit whose outreach task is still open, earliest due first. One query, paginated, limited
    to persons the actor may see; an attempt that did not reach the person keeps the no-show on the list."""
    common.check_unit_member(actor, unit_id)
    common.check_page(limit, offset)
    today = clock.today()
    params = {"unit_id": unit_id, **policy.audience_params(actor), "page_limit": limit, "page_offset": offset}
    stmt = _no_shows_statement(policy.audience(actor))
    rows = [
        NoShowRow(
            appointment_id=r[0],
            person_id=r[1],
            person_name=f"{r[2]} {r[3]}",
            starts_at=r[4],
            mode=r[5],
            owner_user_id=r[6],
            owner_name=r[7],
            task_id=r[8],
            task_owner_user_id=r[9],
            due_on=r[10],
            overdue=r[10] < today,
            attempts=int(r[11] or 0),
            last_attempt_on=r[12],
        )
        for r in session.execute(stmt, params)
    ]
    common.record_list_read(session, actor, "no_shows_awaiting_outreach", unit_id, (r.person_id for r in rows))
    return rows


@cache
def _no_shows_statement(audience: str) -> Executable:
    """Built once per audience (``policy.audience``); the unit, the relationships' values and the page bound at
    each call, so the home page does not rebuild and re-hash it on every request."""
    owner = aliased(User)
    attempts = (
        select(func.count(OutreachAttempt.id))
        .where(OutreachAttempt.appointment_id == Appointment.id)
        .correlate(Appointment)
        .scalar_subquery()
    )
    last_attempt = (
        select(func.max(OutreachAttempt.attempted_on))
        .where(OutreachAttempt.appointment_id == Appointment.id)
        .correlate(Appointment)
        .scalar_subquery()
    )
    return (
        select(
            Appointment.id,
            Appointment.person_id,
            Person.given_name,
            Person.family_name,
            Appointment.starts_at,
            Appointment.mode,
            Appointment.owner_user_id,
            owner.full_name,
            Task.id,
            Task.owner_user_id,
            Task.due_on,
            attempts,
            last_attempt,
        )
        .join(Task, Task.id == Appointment.outreach_task_id)
        .join(Person, Person.id == Appointment.person_id)
        .outerjoin(owner, owner.id == Appointment.owner_user_id)
        .where(
            Appointment.unit_id == bindparam("unit_id"),
            Appointment.attendance == Attendance.NO_SHOW,
            Task.status.in_(OPEN_TASK_STATUSES),
            policy.audience_clause(audience, Appointment.person_id),
        )
        .order_by(Task.due_on, Appointment.starts_at, Appointment.id)
        .limit(bindparam("page_limit"))
        .offset(bindparam("page_offset"))
    )
