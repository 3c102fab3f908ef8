"""Input and output shapes of vedtak, deliveries and the weekly report.

Numbers and dates are checked in the service (not here), so every caller gets the same field, value and reason.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from helhet.vedtak.models import ServiceType, VedtakStatus, VolumeUnit


class VedtakCreate(BaseModel):
    unit_id: int  # the responsible municipal unit
    service_type: ServiceType
    legal_basis: str = Field(max_length=80)
    volume: float | None = None
    volume_unit: VolumeUnit | None = None
    decided_on: date
    start_on: date
    end_on: date | None = None
    review_on: date | None = None
    note: str | None = Field(default=None, max_length=5000)


class VedtakUpdate(BaseModel):
    """A new review date or note; the service, volume and period are a new vedtak."""

    review_on: date | None = None
    note: str | None = Field(default=None, max_length=5000)
    version: int | None = None


class VedtakEnd(BaseModel):
    end_on: date | None = None  # default today
    reason: str | None = Field(default=None, max_length=2000)
    version: int | None = None


class VedtakWithdraw(BaseModel):
    reason: str = Field(max_length=2000)
    version: int | None = None


class VedtakRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    unit_id: int
    service_type: ServiceType
    legal_basis: str
    volume: float | None
    volume_unit: VolumeUnit | None
    decided_on: date
    start_on: date
    end_on: date | None
    review_on: date | None
    status: VedtakStatus
    status_reason: str | None
    note: str | None
    version: int


class DeliveryCreate(BaseModel):
    delivered_on: date
    amount: float  # hours or units, in the vedtak's volume unit
    unit_id: int | None = None  # the delivering unit; default the vedtak's unit
    note: str | None = Field(default=None, max_length=2000)


class DeliveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    vedtak_id: int
    person_id: int
    delivered_on: date
    amount: float
    unit_id: int
    note: str | None


class WeekRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    year: int
    week: int
    first_day: date
    last_day: date
    decided: float | None
    delivered: float
    ratio: float | None
    complete: bool
    shortfall: bool


class DeliveryReport(BaseModel):
    """Delivered against decided per week up to ``until``, with the shortfall weeks and the delivery start."""

    vedtak: VedtakRead
    until: date
    threshold: float
    weeks: list[WeekRead]
    shortfall_weeks: list[WeekRead]
    first_delivery_on: date | None
    no_delivery_start_days: int
    not_started: bool  # active, more than the set days past its start, and nothing delivered
    started_late: bool
