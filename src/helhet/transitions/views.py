"""Reads shaped for the handover and discharge pages. Each function is called after the door (``get_person``,
``get_handover``, ``get_episode``) has checked access and logged the read; statement counts stay small."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.appointments.models import Appointment, Attendance
from helhet.crisis_plans import consent
from helhet.pathways.models import Episode
from helhet.reference.units import CareLevel
from helhet.relatives.models import Relative
from helhet.tasks.views import Choice, unit_names, user_names
from helhet.transitions import service as handovers
from helhet.transitions.models import Handover, HandoverKind, HandoverStatus
from helhet.transitions.schemas import HandoverRead
from helhet.units.models import Unit


@dataclass(frozen=True)
class EpisodeChoice:
    id: int
    unit_id: int
    unit_name: str
    level: CareLevel
    started_on: date


@dataclass(frozen=True)
class AppointmentChoice:
    id: int
    starts_at: datetime


@dataclass(frozen=True)
class HandoverPage:
    """Everything the handover page shows besides the forms."""

    handover: HandoverRead
    from_unit: str
    to_unit: str
    responsible_unit: str
    user_names: dict[int, str]
    relatives: list[Choice]  # relatives with a consent that allows telling them about the handover
    appointments: list[AppointmentChoice]  # bookings with the receiving unit, for the follow-up item
    in_lar: bool

    @property
    def pending(self) -> bool:
        return self.handover.status == HandoverStatus.PENDING

    @property
    def checklist_open(self) -> bool:
        return self.handover.status in (HandoverStatus.PENDING, HandoverStatus.ACCEPTED)


def handover_page(session: Session, handover: Handover) -> HandoverPage:
    read = handovers.handover_read(session, handover)
    units = unit_names(session, [handover.from_unit_id, handover.to_unit_id])
    people = user_names(
        session,
        [handover.created_by, handover.decided_by, handover.receiver_user_id, *(i.done_by for i in read.checklist)],
    )
    return HandoverPage(
        handover=read,
        from_unit=units.get(handover.from_unit_id, ""),
        to_unit=units.get(handover.to_unit_id, ""),
        responsible_unit=units.get(read.responsible_unit_id, ""),
        user_names=people,
        relatives=consenting_relatives(session, handover.person_id),
        appointments=followup_appointments(session, handover.person_id, handover.to_unit_id),
        in_lar=handovers.person_in_lar(session, handover.person_id),
    )


def open_episodes(session: Session, person_id: int) -> list[EpisodeChoice]:
    """The person's open episodes with their unit's name, newest first (the episode a handover is about)."""
    stmt = (
        select(Episode.id, Episode.unit_id, Unit.name, Episode.level, Episode.started_on)
        .join(Unit, Unit.id == Episode.unit_id)
        .where(Episode.person_id == person_id, Episode.ended_on.is_(None))
        .order_by(Episode.started_on.desc(), Episode.id.desc())
    )
    return [EpisodeChoice(r[0], r[1], r[2], CareLevel(r[3]), r[4]) for r in session.execute(stmt)]


def consenting_relatives(session: Session, person_id: int, on: date | None = None) -> list[Choice]:
    ids = consent.consenting_relative_ids(session, person_id, on or clock.today())
    if not ids:
        return []
    rows = session.execute(
        select(Relative.id, Relative.given_name, Relative.family_name)
        .where(Relative.id.in_(ids))
        .order_by(Relative.family_name, Relative.given_name, Relative.id)
    )
    return [Choice(r[0], f"{r[1]} {r[2]}") for r in rows]


def followup_appointments(session: Session, person_id: int, unit_id: int) -> list[AppointmentChoice]:
    cancelled = (Attendance.CANCELLED_BY_PERSON, Attendance.CANCELLED_BY_SERVICE)
    stmt = (
        select(Appointment.id, Appointment.starts_at)
        .where(
            Appointment.person_id == person_id,
            Appointment.unit_id == unit_id,
            Appointment.attendance.not_in(cancelled),
        )
        .order_by(Appointment.starts_at)
    )
    return [AppointmentChoice(r[0], r[1]) for r in session.execute(stmt)]


def discharge_handovers(person_handovers: list[Handover], unit_id: int) -> list[Handover]:
    """Handovers that can cover a discharge from ``unit_id`` (not admissions, from that unit), accepted first."""
    usable = [h for h in person_handovers if h.from_unit_id == unit_id and h.kind != HandoverKind.ADMISSION]
    return sorted(usable, key=lambda h: (h.status != HandoverStatus.ACCEPTED, -h.id))
