"""JSON API: referrals, assessments and episodes."""

from __future__ import annotations

from fastapi import APIRouter, Response

from helhet.api.common import require_version, set_etag
from helhet.assessments import service as assessments
from helhet.assessments.schemas import AssessmentCreate, AssessmentRead, DeadlineChange
from helhet.deps import ApiActor, DbSession, IfMatch
from helhet.pathways import episodes
from helhet.pathways.schemas import EpisodeCreate, EpisodeEnd, EpisodeRead, ReferralFacts
from helhet.referrals import service as referrals
from helhet.referrals.schemas import ReferralCreate, ReferralRead

router = APIRouter(tags=["referrals"])


@router.post("/referrals", status_code=201, response_model=ReferralRead)
def register_referral(data: ReferralCreate, session: DbSession, actor: ApiActor, response: Response) -> ReferralRead:
    result = ReferralRead.model_validate(referrals.register_referral(session, actor, data))
    session.commit()
    set_etag(response, result.version)
    response.headers["Location"] = f"/api/v1/referrals/{result.id}"
    return result


@router.get("/referrals/{referral_id}", response_model=ReferralRead)
def get_referral(referral_id: int, session: DbSession, actor: ApiActor, response: Response) -> ReferralRead:
    result = ReferralRead.model_validate(referrals.get_referral(session, actor, referral_id))
    session.commit()
    set_etag(response, result.version)
    return result


@router.get("/referrals/{referral_id}/facts", response_model=ReferralFacts)
def referral_facts(referral_id: int, session: DbSession, actor: ApiActor) -> ReferralFacts:
    """Waiting time, deadline breaches, and the level wished, assigned and delivered."""
    referral = referrals.get_referral(session, actor, referral_id)
    result = episodes.facts_for_referral(session, referral)
    session.commit()
    return result


@router.get("/persons/{person_id}/referrals", response_model=list[ReferralRead])
def referrals_of(person_id: int, session: DbSession, actor: ApiActor) -> list[ReferralRead]:
    result = [ReferralRead.model_validate(r) for r in referrals.referrals_of(session, actor, person_id)]
    session.commit()
    return result


@router.post("/referrals/{referral_id}/assessments", status_code=201, response_model=AssessmentRead)
def assess(referral_id: int, data: AssessmentCreate, session: DbSession, actor: ApiActor) -> AssessmentRead:
    result = AssessmentRead.model_validate(assessments.assess_referral(session, actor, referral_id, data))
    session.commit()
    return result


@router.get("/assessments/{assessment_id}", response_model=AssessmentRead)
def get_assessment(assessment_id: int, session: DbSession, actor: ApiActor, response: Response) -> AssessmentRead:
    result = AssessmentRead.model_validate(assessments.get_assessment(session, actor, assessment_id))
    session.commit()
    set_etag(response, result.version)
    return result


@router.put("/assessments/{assessment_id}/start-deadline", response_model=AssessmentRead)
def change_deadline(
    assessment_id: int,
    data: DeadlineChange,
    session: DbSession,
    actor: ApiActor,
    if_match: IfMatch,
    response: Response,
) -> AssessmentRead:
    data.version = require_version(if_match, data.version)
    result = AssessmentRead.model_validate(assessments.change_start_deadline(session, actor, assessment_id, data))
    session.commit()
    set_etag(response, result.version)
    return result


@router.post("/referrals/{referral_id}/episodes", status_code=201, response_model=EpisodeRead)
def start_episode(referral_id: int, data: EpisodeCreate, session: DbSession, actor: ApiActor) -> EpisodeRead:
    result = EpisodeRead.model_validate(episodes.start_episode(session, actor, referral_id, data))
    session.commit()
    return result


@router.get("/episodes/{episode_id}", response_model=EpisodeRead)
def get_episode(episode_id: int, session: DbSession, actor: ApiActor, response: Response) -> EpisodeRead:
    result = EpisodeRead.model_validate(episodes.get_episode(session, actor, episode_id))
    session.commit()
    set_etag(response, result.version)
    return result


@router.post("/episodes/{episode_id}/end", response_model=EpisodeRead)
def end_episode(
    episode_id: int,
    data: EpisodeEnd,
    session: DbSession,
    actor: ApiActor,
    if_match: IfMatch,
    response: Response,
) -> EpisodeRead:
    data.version = require_version(if_match, data.version)
    result = EpisodeRead.model_validate(episodes.end_episode(session, actor, episode_id, data))
    session.commit()
    set_etag(response, result.version)
    return result
