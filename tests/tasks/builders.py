"""Builders for tasks, through the real service."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from helhet.persons.models import Person
from helhet.tasks import service as tasks
from helhet.tasks.models import Task
from helhet.tasks.schemas import TaskCreate
from helhet.units.models import Unit
from helhet.users.actor import SYSTEM, Actor


def make_task(session: Session, person: Person, unit: Unit, actor: Actor = SYSTEM, **changes: Any) -> Task:
    data: dict[str, Any] = {
        "person_id": person.id,
        "unit_id": unit.id,
        "title": "Ring og avtal ny time",
        "due_on": date(2025, 4, 16),
    }
    if "owner_user_id" not in changes:
        data["to_unit_queue"] = True
    data.update(changes)
    return tasks.create_task(session, actor, TaskCreate(**data))
