"""Referrals to TSB and the person's own voice in them: the wished level of care and what matters to them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from helhet.db import Base
from helhet.reference.units import CareLevel


class ReferrerKind(StrEnum):
    GP = "gp"
    MUNICIPAL_SERVICE = "municipal_service"
    SPECIALIST = "specialist"  # another specialist unit (hospital, DPS, other TSB unit)
    EMERGENCY = "emergency"  # legevakt / emergency department
    SELF = "self"  # self-referral, where the rules allow it (e.g. user-controlled bed agreements)


class Substance(StrEnum):
    ALCOHOL = "alcohol"
    OPIOIDS = "opioids"
    CANNABIS = "cannabis"
    STIMULANTS = "stimulants"  # amphetamine, methamphetamine, cocaine
    BENZODIAZEPINES = "benzodiazepines"
    OTHER_MEDICINES = "other_medicines"
    HALLUCINOGENS = "hallucinogens"
    SOLVENTS = "solvents"
    ANABOLIC_STEROIDS = "anabolic_steroids"
    GAMBLING = "gambling"
    OTHER = "other"


class ReferralStatus(StrEnum):
    RECEIVED = "received"  # awaiting assessment
    RETURNED = "returned"  # sent back to the referrer for more information
    GRANTED = "granted"  # right to necessary care granted; waiting or in treatment
    REJECTED = "rejected"
    CLOSED = "closed"  # treatment ended, or withdrawn


OPEN_STATUSES = frozenset({ReferralStatus.RECEIVED, ReferralStatus.RETURNED, ReferralStatus.GRANTED})


class Referral(Base):
    __tablename__ = "referral"
    __table_args__ = (
        Index("ix_referral_person_received", "person_id", "received_on"),
        Index("ix_referral_unit_status", "receiving_unit_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    receiving_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    referrer_kind: Mapped[ReferrerKind]
    referrer_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    referrer_name: Mapped[str | None] = mapped_column(String(200))
    received_on: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    substances: Mapped[list[str]] = mapped_column(default=list)
    primary_substance: Mapped[Substance]
    rop: Mapped[bool] = mapped_column(default=False)  # co-occurring mental illness
    pregnant: Mapped[bool] = mapped_column(default=False)
    injecting: Mapped[bool] = mapped_column(default=False)
    under_23: Mapped[bool] = mapped_column(default=False)  # derived: age at receipt
    # the person's own voice, recorded before any decision
    wished_level: Mapped[CareLevel | None]
    what_matters: Mapped[str | None] = mapped_column(Text)
    previous_referral_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id"))
    status: Mapped[ReferralStatus] = mapped_column(default=ReferralStatus.RECEIVED)
    assessment_due: Mapped[date]
    closed_on: Mapped[date | None]
    registered_at: Mapped[datetime]
    registered_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
