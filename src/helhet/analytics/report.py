"""The self-contained offline HTML report and the CSV/Parquet exports of every atlas table.

The report embeds Plotly's JavaScript from the installed package (no CDN), and gives every chart a text
summary and a table alternative (accessibility). Each indicator has a block per level (RHF, HF, referral area,
municipality, treating unit; the areas open, the others collapsed): a text summary, a map (not for units) and
the ranked table with intervals; the areas also get the funnel plot and the ranked chart.

It speaks bokmål unless asked for English (``lang``), with the pages' words: the levels, flags and kinds from
``formats``, every other text through the gettext catalogues (``locale/babel.cfg`` extracts this module, the
summaries in ``report_texts.py`` and ``templates/report.html``), and the figures written by ``formats`` as the
pages write them (a decimal comma in bokmål).

Maps are SVG drawn here from the shipped municipality polygons, as on the pages (``pages.map_shapes``): a
browser gives a page at most about 16 WebGL contexts, so Plotly's WebGL maps of the later indicators blanked
the earlier ones, and each carried the whole GeoJSON (1.4 MB a map). The outlines are in the page once
(`map_sprite`) and every map refers to them, so four maps an indicator cost about what one did.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Any

import plotly.offline
import polars as pl
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import escape

from helhet.analytics import formats, pages, plots, privacy
from helhet.analytics import report_texts as texts
from helhet.analytics.atlas import Atlas
from helhet.analytics.formats import FLAGS, KINDS, LEVEL_NAMES, LEVEL_PLURALS, MISSING
from helhet.analytics.indicators import Indicator
from helhet.i18n import DEFAULT_LANGUAGE, N_, Language, format_date, format_number, gettext, translations

#: the levels of every indicator, top down; each has a map but the unit (which has no territory)
LEVELS = ("rhf", "hf", "area", "municipality", "unit")
#: the level shown open, with the funnel plot and the ranked chart; the others are collapsed (``<details>``)
OPEN_LEVEL = "area"
#: the column after the funnel flag, by kind of indicator (the pages' headers)
EXTRA_HEADERS = {
    "rate": N_("Observed/expected, standardised indirectly (95 %% interval)"),
    "quantile": N_("90th percentile"),
}
#: what a level's ranked table stands in for: (the level has a map, it has charts)
ALTERNATIVES = {
    (True, True): N_("table alternative to the map and charts"),
    (True, False): N_("table alternative to the map"),
    (False, True): N_("table alternative to the charts"),
}


@dataclass
class Row:
    rank: int | None  # by value, highest first; None when no value is shown
    name: str
    n: str  # as shown; "–" when suppressed
    value: str
    interval: str
    flag: str  # the 99.8 % funnel flag's code (a CSS class); empty when none is shown
    flag_text: str  # the flag in the report's language
    extra: str  # a rate's O/E with its interval, a quantile's p90
    suppressed: bool


@dataclass
class Variation:
    intro: str
    measures: list[tuple[str, str]]  # FT, FT2, CV, SCV and the median odds ratio: (label, value as shown)


@dataclass
class Level:
    """One level of one indicator: its text summary, map (SVG; none for units), charts and ranked table."""

    level: str
    name: str  # the table's column: "Opptaksområde"
    plural: str  # the heading: "opptaksområder"
    summary: str
    map: str | None
    map_summary: str
    charts: list[str]  # Plotly divs: the funnel plot and the ranked chart of the referral areas
    caption: str
    rows: list[Row]
    variation: Variation | None

    @property
    def open(self) -> bool:
        return self.level == OPEN_LEVEL


@dataclass
class Trend:
    years: list[int]
    rows: list[tuple[str, list[str]]]  # region (then Norway), its value per year as shown
    summary: str
    caption: str


@dataclass
class Section:
    indicator: Indicator
    name: str
    year: int
    summary: str
    definition: list[tuple[str, str]]  # (label, text), as the catalogue page gives them
    value_header: str
    extra_header: str | None
    levels: list[Level]
    charts: list[str]  # HTML divs of the whole indicator: the trend by region
    trend: Trend | None = None  # the table alternative of the trend chart

    def level(self, level: str) -> Level:
        return next(lv for lv in self.levels if lv.level == level)


def _trend(lang: Language, indicator: Indicator, name: str, frame: pl.DataFrame) -> Trend:
    """Regions and Norway by year, as the trend chart draws them."""
    _ = partial(gettext, lang)
    norway = _("Norway")
    years = sorted(frame["year"].drop_nulls().unique().to_list())
    rows = []
    for level in ("rhf", "national"):
        part = frame.filter(pl.col("level") == level)
        for (region,), group in part.sort("name").group_by("name", maintain_order=True):
            by_year = dict(zip(group["year"].to_list(), group["value"].to_list(), strict=True))
            shown = [formats.figure(indicator.kind, by_year.get(y), lang) for y in years]
            rows.append((str(region) if level == "rhf" else norway, shown))
    national = next((values for region, values in rows if region == norway), None)
    summary = texts.trend_summary(lang, years, national)
    caption = _("%(name)s by region and year (table alternative to the trend chart)") % {"name": name}
    return Trend(years, rows, summary, caption)


def _div(fig: Any, lang: Language, **layout: Any) -> str:
    """A Plotly figure as a div, with the language's decimal and thousands separators."""
    fig.update_layout(separators=plots.SEPARATORS[lang], **layout)
    return str(plotly.offline.plot(fig, include_plotlyjs=False, output_type="div", config={"displaylogo": False}))


