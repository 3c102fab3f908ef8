"""Creating and working on tasks. Every task has an owning unit and a named owner, or sits explicitly in the
unit's unowned queue; every (re)assignment is kept as a ``TaskAssignment`` row.

Who may change a task: members of its unit (and its named owner). Anyone who may see the person may read it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.audit import log as audit
from helhet.audit import policy
from helhet.errors import Conflict, Forbidden, Invalid, NotFound, check_version
from helhet.persons import service as persons
from helhet.referrals import service as referrals
from helhet.tasks.models import OPEN_TASK_STATUSES, Task, TaskAssignment, TaskStatus
from helhet.tasks.schemas import TaskCancel, TaskComplete, TaskCreate, TaskReassign
from helhet.users.actor import Actor
from helhet.users.models import Membership, Role, User


def check_owner(
    session: Session, unit_id: int, owner_user_id: int | None, to_unit_queue: bool, *, prefix: str = ""
) -> None:
    """A named owner who is an active member of the unit, or the unit's queue said explicitly; not both."""
    if owner_user_id is None and not to_unit_queue:
        raise Invalid(f"{prefix}owner_user_id", None, "name an owner, or put it in the unit's unowned queue")
    if owner_user_id is not None and to_unit_queue:
        raise Invalid(f"{prefix}to_unit_queue", True, "either a named owner or the unit's queue, not both")
    if owner_user_id is not None:
        member = session.scalar(
            select(Membership.id)
            .join(User, User.id == Membership.user_id)
            .where(Membership.user_id == owner_user_id, Membership.unit_id == unit_id, User.active.is_(True))
        )
        if member is None:
            raise Invalid(f"{prefix}owner_user_id", owner_user_id, "the owner must be an active member of the unit")


def unit_serves_person(session: Session, unit_id: int, person_id: int) -> bool:
    """Would the members of ``unit_id`` see the person (referral, episode or care team)? Work is only handed to
    units that can open the person's record."""
    stand_in = Actor(user_id=0, username=f"unit:{unit_id}", role=Role.CLINICIAN, unit_ids=frozenset({unit_id}))
    return bool(session.scalar(select(policy.may_see_clause(stand_in, literal(person_id)))))


def create_task(session: Session, actor: Actor, data: TaskCreate) -> Task:
    persons.get_person(session, actor, data.person_id, what="tasks")
    referrals.get_unit(session, data.unit_id)
    check_owner(session, data.unit_id, data.owner_user_id, data.to_unit_queue)
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
    _record_assignment(session, actor, task, now, "created")
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


def get_task(session: Session, actor: Actor, task_id: int) -> Task:
    """The door to a task: not found unless the actor may see the task's person; the read is logged."""
    task = session.get(Task, task_id)
    if task is None or not policy.may_see(session, actor, task.person_id):
        raise NotFound("task", task_id)
    audit.record_access(session, actor, task.person_id, "task", entity_id=task.id)
    return task


def tasks_of_person(session: Session, actor: Actor, person_id: int, *, include_closed: bool = False) -> list[Task]:
    persons.get_person(session, actor, person_id, what="tasks")
    stmt = select(Task).where(Task.person_id == person_id)
    if not include_closed:
        stmt = stmt.where(Task.status.in_(OPEN_TASK_STATUSES))
    return list(session.scalars(stmt.order_by(Task.due_on, Task.id)))


def task_history(session: Session, actor: Actor, task_id: int) -> list[TaskAssignment]:
    """Who owned the task, from its creation on."""
    task = get_task(session, actor, task_id)
    stmt = select(TaskAssignment).where(TaskAssignment.task_id == task.id).order_by(TaskAssignment.id)
    return list(session.scalars(stmt))


def reassign_task(session: Session, actor: Actor, task_id: int, data: TaskReassign) -> Task:
    """To another user of the unit, to the unit's queue, or to another unit's queue (that unit names the owner)."""
    task = _task_to_change(session, actor, task_id, data.version)
    unit_id = data.unit_id if data.unit_id is not None else task.unit_id
    if unit_id != task.unit_id:
        referrals.get_unit(session, unit_id)
        if data.owner_user_id is not None:
            raise Invalid("owner_user_id", data.owner_user_id, "a task for another unit goes to that unit's queue")
        if not data.to_unit_queue:
            raise Invalid("to_unit_queue", False, "say that the task goes to the other unit's queue")
        if not unit_serves_person(session, unit_id, task.person_id):
            raise Invalid("unit_id", unit_id, "the unit has no care relationship with the person; add it to the team")
    check_owner(session, unit_id, data.owner_user_id, data.to_unit_queue)
    if unit_id == task.unit_id and data.owner_user_id == task.owner_user_id:
        where = "in the unit's queue" if data.owner_user_id is None else "assigned to this owner"
        raise Invalid("owner_user_id", data.owner_user_id, f"the task is already {where}")
    _apply_assignment(session, actor, task, unit_id, data.owner_user_id, (data.note or "").strip() or "reassigned")
    return task


