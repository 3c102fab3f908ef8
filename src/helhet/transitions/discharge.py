"""Discharge: ending an episode with an accepted handover, or without one for a recorded reason (then flagged);
and whether the person attended follow-up within the set days after leaving inpatient care.

Follow-up after discharge is derived, never typed in: for every episode at an inpatient level
(``reference.units.is_inpatient``) that ended, other than by death or straight into another inpatient stay, the
first *attended* appointment (any unit) on the days after the discharge day counts. Within
``settings.followup_after_discharge_days`` calendar days (7 by default) it is ``True``; none by the end of the
window is ``False``; while the window is open and nothing is attended yet it is ``None``. The discharge day itself
does not count: an appointment that day is usually part of the stay.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.appointments.models import Appointment, Attendance
from helhet.audit import log as audit
from helhet.config import get_settings
from helhet.errors import Invalid
from helhet.pathways import episodes
from helhet.pathways.models import EndReason, Episode
from helhet.pathways.schemas import EpisodeEnd
from helhet.persons import service as persons
from helhet.reference.units import INPATIENT_LEVELS
from helhet.transitions.models import Discharge, Handover, HandoverKind, HandoverStatus
from helhet.transitions.schemas import FollowUpAfterDischarge
from helhet.users.actor import Actor


def discharge(
    session: Session,
    actor: Actor,
    episode_id: int,
    ended_on: date,
    end_reason: EndReason,
    handover_id: int | None = None,
    reason_without_handover: str | None = None,
    *,
    end_note: str | None = None,
    version: int | None = None,
) -> Discharge:
    """End the episode (through ``pathways.episodes.end_episode``) and record how the person was handed over.

    Without an accepted handover the discharge is refused unless a reason is recorded; it is then flagged.
    """
    episode = episodes.get_episode(session, actor, episode_id)
    handover = _handover(session, episode, handover_id) if handover_id is not None else None
    accepted = handover is not None and handover.status == HandoverStatus.ACCEPTED
    reason = (reason_without_handover or "").strip()
    if not accepted and not reason:
        if handover is not None:
            raise Invalid(
                "handover_id",
                handover_id,
                f"the handover is {handover.status.value}, not accepted; wait for the receiver, or record why the "
                "person is discharged without it",
            )
        raise Invalid(
            "reason_without_handover",
            reason_without_handover,
            "there is no accepted handover; record why the person is discharged without one",
        )
    data = EpisodeEnd(version=version, ended_on=ended_on, end_reason=end_reason, end_note=end_note)
    episodes.end_episode(session, actor, episode_id, data)
    row = Discharge(
        episode_id=episode.id,
        person_id=episode.person_id,
        unit_id=episode.unit_id,
        discharged_on=ended_on,
        handover_id=handover.id if handover is not None else None,
        without_accepted_handover=not accepted,
        reason_without_handover=None if accepted else reason,
        recorded_at=clock.now(),
        recorded_by=actor.user_id,
    )
    session.add(row)
    session.flush()
    audit.record_change(
        session,
        actor,
        "episode.discharged_without_handover" if not accepted else "episode.discharged",
        "discharge",
        row.id,
        person_id=episode.person_id,
        reason=row.reason_without_handover,
        detail={"episode_id": episode.id, "handover_id": row.handover_id, "flagged": not accepted},
    )
    return row


def discharges_of_person(session: Session, actor: Actor, person_id: int) -> list[Discharge]:
    persons.get_person(session, actor, person_id, what="discharge")
    stmt = select(Discharge).where(Discharge.person_id == person_id).order_by(Discharge.discharged_on.desc())
    return list(session.scalars(stmt))


def _handover(session: Session, episode: Episode, handover_id: int) -> Handover:
    handover = session.get(Handover, handover_id)
    if handover is None or handover.person_id != episode.person_id:
        raise Invalid("handover_id", handover_id, "not a handover of this person")
    if handover.from_unit_id != episode.unit_id:
        raise Invalid("handover_id", handover_id, "the handover is not from the unit that ends the episode")
    if handover.kind == HandoverKind.ADMISSION:
        raise Invalid("handover_id", handover_id, "an admission handover does not cover a discharge")
    return handover


def followup_after_discharge(
    session: Session, actor: Actor, person_id: int, today: date | None = None
) -> list[FollowUpAfterDischarge]:
    """Each discharge from inpatient care, oldest first, with the first attended appointment after it."""
    persons.get_person(session, actor, person_id, what="follow_up")
    today = today or clock.today()
    days = get_settings().followup_after_discharge_days
    stays = list(
        session.execute(
            select(Episode.id, Episode.unit_id, Episode.started_on, Episode.ended_on, Episode.end_reason)
            .where(Episode.person_id == person_id, Episode.level.in_(INPATIENT_LEVELS))
            .order_by(Episode.started_on, Episode.id)
        )
    )
    ended = [s for s in stays if s.ended_on is not None and s.end_reason != EndReason.DIED]
    if not ended:
        return []
    first_day = min(s.ended_on for s in ended) + timedelta(days=1)
    since = datetime.combine(first_day, time(), tzinfo=clock.OSLO)  # midnight in Oslo, compared in UTC
    attended = sorted(
        starts.astimezone(clock.OSLO).date()
        for starts in session.scalars(
            select(Appointment.starts_at).where(
                Appointment.person_id == person_id,
                Appointment.attendance == Attendance.ATTENDED,
                Appointment.starts_at >= since,
            )
        )
    )
    result = []
    for stay in ended:
        if any(o.id != stay.id and stay.ended_on <= o.started_on <= stay.ended_on + timedelta(days=1) for o in stays):
            continue  # straight into another inpatient stay: a transfer, not a discharge to the community
        window_ends = stay.ended_on + timedelta(days=days)
        first = next((d for d in attended if d > stay.ended_on), None)
        if first is not None and first <= window_ends:
            within: bool | None = True
        elif today > window_ends:
            within = False
        else:
            within = None
        result.append(
            FollowUpAfterDischarge(
                episode_id=stay.id,
                unit_id=stay.unit_id,
                discharged_on=stay.ended_on,
                window_ends_on=window_ends,
                attended_on=first,
                within_7_days=within,
            )
        )
    return result
