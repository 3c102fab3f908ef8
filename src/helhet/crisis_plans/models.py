"""The crisis plan (kriseplan), one row per version, with its contacts and every time it was shared.

A plan is never edited: each change is a new ``CrisisPlan`` row with the next ``version_no`` for the person, so
earlier versions stay readable and the current plan is the one with the highest number. Contacts belong to one
version. Sharing with the person is recorded per version, as often as it happens (on paper, then digitally).

The wording of the plan is the person's own, written with the service; Helhet stores the answers to our own
short headings (warning signs, what helps, what to avoid, who to contact), not any published form.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from helhet.assessments.models import RiskLevel
from helhet.db import Base


class OverdoseFactor(StrEnum):
    """What raises the person's overdose risk now (recorded so the plan says why, not only how high)."""

    LOWERED_TOLERANCE_AFTER_INPATIENT = "lowered_tolerance_after_inpatient"
    LOWERED_TOLERANCE_AFTER_PRISON = "lowered_tolerance_after_prison"
    MIXING_SUBSTANCES = "mixing_substances"
    USING_ALONE = "using_alone"
    EARLIER_OVERDOSE = "earlier_overdose"
    OTHER = "other"


class ContactKind(StrEnum):
    RELATIVE = "relative"  # a relative of the person who has consented (scope meetings or full)
    UNIT = "unit"  # a unit known to Helhet (the clinic, the municipal service, the emergency ward ...)
    PROFESSIONAL = "professional"  # a named professional outside Helhet, with a phone number


class SharedHow(StrEnum):
    PAPER = "paper"
    DIGITAL = "digital"  # a digital channel the person uses, such as helsenorge
    IN_PERSON = "in_person"  # gone through together, the person keeps their own copy


class CrisisPlan(Base):
    """One version of a person's crisis plan. Rows are never updated; a change is a new version."""

    __tablename__ = "crisis_plan"
    # unique: two people saving at once cannot both write the next version
    __table_args__ = (UniqueConstraint("person_id", "version_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    version_no: Mapped[int]  # 1, 2, 3 ... per person
    made_on: Mapped[date]  # the day this version was agreed with the person
    review_by: Mapped[date | None]  # after this day the plan counts as out of date
    warning_signs: Mapped[list[str]] = mapped_column(default=list)
    what_helps: Mapped[list[str]] = mapped_column(default=list)
    what_to_avoid: Mapped[list[str]] = mapped_column(default=list)
    overdose_risk: Mapped[RiskLevel] = mapped_column(default=RiskLevel.UNKNOWN)
    overdose_factors: Mapped[list[str]] = mapped_column(default=list)  # OverdoseFactor values
    overdose_note: Mapped[str | None] = mapped_column(Text)
    # brukerstyrt innleggelse: the agreement, when the person has one (all four set, or none)
    admission_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    admission_max_days_per_stay: Mapped[int | None]
    admission_min_days_between: Mapped[int | None]
    admission_valid_until: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class CrisisPlanContact(Base):
    """Who to contact in a crisis, in the order the person wants them tried."""

    __tablename__ = "crisis_plan_contact"
    __table_args__ = (
        Index("ix_crisis_plan_contact_plan", "crisis_plan_id", "position"),
        Index("ix_crisis_plan_contact_relative", "relative_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    crisis_plan_id: Mapped[int] = mapped_column(ForeignKey("crisis_plan.id"))
    position: Mapped[int]
    kind: Mapped[ContactKind]
    relative_id: Mapped[int | None] = mapped_column(ForeignKey("relative.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    name: Mapped[str | None] = mapped_column(String(200))  # a professional outside Helhet
    phone: Mapped[str | None] = mapped_column(String(40))
    role_note: Mapped[str | None] = mapped_column(String(300))  # e.g. "ring først", "døgnåpent"


class CrisisPlanSharing(Base):
    """The person got (a copy of) this version: when, how and from whom."""

    __tablename__ = "crisis_plan_sharing"

    id: Mapped[int] = mapped_column(primary_key=True)
    crisis_plan_id: Mapped[int] = mapped_column(ForeignKey("crisis_plan.id"), index=True)
    shared_on: Mapped[date]
    how: Mapped[SharedHow]
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
