"""JSON API: the care team and coordinator, the individual plan (IP) status, and the plan with goals and measures."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Response

from helhet import clock
from helhet.api.common import require_version, set_etag
from helhet.careplans import individual_plan, measures, plans, team
from helhet.careplans.models import Measure
from helhet.careplans.schemas import (
    CarePlanClose,
    CarePlanCreate,
    CarePlanDecline,
    CarePlanRead,
    CarePlanView,
    CoordinatorAssign,
    EvaluationCreate,
    EvaluationRead,
    GoalCreate,
    GoalRead,
    GoalUpdate,
    IpStatusRead,
    IpStatusRecord,
    MeasureCreate,
    MeasureRead,
    MeasureUpdate,
    ParticipationRecord,
    TeamMemberCreate,
    TeamMemberEnd,
    TeamMemberRead,
)
from helhet.deps import ApiActor, DbSession, IfMatch
from helhet.errors import NotFound

router = APIRouter(tags=["care plans"])


# --- care team and coordinator -----------------------------------------------------------------------------


@router.get("/persons/{person_id}/team", response_model=list[TeamMemberRead])
def read_team(
    person_id: int, session: DbSession, actor: ApiActor, on: date | None = None, history: bool = False
) -> list[TeamMemberRead]:
    """The current team (or on a given day); ``history=true`` lists every membership, ended ones too."""
    if history:
        result = team.team_history(session, actor, person_id)
    else:
        result = team.current_team(session, actor, person_id, on)
    session.commit()
    return result


@router.post("/persons/{person_id}/team", status_code=201, response_model=TeamMemberRead)
def add_member(
    person_id: int, data: TeamMemberCreate, session: DbSession, actor: ApiActor, response: Response
) -> TeamMemberRead:
    member = team.add_member(session, actor, person_id, data)
    result = team.member_read(session, member)
    session.commit()
    set_etag(response, result.version)
    return result


@router.post("/team-members/{member_id}/end", response_model=TeamMemberRead)
def end_member(
    member_id: int, data: TeamMemberEnd, session: DbSession, actor: ApiActor, if_match: IfMatch, response: Response
) -> TeamMemberRead:
    data.version = require_version(if_match, data.version)
    member = team.end_member(session, actor, member_id, data)
    result = team.member_read(session, member)
    session.commit()
    set_etag(response, result.version)
    return result


@router.get("/persons/{person_id}/coordinator", response_model=TeamMemberRead)
def read_coordinator(person_id: int, session: DbSession, actor: ApiActor, response: Response) -> TeamMemberRead:
    result = team.current_coordinator(session, actor, person_id)
    session.commit()
    if result is None:
        raise NotFound("coordinator", person_id)
    set_etag(response, result.version)
    return result


@router.put("/persons/{person_id}/coordinator", response_model=TeamMemberRead)
def assign_coordinator(
    person_id: int, data: CoordinatorAssign, session: DbSession, actor: ApiActor, if_match: IfMatch, response: Response
) -> TeamMemberRead:
    """Assign the coordinator. When one is assigned, send its ETag (If-Match): the old one is ended."""
    if if_match is not None:
        data.version = require_version(if_match, data.version)
    member = team.assign_coordinator(session, actor, person_id, data)
    result = team.member_read(session, member)
    session.commit()
    set_etag(response, result.version)
    return result


# --- individual plan ----------------------------------------------------------------------------------------


@router.get("/persons/{person_id}/individual-plan", response_model=IpStatusRead)
def read_ip_status(person_id: int, session: DbSession, actor: ApiActor, response: Response) -> IpStatusRead:
    row = individual_plan.current_ip_status(session, actor, person_id)
    session.commit()
    if row is None:
        raise NotFound("individual plan status", person_id)
    result = individual_plan.ip_read(row)
    set_etag(response, result.version)
    return result


@router.get("/persons/{person_id}/individual-plan/history", response_model=list[IpStatusRead])
def ip_status_history(person_id: int, session: DbSession, actor: ApiActor) -> list[IpStatusRead]:
    result = [individual_plan.ip_read(r) for r in individual_plan.ip_status_history(session, actor, person_id)]
    session.commit()
    return result


@router.put("/persons/{person_id}/individual-plan", response_model=IpStatusRead)
def record_ip_status(
    person_id: int, data: IpStatusRecord, session: DbSession, actor: ApiActor, if_match: IfMatch, response: Response
) -> IpStatusRead:
    """Record the IP status (offered, accepted, declined ...). After the first, send the ETag you read."""
    if if_match is not None:
        data.version = require_version(if_match, data.version)
    result = individual_plan.ip_read(individual_plan.record_ip_status(session, actor, person_id, data))
    session.commit()
    set_etag(response, result.version)
    return result


# --- plan, goals, measures, evaluations -------------------------------------------------------------------


@router.get("/persons/{person_id}/care-plan", response_model=CarePlanView)
def read_plan(person_id: int, session: DbSession, actor: ApiActor, response: Response) -> CarePlanView:
    result = measures.plan_view(session, actor, person_id)
    session.commit()
    if result is None:
        raise NotFound("care plan", person_id)
    set_etag(response, result.plan.version)
    return result


@router.post("/persons/{person_id}/care-plan", status_code=201, response_model=CarePlanRead)
def start_plan(
    person_id: int, data: CarePlanCreate, session: DbSession, actor: ApiActor, response: Response
) -> CarePlanRead:
    return _plan(session, response, plans.start_plan(session, actor, person_id, data))


@router.post("/persons/{person_id}/care-plan/decline", status_code=201, response_model=CarePlanRead)
def decline_plan(
    person_id: int, data: CarePlanDecline, session: DbSession, actor: ApiActor, response: Response
) -> CarePlanRead:
    return _plan(session, response, plans.decline_plan(session, actor, person_id, data))


@router.post("/care-plans/{plan_id}/close", response_model=CarePlanRead)
def close_plan(
    plan_id: int, data: CarePlanClose, session: DbSession, actor: ApiActor, if_match: IfMatch, response: Response
) -> CarePlanRead:
    data.version = require_version(if_match, data.version)
    return _plan(session, response, plans.close_plan(session, actor, plan_id, data))


@router.put("/care-plans/{plan_id}/participation", response_model=CarePlanRead)
def record_participation(
    plan_id: int,
    data: ParticipationRecord,
    session: DbSession,
    actor: ApiActor,
    if_match: IfMatch,
    response: Response,
) -> CarePlanRead:
    data.version = require_version(if_match, data.version)
    return _plan(session, response, plans.record_participation(session, actor, plan_id, data))


@router.post("/care-plans/{plan_id}/goals", status_code=201, response_model=GoalRead)
def add_goal(plan_id: int, data: GoalCreate, session: DbSession, actor: ApiActor, response: Response) -> GoalRead:
    result = GoalRead.model_validate(plans.add_goal(session, actor, plan_id, data))
    session.commit()
    set_etag(response, result.version)
    return result


@router.patch("/goals/{goal_id}", response_model=GoalRead)
def update_goal(
    goal_id: int, data: GoalUpdate, session: DbSession, actor: ApiActor, if_match: IfMatch, response: Response
) -> GoalRead:
    data.version = require_version(if_match, data.version)
    result = GoalRead.model_validate(plans.update_goal(session, actor, goal_id, data))
    session.commit()
    set_etag(response, result.version)
    return result


@router.post("/goals/{goal_id}/measures", status_code=201, response_model=MeasureRead)
def add_measure(
    goal_id: int, data: MeasureCreate, session: DbSession, actor: ApiActor, response: Response
) -> MeasureRead:
    return _measure(session, response, measures.add_measure(session, actor, goal_id, data))


@router.get("/measures/{measure_id}", response_model=MeasureRead)
def get_measure(measure_id: int, session: DbSession, actor: ApiActor, response: Response) -> MeasureRead:
    return _measure(session, response, measures.get_measure(session, actor, measure_id))


@router.patch("/measures/{measure_id}", response_model=MeasureRead)
def update_measure(
    measure_id: int, data: MeasureUpdate, session: DbSession, actor: ApiActor, if_match: IfMatch, response: Response
) -> MeasureRead:
    data.version = require_version(if_match, data.version)
    return _measure(session, response, measures.update_measure(session, actor, measure_id, data))


@router.post("/measures/{measure_id}/evaluations", status_code=201, response_model=EvaluationRead)
def evaluate_measure(
    measure_id: int, data: EvaluationCreate, session: DbSession, actor: ApiActor, if_match: IfMatch
) -> EvaluationRead:
    """Evaluate a measure (it changes the measure, so send the measure's ETag)."""
    data.version = require_version(if_match, data.version)
    result = EvaluationRead.model_validate(measures.evaluate_measure(session, actor, measure_id, data))
    session.commit()
    return result


@router.get("/persons/{person_id}/overdue-evaluations", response_model=list[MeasureRead])
def overdue_evaluations(person_id: int, session: DbSession, actor: ApiActor) -> list[MeasureRead]:
    result = []
    for m in measures.overdue_evaluations(session, actor, person_id):
        read = MeasureRead.model_validate(m)
        read.overdue = True
        result.append(read)
    session.commit()
    return result


def _plan(session: DbSession, response: Response, plan: object) -> CarePlanRead:
    result = CarePlanRead.model_validate(plan)
    session.commit()
    set_etag(response, result.version)
    return result


def _measure(session: DbSession, response: Response, measure: Measure) -> MeasureRead:
    result = MeasureRead.model_validate(measure)
    result.overdue = measures.is_overdue(measure, clock.today())
    session.commit()
    set_etag(response, result.version)
    return result
