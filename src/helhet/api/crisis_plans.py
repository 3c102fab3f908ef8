"""JSON API: the person's crisis plan, its versions, sharing with the person, the one-page summary, and whether
a plan is required (ROP-11). The ETag of a plan is its ``version_no``."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Response

from helhet.api.common import require_version, set_etag
from helhet.crisis_plans import requirement
from helhet.crisis_plans import service as crisis_plans
from helhet.crisis_plans.schemas import (
    CrisisPlanCreate,
    CrisisPlanRead,
    CrisisPlanShare,
    CrisisPlanStatus,
    CrisisPlanSummary,
)
from helhet.deps import ApiActor, DbSession, IfMatch
from helhet.errors import NotFound

router = APIRouter(prefix="/persons/{person_id}/crisis-plan", tags=["crisis plans"])


@router.get("", response_model=CrisisPlanRead)
def current_crisis_plan(person_id: int, session: DbSession, actor: ApiActor, response: Response) -> CrisisPlanRead:
    plan = crisis_plans.current_crisis_plan(session, actor, person_id)
    result = crisis_plans.crisis_plan_read(session, plan) if plan is not None else None
    session.commit()  # keeps the access-log row, also when there is no plan
    if result is None:
        raise NotFound("crisis plan", person_id)
    set_etag(response, result.version)
    return result


@router.post("", status_code=201, response_model=CrisisPlanRead)
def record_crisis_plan(
    person_id: int, data: CrisisPlanCreate, session: DbSession, actor: ApiActor, if_match: IfMatch, response: Response
) -> CrisisPlanRead:
    """Save the plan as a new version. After the first, send the ETag of the current version you read."""
    if if_match is not None:
        data.version = require_version(if_match, data.version)
    plan = crisis_plans.record_crisis_plan(session, actor, person_id, data)
    result = crisis_plans.crisis_plan_read(session, plan)
    session.commit()
    set_etag(response, result.version)
    response.headers["Location"] = f"/api/v1/persons/{person_id}/crisis-plan/versions/{result.version_no}"
    return result


@router.get("/versions", response_model=list[CrisisPlanRead])
def crisis_plan_versions(person_id: int, session: DbSession, actor: ApiActor) -> list[CrisisPlanRead]:
    """Every version, newest first."""
    result = crisis_plans.crisis_plan_reads(session, crisis_plans.crisis_plan_versions(session, actor, person_id))
    session.commit()
    return result


@router.get("/versions/{version_no}", response_model=CrisisPlanRead)
def crisis_plan_version(
    person_id: int, version_no: int, session: DbSession, actor: ApiActor, response: Response
) -> CrisisPlanRead:
    plan = crisis_plans.crisis_plan_version(session, actor, person_id, version_no)
    result = crisis_plans.crisis_plan_read(session, plan)
    session.commit()
    set_etag(response, result.version)
    return result


@router.post("/shared", response_model=CrisisPlanRead)
def share_crisis_plan(
    person_id: int, data: CrisisPlanShare, session: DbSession, actor: ApiActor, if_match: IfMatch, response: Response
) -> CrisisPlanRead:
    """Record that the person got the current version; send its ETag."""
    data.version = require_version(if_match, data.version)
    plan = crisis_plans.share_crisis_plan(session, actor, person_id, data)
    result = crisis_plans.crisis_plan_read(session, plan)
    session.commit()
    set_etag(response, result.version)
    return result


@router.get("/summary", response_model=CrisisPlanSummary)
def crisis_plan_summary(
    person_id: int, session: DbSession, actor: ApiActor, version_no: int | None = None
) -> CrisisPlanSummary:
    """What fits on one printed page: the current version unless ``version_no`` is given."""
    result = crisis_plans.crisis_plan_summary(session, actor, person_id, version_no)
    session.commit()
    return result


@router.get("/status", response_model=CrisisPlanStatus)
def crisis_plan_status(person_id: int, session: DbSession, actor: ApiActor, on: date | None = None) -> CrisisPlanStatus:
    """Whether a plan is required (and why), and whether a current one exists: a gap when required and missing."""
    result = requirement.crisis_plan_status(session, actor, person_id, on)
    session.commit()
    return result
