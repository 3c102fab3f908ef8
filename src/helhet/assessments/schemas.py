"""Input and output shapes of assessments."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from helhet.assessments.models import HeardHow, Outcome, RiskLevel, WishDifferenceReason
from helhet.reference.units import CareLevel
from helhet.referrals.deadlines import Condition

Dimension = Field(default=None, ge=0, le=4)


class AssessmentCreate(BaseModel):
    assessed_on: date
    outcome: Outcome
    heard_how: HeardHow
    heard_note: str | None = Field(default=None, max_length=2000)
    condition: Condition | None = None
    assigned_level: CareLevel | None = None
    heavy_daily_alcohol: bool = False  # > 20 units a day (prioriteringsveileder)
    groin_or_neck_injection: bool = False
    start_deadline: date | None = None  # defaults to the guideline deadline
    deadline_reason: str | None = Field(default=None, max_length=2000)
    rejection_reason: str | None = Field(default=None, max_length=5000)
    advice_to_referrer: str | None = Field(default=None, max_length=5000)
    withdrawal_risk: int | None = Dimension
    somatic_health: int | None = Dimension
    mental_health: int | None = Dimension
    readiness: int | None = Dimension
    relapse_risk: int | None = Dimension
    living_situation: int | None = Dimension
    overdose_risk: RiskLevel = RiskLevel.UNKNOWN
    suicide_risk: RiskLevel = RiskLevel.UNKNOWN
    wish_difference_reason: WishDifferenceReason | None = None
    wish_difference_note: str | None = Field(default=None, max_length=2000)


class DeadlineChange(BaseModel):
    version: int | None = None
    start_deadline: date
    reason: str = Field(min_length=1, max_length=2000)


class AssessmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    referral_id: int
    person_id: int
    unit_id: int
    assessed_on: date
    outcome: Outcome
    condition: Condition | None
    assigned_level: CareLevel | None
    wished_level: CareLevel | None
    wish_concordant: bool | None
    wish_difference_reason: WishDifferenceReason | None
    wish_difference_note: str | None
    guideline_deadline: date | None
    start_deadline: date | None
    deadline_reason: str | None
    rejection_reason: str | None
    advice_to_referrer: str | None
    heard_how: HeardHow
    heard_note: str | None
    withdrawal_risk: int | None
    somatic_health: int | None
    mental_health: int | None
    readiness: int | None
    relapse_risk: int | None
    living_situation: int | None
    overdose_risk: RiskLevel
    suicide_risk: RiskLevel
    version: int
