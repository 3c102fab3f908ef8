"""Episodes of care (one per level of care) and the person's care team across organisations."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from helhet.db import Base
from helhet.reference.units import CareLevel


class EndReason(StrEnum):
    PLANNED_COMPLETION = "planned_completion"
    DROPOUT = "dropout"
    RULE_BREACH = "rule_breach"  # discharged for breach of house rules
    TRANSFERRED = "transferred"
    NON_ATTENDANCE = "non_attendance"  # needs a recorded outreach attempt first
    DIED = "died"
    OTHER = "other"


class Episode(Base):
    __tablename__ = "episode"
    __table_args__ = (
        Index("ix_episode_person_start", "person_id", "started_on"),
        Index("ix_episode_unit_open", "unit_id", "ended_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    level: Mapped[CareLevel]
    started_on: Mapped[date]
    ended_on: Mapped[date | None]
    end_reason: Mapped[EndReason | None]
    end_note: Mapped[str | None] = mapped_column(Text)
    responsible_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    recorded_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class TeamRole(StrEnum):
    COORDINATOR = "coordinator"  # koordinator (hol § 7-2)
    PATHWAY_COORDINATOR = "pathway_coordinator"  # forløpskoordinator in TSB
    THERAPIST = "therapist"
    DOCTOR = "doctor"
    LAR_DOCTOR = "lar_doctor"
    GP = "gp"
    NAV_CONTACT = "nav_contact"
    HOUSING_CONTACT = "housing_contact"
    MUNICIPAL_CONTACT = "municipal_contact"
    PEER_WORKER = "peer_worker"  # erfaringskonsulent
    PRIVATE_PROVIDER = "private_provider"
    OTHER = "other"


class CareTeamMember(Base):
    """A unit (and optionally a named person in it) on the person's care team. Grants access while current."""

    __tablename__ = "care_team_member"
    __table_args__ = (Index("ix_care_team_person_unit", "person_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(200))  # for members without a user account
    role: Mapped[TeamRole]
    from_date: Mapped[date]
    to_date: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
