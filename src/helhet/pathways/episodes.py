"""Starting and ending episodes of care, one per level of care, each linked to its referral."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.assessments import service as assessments
from helhet.audit import log as audit
from helhet.audit import policy
from helhet.errors import Conflict, Forbidden, Invalid, NotFound, check_version
from helhet.pathways.derived import referral_facts
from helhet.pathways.models import EndReason, Episode
from helhet.pathways.schemas import EpisodeCreate, EpisodeEnd, ReferralFacts
from helhet.reference.units import CareLevel
from helhet.referrals import service as referrals
from helhet.referrals.models import Referral, ReferralStatus
from helhet.users.actor import Actor

#: hook for the coordination layer: ending an episode for non-attendance needs a recorded outreach attempt
OUTREACH_CHECKS: list[Callable[[Session, Episode, EpisodeEnd], None]] = []


def start_episode(session: Session, actor: Actor, referral_id: int, data: EpisodeCreate) -> Episode:
    referral = referrals.get_referral(session, actor, referral_id)
    if referral.status != ReferralStatus.GRANTED:
        raise Conflict(f"an episode needs a granted referral; this one is {referral.status.value}")
    unit = referrals.get_unit(session, data.unit_id)
    if not actor.is_system and not ({unit.id, referral.receiving_unit_id} & actor.unit_ids):
        raise Forbidden("start episodes in your own unit or for referrals your unit received")
    if unit.levels and data.level.value not in unit.levels:
        raise Invalid("level", data.level.value, f"{unit.name} does not offer this level of care")
    if data.started_on > clock.today():
        raise Invalid("started_on", data.started_on.isoformat(), "cannot be later than today")
    if data.started_on < referral.received_on:
        raise Invalid("started_on", data.started_on.isoformat(), "cannot be before the referral was received")
    episode = Episode(
        referral_id=referral.id,
        person_id=referral.person_id,
        unit_id=unit.id,
        level=data.level,
        started_on=data.started_on,
        responsible_user_id=data.responsible_user_id,
        recorded_at=clock.now(),
    )
    session.add(episode)
    session.flush()
    audit.record_change(
        session,
        actor,
        "episode.started",
        "episode",
        episode.id,
        person_id=referral.person_id,
        detail={"level": data.level.value, "unit_id": unit.id},
    )
    return episode


def get_episode(session: Session, actor: Actor, episode_id: int) -> Episode:
    episode = session.get(Episode, episode_id)
    if episode is None or not policy.may_see(session, actor, episode.person_id):
        raise NotFound("episode", episode_id)
    audit.record_access(session, actor, episode.person_id, "episode", entity_id=episode.id)
    return episode


def end_episode(session: Session, actor: Actor, episode_id: int, data: EpisodeEnd) -> Episode:
    episode = get_episode(session, actor, episode_id)
    check_version("episode", episode.version, data.version)
    if not actor.is_system and episode.unit_id not in actor.unit_ids:
        raise Forbidden("only the treating unit ends an episode")
    if episode.ended_on is not None:
        raise Conflict("the episode has already ended")
    if data.ended_on < episode.started_on:
        raise Invalid("ended_on", data.ended_on.isoformat(), f"cannot be before the start {episode.started_on}")
    if data.ended_on > clock.today():
        raise Invalid("ended_on", data.ended_on.isoformat(), "cannot be later than today")
    if data.end_reason in (EndReason.OTHER, EndReason.RULE_BREACH) and not (data.end_note or "").strip():
        raise Invalid("end_note", data.end_note, "say what happened")
    for check in OUTREACH_CHECKS:
        check(session, episode, data)
    episode.ended_on = data.ended_on
    episode.end_reason = data.end_reason
    episode.end_note = (data.end_note or "").strip() or None
    session.flush()
    if data.end_reason != EndReason.TRANSFERRED:
        _close_referral_if_done(session, episode)
    audit.record_change(
        session,
        actor,
        "episode.ended",
        "episode",
        episode.id,
        person_id=episode.person_id,
        detail={"end_reason": data.end_reason.value},
    )
    return episode


def _close_referral_if_done(session: Session, episode: Episode) -> None:
    still_open = session.scalar(
        select(Episode.id).where(Episode.referral_id == episode.referral_id, Episode.ended_on.is_(None)).limit(1)
    )
    if still_open is None:
        referral = session.get_one(Referral, episode.referral_id)
        referral.status = ReferralStatus.CLOSED
        referral.closed_on = episode.ended_on


def facts_for_referral(session: Session, referral: Referral) -> ReferralFacts:
    assessment = assessments.latest_assessment(session, referral.id)
    first = session.execute(
        select(Episode.started_on, Episode.level)
        .where(Episode.referral_id == referral.id)
        .order_by(Episode.started_on, Episode.id)
        .limit(1)
    ).first()
    return referral_facts(
        referral_id=referral.id,
        received_on=referral.received_on,
        assessment_due=referral.assessment_due,
        assessed_on=assessment.assessed_on if assessment else None,
        start_deadline=assessment.start_deadline if assessment else None,
        first_start=first.started_on if first else None,
        wished_level=referral.wished_level,
        assigned_level=assessment.assigned_level if assessment else None,
        delivered_level=CareLevel(first.level) if first else None,
        today=clock.today(),
    )


# The coordination layer's checks on ending an episode register themselves when their module loads. Load them
# here, so every path that ends an episode (a page, the API, a bare CLI command or script) runs them, not only
# a process that happened to import the appointments' services first.
from helhet.appointments import outreach as _outreach  # noqa: E402, F401  (registers require_outreach_attempt)
