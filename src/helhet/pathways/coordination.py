"""The coordination summary of the pathway page: the person's gaps with the page that closes each, who holds
responsibility now, and one short summary per area (care team, plan, tasks, handovers, crisis plan, mapping,
vedtak, relatives, appointments), each item with its owner.

Each area is read through its domain's own door (access checked, the read logged), so the page's statement
count is fixed however long the pathway is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

from sqlalchemy import Executable, bindparam, func, select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.appointments import service as appointments
from helhet.appointments.models import Appointment, Attendance, InterpreterStatus, OutreachAttempt
from helhet.appointments.outreach import local_date
from helhet.careplans import individual_plan, measures, team
from helhet.careplans.schemas import CarePlanView, IpStatusRead, TeamMemberRead
from helhet.config import get_settings
from helhet.crisis_plans import requirement as crisis_requirement
from helhet.crisis_plans.models import CrisisPlan, CrisisPlanSharing
from helhet.crisis_plans.schemas import CrisisPlanStatus
from helhet.gaps import service as gaps
from helhet.gaps.catalogue import Check
from helhet.mapping import service as mapping
from helhet.mapping.schemas import MappingStatusRead
from helhet.pathways.models import Episode, TeamRole
from helhet.persons import service as persons
from helhet.relatives import service as relatives
from helhet.relatives.consent import in_force_bound, in_force_params
from helhet.relatives.models import Consent, Relative
from helhet.tasks import service as tasks
from helhet.tasks.models import OPEN_TASK_STATUSES, Task
from helhet.transitions import service as transitions
from helhet.transitions.models import Handover, HandoverStatus
from helhet.transitions.schemas import Responsibility
from helhet.users.actor import Actor
from helhet.vedtak import delivery
from helhet.vedtak import service as vedtak_service
from helhet.vedtak.models import ServiceDelivery, Vedtak, VedtakStatus

#: where each gap is closed (the staff app's URL map). ``{pid}`` is the person; any other name is the object
#: the gap is about, found among what the page loaded; without one, the page's own section for it.
GAP_LINKS: dict[str, str] = {
    "ROP-01": "/persons/{pid}/mapping/audit",
    "ROP-02": "/persons/{pid}/mapping/screening",
    "ROP-03": "/persons/{pid}/mapping/somatic",
    "ROP-04": "/persons/{pid}/mapping/situation",
    "ROP-05": "/persons/{pid}/care-plan",
    "ROP-06": "/persons/{pid}/care-plan",
    "ROP-07": "/persons/{pid}/care-team",
    "ROP-08": "/persons/{pid}/care-team",
    "ROP-09": "/vedtak/{vedtak}",
    "ROP-10": "/persons/{pid}/vedtak/new",
    "ROP-11": "/persons/{pid}/crisis-plan/edit",
    "ROP-12": "/persons/{pid}/care-plan",
    "ROP-13": "/handovers/{handover}",
    "ROP-14": "/persons/{pid}/mapping/situation",
    "ROP-15": "/persons/{pid}/mapping/children",
    "HANDOVER-OPEN": "/handovers/{handover}",
    "TASK-OVERDUE": "/tasks/{task}",
    "DEADLINE-AT-RISK": "/referrals/{start_referral}/episodes/new",
    "ASSESSMENT-OVERDUE": "/referrals/{assess_referral}/assess",
    "INTERPRETER-MISSING": "/appointments/{appointment}",
}
_SECTION_OF = {
    "vedtak": "vedtak",
    "handover": "handovers",
    "task": "tasks",
    "start_referral": "referrals",
    "assess_referral": "referrals",
    "appointment": "appointments",
}
RECENT_APPOINTMENTS = 5


def gap_link(code: str, person_id: int, targets: dict[str, int | None]) -> str:
    """The page that closes gap ``code``: the object's own page when the gap names one, else the person's."""
    template = GAP_LINKS.get(code, "/persons/{pid}")
    for name, section in _SECTION_OF.items():
        if "{" + name + "}" in template:
            if targets.get(name) is None:
                return f"/persons/{person_id}#{section}-title"
            template = template.replace("{" + name + "}", str(targets[name]))
    return template.replace("{pid}", str(person_id))


@dataclass(frozen=True)
class GapView:
    check: Check
    detail: str
    href: str


@dataclass(frozen=True)
class HandoverView:
    handover: Handover
    responsible_unit_id: int
    overdue: bool


@dataclass(frozen=True)
class CrisisPlanSummary:
    status: CrisisPlanStatus
    latest: CrisisPlan | None
    last_shared_on: date | None


@dataclass(frozen=True)
class VedtakView:
    vedtak: Vedtak
    last_week: delivery.WeekDelivery | None  # the last complete week: decided against delivered
    shortfall_weeks: int  # short complete weeks in the gap check's look-back window
    delivered_total: float
    not_started: bool


@dataclass(frozen=True)
class RelativeView:
    relative: Relative
    consent: Consent | None  # in force today


@dataclass(frozen=True)
class AppointmentView:
    appointment: Appointment
    day: date
    outreach: list[OutreachAttempt]
    outreach_task: Task | None


@dataclass(frozen=True)
class Coordination:
    """The coordination summary at the top of the pathway page: every item with its owner."""

    gaps: list[GapView]
    responsibility: Responsibility
    coordinator: TeamMemberRead | None
    team: list[TeamMemberRead]
    individual_plan: IpStatusRead | None
    plan: CarePlanView | None
    tasks: list[Task]
    handovers: list[HandoverView]
    crisis_plan: CrisisPlanSummary
    mapping: MappingStatusRead
    vedtak: list[VedtakView]
    relatives: list[RelativeView]
    upcoming: list[AppointmentView]
    recent: list[AppointmentView]


def coordination(
    session: Session,
    actor: Actor,
    person_id: int,
    referral_targets: dict[str, int | None],
    today: date,
    episodes: Sequence[Episode],
) -> Coordination:
    """Each domain's summary through its own door: a fixed number of statements however long the pathway.
    ``referral_targets`` names the referral to start (``start_referral``) and to assess (``assess_referral``);
    ``episodes`` are the person's episodes as the page read them (oldest first). The responsible unit is named
    by the caller, with the other units on the page (``named``)."""
    all_tasks = tasks.tasks_of_person(session, actor, person_id, include_closed=True)
    open_tasks = [t for t in all_tasks if t.status in OPEN_TASK_STATUSES]
    handover_rows = transitions.handovers_of_person(session, actor, person_id)
    handovers = _handovers(handover_rows, today)
    vedtak = _vedtak(session, vedtak_service.vedtak_of(session, actor, person_id), person_id, today)
    upcoming, recent = _appointments(session, appointments.appointments_of(session, actor, person_id), all_tasks)
    ip_row = individual_plan.current_ip_status(session, actor, person_id)
    targets = {
        "handover": next((h.handover.id for h in handovers if h.overdue), None),
        "task": next((t.id for t in open_tasks if t.due_on < today), None),
        "appointment": next(
            (
                a.appointment.id
                for a in upcoming
                if a.appointment.interpreter_status == InterpreterStatus.NEEDED_NOT_BOOKED
            ),
            None,
        ),
        "vedtak": next((v.vedtak.id for v in vedtak if v.not_started or v.shortfall_weeks), None),
        **referral_targets,
    }
    found = gaps.person_gaps(session, actor, person_id, today)
    members = team.current_team(session, actor, person_id)
    return Coordination(
        gaps=[GapView(g.check, g.result.detail, gap_link(g.check.code, person_id, targets)) for g in found.gaps],
        # as ``transitions.responsibility_now`` decides it, from the handovers and episodes already read
        responsibility=transitions.responsibility_from(
            person_id,
            transitions.latest_handover(handover_rows),
            next((e.unit_id for e in reversed(episodes) if e.ended_on is None), None),
            None,
        ),
        # the team's first coordinator, as ``team.current_coordinator`` reads it (same order), from the same rows
        coordinator=next((m for m in members if m.role == TeamRole.COORDINATOR), None),
        team=members,
        individual_plan=individual_plan.ip_read(ip_row, today) if ip_row else None,
        plan=measures.plan_view(session, actor, person_id, today),
        tasks=open_tasks,
        handovers=handovers,
        crisis_plan=_crisis_plan(session, actor, person_id, today),
        mapping=mapping.mapping_status(session, actor, person_id, today),
        vedtak=vedtak,
        relatives=_relatives(session, relatives.relatives_of(session, actor, person_id), person_id, today),
        upcoming=upcoming,
        recent=recent,
    )


def _handovers(rows: list[Handover], today: date) -> list[HandoverView]:
    """Open ones first (the oldest deadline first), then the rest newest first (as they come)."""
    views = [
        HandoverView(
            h, transitions.responsible_unit(h), h.status == HandoverStatus.PENDING and h.acceptance_due < today
        )
        for h in rows
    ]
    pending = sorted(
        (v for v in views if v.handover.status == HandoverStatus.PENDING), key=lambda v: v.handover.acceptance_due
    )
    return pending + [v for v in views if v.handover.status != HandoverStatus.PENDING]


def _crisis_plan(session: Session, actor: Actor, person_id: int, today: date) -> CrisisPlanSummary:
    """The status and the latest version from one read of the latest version: when it was made on or before the
    day it is also the version in force (``crisis_plan_current_at``), so the plan is read again only when not."""
    persons.get_person(session, actor, person_id, what="crisis_plan")  # the door of ``crisis_plan_status``
    row = session.execute(_crisis_plan_statement(), {"person_id": person_id}).first()
    latest, shared = (row[0], row[1]) if row else (None, None)
    in_force = latest
    if latest is not None and latest.made_on > today:
        in_force = crisis_requirement.crisis_plan_current_at(session, person_id, today)
    return CrisisPlanSummary(crisis_requirement.status_with(session, person_id, today, in_force), latest, shared)


# The section statements below are built once and bound per call (the person, the day): the page neither builds
# them nor makes their cache keys again on every request (the compiled SQL is SQLAlchemy's cache).
@cache
def _crisis_plan_statement() -> Executable:
    """The person's latest crisis plan version, with the day it was last shared."""
    last_shared = (
        select(func.max(CrisisPlanSharing.shared_on))
        .where(CrisisPlanSharing.crisis_plan_id == CrisisPlan.id)
        .scalar_subquery()
    )
    return (
        select(CrisisPlan, last_shared)
        .where(CrisisPlan.person_id == bindparam("person_id"))
        .order_by(CrisisPlan.version_no.desc())
        .limit(1)
    )


