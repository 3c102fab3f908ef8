"""Words for the coded values of the tasks pages (merged into ``helhet.web.labels.LABELS``)."""

from __future__ import annotations

from enum import StrEnum

from helhet.i18n import N_
from helhet.tasks.models import TaskKind, TaskStatus

LABELS: dict[str, str] = {
    # TaskStatus
    "open": N_("Open"),
    "in_progress": N_("In progress"),
    "done": N_("Done"),
    "cancelled": N_("Cancelled"),
    # TaskKind
    "general": N_("General"),
    "outreach": N_("Outreach after a missed appointment"),
    "somatic_follow_up": N_("Somatic follow-up"),
    "handover": N_("Handover"),
    "measure": N_("Measure in the plan"),
    "evaluation": N_("Evaluation"),
    "crisis_plan": N_("Crisis plan"),
    "mapping": N_("Mapping"),
    "children": N_("The children's needs"),
}

#: enums whose every value must have a label (tests/web/test_i18n.py checks)
LABELLED: tuple[type[StrEnum], ...] = (TaskKind, TaskStatus)
