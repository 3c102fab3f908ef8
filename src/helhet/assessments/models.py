"""Assessment of a referral: rights, start deadline, the assigned level beside the person's wish, and why."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from helhet.db import Base
from helhet.reference.units import CareLevel
from helhet.referrals.deadlines import Condition


class Outcome(StrEnum):
    GRANTED = "granted"  # right to necessary care, with an individual start deadline (juridisk frist)
    REJECTED = "rejected"
    RETURNED = "returned"  # returned to the referrer for more information


class WishDifferenceReason(StrEnum):
    CLINICAL_JUDGEMENT = "clinical_judgement"
    LEVEL_NOT_AVAILABLE = "level_not_available"
    WISH_NOT_FEASIBLE = "wish_not_feasible"
    PERSON_CHANGED_MIND = "person_changed_mind"
    OTHER = "other"


class HeardHow(StrEnum):
    IN_PERSON = "in_person"
    VIDEO = "video"
    PHONE = "phone"
    REFERRAL_ONLY = "referral_only"  # only through what the referral says
    NOT_HEARD = "not_heard"


class RiskLevel(StrEnum):
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"
    UNKNOWN = "unknown"


ELEVATED_RISK = frozenset({RiskLevel.MODERATE, RiskLevel.HIGH})


class Assessment(Base):
    __tablename__ = "assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    assessed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    assessed_on: Mapped[date]
    outcome: Mapped[Outcome]
    condition: Mapped[Condition | None]
    assigned_level: Mapped[CareLevel | None]
    guideline_deadline: Mapped[date | None]
    start_deadline: Mapped[date | None]
    deadline_reason: Mapped[str | None] = mapped_column(Text)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    advice_to_referrer: Mapped[str | None] = mapped_column(Text)
    # structured dimensions, 0 (none) to 4 (severe), after the ASAM pattern (DOMAIN.md §12)
    withdrawal_risk: Mapped[int | None]
    somatic_health: Mapped[int | None]
    mental_health: Mapped[int | None]
    readiness: Mapped[int | None]
    relapse_risk: Mapped[int | None]
    living_situation: Mapped[int | None]
    overdose_risk: Mapped[RiskLevel] = mapped_column(default=RiskLevel.UNKNOWN)
    suicide_risk: Mapped[RiskLevel] = mapped_column(default=RiskLevel.UNKNOWN)
    heard_how: Mapped[HeardHow]
    heard_note: Mapped[str | None] = mapped_column(Text)
    wished_level: Mapped[CareLevel | None]  # copied from the referral, so the decision stands beside the wish
    wish_difference_reason: Mapped[WishDifferenceReason | None]
    wish_difference_note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def wish_concordant(self) -> bool | None:
        if self.wished_level is None or self.assigned_level is None:
            return None
        return self.wished_level == self.assigned_level


__all__ = ["Assessment", "HeardHow", "Outcome", "RiskLevel", "WishDifferenceReason"]
