"""How atlas figures are written as text wherever they are shown: the pages, ``helhet atlas show`` and the
offline report take them from here, so one figure reads the same in all three.

Pure functions of a value (or an atlas row) and the language; no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from helhet.i18n import Language

MISSING = "–"


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


__all__ = ["MISSING", "observed_expected", "ratio"]
