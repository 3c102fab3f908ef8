"""Input and output shapes of tasks."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from helhet.tasks.models import TaskKind, TaskStatus


class TaskCreate(BaseModel):
    person_id: int
    unit_id: int
    owner_user_id: int | None = None
    to_unit_queue: bool = False  # say so explicitly when nobody owns it yet
    kind: TaskKind = TaskKind.GENERAL
    title: str = Field(min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=5000)
    due_on: date
    source_type: str | None = Field(default=None, max_length=40)
    source_id: int | None = None


class TaskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    unit_id: int
    owner_user_id: int | None
    kind: TaskKind
    title: str
    description: str | None
    due_on: date
    status: TaskStatus
    source_type: str | None
    source_id: int | None
    completed_on: date | None
    version: int
