"""Words for the coded values of the relatives pages (merged into ``helhet.web.labels.LABELS``)."""

from __future__ import annotations

from enum import StrEnum

from helhet.i18n import N_
from helhet.relatives.models import ConsentScope, GivenHow, Involvement, Relationship

LABELS: dict[str, str] = {
    # Relationship
    "spouse_partner": N_("Spouse or partner"),
    "parent": N_("Parent"),
    "child": N_("Child"),
    "sibling": N_("Sibling"),
    "grandparent": N_("Grandparent"),
    "other_family": N_("Other family"),
    "friend": N_("Friend"),
    "guardian": N_("Guardian"),
    # ConsentScope
    "none": N_("No consent"),
    "general": N_("General information only"),
    "meetings": N_("May take part in meetings"),
    "full": N_("Full information"),
    # GivenHow
    "written": N_("In writing"),
    "oral": N_("Orally"),
    "digital": N_("Digitally"),
    "tacit": N_("Tacitly"),
    # Involvement
    "not_offered": N_("Not offered yet"),
    "offered": N_("Offered"),
    "accepted": N_("Accepted"),
    "declined": N_("Declined"),
}

#: enums whose every value must have a label (tests/web/test_i18n.py checks)
LABELLED: tuple[type[StrEnum], ...] = (Relationship, ConsentScope, GivenHow, Involvement)