@cache
def map_sprite() -> str:
    """Every municipality's outline once, as ``<path id="m4601">`` in a hidden SVG; the maps draw them with
    ``<use>``, so 128 maps do not repeat 140 kB of outlines each."""
    paths = "".join(f'<path id="m{number}" d="{path}"/>' for number, path in pages.geometry().paths)
    return f'<svg class="sprite" aria-hidden="true" focusable="false"><defs>{paths}</defs></svg>'


def map_svg(lang: Language, indicator: Indicator, rows: pl.DataFrame, level: str, title: str) -> str:
    """One year's values at ``level`` as an SVG choropleth with its legend (no script, no WebGL, no network).

    The outlines come from `map_sprite`, which the page must hold once. Each owner at ``level`` is one group
    with its colour and title; areas, HFs and RHFs are drawn dissolved (the border in the fill's colour), the
    municipalities with white borders, as on the pages."""
    fmt = partial(formats.figure, indicator.kind, lang=lang)
    values = pages.values_by_code(rows) if rows.height else {}
    names = dict(zip(rows["code"].to_list(), rows["name"].to_list(), strict=True)) if rows.height else {}
    scale = pages.ColourScale.of(values.values())
    places = pages.places()
    owners: dict[str, tuple[float | None, list[str]]] = {}
    for shape in pages.map_shapes(values, level):
        owners.setdefault(shape.code, (shape.value, []))[1].append(shape.municipality)
    groups = []
    for code, (value, numbers) in owners.items():
        fill = scale.fill(value)
        stroke, width = ("#ffffff", "0.8") if level == "municipality" else (fill, "0.5")
        name = names.get(code) or places[code].name
        uses = "".join(f'<use href="#m{number}"/>' for number in numbers)
        groups.append(
            f'<g fill="{fill}" stroke="{stroke}" stroke-width="{width}">'
            f"<title>{escape(name)}: {escape(fmt(value))}</title>{uses}</g>"
        )
    legend = [
        f'<li><span class="swatch" style="background:{colour}"></span> {escape(fmt(low))} – {escape(fmt(high))}</li>'
        for colour, low, high in scale.classes()
    ]
    _ = partial(gettext, lang)
    no_data = escape(_("No data or suppressed"))
    legend.append(f'<li><span class="swatch" style="background:{pages.NO_DATA}"></span> {no_data}</li>')
    geometry = pages.geometry()
    colours = escape(_("Colours of the map"))
    return (
        f'<div class="map"><p class="map-title">{escape(title)}</p>'
        f'<svg viewBox="0 0 {geometry.width} {geometry.height}" role="img" aria-label="{escape(title)}">'
        f'{"".join(groups)}</svg><ul class="legend" aria-label="{colours}">{"".join(legend)}</ul></div>'
    )


