"""Words for the coded values of the care team and care plan pages (merged into ``helhet.web.labels.LABELS``)."""

from __future__ import annotations

from enum import StrEnum

from helhet.careplans.models import (
    EvaluationOutcome,
    GoalStatus,
    IpStatus,
    MeasureStatus,
    OfferAnswer,
    Participation,
    PlanStatus,
)
from helhet.careplans.schemas import OrganisationKind
from helhet.i18n import N_
from helhet.pathways.models import TeamRole

LABELS: dict[str, str] = {
    # TeamRole ("coordinator", "gp" and "other" are in the core's words)
    "pathway_coordinator": N_("Pathway coordinator (TSB)"),
    "therapist": N_("Therapist"),
    "doctor": N_("Doctor"),
    "lar_doctor": N_("LAR doctor"),
    "nav_contact": N_("NAV contact"),
    "housing_contact": N_("Housing contact"),
    "municipal_contact": N_("Municipal contact"),
    "peer_worker": N_("Peer worker"),
    "private_provider": N_("Private or non-profit provider"),
    # OrganisationKind ("specialist" is in the core's words)
    "municipal": N_("Municipality"),
    "private": N_("Private or non-profit"),
    # IpStatus and OfferAnswer
    "not_asked": N_("Not asked"),
    "offered": N_("Offered"),
    "accepted": N_("Accepted"),
    "declined": N_("Declined"),
    # Participation
    "participated": N_("Made the plan together with the service"),
    "confirmed": N_("Confirmed the plan"),
    "signed": N_("Signed the plan"),
    # PlanStatus, GoalStatus, MeasureStatus, EvaluationOutcome ("closed" is in the core's words)
    "active": N_("Active"),
    "achieved": N_("Achieved"),
    "dropped": N_("Dropped"),
    "stopped": N_("Stopped"),
    "progressing": N_("Progressing"),
    "no_progress": N_("No progress"),
}

#: enums whose every value must have a label (tests/web/test_i18n.py checks)
LABELLED: tuple[type[StrEnum], ...] = (
    TeamRole,
    OrganisationKind,
    IpStatus,
    OfferAnswer,
    Participation,
    PlanStatus,
    GoalStatus,
    MeasureStatus,
    EvaluationOutcome,
)
