"""Input and output shapes of mapping records and the mapping status.

Dates, counts and answers are checked in the service (not here), so every caller gets the same field, value and
reason; answers are checked item by item by ``mapping.instruments``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from helhet.mapping.instruments import BandCode
from helhet.mapping.models import (
    Activity,
    ChildrenAnswer,
    Examiner,
    Income,
    MappingArea,
    Network,
    ScreeningStatus,
)
from helhet.persons.models import HousingStatus


class FollowUpTask(BaseModel):
    """A task to create with a record: a named owner in the unit, or explicitly the unit's queue."""

    unit_id: int
    owner_user_id: int | None = None
    to_unit_queue: bool = False
    title: str | None = Field(default=None, max_length=300)
    due_on: date | None = None  # default: a set number of days from today


class QuestionnaireCreate(BaseModel):
    instrument: str = Field(max_length=20)  # AUDIT or DUDIT
    # item → score; keys "3" or "item_3" (the form field of ``instruments.as_dict``)
    answers: dict[str, Any]
    done_on: date
    unit_id: int
    done_by_user_id: int | None = None  # default: the one recording it
    note: str | None = Field(default=None, max_length=5000)


class QuestionnaireRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    instrument: str
    answers: dict[str, int]
    total: int
    band: BandCode
    positive: bool
    scored_with_sex: str | None
    done_on: date
    unit_id: int
    done_by_user_id: int | None
    note: str | None


class ScreeningCreate(BaseModel):
    status: ScreeningStatus
    instrument: str | None = Field(default=None, max_length=120)
    screened_on: date
    unit_id: int
    note: str | None = Field(default=None, max_length=5000)


class ScreeningRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    status: ScreeningStatus
    instrument: str | None
    screened_on: date
    unit_id: int
    note: str | None


class SomaticCheckCreate(BaseModel):
    checked_on: date
    examiner: Examiner
    examiner_name: str | None = Field(default=None, max_length=200)
    unit_id: int
    findings: str | None = Field(default=None, max_length=5000)
    injecting: bool | None = None
    infection_status_checked: bool = False
    follow_up_needed: bool = False
    follow_up: FollowUpTask | None = None  # required when follow_up_needed


class SomaticCheckRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    checked_on: date
    examiner: Examiner
    examiner_name: str | None
    unit_id: int
    findings: str | None
    injecting: bool | None
    infection_status_checked: bool
    follow_up_needed: bool
    follow_up_task_id: int | None


class SituationCreate(BaseModel):
    recorded_on: date
    unit_id: int
    income: Income
    nav_contact: bool | None = None
    financial_problems: bool | None = None
    activity: Activity
    network: Network
    note: str | None = Field(default=None, max_length=5000)


class SituationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    recorded_on: date
    unit_id: int
    housing: HousingStatus | None = None  # from the housing history, on recorded_on
    income: Income
    nav_contact: bool | None
    financial_problems: bool | None
    activity: Activity
    network: Network
    note: str | None


class ChildrenCreate(BaseModel):
    asked_on: date
    unit_id: int
    answer: ChildrenAnswer
    number_of_children: int | None = None
    living_with_person: int | None = None
    minor_siblings: bool | None = None
    note: str | None = Field(default=None, max_length=5000)
    assessment_task: FollowUpTask | None = None  # a CHILDREN task to assess the children's needs


class NeedsAssessment(BaseModel):
    assessed_on: date
    note: str | None = Field(default=None, max_length=5000)
    version: int | None = None


class ChildrenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    asked_on: date
    unit_id: int
    answer: ChildrenAnswer
    number_of_children: int | None
    living_with_person: int | None
    minor_siblings: bool | None
    needs_assessed_on: date | None
    needs_assessed_by: int | None
    needs_note: str | None
    task_id: int | None
    note: str | None
    version: int


class DeclinedCreate(BaseModel):
    area: MappingArea
    declined_on: date
    unit_id: int
    reason: str | None = Field(default=None, max_length=2000)


class DeclinedRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    area: MappingArea
    declined_on: date
    unit_id: int
    reason: str | None


class MappingRecords(BaseModel):
    """Every mapping record of a person, newest first."""

    questionnaires: list[QuestionnaireRead]
    screenings: list[ScreeningRead]
    somatic_checks: list[SomaticCheckRead]
    situations: list[SituationRead]
    children: list[ChildrenRead]
    declined: list[DeclinedRead]


class MappingStatusRead(BaseModel):
    """The latest of each kind on a day, and whether each was done in time (DOMAIN.md §5.4 ROP-01..04, ROP-15)."""

    model_config = ConfigDict(from_attributes=True)

    person_id: int
    on: date
    service_start: date | None
    audit: QuestionnaireRead | None
    dudit: QuestionnaireRead | None
    first_substance_mapping: date | None
    last_substance_mapping: date | None
    substance_mapping_due: date | None
    substance_mapped_in_time: bool | None
    remapping_due: date | None
    remapping_overdue: bool
    mental_health: ScreeningRead | None
    mental_health_screened: bool
    somatic: SomaticCheckRead | None
    somatic_due: date | None
    somatic_current: bool
    infection_check_missing: bool
    open_follow_ups: int
    follow_ups_without_owner: int
    situation: SituationRead | None
    housing_now: HousingStatus | None
    situation_complete: bool
    financial_or_housing_problem: bool
    children: ChildrenRead | None
    children_asked: bool
    children_needs_assessed: bool
    declined: dict[MappingArea, date]
