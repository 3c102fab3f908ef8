"""Words for the coded values of the mapping pages (merged into ``helhet.web.labels.LABELS``)."""

from __future__ import annotations

from enum import StrEnum

from helhet.i18n import N_
from helhet.mapping.instruments import BandCode
from helhet.mapping.models import Activity, ChildrenAnswer, Examiner, Income, MappingArea, Network, ScreeningStatus
from helhet.persons.models import HousingStatus

LABELS: dict[str, str] = {
    # MappingArea
    "substance_use": N_("Substance use (AUDIT/DUDIT)"),
    "mental_health": N_("Mental health"),
    "somatic": N_("Somatic health"),
    "situation": N_("Overall situation"),
    # ScreeningStatus
    "not_screened": N_("Not screened"),
    "screened_no_findings": N_("Screened, no findings"),
    "screened_findings_referred": N_("Screened, findings: referred for assessment"),
    "screened_findings_followed_up": N_("Screened, findings: followed up here"),
    "diagnosed": N_("Diagnostic assessment made"),
    # Examiner ("gp" is in the core labels)
    "municipal_doctor": N_("Municipal doctor"),
    "specialist_doctor": N_("Doctor in the specialist health service"),
    "nurse": N_("Nurse"),
    # Income, Activity, Network ("other", "unknown" are in the core labels)
    "work": N_("Work"),
    "benefits": N_("Benefits (AAP, disability, sick pay)"),
    "social_assistance": N_("Financial social assistance"),
    "pension": N_("Pension"),
    "student": N_("Student loan and grant"),
    "none": N_("None"),
    "education": N_("Education"),
    "work_training": N_("Work training (NAV measure)"),
    "day_activity": N_("Day centre or activity offer"),
    "relatives_and_friends": N_("Relatives and friends"),
    "relatives": N_("Relatives"),
    "friends": N_("Friends"),
    "substance_milieu_only": N_("Mostly people who use substances"),
    # ChildrenAnswer
    "yes": N_("Yes"),
    "no": N_("No"),
    "declined_to_answer": N_("Did not want to answer"),
    # BandCode (the words of mapping/instruments.py)
    "low_risk": N_("Low risk"),
    "hazardous": N_("Hazardous drinking"),
    "harmful": N_("Harmful drinking"),
    "possible_dependence": N_("Possible dependence"),
    "no_drug_problems": N_("No sign of drug-related problems"),
    "drug_problems": N_("Probable drug-related problems"),
    "probable_dependence": N_("Probable dependence"),
    # HousingStatus
    "own_home": N_("Own home"),
    "rented": N_("Rented home"),
    "temporary": N_("Temporary housing"),
    "homeless": N_("Homeless"),
    "institution": N_("Institution"),
    "prison": N_("Prison"),
}

#: enums whose every value must have a label (tests/web/test_i18n.py checks)
LABELLED: tuple[type[StrEnum], ...] = (
    MappingArea,
    ScreeningStatus,
    Examiner,
    Income,
    Activity,
    Network,
    ChildrenAnswer,
    BandCode,
    HousingStatus,
)
