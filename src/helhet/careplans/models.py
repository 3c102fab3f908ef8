"""The individual plan (IP) status, and the person's plan with goals, measures and their evaluations.

The care team itself (``CareTeamMember``, ``TeamRole``) lives in ``helhet.pathways.models``; its service is
``careplans/team.py``.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from helhet.db import Base


class IpStatus(StrEnum):
    """The person's answer to an individual plan (pbrl § 2-5, hol § 7-1)."""

    NOT_ASKED = "not_asked"
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class OfferAnswer(StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"


class IndividualPlanStatus(Base):
    """One row per change of a person's IP status; the row with the highest ``version`` is current.

    The coordinator must be offered even when the IP is declined (pbrl § 2-5 b), so the coordinator offer and
    its answer are recorded here too (a coordinator on the care team is the offer accepted).
    """

    __tablename__ = "individual_plan_status"
    # unique: two people recording at once cannot both write the next version
    __table_args__ = (UniqueConstraint("person_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    version: Mapped[int]  # 1, 2, 3 ... per person; not an ORM version counter, the rows are never updated
    status: Mapped[IpStatus]
    offered_on: Mapped[date | None]
    answered_on: Mapped[date | None]
    reviewed_on: Mapped[date | None]  # the plan was last reviewed (evaluert) with the person
    coordinator_offered_on: Mapped[date | None]
    coordinator_answer: Mapped[OfferAnswer | None]
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class PlanStatus(StrEnum):
    ACTIVE = "active"
    DECLINED = "declined"  # the person does not want a plan now (ROP-05 exclusion)
    CLOSED = "closed"


class Participation(StrEnum):
    """How the person took part in the plan (ROP-12)."""

    PARTICIPATED = "participated"  # made the plan together with the service
    CONFIRMED = "confirmed"  # confirmed the plan, orally or digitally
    SIGNED = "signed"


class CarePlan(Base):
    """The person's plan. At most one current plan (not closed) per person; a declined plan is current too."""

    __tablename__ = "care_plan"
    __table_args__ = (
        Index(
            "uq_care_plan_current",
            "person_id",
            unique=True,
            sqlite_where=text("closed_on IS NULL"),
            postgresql_where=text("closed_on IS NULL"),
        ),
        Index("ix_care_plan_person", "person_id", "started_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    status: Mapped[PlanStatus] = mapped_column(default=PlanStatus.ACTIVE)
    started_on: Mapped[date]
    closed_on: Mapped[date | None]
    declined_reason: Mapped[str | None] = mapped_column(Text)
    participation: Mapped[Participation | None]
    participation_on: Mapped[date | None]
    created_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class GoalStatus(StrEnum):
    ACTIVE = "active"
    ACHIEVED = "achieved"
    DROPPED = "dropped"


class Goal(Base):
    """A goal in the person's own words, optionally linked to what matters to them (a referral's what_matters)."""

    __tablename__ = "care_plan_goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("care_plan.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    own_words: Mapped[bool] = mapped_column(default=True)  # written as the person said it
    what_matters_referral_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id"))
    status: Mapped[GoalStatus] = mapped_column(default=GoalStatus.ACTIVE)
    created_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class MeasureStatus(StrEnum):
    ACTIVE = "active"
    ACHIEVED = "achieved"
    STOPPED = "stopped"


class Measure(Base):
    """A measure (tiltak) towards a goal: an owning unit and a named owner or the unit's queue, and a date by
    which it is evaluated. Overdue: active, ``evaluate_by`` passed, and not evaluated on or after it."""

    __tablename__ = "care_plan_measure"
    __table_args__ = (
        Index("ix_measure_person_status", "person_id", "status", "evaluate_by"),
        Index("ix_measure_unit_status", "owner_unit_id", "status", "evaluate_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("care_plan_goal.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("care_plan.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    description: Mapped[str] = mapped_column(Text)
    owner_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))  # None: the unit's queue
    evaluate_by: Mapped[date]
    status: Mapped[MeasureStatus] = mapped_column(default=MeasureStatus.ACTIVE)
    last_evaluated_on: Mapped[date | None]
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id"))
    created_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class EvaluationOutcome(StrEnum):
    ACHIEVED = "achieved"  # the measure ends
    PROGRESSING = "progressing"
    NO_PROGRESS = "no_progress"
    STOPPED = "stopped"  # the measure ends without being achieved


ENDING_OUTCOMES = frozenset({EvaluationOutcome.ACHIEVED, EvaluationOutcome.STOPPED})


class Evaluation(Base):
    """An evaluation of a measure with the person. Never changed; a new evaluation is a new row."""

    __tablename__ = "care_plan_evaluation"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("care_plan_measure.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    evaluated_on: Mapped[date]
    evaluated_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    outcome: Mapped[EvaluationOutcome]
    note: Mapped[str] = mapped_column(Text)
    next_evaluate_by: Mapped[date | None]
    recorded_at: Mapped[datetime]
