"""Words for coded values (levels of care, outcomes, statuses...) in the user's language.

Codes are stored in English snake case; every code shown on a page goes through ``label`` so it is never
shown raw. Options for a ``<select>`` keep the enum's own order. The core's words are here; each coordination
domain keeps its own in ``labels/<domain>.py`` (``LABELS`` and ``LABELLED``), merged below.
"""

from __future__ import annotations

from enum import StrEnum

from helhet.assessments.models import HeardHow, Outcome, RiskLevel, WishDifferenceReason
from helhet.i18n import N_, Language, gettext
from helhet.pathways.models import EndReason
from helhet.persons.models import Sex
from helhet.reference.units import CareLevel
from helhet.referrals.deadlines import Condition
from helhet.referrals.models import ReferralStatus, ReferrerKind, Substance
from helhet.users.models import Role

LABELS: dict[str, str] = {
    # CareLevel
    "detox": N_("Detoxification"),
    "outpatient": N_("Outpatient"),
    "ambulant": N_("Ambulant (ACT/FACT)"),
    "day": N_("Day treatment"),
    "inpatient_short": N_("Inpatient, short term"),
    "inpatient_long": N_("Inpatient, long term"),
    "user_controlled_bed": N_("User-controlled bed"),
    "lar": N_("Opioid agonist treatment (LAR)"),
    # ReferrerKind
    "gp": N_("GP"),
    "municipal_service": N_("Municipal service"),
    "specialist": N_("Specialist health service"),
    "emergency": N_("Emergency service"),
    "self": N_("Self-referral"),
    # Substance
    "alcohol": N_("Alcohol"),
    "opioids": N_("Opioids"),
    "cannabis": N_("Cannabis"),
    "stimulants": N_("Stimulants"),
    "benzodiazepines": N_("Benzodiazepines"),
    "other_medicines": N_("Other medicines"),
    "hallucinogens": N_("Hallucinogens"),
    "solvents": N_("Solvents"),
    "anabolic_steroids": N_("Anabolic steroids"),
    "gambling": N_("Gambling"),
    "other": N_("Other"),
    # ReferralStatus and Outcome
    "received": N_("Awaiting assessment"),
    "returned": N_("Returned to referrer"),
    "granted": N_("Granted"),
    "rejected": N_("Rejected"),
    "closed": N_("Closed"),
    # WishDifferenceReason
    "clinical_judgement": N_("Clinical judgement"),
    "level_not_available": N_("The wished level is not available"),
    "wish_not_feasible": N_("The wish cannot be met"),
    "person_changed_mind": N_("The person changed their mind"),
    # HeardHow
    "in_person": N_("In person"),
    "video": N_("Video"),
    "phone": N_("Phone"),
    "referral_only": N_("Only through the referral"),
    "not_heard": N_("Not heard"),
    # RiskLevel
    "low": N_("Low"),
    "moderate": N_("Moderate"),
    "high": N_("High"),
    "unknown": N_("Unknown"),
    # EndReason
    "planned_completion": N_("Planned completion"),
    "dropout": N_("Dropped out"),
    "rule_breach": N_("Discharged for breach of rules"),
    "transferred": N_("Transferred"),
    "non_attendance": N_("Non-attendance"),
    "died": N_("Died"),
    # Condition
    "alcohol_dependence": N_("Alcohol dependence"),
    "opioid_dependence": N_("Opioid dependence"),
    # Sex
    "female": N_("Female"),
    "male": N_("Male"),
    # Role
    "coordinator": N_("Coordinator"),
    "clinician": N_("Clinician"),
    "unit_leader": N_("Unit leader"),
    "analyst": N_("Analyst"),
    "admin": N_("Administrator"),
    # Timeline event kinds
    "referral": N_("Referral"),
    "assessment": N_("Assessment"),
    "episode": N_("Episode of care"),
}

#: enums whose every value must have a label (tests/web/test_i18n.py checks)
LABELLED: tuple[type[StrEnum], ...] = (
    CareLevel,
    ReferrerKind,
    Substance,
    ReferralStatus,
    Outcome,
    WishDifferenceReason,
    HeardHow,
    RiskLevel,
    EndReason,
    Condition,
    Sex,
    Role,
)


def _merge_domains() -> None:
    from helhet.web.labels import (
        appointments,
        atlas,
        careplans,
        crisis_plans,
        handovers,
        mapping,
        relatives,
        tasks,
        vedtak,
    )

    global LABELLED
    for domain in (appointments, atlas, careplans, crisis_plans, handovers, mapping, relatives, tasks, vedtak):
        for code, text in domain.LABELS.items():
            LABELS.setdefault(code, text)  # a code shared by two enums keeps its first word
        LABELLED = (*LABELLED, *domain.LABELLED)


_merge_domains()


def label(lang: Language, code: object) -> str:
    """The word for a code; unknown codes (a new event kind) are shown with underscores as spaces."""
    if code is None or code == "":
        return ""
    text = code.value if isinstance(code, StrEnum) else str(code)
    known = LABELS.get(text)
    return gettext(lang, known) if known else text.replace("_", " ").capitalize()


def options(lang: Language, enum: type[StrEnum]) -> list[tuple[str, str]]:
    return [(member.value, label(lang, member)) for member in enum]
