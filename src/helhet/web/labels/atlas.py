"""Words for the coded values of the atlas pages.

The atlas's codes (levels, direction of better, funnel flags) are plain words such as ``unit``, ``missing`` or
``within`` that other domains use with other meanings, so they are kept here in dictionaries of their own and
looked up by ``web/atlas.py``, not merged into the shared ``LABELS``.
"""

from __future__ import annotations

from enum import StrEnum

from helhet.i18n import N_

LABELS: dict[str, str] = {}

#: enums whose every value must have a label (tests/web/test_i18n.py checks)
LABELLED: tuple[type[StrEnum], ...] = ()

#: geography levels (``analytics.indicators.LEVELS`` and the national row)
LEVEL_NAMES: dict[str, str] = {
    "rhf": N_("Regional health authority (RHF)"),
    "hf": N_("Health trust (HF)"),
    "area": N_("Referral area"),
    "municipality": N_("Municipality"),
    "unit": N_("Treating unit"),
    "national": N_("Norway"),
}

#: the same levels in the plural, for headings and summaries ("3 of 21 referral areas")
LEVEL_PLURALS: dict[str, str] = {
    "rhf": N_("regional health authorities"),
    "hf": N_("health trusts"),
    "area": N_("referral areas"),
    "municipality": N_("municipalities"),
    "unit": N_("treating units"),
}

#: ``Indicator.better``
BETTER: dict[str, str] = {
    "higher": N_("Higher is better"),
    "lower": N_("Lower is better"),
    "neither": N_("Neither higher nor lower is better in itself"),
}

#: funnel flags (``atlas._funnel_flags``)
FLAGS: dict[str, str] = {
    "within": N_("Within"),
    "above": N_("Above"),
    "below": N_("Below"),
    "missing": N_("Not assessed"),
}

#: ``Indicator.kind``
KINDS: dict[str, str] = {
    "proportion": N_("Share"),
    "rate": N_("Rate per 10,000 adults, standardised for age and sex"),
    "quantile": N_("Median"),
}