@cache
def _consents_statement() -> Executable:
    """The person's consents in force on the day, oldest first."""
    return (
        select(Consent)
        .where(Consent.person_id == bindparam("person_id"), in_force_bound())
        .order_by(Consent.valid_from, Consent.id)
    )


@cache
def _deliveries_statement() -> Executable:
    """The person's deliveries up to the day, every vedtak's at once."""
    return select(ServiceDelivery.vedtak_id, ServiceDelivery.delivered_on, ServiceDelivery.amount).where(
        ServiceDelivery.person_id == bindparam("person_id"), ServiceDelivery.delivered_on <= bindparam("today")
    )


@cache
def _attempts_statement() -> Executable:
    """The outreach attempts after the given appointments, oldest first."""
    return (
        select(OutreachAttempt)
        .where(OutreachAttempt.appointment_id.in_(bindparam("appointment_ids", expanding=True)))
        .order_by(OutreachAttempt.attempted_on)
    )


def _vedtak(session: Session, rows: list[Vedtak], person_id: int, today: date) -> list[VedtakView]:
    """Decided against delivered for each vedtak, from one read of the person's deliveries."""
    delivered: dict[int, list[tuple[date, float]]] = {}
    for vedtak_id, on, amount in session.execute(_deliveries_statement(), {"person_id": person_id, "today": today}):
        delivered.setdefault(vedtak_id, []).append((on, amount))
    threshold = get_settings().vedtak_shortfall_threshold
    views = []
    for v in rows:
        own = delivered.get(v.id, [])
        weeks = (
            []
            if v.status == VedtakStatus.WITHDRAWN
            else delivery.by_week(v.volume, v.start_on, v.end_on, today, own, threshold)
        )
        complete = [w for w in weeks if w.complete]
        first = min((on for on, _ in own), default=None)
        views.append(
            VedtakView(
                vedtak=v,
                last_week=complete[-1] if complete else None,
                shortfall_weeks=delivery.recent_shortfalls(weeks, today),
                delivered_total=round(sum(amount for _, amount in own), 3),
                not_started=v.status == VedtakStatus.ACTIVE and delivery.not_started(v.start_on, first, today),
            )
        )
    return views


