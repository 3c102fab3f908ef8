"""Escalating overdue tasks to the unit leader after a set number of working days.

A task is escalated when it is open and more than ``settings.task_escalation_working_days`` working days have
passed since its due date (``clock.working_days_between(due_on, today) > N``). Escalation is marked once, with
``escalated_at``; the unit leader's list (``tasks.queries.escalated_tasks_for_leader``) shows it until the task
is closed or rescheduled.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.audit import log as audit
from helhet.config import get_settings
from helhet.tasks.models import OPEN_TASK_STATUSES, Task
from helhet.users.actor import SYSTEM, Actor


def escalation_cutoff(today: date, working_days: int) -> date:
    """The earliest due date that is *not* yet escalated: tasks due before it are overdue by more than
    ``working_days`` working days. Walks back from today, so a query can compare ``due_on < cutoff``."""
    d, counted = today, 0  # counted: working days in (d, today]
    while True:
        step = 1 if clock.is_working_day(d) else 0
        if counted + step > working_days:
            return d
        counted += step
        d -= timedelta(days=1)


def escalate_overdue(session: Session, today: date | None = None, actor: Actor = SYSTEM) -> list[Task]:
    """Mark every open task overdue by more than the set working days as escalated; returns those marked now."""
    today = today or clock.today()
    limit = get_settings().task_escalation_working_days
    cutoff = escalation_cutoff(today, limit)
    stmt = (
        select(Task)
        .where(Task.status.in_(OPEN_TASK_STATUSES), Task.escalated_at.is_(None), Task.due_on < cutoff)
        .order_by(Task.id)
    )
    tasks = list(session.scalars(stmt))
    now = clock.now()
    for task in tasks:
        task.escalated_at = now
        audit.record_change(
            session,
            actor,
            "task.escalated",
            "task",
            task.id,
            person_id=task.person_id,
            detail={
                "unit_id": task.unit_id,
                "due_on": task.due_on.isoformat(),
                "working_days_overdue": clock.working_days_between(task.due_on, today),
                "limit": limit,
            },
        )
    session.flush()
    return tasks
