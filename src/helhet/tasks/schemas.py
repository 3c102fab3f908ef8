"""Input and output shapes of tasks."""

from __future__ import annotations

from datetime import date, datetime

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


class TaskReassign(BaseModel):
    """Give the task to another user of its unit, to the unit's queue, or to another unit's queue."""

    unit_id: int | None = None  # another unit (its queue); None keeps the task's unit
    owner_user_id: int | None = None
    to_unit_queue: bool = False
    note: str | None = Field(default=None, max_length=2000)
    version: int | None = None


class TaskVersion(BaseModel):
    """Claiming or starting a task changes it, so it carries the version it was read at."""

    version: int | None = None


class TaskComplete(BaseModel):
    note: str | None = Field(default=None, max_length=5000)
    version: int | None = None


class TaskCancel(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)
    version: int | None = None


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
    escalated_at: datetime | None
    completed_on: date | None
    completion_note: str | None
    version: int


class TaskAssignmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    task_id: int
    unit_id: int
    owner_user_id: int | None
    assigned_at: datetime
    assigned_by: int | None
    note: str | None


class TaskRow(BaseModel):
    """One line of a task worklist: the task with the person's, unit's and owner's names (one query)."""

    task_id: int
    person_id: int
    person_name: str
    unit_id: int
    unit_name: str
    owner_user_id: int | None
    owner_name: str | None
    kind: TaskKind
    title: str
    due_on: date
    status: TaskStatus
    overdue: bool
    escalated_at: datetime | None
    version: int
