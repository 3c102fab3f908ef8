"""The offline report's texts in the report's language: the definition list, the summaries of each indicator,
level and trend, and the notes on what the store could not give (``report.py`` lays them out).

Every text is a gettext source (``locale/babel.cfg`` extracts this module); the figures in them are written by
``formats`` as the pages write them, and the levels named with the pages' words.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import polars as pl

from helhet.analytics import formats
from helhet.analytics.atlas import Atlas
from helhet.analytics.formats import BETTER, KINDS, LEVEL_PLURALS, MISSING
from helhet.analytics.indicators import BY_CODE, Indicator
from helhet.i18n import Language, format_number, gettext


def name(indicator: Indicator, lang: Language) -> str:
    return indicator.name_nb if lang == "nb" else indicator.name_en


def definition(lang: Language, indicator: Indicator) -> list[tuple[str, str]]:
    """The catalogue page's definition list (its English is the gettext source, as on the pages)."""
    _ = partial(gettext, lang)
    return [
        (_("Counted"), _(indicator.numerator)),
        (_("Out of"), _(indicator.denominator)),
        (_("Left out"), _(indicator.exclusions)),
        (_("Period"), _(indicator.period)),
        (_("Statistic"), _(KINDS[indicator.kind])),
        (_("Better"), _(BETTER[indicator.better])),
        (_("Source"), indicator.source),
    ]


def national_summary(lang: Language, indicator: Indicator, row: dict[str, Any] | None, year: int) -> str:
    _ = partial(gettext, lang)
    if row is None or row.get("value") is None:
        return _("No national value for this year.")
    n = format_number(row["n"], lang) if row.get("n") is not None else MISSING
    value = formats.figure(indicator.kind, row["value"], lang)
    return _("Norway %(year)s: %(value)s (n = %(n)s).") % {"year": year, "value": value, "n": n}


def spread(lang: Language, indicator: Indicator, level: str, shown: pl.DataFrame) -> str:
    """The spread of the values shown, with the extremes as the ranked table has them (of equal values, the
    first by name)."""
    _ = partial(gettext, lang)
    plural = _(LEVEL_PLURALS[level])
    if shown.height == 0:
        if level == "unit" and indicator.kind == "rate":
            return _(
                "Rates per population have no meaning for a treating unit, which serves no population of its own: "
                "the table gives the number of cases."
            )
        return _("No value of the %(level)s can be shown.") % {"level": plural}
    low = shown.sort("value", "name").row(0, named=True)
    high = shown.sort("value", "name", descending=[True, False]).row(0, named=True)
    low_value, high_value = (formats.figure(indicator.kind, r["value"], lang) for r in (low, high))
    if shown.height == 1:
        text = _("%(level)s with a value shown: only %(name)s, %(value)s.")
        return text % {"level": plural.capitalize(), "name": low["name"], "value": low_value}
    if low["value"] == high["value"]:
        text = _("All %(count)s %(level)s with a value shown have %(value)s.")
        return text % {"count": shown.height, "level": plural, "value": low_value}
    text = _("%(level)s range from %(low)s (%(low_name)s) to %(high)s (%(high_name)s).")
    return text % {
        "level": plural.capitalize(),
        "low": low_value,
        "low_name": low["name"],
        "high": high_value,
        "high_name": high["name"],
    }


def level_summary(
    lang: Language, indicator: Indicator, level: str, rows: pl.DataFrame, year: int, years: list[int]
) -> str:
    """The text summary of one level: the range with its extremes, the funnel flags, how many are suppressed."""
    _ = partial(gettext, lang)
    plural = _(LEVEL_PLURALS[level])
    if rows.height == 0:
        text = _("No data for %(level)s in %(where)s in %(year)s. Years with data for this indicator: %(years)s.")
        where = _("Norway")
        return text % {"level": plural, "where": where, "year": year, "years": ", ".join(map(str, years))}
    parts = [spread(lang, indicator, level, rows.filter(pl.col("value").is_not_null() & pl.col("value").is_not_nan()))]
    if "flag_998" in rows.columns:
        counted = rows.filter(pl.col("n").is_not_null() & (pl.col("n") > 0))  # the funnel's rows, as on the pages
        for side, text in (
            ("above", _("%(count)s of %(total)s %(level)s above the 99.8 %% limit: %(names)s.")),
            ("below", _("%(count)s of %(total)s %(level)s below the 99.8 %% limit: %(names)s.")),
        ):
            names = sorted(counted.filter(pl.col("flag_998") == side)["name"].to_list())
            if names:
                parts.append(
                    text % {"count": len(names), "total": counted.height, "level": plural, "names": ", ".join(names)}
                )
    suppressed = int(rows["suppressed"].sum()) if "suppressed" in rows.columns else 0
    if suppressed:
        text = _("%(count)s of %(total)s %(level)s are suppressed (small counts, or a total that would reveal them).")
        parts.append(text % {"count": suppressed, "total": rows.height, "level": plural})
    return " ".join(parts)


def left_out(lang: Language, atlas: Atlas) -> list[str]:
    """The indicators the store could not give (``atlas.notes``: "code: left out (needs ...)"), named in the
    report's language; a note about something else as it is."""
    _ = partial(gettext, lang)
    result = []
    for note in atlas.notes:
        indicator = BY_CODE.get(note.split(":", 1)[0])
        if indicator is None:
            result.append(note)
            continue
        text = _("%(name)s: needs %(tables)s")
        result.append(text % {"name": name(indicator, lang), "tables": ", ".join(indicator.needs)})
    return result


def trend_summary(lang: Language, years: list[int], national: list[str] | None) -> str:
    """Norway's first and last year as the trend table has them (the table has every year)."""
    _ = partial(gettext, lang)
    if not national:
        return _("No national value for these years.")
    text = _("%(series)s: %(first)s in %(first_year)s and %(last)s in %(last_year)s.")
    return text % {
        "series": _("Norway"),
        "first": national[0],
        "first_year": years[0],
        "last": national[-1],
        "last_year": years[-1],
    }
