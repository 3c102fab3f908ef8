"""Documented cooperation around a person: meetings, messages and ansvarsgruppe with the GP, the specialist
service, NAV and other services (DOMAIN.md §5.4 ROP-08 and ROP-14)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from helhet.db import Base


class Counterpart(StrEnum):
    GP = "gp"
    SPECIALIST = "specialist"  # TSB, DPS or other specialist care
    NAV = "nav"
    MUNICIPAL = "municipal"
    HOUSING = "housing"
    PRIVATE_PROVIDER = "private_provider"
    OTHER = "other"


class ContactKind(StrEnum):
    MEETING = "meeting"
    ANSVARSGRUPPE = "ansvarsgruppe"  # multi-agency responsibility group meeting
    MESSAGE = "message"  # PLO/dialogue message, letter
    PHONE = "phone"
    INFORMATION_ADVICE = "information_advice"  # NAV information, advice and guidance (stjl § 17)


class CollaborationContact(Base):
    __tablename__ = "collaboration_contact"
    __table_args__ = (Index("ix_collaboration_person_on", "person_id", "contact_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))  # the unit that documents it
    counterpart: Mapped[Counterpart]
    counterpart_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    kind: Mapped[ContactKind]
    contact_on: Mapped[date]
    topic: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    person_took_part: Mapped[bool] = mapped_column(default=False)
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
