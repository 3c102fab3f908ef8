"""What a relative sees: never more than the person's current consent allows (DOMAIN.md §6, §13.6).

- no consent, or consent to general information: general information only (the contact unit's name and number,
  the relatives' rights and where to get support), no health data at all;
- take part in meetings: also the upcoming appointments the relative takes part in (when, how, where);
- full information: also the purpose of those appointments, the current episodes (level and unit), and a
  summary of the care plan.

The relatives' portal calls ``relative_view(session, relative_id)`` for the signed-in relative; staff preview the
same view with their own actor (through the person's door). Either way the read is in the access log.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.appointments.models import Appointment, AppointmentRelative, Attendance
from helhet.audit import log as audit
from helhet.careplans import plans
from helhet.careplans.models import Goal, GoalStatus, Measure, MeasureStatus
from helhet.errors import NotFound
from helhet.pathways.models import Episode
from helhet.relatives import consent as consents
from helhet.relatives import service as relatives
from helhet.relatives.models import ConsentScope, Relative
from helhet.relatives.schemas import (
    CarePlanSummary,
    EpisodeView,
    GeneralInformation,
    MeetingView,
    RelativeView,
)
from helhet.units.models import Unit
from helhet.users.actor import Actor

#: general information every relative who asks is given, with or without consent (pbrl § 3-3; bokmål first)
RIGHTS_NB = (
    "Som pårørende kan du alltid få generell informasjon: hvem du kan kontakte, hvordan tjenesten arbeider, "
    "generelle fakta om rusavhengighet og behandling, og hvilke rettigheter og tilbud pårørende har. "
    "Opplysninger om helsetilstanden og behandlingen til den du er pårørende til, får du bare når hen har "
    "samtykket. Du kan selv få veiledning og støtte, og barn som pårørende har rett til informasjon og "
    "oppfølging tilpasset alderen."
)
SUPPORT_NB = [
    "Pårørendesenteret: råd og samtaler for pårørende",
    "Kommunens tilbud til pårørende (pårørendeveiledning, kurs, samtalegrupper)",
    "Brukerorganisasjoner på rusfeltet, som har egne tilbud til pårørende",
]

#: who reads when the relatives' portal calls without a staff actor (logged under this name)
PORTAL = "relative-portal"


def relative_view(
    session: Session, relative_id: int, *, on: date | None = None, actor: Actor | None = None
) -> RelativeView:
    """Everything the relative may see today (or on ``on``), cut to the current consent."""
    relative = _relative(session, relative_id, actor)
    on = on or clock.today()
    consent = consents.current_consent(session, relative.id, on)
    scope = consent.scope if consent else ConsentScope.NONE
    view = RelativeView(
        relative_id=relative.id,
        on=on,
        scope=scope,
        consent_valid_to=consent.valid_to if consent else None,
        general=_general(session, relative),
    )
    if consents.may_share(ConsentScope.MEETINGS, scope):
        view.meetings = _meetings(session, relative, on, with_purpose=consents.may_share(ConsentScope.FULL, scope))
    if consents.may_share(ConsentScope.FULL, scope):
        view.episodes = _episodes(session, relative.person_id)
        view.care_plan = _care_plan(session, relative.person_id)
    return view


def _relative(session: Session, relative_id: int, actor: Actor | None) -> Relative:
    if actor is not None:
        return relatives.get_relative(session, actor, relative_id, what="relative_view")
    relative = session.get(Relative, relative_id)
    if relative is None:
        raise NotFound("relative", relative_id)
    # only for the log line: this actor is never handed to a service (user_id None would pass as the system)
    portal = Actor(user_id=None, username=f"{PORTAL}:{relative.id}", role=None)
    audit.record_access(session, portal, relative.person_id, "relative_view", entity_id=relative.id)
    return relative


def _general(session: Session, relative: Relative) -> GeneralInformation:
    contact = relatives.contact_of(session, relative.id)
    unit = session.get(Unit, contact.unit_id) if contact else None
    return GeneralInformation(
        unit_id=unit.id if unit else None,
        unit_name=unit.name if unit else None,
        phone=contact.phone if contact else None,
        rights=RIGHTS_NB,
        support=list(SUPPORT_NB),
    )


def _meetings(session: Session, relative: Relative, on: date, *, with_purpose: bool) -> list[MeetingView]:
    """Upcoming booked appointments the relative takes part in (or interprets at)."""
    since = max(clock.now(), datetime.combine(on, time(), tzinfo=clock.OSLO))
    stmt = (
        select(Appointment, Unit.name)
        .join(AppointmentRelative, AppointmentRelative.appointment_id == Appointment.id)
        .join(Unit, Unit.id == Appointment.unit_id)
        .where(
            AppointmentRelative.relative_id == relative.id,
            Appointment.person_id == relative.person_id,
            Appointment.attendance == Attendance.BOOKED,
            Appointment.starts_at >= since,
        )
        .order_by(Appointment.starts_at, Appointment.id)
    )
    return [
        MeetingView(
            appointment_id=a.id,
            starts_at=a.starts_at,
            minutes=a.minutes,
            mode=a.mode,
            unit_name=unit_name,
            purpose=a.purpose if with_purpose else None,
        )
        for a, unit_name in session.execute(stmt)
    ]


def _episodes(session: Session, person_id: int) -> list[EpisodeView]:
    stmt = (
        select(Episode.level, Unit.name, Episode.started_on)
        .join(Unit, Unit.id == Episode.unit_id)
        .where(Episode.person_id == person_id, Episode.ended_on.is_(None))
        .order_by(Episode.started_on, Episode.id)
    )
    return [
        EpisodeView(level=level, unit_name=name, started_on=started) for level, name, started in session.execute(stmt)
    ]


def _care_plan(session: Session, person_id: int) -> CarePlanSummary | None:
    plan = plans.current_plan_of(session, person_id)
    if plan is None:
        return None
    goals = session.scalars(
        select(Goal.text).where(Goal.plan_id == plan.id, Goal.status == GoalStatus.ACTIVE).order_by(Goal.id)
    ).all()
    measures, next_evaluation = session.execute(
        select(func.count(), func.min(Measure.evaluate_by)).where(
            Measure.plan_id == plan.id, Measure.status == MeasureStatus.ACTIVE
        )
    ).one()
    return CarePlanSummary(
        status=plan.status,
        started_on=plan.started_on,
        goals=list(goals),
        active_measures=int(measures),
        next_evaluation=next_evaluation,
    )
