"""JSON API: tasks with an owning unit and a named owner or the unit's queue; reassignment, worklists."""

from __future__ import annotations

from fastapi import APIRouter, Query, Response

from helhet.api.common import require_version, set_etag
from helhet.deps import ApiActor, DbSession, IfMatch
from helhet.tasks import queries
from helhet.tasks import service as tasks
from helhet.tasks.schemas import (
    TaskAssignmentRead,
    TaskCancel,
    TaskComplete,
    TaskCreate,
    TaskRead,
    TaskReassign,
    TaskRow,
    TaskVersion,
)

router = APIRouter(tags=["tasks"])

Limit = Query(50, ge=1, le=queries.MAX_PAGE)
Offset = Query(0, ge=0)


def _done(session: DbSession, response: Response, task: object) -> TaskRead:
    result = TaskRead.model_validate(task)
    session.commit()
    set_etag(response, result.version)
    return result


@router.post("/tasks", status_code=201, response_model=TaskRead)
def create_task(data: TaskCreate, session: DbSession, actor: ApiActor, response: Response) -> TaskRead:
    result = _done(session, response, tasks.create_task(session, actor, data))
    response.headers["Location"] = f"/api/v1/tasks/{result.id}"
    return result


# the lists come before /tasks/{task_id}, so "mine" is not read as an id
@router.get("/tasks/mine", response_model=list[TaskRow])
def my_tasks(session: DbSession, actor: ApiActor, limit: int = Limit, offset: int = Offset) -> list[TaskRow]:
    rows = queries.my_tasks(session, actor, limit, offset)
    session.commit()
    return rows


@router.get("/tasks/escalated", response_model=list[TaskRow])
def escalated_tasks(session: DbSession, actor: ApiActor, limit: int = Limit, offset: int = Offset) -> list[TaskRow]:
    """Escalated tasks of the units the unit leader leads."""
    rows = queries.escalated_tasks_for_leader(session, actor, limit, offset)
    session.commit()
    return rows


@router.get("/units/{unit_id}/task-queue", response_model=list[TaskRow])
def unit_queue(
    unit_id: int, session: DbSession, actor: ApiActor, limit: int = Limit, offset: int = Offset
) -> list[TaskRow]:
    rows = queries.unit_queue(session, actor, unit_id, limit, offset)
    session.commit()
    return rows


@router.get("/units/{unit_id}/overdue-tasks", response_model=list[TaskRow])
def overdue_tasks(
    unit_id: int, session: DbSession, actor: ApiActor, limit: int = Limit, offset: int = Offset
) -> list[TaskRow]:
    rows = queries.overdue_tasks(session, actor, unit_id, limit, offset)
    session.commit()
    return rows


@router.get("/persons/{person_id}/tasks", response_model=list[TaskRead])
def tasks_of_person(
    person_id: int, session: DbSession, actor: ApiActor, include_closed: bool = False
) -> list[TaskRead]:
    result = [
        TaskRead.model_validate(t)
        for t in tasks.tasks_of_person(session, actor, person_id, include_closed=include_closed)
    ]
    session.commit()
    return result


@router.get("/tasks/{task_id}", response_model=TaskRead)
def get_task(task_id: int, session: DbSession, actor: ApiActor, response: Response) -> TaskRead:
    return _done(session, response, tasks.get_task(session, actor, task_id))


@router.get("/tasks/{task_id}/history", response_model=list[TaskAssignmentRead])
def task_history(task_id: int, session: DbSession, actor: ApiActor) -> list[TaskAssignmentRead]:
    result = [TaskAssignmentRead.model_validate(a) for a in tasks.task_history(session, actor, task_id)]
    session.commit()
    return result


@router.post("/tasks/{task_id}/reassign", response_model=TaskRead)
def reassign_task(
    task_id: int, data: TaskReassign, session: DbSession, actor: ApiActor, if_match: IfMatch, response: Response
) -> TaskRead:
    data.version = require_version(if_match, data.version)
    return _done(session, response, tasks.reassign_task(session, actor, task_id, data))


@router.post("/tasks/{task_id}/claim", response_model=TaskRead)
def claim_task(
    task_id: int,
    session: DbSession,
    actor: ApiActor,
    if_match: IfMatch,
    response: Response,
    data: TaskVersion | None = None,
) -> TaskRead:
    version = require_version(if_match, data.version if data else None)
    return _done(session, response, tasks.claim_task(session, actor, task_id, version))


@router.post("/tasks/{task_id}/start", response_model=TaskRead)
def start_task(
    task_id: int,
    session: DbSession,
    actor: ApiActor,
    if_match: IfMatch,
    response: Response,
    data: TaskVersion | None = None,
) -> TaskRead:
    version = require_version(if_match, data.version if data else None)
    return _done(session, response, tasks.start_task(session, actor, task_id, version))


@router.post("/tasks/{task_id}/complete", response_model=TaskRead)
def complete_task(
    task_id: int, data: TaskComplete, session: DbSession, actor: ApiActor, if_match: IfMatch, response: Response
) -> TaskRead:
    data.version = require_version(if_match, data.version)
    return _done(session, response, tasks.complete_task(session, actor, task_id, data))


@router.post("/tasks/{task_id}/cancel", response_model=TaskRead)
def cancel_task(
    task_id: int, data: TaskCancel, session: DbSession, actor: ApiActor, if_match: IfMatch, response: Response
) -> TaskRead:
    data.version = require_version(if_match, data.version)
    return _done(session, response, tasks.cancel_task(session, actor, task_id, data))
