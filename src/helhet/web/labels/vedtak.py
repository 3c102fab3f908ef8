"""Words for the coded values of the vedtak pages (merged into ``helhet.web.labels.LABELS``)."""

from __future__ import annotations

from enum import StrEnum

from helhet.i18n import N_
from helhet.vedtak.models import ServiceType, VedtakStatus, VolumeUnit

LABELS: dict[str, str] = {
    # ServiceType
    "practical_help": N_("Practical help"),
    "daily_life_training": N_("Training in daily life skills"),
    "home_health_care": N_("Home health care"),
    "personal_assistance": N_("Personal assistance"),
    "housing_assistance": N_("Help to get or keep a home"),
    "temporary_accommodation": N_("Temporary accommodation"),
    "supported_housing": N_("Supported housing"),
    "day_activity": N_("Day activity"),
    "institution": N_("Place in an institution"),
    "financial_assistance": N_("Financial assistance"),
    # VolumeUnit
    "hours_per_week": N_("Hours per week"),
    "units_per_week": N_("Visits, days or nights per week"),
    # VedtakStatus
    "active": N_("Active"),
    "ended": N_("Ended"),
    "withdrawn": N_("Withdrawn"),
}

#: enums whose every value must have a label (tests/web/test_i18n.py checks)
LABELLED: tuple[type[StrEnum], ...] = (ServiceType, VolumeUnit, VedtakStatus)
