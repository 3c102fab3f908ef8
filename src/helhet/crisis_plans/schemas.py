"""Input and output shapes of crisis plans, their contacts, sharing, and the compact summary for print."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from helhet.assessments.models import RiskLevel
from helhet.crisis_plans.models import ContactKind, OverdoseFactor, SharedHow

#: one line of the plan, in the person's own words
Line = Annotated[str, StringConstraints(max_length=500)]


class ContactIn(BaseModel):
    """A relative (``relative_id``), a unit (``unit_id``), or a named professional (``name`` and ``phone``)."""

    kind: ContactKind
    relative_id: int | None = None
    unit_id: int | None = None
    name: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    role_note: str | None = Field(default=None, max_length=300)


class UserControlledAdmissionIn(BaseModel):
    """An agreement on user-controlled admission (brukerstyrt innleggelse), DOMAIN.md §3."""

    unit_id: int
    max_days_per_stay: int = Field(ge=1, le=30)
    min_days_between: int = Field(ge=0, le=365)
    valid_until: date


class CrisisPlanCreate(BaseModel):
    """A new version of the plan: the whole plan as agreed now (nothing is carried over from the last one)."""

    made_on: date | None = None  # today when not given
    review_by: date | None = None
    warning_signs: list[Line] = Field(default_factory=list, max_length=30)
    what_helps: list[Line] = Field(default_factory=list, max_length=30)
    what_to_avoid: list[Line] = Field(default_factory=list, max_length=30)
    contacts: list[ContactIn] = Field(default_factory=list, max_length=20)
    overdose_risk: RiskLevel = RiskLevel.UNKNOWN
    overdose_factors: list[OverdoseFactor] = Field(default_factory=list)
    overdose_note: str | None = Field(default=None, max_length=2000)
    user_controlled_admission: UserControlledAdmissionIn | None = None
    note: str | None = Field(default=None, max_length=2000)
    version: int | None = None  # the version_no of the current plan you read; not needed for the first


class CrisisPlanShare(BaseModel):
    shared_on: date | None = None  # today when not given
    how: SharedHow
    note: str | None = Field(default=None, max_length=2000)
    version: int | None = None  # the version_no you share; it must be the current one


class ContactRead(BaseModel):
    position: int
    kind: ContactKind
    relative_id: int | None
    unit_id: int | None
    name: str | None  # the relative's or unit's name, or the professional's
    phone: str | None
    role_note: str | None
    consent_current: bool | None  # relatives only: still a current consent of scope meetings or full


class UserControlledAdmissionRead(BaseModel):
    unit_id: int
    unit_name: str
    max_days_per_stay: int
    min_days_between: int
    valid_until: date
    in_force: bool  # valid_until not passed


class SharingRead(BaseModel):
    shared_on: date
    how: SharedHow
    note: str | None
    recorded_by: int | None


class CrisisPlanRead(BaseModel):
    id: int
    person_id: int
    version_no: int
    version: int  # the same number, for If-Match
    current: bool
    made_on: date
    review_by: date | None
    warning_signs: list[str]
    what_helps: list[str]
    what_to_avoid: list[str]
    contacts: list[ContactRead]
    overdose_risk: RiskLevel
    overdose_factors: list[OverdoseFactor]
    overdose_note: str | None
    user_controlled_admission: UserControlledAdmissionRead | None
    note: str | None
    shared: list[SharingRead]
    created_at: datetime
    created_by: int | None


class SummaryContact(BaseModel):
    name: str
    phone: str | None
    note: str | None


class CrisisPlanSummary(BaseModel):
    """What fits on one printed page, in the order the person reads it in a crisis."""

    person_id: int
    person_name: str
    version_no: int
    made_on: date
    review_by: date | None
    warning_signs: list[str]
    what_helps: list[str]
    what_to_avoid: list[str]
    contacts: list[SummaryContact]  # only those who may be contacted today
    contacts_to_review: int  # relatives on the plan whose consent is no longer current
    overdose_risk: RiskLevel
    overdose_factors: list[OverdoseFactor]
    overdose_note: str | None
    user_controlled_admission: UserControlledAdmissionRead | None
    last_shared_on: date | None
    last_shared_how: SharedHow | None


class CrisisPlanStatus(BaseModel):
    """Whether the person needs a crisis plan (ROP-11), why, and whether a current one exists."""

    person_id: int
    on: date
    required: bool
    reasons: list[str]
    current_version_no: int | None
    current: bool  # a plan exists on the day and is not past its review date
    gap: bool
