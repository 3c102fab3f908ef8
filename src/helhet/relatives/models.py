"""Relatives (pårørende), the person's consent to share with them, and whether involvement was offered.

``relative`` and ``consent`` are read by other domains (crisis plans, handovers, the synthetic generator), so their
columns stay as they are; what the relatives' service adds lives in tables of its own (``relative_contact``).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from helhet.db import Base


class Relationship(StrEnum):
    SPOUSE_PARTNER = "spouse_partner"
    PARENT = "parent"
    CHILD = "child"
    SIBLING = "sibling"
    GRANDPARENT = "grandparent"
    OTHER_FAMILY = "other_family"
    FRIEND = "friend"
    GUARDIAN = "guardian"
    OTHER = "other"


class ConsentScope(StrEnum):
    """What a relative may be told. General information is always allowed without consent (DOMAIN.md §6)."""

    NONE = "none"
    GENERAL = "general"  # general information only
    MEETINGS = "meetings"  # take part in meetings
    FULL = "full"  # full information about health and care


#: each scope includes the ones before it
SCOPE_ORDER = (ConsentScope.NONE, ConsentScope.GENERAL, ConsentScope.MEETINGS, ConsentScope.FULL)


class GivenHow(StrEnum):
    """How consent was given: express (written, oral, digital) or tacit (hpl § 22; DOMAIN.md §6)."""

    WRITTEN = "written"
    ORAL = "oral"
    DIGITAL = "digital"
    TACIT = "tacit"


class Involvement(StrEnum):
    NOT_OFFERED = "not_offered"
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Relative(Base):
    __tablename__ = "relative"
    __table_args__ = (Index("ix_relative_person", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    given_name: Mapped[str] = mapped_column(String(120))
    family_name: Mapped[str] = mapped_column(String(120))
    relationship: Mapped[Relationship]
    is_nearest: Mapped[bool] = mapped_column(default=False)  # nærmeste pårørende
    birth_date: Mapped[date | None]  # known for children, so a child is never used as interpreter
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    preferred_language: Mapped[str] = mapped_column(String(8), default="nb")
    interpreter_needed: Mapped[bool] = mapped_column(default=False)
    interpreter_language: Mapped[str | None] = mapped_column(String(40))
    involvement: Mapped[Involvement] = mapped_column(default=Involvement.NOT_OFFERED)
    involvement_recorded_on: Mapped[date | None]
    created_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Consent(Base):
    """The person's consent for one relative: a scope and a period; withdrawn at any time (never deleted)."""

    __tablename__ = "consent"
    __table_args__ = (Index("ix_consent_relative", "relative_id", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    relative_id: Mapped[int] = mapped_column(ForeignKey("relative.id"))
    scope: Mapped[ConsentScope]
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]
    given_how: Mapped[str | None] = mapped_column(String(40))  # written, oral, ...
    note: Mapped[str | None] = mapped_column(Text)
    withdrawn_at: Mapped[datetime | None]
    withdrawn_note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class RelativeContact(Base):
    """The unit a relative keeps in touch with (by default the one that registered them) and the number the
    relative is given. Its contact details are general information, which relatives get without consent."""

    __tablename__ = "relative_contact"

    relative_id: Mapped[int] = mapped_column(ForeignKey("relative.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    recorded_at: Mapped[datetime]
