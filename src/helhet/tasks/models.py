"""Tasks with an owning unit and a named owner (or the unit's unowned queue), a due date and a status."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from helhet.db import Base


class TaskStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


OPEN_TASK_STATUSES = frozenset({TaskStatus.OPEN, TaskStatus.IN_PROGRESS})


class TaskKind(StrEnum):
    GENERAL = "general"
    OUTREACH = "outreach"  # contact attempt after a no-show
    SOMATIC_FOLLOW_UP = "somatic_follow_up"
    HANDOVER = "handover"  # work that a handover needs
    MEASURE = "measure"  # a measure in the plan
    EVALUATION = "evaluation"
    CRISIS_PLAN = "crisis_plan"
    MAPPING = "mapping"
    CHILDREN = "children"  # assess minor children's needs (hpl § 10 a)


class Task(Base):
    __tablename__ = "task"
    __table_args__ = (
        Index("ix_task_owner_status", "owner_user_id", "status", "due_on"),
        Index("ix_task_unit_status", "unit_id", "status", "due_on"),
        Index("ix_task_person", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))  # None: the unit's queue
    kind: Mapped[TaskKind] = mapped_column(default=TaskKind.GENERAL)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    due_on: Mapped[date]
    status: Mapped[TaskStatus] = mapped_column(default=TaskStatus.OPEN)
    # what the task came from, e.g. ("appointment", 17); lets a page link back and a check find it
    source_type: Mapped[str | None] = mapped_column(String(40))
    source_id: Mapped[int | None]
    escalated_at: Mapped[datetime | None]
    completed_on: Mapped[date | None]
    completion_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class TaskAssignment(Base):
    """Every (re)assignment of a task, so the history of who owned it is kept."""

    __tablename__ = "task_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    assigned_at: Mapped[datetime]
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    note: Mapped[str | None] = mapped_column(Text)
