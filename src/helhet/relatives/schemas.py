"""Input and output shapes of relatives, consent, involvement, and what a relative may see."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from helhet.appointments.models import AppointmentMode
from helhet.careplans.models import PlanStatus
from helhet.reference.units import CareLevel
from helhet.relatives.models import ConsentScope, Involvement, Relationship


class RelativeCreate(BaseModel):
    given_name: str = Field(min_length=1, max_length=120)
    family_name: str = Field(min_length=1, max_length=120)
    relationship: Relationship
    is_nearest: bool = False  # nærmeste pårørende; naming a new one replaces the former
    birth_date: date | None = None  # needed before a relative can interpret (never a child: tolkeloven § 4)
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=200)
    preferred_language: str = Field(default="nb", max_length=8)
    interpreter_needed: bool = False
    interpreter_language: str | None = Field(default=None, max_length=40)
    contact_unit_id: int | None = None  # the unit the relative keeps in touch with; default the actor's unit
    contact_phone: str | None = Field(default=None, max_length=40)  # the number the relative is given


class RelativeUpdate(BaseModel):
    given_name: str | None = Field(default=None, min_length=1, max_length=120)
    family_name: str | None = Field(default=None, min_length=1, max_length=120)
    relationship: Relationship | None = None
    is_nearest: bool | None = None
    birth_date: date | None = None
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=200)
    preferred_language: str | None = Field(default=None, max_length=8)
    interpreter_needed: bool | None = None
    interpreter_language: str | None = Field(default=None, max_length=40)
    contact_phone: str | None = Field(default=None, max_length=40)  # the number the relative is given; None clears
    version: int | None = None


class InvolvementRecord(BaseModel):
    """Whether involving the relative was offered to the person, and the answer, with the day."""

    involvement: Involvement
    on: date
    version: int | None = None


class RelativeRead(BaseModel):
    id: int
    person_id: int
    given_name: str
    family_name: str
    relationship: Relationship
    is_nearest: bool
    birth_date: date | None
    phone: str | None
    email: str | None
    preferred_language: str
    interpreter_needed: bool
    interpreter_language: str | None
    involvement: Involvement
    involvement_recorded_on: date | None
    contact_unit_id: int | None
    contact_phone: str | None
    version: int


class ConsentCreate(BaseModel):
    """The person's consent for one relative. ``scope`` and ``given_how`` are checked by the service, so an unknown
    value is refused with its field, value and reason."""

    scope: str = Field(max_length=40)
    valid_from: date
    valid_to: date | None = None  # None: until withdrawn
    given_how: str = Field(max_length=40)
    note: str | None = Field(default=None, max_length=2000)


class ConsentWithdraw(BaseModel):
    note: str | None = Field(default=None, max_length=2000)


class ConsentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    relative_id: int
    scope: ConsentScope
    valid_from: date
    valid_to: date | None
    given_how: str | None
    note: str | None
    withdrawn_at: datetime | None
    withdrawn_note: str | None
    recorded_at: datetime
    recorded_by: int | None


class ScopeRead(BaseModel):
    """What the person has consented to share with the relative on a day (general information needs none)."""

    relative_id: int
    on: date
    scope: ConsentScope
    consent_id: int | None
    valid_to: date | None


class GeneralInformation(BaseModel):
    """What every relative who asks is given, consent or not (pbrl § 3-3; DOMAIN.md §6). No health data."""

    unit_id: int | None
    unit_name: str | None
    phone: str | None
    rights: str
    support: list[str]


class MeetingView(BaseModel):
    appointment_id: int
    starts_at: datetime
    minutes: int
    mode: AppointmentMode
    unit_name: str
    purpose: str | None  # only with consent to full information


class EpisodeView(BaseModel):
    level: CareLevel
    unit_name: str
    started_on: date


class CarePlanSummary(BaseModel):
    status: PlanStatus
    started_on: date
    goals: list[str]
    active_measures: int
    next_evaluation: date | None


class RelativeView(BaseModel):
    """What a relative sees: never more than the current consent allows. A section is ``None`` when the consent
    does not cover it (so "not allowed" and "nothing there" are told apart)."""

    relative_id: int
    on: date
    scope: ConsentScope
    consent_valid_to: date | None
    general: GeneralInformation
    meetings: list[MeetingView] | None = None  # meetings or full
    episodes: list[EpisodeView] | None = None  # full
    care_plan: CarePlanSummary | None = None  # full (None also when there is no plan)
