"""Input and output shapes of the care team, the individual plan status, and the plan with goals and measures."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from helhet.careplans.models import (
    EvaluationOutcome,
    GoalStatus,
    IpStatus,
    MeasureStatus,
    OfferAnswer,
    Participation,
    PlanStatus,
)
from helhet.pathways.models import TeamRole
from helhet.reference.units import UnitKind

# --- care team ---------------------------------------------------------------------------------------------


class OrganisationKind(StrEnum):
    MUNICIPAL = "municipal"  # kommune: services, NAV, GP, housing office, koordinerende enhet
    SPECIALIST = "specialist"  # TSB in the health trust (spesialisthelsetjenesten)
    PRIVATE = "private"  # private or non-profit provider


class TeamMemberCreate(BaseModel):
    unit_id: int
    user_id: int | None = None  # a named member with a user account
    name: str | None = Field(default=None, max_length=200)  # a named member without an account
    role: TeamRole
    from_date: date | None = None  # today when not given
    note: str | None = Field(default=None, max_length=2000)


class TeamMemberEnd(BaseModel):
    to_date: date | None = None  # today when not given
    note: str | None = Field(default=None, max_length=2000)
    version: int | None = None


class CoordinatorAssign(BaseModel):
    unit_id: int
    user_id: int | None = None
    name: str | None = Field(default=None, max_length=200)
    from_date: date | None = None
    note: str | None = Field(default=None, max_length=2000)
    version: int | None = None  # the version of the current coordinator's membership, when there is one


class TeamMemberRead(BaseModel):
    """A care-team membership with its unit and the kind of organisation the unit belongs to."""

    id: int
    person_id: int
    unit_id: int
    unit_name: str
    unit_kind: UnitKind
    organisation: OrganisationKind
    user_id: int | None
    user_name: str | None
    name: str | None
    role: TeamRole
    from_date: date
    to_date: date | None
    current: bool
    note: str | None
    version: int


# --- individual plan ---------------------------------------------------------------------------------------


class IpStatusRecord(BaseModel):
    """A change of IP status. Fields not sent are carried over from the current status where they still apply."""

    status: IpStatus
    offered_on: date | None = None
    answered_on: date | None = None
    reviewed_on: date | None = None
    coordinator_offered_on: date | None = None
    coordinator_answer: OfferAnswer | None = None
    note: str | None = Field(default=None, max_length=2000)
    version: int | None = None  # the current status's version, when there is one


class IpStatusRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    version: int
    status: IpStatus
    offered_on: date | None
    answered_on: date | None
    reviewed_on: date | None
    review_due: date | None = None  # accepted plans are reviewed within settings.ip_review_months
    review_overdue: bool = False
    coordinator_offered_on: date | None
    coordinator_answer: OfferAnswer | None
    note: str | None
    recorded_at: datetime
    recorded_by: int | None


# --- plan, goals, measures, evaluations -------------------------------------------------------------------


class CarePlanCreate(BaseModel):
    started_on: date | None = None


class CarePlanDecline(BaseModel):
    declined_on: date | None = None
    reason: str = Field(min_length=1, max_length=2000)


class CarePlanClose(BaseModel):
    closed_on: date | None = None
    version: int | None = None


class ParticipationRecord(BaseModel):
    participation: Participation
    on: date
    version: int | None = None


class GoalCreate(BaseModel):
    text: str = Field(min_length=1, max_length=2000)
    own_words: bool = True
    what_matters_referral_id: int | None = None


class GoalUpdate(BaseModel):
    text: str | None = Field(default=None, min_length=1, max_length=2000)
    own_words: bool | None = None
    status: GoalStatus | None = None
    version: int | None = None


class MeasureCreate(BaseModel):
    description: str = Field(min_length=1, max_length=2000)
    owner_unit_id: int
    owner_user_id: int | None = None
    to_unit_queue: bool = False  # say so explicitly when nobody in the unit owns it yet
    evaluate_by: date
    create_task: bool = False  # a MEASURE task for the owner, due on the evaluation date


class MeasureUpdate(BaseModel):
    """A new owner (unit and user, or the unit's queue), evaluation date or description."""

    description: str | None = Field(default=None, min_length=1, max_length=2000)
    owner_unit_id: int | None = None
    owner_user_id: int | None = None
    to_unit_queue: bool | None = None
    evaluate_by: date | None = None
    version: int | None = None


class EvaluationCreate(BaseModel):
    evaluated_on: date
    outcome: EvaluationOutcome
    note: str = Field(min_length=1, max_length=5000)
    next_evaluate_by: date | None = None  # required unless the outcome ends the measure
    version: int | None = None  # the measure's version


class CarePlanRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    status: PlanStatus
    started_on: date
    closed_on: date | None
    declined_reason: str | None
    participation: Participation | None
    participation_on: date | None
    version: int


class GoalRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    plan_id: int
    person_id: int
    text: str
    own_words: bool
    what_matters_referral_id: int | None
    status: GoalStatus
    version: int


class EvaluationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    measure_id: int
    evaluated_on: date
    evaluated_by: int | None
    outcome: EvaluationOutcome
    note: str
    next_evaluate_by: date | None


class MeasureRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    goal_id: int
    plan_id: int
    person_id: int
    description: str
    owner_unit_id: int
    owner_user_id: int | None
    evaluate_by: date
    status: MeasureStatus
    last_evaluated_on: date | None
    task_id: int | None
    version: int
    overdue: bool = False


class MeasureView(MeasureRead):
    evaluations: list[EvaluationRead] = []


class GoalView(GoalRead):
    measures: list[MeasureView] = []


class CarePlanView(BaseModel):
    """The current plan with its goals, their measures and each measure's evaluations."""

    plan: CarePlanRead
    goals: list[GoalView]
    overdue_evaluations: int
