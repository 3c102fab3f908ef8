"""Creating tasks. Every task has an owning unit and a named owner, or sits explicitly in the unit's queue."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.audit import log as audit
from helhet.errors import Invalid
from helhet.persons import service as persons
from helhet.referrals import service as referrals
from helhet.tasks.models import Task, TaskAssignment
from helhet.tasks.schemas import TaskCreate
from helhet.users.actor import Actor
from helhet.users.models import Membership


def _check_owner(session: Session, unit_id: int, owner_user_id: int | None, to_unit_queue: bool) -> None:
    if owner_user_id is None and not to_unit_queue:
        raise Invalid("owner_user_id", None, "name an owner, or put the task in the unit's unowned queue")
    if owner_user_id is not None:
        member = session.scalar(
            select(Membership.id).where(Membership.user_id == owner_user_id, Membership.unit_id == unit_id)
        )
        if member is None:
            raise Invalid("owner_user_id", owner_user_id, "the owner must be a member of the task's unit")


def create_task(session: Session, actor: Actor, data: TaskCreate) -> Task:
    persons.get_person(session, actor, data.person_id, what="tasks")
    referrals.get_unit(session, data.unit_id)
    _check_owner(session, data.unit_id, data.owner_user_id, data.to_unit_queue)
    if not data.title.strip():
        raise Invalid("title", data.title, "say what is to be done")
    now = clock.now()
    task = Task(
        person_id=data.person_id,
        unit_id=data.unit_id,
        owner_user_id=data.owner_user_id,
        kind=data.kind,
        title=data.title.strip(),
        description=data.description,
        due_on=data.due_on,
        source_type=data.source_type,
        source_id=data.source_id,
        created_at=now,
        created_by=actor.user_id,
    )
    session.add(task)
    session.flush()
    session.add(
        TaskAssignment(
            task_id=task.id,
            unit_id=task.unit_id,
            owner_user_id=task.owner_user_id,
            assigned_at=now,
            assigned_by=actor.user_id,
            note="created",
        )
    )
    audit.record_change(
        session,
        actor,
        "task.created",
        "task",
        task.id,
        person_id=data.person_id,
        detail={"kind": data.kind.value, "unit_id": data.unit_id, "owner_user_id": data.owner_user_id},
    )
    return task