def _relatives(session: Session, rows: list[Relative], person_id: int, today: date) -> list[RelativeView]:
    params = {"person_id": person_id, **in_force_params(today)}
    in_force = {c.relative_id: c for c in session.scalars(_consents_statement(), params)}  # the newest wins
    return [RelativeView(r, in_force.get(r.id)) for r in rows]


def _appointments(
    session: Session, rows: list[Appointment], all_tasks: list[Task]
) -> tuple[list[AppointmentView], list[AppointmentView]]:
    """Booked appointments still ahead, and the latest that happened (or did not), with any outreach."""
    now = clock.now()
    upcoming = [a for a in rows if a.attendance == Attendance.BOOKED and a.starts_at >= now]
    recent = [a for a in rows if a.starts_at < now or a.attendance != Attendance.BOOKED][-RECENT_APPOINTMENTS:][::-1]
    ids = [a.id for a in recent]
    attempts: dict[int, list[OutreachAttempt]] = {}
    if ids:
        for attempt in session.scalars(_attempts_statement(), {"appointment_ids": ids}):
            attempts.setdefault(attempt.appointment_id, []).append(attempt)
    by_id = {t.id: t for t in all_tasks}

    def view(a: Appointment) -> AppointmentView:
        task = by_id.get(a.outreach_task_id) if a.outreach_task_id else None
        return AppointmentView(a, local_date(a), attempts.get(a.id, []), task)

    return [view(a) for a in upcoming], [view(a) for a in recent]