def follow_source_owner(
    session: Session, actor: Actor, task: Task, unit_id: int, owner_user_id: int | None, note: str
) -> None:
    """Give an open task to the new owner of the thing it came from (a measure whose owner changed); the
    caller has checked the new owner and the actor's right to change the source."""
    if task.status not in OPEN_TASK_STATUSES or (task.unit_id, task.owner_user_id) == (unit_id, owner_user_id):
        return
    _apply_assignment(session, actor, task, unit_id, owner_user_id, note)


def claim_task(session: Session, actor: Actor, task_id: int, version: int | None = None) -> Task:
    """A member of the unit takes a task from the unit's queue."""
    task = _task_to_change(session, actor, task_id, version)
    if task.owner_user_id is not None:
        raise Conflict("the task already has an owner; ask for it to be reassigned")
    if actor.user_id is None or task.unit_id not in actor.unit_ids:
        raise Forbidden("claim tasks from the queue of your own unit")
    task.owner_user_id = actor.user_id
    session.flush()
    _record_assignment(session, actor, task, clock.now(), "claimed from the queue")
    audit.record_change(session, actor, "task.claimed", "task", task.id, person_id=task.person_id)
    return task


def start_task(session: Session, actor: Actor, task_id: int, version: int | None = None) -> Task:
    task = _task_to_change(session, actor, task_id, version)
    if task.owner_user_id is None:
        raise Conflict("the task is in the unit's queue; claim it before starting")
    if task.status != TaskStatus.OPEN:
        raise Conflict(f"the task is {task.status.value}, not open")
    task.status = TaskStatus.IN_PROGRESS
    session.flush()
    audit.record_change(session, actor, "task.started", "task", task.id, person_id=task.person_id)
    return task


def complete_task(session: Session, actor: Actor, task_id: int, data: TaskComplete) -> Task:
    task = _task_to_change(session, actor, task_id, data.version)
    _close(task, TaskStatus.DONE, (data.note or "").strip() or None)
    session.flush()
    audit.record_change(session, actor, "task.completed", "task", task.id, person_id=task.person_id)
    return task


def cancel_task(session: Session, actor: Actor, task_id: int, data: TaskCancel) -> Task:
    reason = data.reason.strip()
    if not reason:
        raise Invalid("reason", data.reason, "say why the task is cancelled")
    task = _task_to_change(session, actor, task_id, data.version)
    _close(task, TaskStatus.CANCELLED, reason)
    session.flush()
    audit.record_change(session, actor, "task.cancelled", "task", task.id, person_id=task.person_id, reason=reason)
    return task


def reschedule_task(session: Session, actor: Actor, task: Task, due_on: date, note: str) -> None:
    """Move an open task's due date (e.g. a measure's next evaluation); a new due date clears the escalation."""
    if task.status not in OPEN_TASK_STATUSES or task.due_on == due_on:
        return
    before = task.due_on
    task.due_on, task.escalated_at = due_on, None
    session.flush()
    audit.record_change(
        session,
        actor,
        "task.rescheduled",
        "task",
        task.id,
        person_id=task.person_id,
        reason=note,
        detail={"from": before.isoformat(), "to": due_on.isoformat()},
    )


def close_task_for_source(session: Session, actor: Actor, task: Task, status: TaskStatus, note: str) -> None:
    """Close a task because the thing it came from was closed (a measure achieved or stopped)."""
    if task.status not in OPEN_TASK_STATUSES:
        return
    _close(task, status, note)
    session.flush()
    action = "task.completed" if status == TaskStatus.DONE else "task.cancelled"
    audit.record_change(session, actor, action, "task", task.id, person_id=task.person_id, reason=note)


def _task_to_change(session: Session, actor: Actor, task_id: int, version: int | None) -> Task:
    """Fetch, check the version, check the actor works in the task's unit, and that the task is still open."""
    task = get_task(session, actor, task_id)
    check_version("task", task.version, version)
    if not (actor.is_system or task.unit_id in actor.unit_ids or task.owner_user_id == actor.user_id):
        raise Forbidden("only members of the task's unit change it")
    if task.status not in OPEN_TASK_STATUSES:
        raise Conflict(f"the task is {task.status.value}")
    return task


def _apply_assignment(
    session: Session, actor: Actor, task: Task, unit_id: int, owner_user_id: int | None, note: str
) -> None:
    before = {"unit_id": task.unit_id, "owner_user_id": task.owner_user_id}
    task.unit_id, task.owner_user_id = unit_id, owner_user_id
    task.status = TaskStatus.OPEN  # the new owner starts it
    session.flush()
    _record_assignment(session, actor, task, clock.now(), note)
    audit.record_change(
        session,
        actor,
        "task.reassigned",
        "task",
        task.id,
        person_id=task.person_id,
        reason=note,
        detail={"from": before, "to": {"unit_id": unit_id, "owner_user_id": owner_user_id}},
    )


def _close(task: Task, status: TaskStatus, note: str | None) -> None:
    task.status = status
    task.completed_on = clock.today()  # the day it was closed, done or cancelled
    task.completion_note = note


def _record_assignment(session: Session, actor: Actor, task: Task, at: datetime, note: str) -> None:
    session.add(
        TaskAssignment(
            task_id=task.id,
            unit_id=task.unit_id,
            owner_user_id=task.owner_user_id,
            assigned_at=at,
            assigned_by=actor.user_id,
            note=note,
        )
    )
    session.flush()