def _rows(lang: Language, indicator: Indicator, frame: pl.DataFrame) -> list[Row]:
    """The ranked table of one level: highest value first, then the rows without a value shown by name.

    A suppressed row keeps only its name (``privacy.protect`` has hidden its figures already; this is the
    second lock, as on the pages)."""
    fmt = partial(formats.figure, indicator.kind, lang=lang)
    result = []
    for r in frame.iter_rows(named=True):
        hidden = bool(r.get("suppressed"))
        n, lower, upper = r.get("n"), r.get("lower"), r.get("upper")
        if indicator.kind == "rate":
            extra = formats.observed_expected(r, lang)
        elif indicator.kind == "quantile":
            extra = fmt(r.get("p90"))
        else:
            extra = ""
        flag = "" if hidden else (r.get("flag_998") or "")
        result.append(
            Row(
                rank=None,
                name=str(r.get("name") or r["code"]),
                n=MISSING if hidden or n is None else format_number(n, lang),
                value=fmt(None if hidden else r.get("value")),
                interval="" if hidden or lower is None else f"{fmt(lower)} – {fmt(upper)}",
                flag=flag,
                flag_text=gettext(lang, FLAGS[flag]) if flag in FLAGS else flag,
                extra="" if hidden else extra,
                suppressed=hidden,
            )
        )
    values = [None if r.suppressed else v for r, v in zip(result, frame["value"].to_list(), strict=True)]
    order = sorted(
        range(len(result)),
        key=lambda i: (values[i] is None or values[i] != values[i], -(values[i] or 0.0), result[i].name),
    )
    ranked = [result[i] for i in order]
    for rank, row in enumerate(r for r in ranked if r.value != MISSING):
        row.rank = rank + 1
    return ranked


def _variation(lang: Language, atlas: Atlas, indicator: Indicator, level: str, year: int) -> Variation | None:
    """FT, FT2, CV, SCV and the median odds ratio of one level, with the pages' labels and two decimals."""
    if not atlas.variation.height:
        return None
    found = atlas.variation.filter(
        (pl.col("indicator") == indicator.code) & (pl.col("level") == level) & (pl.col("year") == year)
    )
    if not found.height:
        return None
    v = found.row(0, named=True)
    _ = partial(gettext, lang)
    text = partial(formats.decimal, lang=lang, digits=2)
    measures = [
        (_("FT (highest / lowest)"), text(v.get("ft"))),
        (_("FT2 (second highest / second lowest)"), text(v.get("ft2"))),
        (_("CV (coefficient of variation)"), text(v.get("cv"))),
        (_("SCV (systematic component of variation)"), text(v.get("scv"))),
    ]
    if v.get("median_odds_ratio") is not None:
        measures.append((_("Median odds ratio between referral areas, after case mix"), text(v["median_odds_ratio"])))
    intro = _("How much the %(count)s %(level)s in Norway with data vary, %(year)s:") % {
        "count": v.get("areas", MISSING),
        "level": _(LEVEL_PLURALS[level]),
        "year": year,
    }
    return Variation(intro, measures)


def _level(
    lang: Language, atlas: Atlas, indicator: Indicator, year: int, years: list[int], level: str, rows: pl.DataFrame
) -> Level:
    """One level's block; ``years`` are those with data for the indicator, named when ``year`` has none."""
    _ = partial(gettext, lang)
    name, plural = texts.name(indicator, lang), _(LEVEL_PLURALS[level])
    heading = f"{name}, {plural}, {year}"
    intervals = _("with 95 %% intervals") % {}
    heading_with_intervals = heading if indicator.kind == "quantile" else f"{heading}, {intervals}"  # a median has none
    drawn = map_svg(lang, indicator, rows, level, heading) if level in pages.MAP_LEVELS else None
    charts = []
    if level == OPEN_LEVEL:
        if indicator.kind == "proportion":
            title = _("%(name)s, %(year)s: funnel plot of %(level)s") % {"name": name, "year": year, "level": plural}
            charts.append(_div(plots.funnel_figure(rows, title, _(LEVEL_NAMES[level]), lang), lang))
        ranked = plots.ranked_figure(rows, heading_with_intervals, indicator.kind == "proportion")
        charts.append(_div(ranked, lang, xaxis_title=_(KINDS[indicator.kind])))
    caption = f"{_('Ranked table')}: {heading_with_intervals}"
    alternative = ALTERNATIVES.get((drawn is not None, bool(charts)))
    if alternative:
        caption += f" ({_(alternative)})"
    map_summary = ""
    if drawn:
        text = _("The map colours %(level)s from light (low) to dark (high); the ranked table has the same values.")
        map_summary = text % {"level": plural}
    return Level(
        level=level,
        name=_(LEVEL_NAMES[level]),
        plural=plural,
        summary=texts.level_summary(lang, indicator, level, rows, year, years),
        map=drawn,
        map_summary=map_summary,
        charts=charts,
        caption=caption,
        rows=_rows(lang, indicator, rows),
        variation=_variation(lang, atlas, indicator, level, year),
    )


