"""Handovers between units with their checklist, and discharges (with the handover, or flagged without one).

A handover is created by the sending unit and is ``pending`` until the receiving unit accepts or declines it.
**Until it is accepted, the sending unit keeps responsibility** (``transitions.service.responsible_unit``).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from helhet.db import Base


class HandoverKind(StrEnum):
    ADMISSION = "admission"  # e.g. the municipal service hands over to an inpatient unit
    DISCHARGE = "discharge"  # from inpatient care back to the municipality / outpatient care
    TRANSFER = "transfer"  # between units or levels of care
    END_OF_TREATMENT_TO_AFTERCARE = "end_of_treatment_to_aftercare"


class HandoverStatus(StrEnum):
    PENDING = "pending"  # awaits the receiver; the sender is responsible
    ACCEPTED = "accepted"  # the receiver is responsible
    DECLINED = "declined"  # with a reason; the sender stays responsible
    CANCELLED = "cancelled"  # withdrawn by the sender, with a reason


class ChecklistItem(StrEnum):
    DISCHARGE_SUMMARY_SENT = "discharge_summary_sent"  # epikrise
    MEDICATION_LIST_SENT = "medication_list_sent"  # with the LAR dose when the person is in LAR
    CRISIS_PLAN_SHARED = "crisis_plan_shared"  # updated and shared with the person
    FOLLOWUP_BOOKED = "followup_booked"  # first appointment with the receiving service
    HOUSING_ARRANGED = "housing_arranged"
    INCOME_ARRANGED = "income_arranged"  # income / NAV
    RELATIVES_INFORMED = "relatives_informed"  # only with consent of scope meetings or full


class Handover(Base):
    __tablename__ = "handover"
    __table_args__ = (
        Index("ix_handover_to_unit_status", "to_unit_id", "status", "acceptance_due"),
        Index("ix_handover_from_unit_status", "from_unit_id", "status", "acceptance_due"),
        Index("ix_handover_status_due", "status", "acceptance_due"),
        Index("ix_handover_person", "person_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[HandoverKind]
    from_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    to_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episode.id"))  # the sending unit's episode
    planned_on: Mapped[date]
    status: Mapped[HandoverStatus] = mapped_column(default=HandoverStatus.PENDING)
    # the receiver must accept by this day: N working days after creation, or the planned day if earlier
    acceptance_due: Mapped[date]
    receiver_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))  # named receiver, if known
    note: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None]  # accepted, declined or cancelled
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decision_reason: Mapped[str | None] = mapped_column(Text)  # why declined or cancelled; a note on acceptance
    escalated_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    updated_at: Mapped[datetime]  # any change, a checklist tick included (so the version moves)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class HandoverChecklistItem(Base):
    """One line of a handover's checklist; every handover gets all of them at creation."""

    __tablename__ = "handover_checklist_item"
    __table_args__ = (UniqueConstraint("handover_id", "item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    handover_id: Mapped[int] = mapped_column(ForeignKey("handover.id"))
    item: Mapped[ChecklistItem]
    done: Mapped[bool] = mapped_column(default=False)
    done_on: Mapped[date | None]
    done_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    note: Mapped[str | None] = mapped_column(Text)
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointment.id"))  # the booked follow-up
    relative_id: Mapped[int | None] = mapped_column(ForeignKey("relative.id"))  # the relative informed
    crisis_plan_id: Mapped[int | None] = mapped_column(ForeignKey("crisis_plan.id"))  # the version shared
    lar_dose_included: Mapped[bool | None]  # medication list: the LAR dose was on it


class Discharge(Base):
    """How an episode ended through ``transitions.discharge``: with an accepted handover, or flagged without one."""

    __tablename__ = "discharge"
    __table_args__ = (Index("ix_discharge_flagged", "without_accepted_handover", "discharged_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id"), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    discharged_on: Mapped[date]
    handover_id: Mapped[int | None] = mapped_column(ForeignKey("handover.id"))
    without_accepted_handover: Mapped[bool] = mapped_column(default=False)  # the flag
    reason_without_handover: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