def named(c: Coordination, units: dict[int, str]) -> Coordination:
    """The summary with the responsible unit's name, once every unit on the page is named (``owners``)."""
    unit_id = c.responsibility.unit_id
    if unit_id is None:
        return c
    return replace(c, responsibility=c.responsibility.model_copy(update={"unit_name": units.get(unit_id)}))


def owners(c: Coordination) -> tuple[set[int], set[int]]:
    """The units and users the summary names, so their names are read in one statement each."""
    units: set[int] = {t.unit_id for t in c.tasks} | {v.vedtak.unit_id for v in c.vedtak}
    units |= {h.handover.from_unit_id for h in c.handovers} | {h.handover.to_unit_id for h in c.handovers}
    units |= {a.appointment.unit_id for a in c.upcoming + c.recent}
    units |= {u for u in (c.responsibility.unit_id, c.responsibility.awaiting_unit_id) if u}
    users: set[int] = {t.owner_user_id for t in c.tasks if t.owner_user_id}
    users |= {h.handover.receiver_user_id for h in c.handovers if h.handover.receiver_user_id}
    users |= {a.appointment.owner_user_id for a in c.upcoming + c.recent if a.appointment.owner_user_id}
    if c.plan is not None:
        for goal in c.plan.goals:
            units |= {m.owner_unit_id for m in goal.measures}
            users |= {m.owner_user_id for m in goal.measures if m.owner_user_id}
    if c.crisis_plan.latest is not None and c.crisis_plan.latest.created_by:
        users.add(c.crisis_plan.latest.created_by)
    return units, users


__all__ = ["GAP_LINKS", "Coordination", "coordination", "gap_link", "named", "owners"]
