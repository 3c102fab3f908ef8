"""Words for the coded values of the crisis_plans pages (merged into ``helhet.web.labels.LABELS``)."""

from __future__ import annotations

from enum import StrEnum

from helhet.crisis_plans.models import ContactKind, OverdoseFactor, SharedHow
from helhet.i18n import N_

LABELS: dict[str, str] = {
    # OverdoseFactor
    "lowered_tolerance_after_inpatient": N_("Lowered tolerance after an inpatient stay"),
    "lowered_tolerance_after_prison": N_("Lowered tolerance after prison"),
    "mixing_substances": N_("Mixing substances"),
    "using_alone": N_("Using alone"),
    "earlier_overdose": N_("Earlier overdose"),
    # ContactKind
    "relative": N_("Relative"),
    "unit": N_("Unit"),
    "professional": N_("Professional"),
    # SharedHow ("in_person" is in the core labels)
    "paper": N_("On paper"),
    "digital": N_("Digitally"),
}

#: enums whose every value must have a label (tests/web/test_i18n.py checks)
LABELLED: tuple[type[StrEnum], ...] = (OverdoseFactor, ContactKind, SharedHow)
