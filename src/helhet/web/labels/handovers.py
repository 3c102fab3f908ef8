"""Words for the coded values of the handovers pages (merged into ``helhet.web.labels.LABELS``)."""

from __future__ import annotations

from enum import StrEnum

from helhet.i18n import N_
from helhet.reference.units import UnitKind
from helhet.transitions.models import ChecklistItem, HandoverKind, HandoverStatus

LABELS: dict[str, str] = {
    # HandoverKind
    "admission": N_("Admission"),
    "discharge": N_("Discharge"),
    "transfer": N_("Transfer"),
    "end_of_treatment_to_aftercare": N_("End of treatment, to aftercare"),
    # HandoverStatus
    "pending": N_("Awaiting the receiver"),
    "accepted": N_("Accepted"),
    "declined": N_("Declined"),
    "cancelled": N_("Cancelled"),
    # ChecklistItem
    "discharge_summary_sent": N_("Discharge summary sent"),
    "medication_list_sent": N_("Medication list sent (with the LAR dose for a person in LAR)"),
    "crisis_plan_shared": N_("Crisis plan updated and shared with the person"),
    "followup_booked": N_("First follow-up appointment booked with the receiving service"),
    "housing_arranged": N_("Housing arranged"),
    "income_arranged": N_("Income and NAV arranged"),
    "relatives_informed": N_("Relatives informed (only with consent)"),
    # UnitKind (the receiving unit's group)
    "tsb_unit": N_("Specialised substance-use treatment (TSB)"),
    "private_provider": N_("Private providers"),
    "assessment_unit": N_("Assessment unit"),
    "municipal_service": N_("Municipal service"),
    "nav": N_("NAV"),
    "housing_office": N_("Housing office"),
    "gp": N_("GP"),
    "coordinating_unit": N_("Coordinating unit"),
}

#: enums whose every value must have a label (tests/web/test_i18n.py checks)
LABELLED: tuple[type[StrEnum], ...] = (HandoverKind, HandoverStatus, ChecklistItem, UnitKind)