def sections(atlas: Atlas, year: int | None = None, lang: Language = DEFAULT_LANGUAGE) -> list[Section]:
    _ = partial(gettext, lang)
    atlas = privacy.protect(atlas)
    result = []
    for indicator in atlas.indicators:
        frame = atlas.values.filter(pl.col("indicator") == indicator.code)
        if frame.height == 0:
            continue
        name = texts.name(indicator, lang)
        chosen = year or int(frame["year"].drop_nulls().max())  # type: ignore[arg-type]
        years = sorted(int(y) for y in frame["year"].drop_nulls().unique().to_list())
        this_year = frame.filter(pl.col("year") == chosen)
        by_level = {str(key[0]): rows for key, rows in this_year.group_by("level")}
        national_rows = by_level.get("national")
        national = national_rows.row(0, named=True) if national_rows is not None else None
        empty = this_year.clear()
        levels = [_level(lang, atlas, indicator, chosen, years, lv, by_level.get(lv, empty)) for lv in LEVELS]
        trend = frame.filter(pl.col("level") == "rhf")
        charts, trend_table = [], None
        value_header = _(KINDS[indicator.kind])
        if trend["year"].n_unique() > 1:
            title = _("%(name)s: trend over years") % {"name": name}
            figure = plots.trend_figure(trend, title, indicator.kind == "proportion")
            charts.append(_div(figure, lang, xaxis_title=_("Year"), yaxis_title=value_header, xaxis_dtick=1))
            trend_table = _trend(lang, indicator, name, frame)
        extra = EXTRA_HEADERS.get(indicator.kind)
        result.append(
            Section(
                indicator=indicator,
                name=name,
                year=chosen,
                summary=texts.national_summary(lang, indicator, national, chosen),
                definition=texts.definition(lang, indicator),
                value_header=value_header,
                extra_header=_(extra) % {} if extra else None,
                levels=levels,
                charts=charts,
                trend=trend_table,
            )
        )
    return result


@cache
def _environment(lang: Language) -> Environment:
    env = Environment(
        loader=PackageLoader("helhet.analytics", "templates"),
        autoescape=select_autoescape(),
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return env


def render_html(atlas: Atlas, year: int | None = None, lang: Language = DEFAULT_LANGUAGE) -> str:
    """The whole report in ``lang`` (bokmål unless asked for English)."""
    return (
        _environment(lang)
        .get_template("report.html")
        .render(
            lang=lang,
            as_of=format_date(atlas.as_of, lang),
            notes=texts.left_out(lang, atlas),
            sections=sections(atlas, year, lang),
            plotly_js=plotly.offline.get_plotlyjs(),
            map_sprite=map_sprite(),
        )
    )


def export_tables(atlas: Atlas, folder: Path, fmt: str = "csv") -> list[Path]:
    """Every atlas table as CSV or Parquet files in ``folder``, suppressed as the pages show them."""
    atlas = privacy.protect(atlas)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in (("indicators", atlas.values), ("variation", atlas.variation), ("casemix", atlas.casemix)):
        if frame.height == 0:
            continue
        path = folder / f"{name}.{fmt}"
        if fmt == "csv":
            frame.write_csv(path)
        else:
            frame.write_parquet(path)
        written.append(path)
    catalogue = pl.DataFrame(
        [
            {
                "code": i.code,
                "name_en": i.name_en,
                "name_nb": i.name_nb,
                "kind": i.kind,
                "numerator": i.numerator,
                "denominator": i.denominator,
                "exclusions": i.exclusions,
                "better": i.better,
                "period": i.period,
                "source": i.source,
            }
            for i in atlas.indicators
        ]
    )
    path = folder / f"catalogue.{fmt}"
    catalogue.write_csv(path) if fmt == "csv" else catalogue.write_parquet(path)
    written.append(path)
    return written
