"""Input and output shapes of collaboration contacts."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from helhet.collaboration.models import ContactKind, Counterpart


class ContactCreate(BaseModel):
    unit_id: int
    counterpart: Counterpart
    counterpart_unit_id: int | None = None
    kind: ContactKind
    contact_on: date
    topic: str | None = Field(default=None, max_length=200)
    note: str | None = Field(default=None, max_length=5000)
    person_took_part: bool = False


class ContactRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    unit_id: int
    counterpart: Counterpart
    counterpart_unit_id: int | None
    kind: ContactKind
    contact_on: date
    topic: str | None
    note: str | None
    person_took_part: bool
