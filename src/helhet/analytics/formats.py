"""How atlas figures and coded values are written as text wherever they are shown: the pages, ``helhet atlas
show`` and the offline report take them from here, so one figure reads the same in all three.

Pure functions of a value (or an atlas row) and the language; no I/O. The words for the atlas's codes (levels,
direction of better, funnel flags, kinds) are English gettext sources (``N_``): translate them with
``i18n.gettext`` in the language shown. They are kept apart from the shared ``web.labels.LABELS`` because codes
such as ``unit``, ``missing`` or ``within`` mean other things in other domains.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from helhet.i18n import N_, Language, format_number

MISSING = "–"

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


def decimal(value: float | None, lang: Language, digits: int = 1) -> str:
    """A number rounded to ``digits`` as the language writes it ("1 234,5" in bokmål, "1,234.5" in English;
    Babel drops a trailing zero), "–" when missing or NaN."""
    if value is None or value != value:
        return MISSING
    return format_number(round(value, digits), lang)


def figure(kind: str, value: float | None, lang: Language) -> str:
    """An indicator's value: a share in percent with one decimal ("53,3 %"), a rate or a quantile with one
    decimal ("12,5"); "–" when missing or NaN."""
    if value is None or value != value:
        return MISSING
    if kind == "proportion":
        return f"{decimal(value * 100, lang)} %"
    return decimal(value, lang)


def ratio(value: float | None, lang: Language = "en") -> str:
    """An O/E ratio with two decimals ("1.23"; "1,23" in bokmål), "–" when missing or NaN.

    Always two decimals, so a column of ratios lines up and 1.20 is not shown as 1.2."""
    if value is None or value != value:
        return MISSING
    text = f"{value:.2f}"
    return text.replace(".", ",") if lang == "nb" else text


def observed_expected(row: Mapping[str, Any], lang: Language = "en") -> str:
    """A rate row's indirectly standardised ratio with its exact 95 % interval, from the columns ``sir``,
    ``sir_lower`` and ``sir_upper``: "1.23 (1.10 – 1.37)". "–" when any is missing (a treating unit has no
    population, so no expected count; a suppressed row has none of them)."""
    sir, lower, upper = row.get("sir"), row.get("sir_lower"), row.get("sir_upper")
    if MISSING in (ratio(sir), ratio(lower), ratio(upper)):
        return MISSING
    return f"{ratio(sir, lang)} ({ratio(lower, lang)} – {ratio(upper, lang)})"


__all__ = [
    "BETTER",
    "FLAGS",
    "KINDS",
    "LEVEL_NAMES",
    "LEVEL_PLURALS",
    "MISSING",
    "decimal",
    "figure",
    "observed_expected",
    "ratio",
]
