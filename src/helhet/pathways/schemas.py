"""Input and output shapes of episodes and the pathway timeline."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from helhet.pathways.models import EndReason
from helhet.reference.units import CareLevel


class EpisodeCreate(BaseModel):
    unit_id: int
    level: CareLevel
    started_on: date
    responsible_user_id: int | None = None


class EpisodeEnd(BaseModel):
    version: int | None = None
    ended_on: date
    end_reason: EndReason
    end_note: str | None = Field(default=None, max_length=2000)


class EpisodeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    referral_id: int
    person_id: int
    unit_id: int
    level: CareLevel
    started_on: date
    ended_on: date | None
    end_reason: EndReason | None
    end_note: str | None
    version: int


class ReferralFacts(BaseModel):
    """What is derived per referral: waits, deadline breaches, and the level wished, assigned and delivered."""

    referral_id: int
    received_on: date
    assessment_due: date
    assessed_on: date | None
    assessment_breached: bool
    start_deadline: date | None
    first_start: date | None
    start_deadline_breached: bool
    waiting_days: int | None
    wished_level: CareLevel | None
    assigned_level: CareLevel | None
    delivered_level: CareLevel | None


class PathwayEvent(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str
    id: int
    referral_id: int | None
    on: date
    until: date | None
    unit_id: int | None
    unit_name: str | None
    level: str | None
    other_level: str | None
    status: str | None
    note: str | None
    owner_id: int | None = None  # the user who owns the item (or made, decided or recorded it)
    other_unit_id: int | None = None  # the other side: a handover's receiver or sender, a referral's referrer


class PathwayRead(BaseModel):
    person: dict[str, Any]
    events: list[PathwayEvent]
