"""Input and output shapes of referrals."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from helhet.persons.schemas import PersonCreate
from helhet.reference.units import CareLevel
from helhet.referrals.models import ReferralStatus, ReferrerKind, Substance


class ReferralCreate(BaseModel):
    """A referral names the person by ``person_id`` (one you may already see), by ``fodselsnummer`` (as a
    referral letter does: links to the person wherever they are registered), or carries their details
    (``person``: a new person, or linked to the existing one with the same number)."""

    person_id: int | None = None
    fodselsnummer: str | None = Field(default=None, max_length=20)
    person: PersonCreate | None = None
    receiving_unit_id: int
    referrer_kind: ReferrerKind
    referrer_unit_id: int | None = None
    referrer_name: str | None = Field(default=None, max_length=200)
    received_on: date
    reason: str = Field(min_length=1, max_length=10_000)
    substances: list[Substance] = Field(min_length=1, max_length=11)
    primary_substance: Substance | None = None
    rop: bool = False
    pregnant: bool = False
    injecting: bool = False
    wished_level: CareLevel | None = None
    what_matters: str | None = Field(default=None, max_length=5_000)


class ReferralRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    receiving_unit_id: int
    referrer_kind: ReferrerKind
    referrer_unit_id: int | None
    referrer_name: str | None
    received_on: date
    reason: str
    substances: list[str]
    primary_substance: Substance
    rop: bool
    pregnant: bool
    injecting: bool
    under_23: bool
    wished_level: CareLevel | None
    what_matters: str | None
    previous_referral_id: int | None
    status: ReferralStatus
    assessment_due: date
    closed_on: date | None
    registered_at: datetime
    version: int
