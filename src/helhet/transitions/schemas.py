"""Input and output shapes of handovers, their checklist, worklist rows, discharges and follow-up."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from helhet.pathways.models import EndReason
from helhet.transitions.models import ChecklistItem, HandoverKind, HandoverStatus


class HandoverCreate(BaseModel):
    person_id: int
    kind: HandoverKind
    from_unit_id: int  # the sending unit: the actor works there
    to_unit_id: int
    planned_on: date
    episode_id: int | None = None  # the sending unit's episode, when there is one
    receiver_user_id: int | None = None  # a named receiver in the receiving unit, when known
    note: str | None = Field(default=None, max_length=5000)


class HandoverAccept(BaseModel):
    note: str | None = Field(default=None, max_length=2000)
    version: int | None = None


class HandoverDecline(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)
    version: int | None = None


class ReceiverName(BaseModel):
    """Name (or change) the person in the receiving unit who receives the handover (ROP-13)."""

    receiver_user_id: int
    version: int | None = None  # the handover's version


class ChecklistTick(BaseModel):
    """Tick (``done=true``) or untick a checklist item. Some items take a link or a confirmation."""

    done: bool = True
    done_on: date | None = None  # today when not given
    note: str | None = Field(default=None, max_length=2000)
    appointment_id: int | None = None  # followup_booked: the appointment with the receiving unit
    relative_id: int | None = None  # relatives_informed: who was told (needs consent of scope meetings or full)
    lar_dose_included: bool | None = None  # medication_list_sent, for a person in LAR
    version: int | None = None  # the handover's version


class ChecklistItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    item: ChecklistItem
    done: bool
    done_on: date | None
    done_by: int | None
    note: str | None
    appointment_id: int | None
    relative_id: int | None
    crisis_plan_id: int | None
    lar_dose_included: bool | None


class HandoverRead(BaseModel):
    id: int
    person_id: int
    kind: HandoverKind
    from_unit_id: int
    to_unit_id: int
    episode_id: int | None
    planned_on: date
    status: HandoverStatus
    responsible_unit_id: int  # the sender until the receiver accepts
    acceptance_due: date
    overdue: bool
    receiver_user_id: int | None
    note: str | None
    decided_at: datetime | None
    decided_by: int | None
    decision_reason: str | None
    escalated_at: datetime | None
    created_at: datetime
    created_by: int | None
    checklist: list[ChecklistItemRead]
    version: int


class HandoverRow(BaseModel):
    """One line of the incoming or outgoing handover list (one query)."""

    handover_id: int
    person_id: int
    person_name: str
    kind: HandoverKind
    from_unit_id: int
    from_unit_name: str
    to_unit_id: int
    to_unit_name: str
    planned_on: date
    acceptance_due: date
    overdue: bool
    escalated_at: datetime | None
    checklist_done: int
    checklist_total: int
    version: int


class Responsibility(BaseModel):
    """Who holds responsibility for the person now, and why."""

    person_id: int
    unit_id: int | None
    unit_name: str | None
    source: str  # handover_pending, handover_declined, handover_accepted, episode, none
    handover_id: int | None
    awaiting_unit_id: int | None  # a pending handover's receiver


class DischargeCreate(BaseModel):
    ended_on: date
    end_reason: EndReason
    end_note: str | None = Field(default=None, max_length=2000)
    handover_id: int | None = None
    reason_without_handover: str | None = Field(default=None, max_length=2000)
    version: int | None = None  # the episode's version


class DischargeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    episode_id: int
    person_id: int
    unit_id: int
    discharged_on: date
    handover_id: int | None
    without_accepted_handover: bool
    reason_without_handover: str | None
    recorded_at: datetime
    recorded_by: int | None


class FollowUpAfterDischarge(BaseModel):
    """Did the person attend an appointment within the set days after leaving inpatient care?"""

    episode_id: int
    unit_id: int
    discharged_on: date
    window_ends_on: date
    attended_on: date | None  # the first attended appointment after discharge, if any
    # named for the default of settings.followup_after_discharge_days; None while the window is open
    within_7_days: bool | None
