"""The self-contained offline HTML report and the CSV/Parquet exports of every atlas table.

The report embeds Plotly's JavaScript from the installed package (no CDN), and gives every chart a text
summary and a table alternative (accessibility). Each indicator has a block per level (RHF, HF, referral area,
municipality, treating unit; the areas open, the others collapsed): a text summary, a map (not for units) and
the ranked table with intervals; the areas also get the funnel plot and the ranked chart.

Maps are SVG drawn here from the shipped municipality polygons, as on the pages (``pages.map_shapes``): a
browser gives a page at most about 16 WebGL contexts, so Plotly's WebGL maps of the later indicators blanked
the earlier ones, and each carried the whole GeoJSON (1.4 MB a map). The outlines are in the page once
(`map_sprite`) and every map refers to them, so four maps an indicator cost about what one did.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import plotly.offline
import polars as pl
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import escape

from helhet.analytics import formats, pages, plots, privacy
from helhet.analytics.atlas import Atlas
from helhet.analytics.indicators import Indicator

LEVEL_NAMES = {
    "rhf": "Regional health authority (RHF)",
    "hf": "Health trust (HF)",
    "area": "Referral area",
    "municipality": "Municipality",
    "unit": "Treating unit",
}
#: a row of each level, in a sentence ("by health trust")
LEVEL_SINGULARS = {
    "rhf": "regional health authority",
    "hf": "health trust",
    "area": "referral area",
    "municipality": "municipality",
    "unit": "treating unit",
}
LEVEL_PLURALS = {
    "rhf": "regional health authorities",
    "hf": "health trusts",
    "area": "referral areas",
    "municipality": "municipalities",
    "unit": "treating units",
}
#: the levels of every indicator, top down; each has a map but the unit (which has no territory)
LEVELS = ("rhf", "hf", "area", "municipality", "unit")
#: the level shown open, with the funnel plot and the ranked chart; the others are collapsed (``<details>``)
OPEN_LEVEL = "area"
#: what ``value`` is, by kind of indicator
VALUE_HEADERS = {"proportion": "Share", "rate": "Rate per 10,000 adults, standardised", "quantile": "Median"}
#: the column after the funnel flag, by kind of indicator
EXTRA_HEADERS = {"rate": "O/E, indirectly standardised (95 % interval)", "quantile": "p90"}


@dataclass
class Row:
    rank: int | None  # by value, highest first; None when no value is shown
    name: str
    n: int | None
    value: str
    interval: str
    flag: str
    extra: str  # a rate's O/E with its interval, a quantile's p90
    suppressed: bool


@dataclass
class Level:
    """One level of one indicator: its text summary, map (SVG; none for units), charts and ranked table."""

    level: str
    name: str
    singular: str
    summary: str
    map: str | None
    charts: list[str]  # Plotly divs: the funnel plot and the ranked chart of the referral areas
    rows: list[Row]
    variation: dict[str, Any] | None

    @property
    def open(self) -> bool:
        return self.level == OPEN_LEVEL


@dataclass
class Section:
    indicator: Indicator
    year: int
    summary: str
    levels: list[Level]
    charts: list[str]  # HTML divs of the whole indicator: the trend by region
    trend: Trend | None = None  # the table alternative of the trend chart

    @property
    def value_header(self) -> str:
        return VALUE_HEADERS.get(self.indicator.kind, "Value")

    @property
    def extra_header(self) -> str | None:
        return EXTRA_HEADERS.get(self.indicator.kind)

    def level(self, level: str) -> Level:
        return next(lv for lv in self.levels if lv.level == level)


@dataclass
class Trend:
    years: list[int]
    rows: list[tuple[str, list[str]]]  # region (then Norway), its value per year as shown
    summary: str


def _trend(indicator: Indicator, frame: pl.DataFrame) -> Trend:
    """Regions and Norway by year, as the trend chart draws them."""
    years = sorted(frame["year"].drop_nulls().unique().to_list())
    rows = []
    for level in ("rhf", "national"):
        part = frame.filter(pl.col("level") == level)
        for (name,), group in part.sort("name").group_by("name", maintain_order=True):
            by_year = dict(zip(group["year"].to_list(), group["value"].to_list(), strict=True))
            rows.append((str(name) if level == "rhf" else "Norway", [_fmt(indicator, by_year.get(y)) for y in years]))
    norway = next((values for name, values in rows if name == "Norway"), None)
    summary = (
        "Norway " + ", ".join(f"{y}: {v}" for y, v in zip(years, norway, strict=True)) + "."
        if norway
        else "No national value for these years."
    )
    return Trend(years, rows, summary)


def _fmt(indicator: Indicator, value: float | None) -> str:
    if value is None or value != value:  # None or NaN
        return "–"
    if indicator.kind == "proportion":
        return f"{value:.1%}"
    return f"{value:.1f}"


def _national_summary(indicator: Indicator, national: dict[str, Any] | None) -> str:
    if national is None or national.get("value") is None:
        return "No national value for this year."
    text = f"Norway: {_fmt(indicator, national['value'])}"
    if national.get("n") is not None:
        text += f" (n = {national['n']:,})".replace(",", " ")
    return text + "."


def _range(indicator: Indicator, level: str, shown: pl.DataFrame) -> str:
    """The spread of the values shown, with the extremes as the ranked table has them (of equal values, the
    first by name)."""
    plural = LEVEL_PLURALS[level]
    if shown.height == 0:
        if level == "unit" and indicator.kind == "rate":
            return "A treating unit has no population, so no rate; the table gives its referrals (n)."
        return f"No value of the {plural} can be shown."
    low = shown.sort("value", "name").row(0, named=True)
    high = shown.sort("value", "name", descending=[True, False]).row(0, named=True)
    if shown.height == 1:
        return f"One of the {plural} has a value shown: {low['name']}, {_fmt(indicator, low['value'])}."
    if low["value"] == high["value"]:
        return f"All {shown.height} {plural} with a value shown have {_fmt(indicator, low['value'])}."
    return (
        f"{plural.capitalize()} range from {_fmt(indicator, low['value'])} ({low['name']}) to "
        f"{_fmt(indicator, high['value'])} ({high['name']})."
    )


def _level_summary(indicator: Indicator, level: str, rows: pl.DataFrame) -> str:
    """The text summary of one level: the range with its extremes, the funnel flags, how many are suppressed."""
    plural = LEVEL_PLURALS[level]
    if rows.height == 0:
        return f"No data for {plural} this year."
    parts = [_range(indicator, level, rows.filter(pl.col("value").is_not_null() & pl.col("value").is_not_nan()))]
    if "flag_998" in rows.columns:
        for side in ("above", "below"):
            names = sorted(rows.filter(pl.col("flag_998") == side)["name"].to_list())
            if names:
                parts.append(f"{side.capitalize()} the 99.8 % limit: {', '.join(names)}.")
    suppressed = int(rows["suppressed"].sum()) if "suppressed" in rows.columns else 0
    if suppressed:
        parts.append(f"{suppressed} of {rows.height} {plural} are suppressed (small counts).")
    return " ".join(parts)


def _div(fig: Any) -> str:
    return str(plotly.offline.plot(fig, include_plotlyjs=False, output_type="div", config={"displaylogo": False}))


@cache
def map_sprite() -> str:
    """Every municipality's outline once, as ``<path id="m4601">`` in a hidden SVG; the maps draw them with
    ``<use>``, so 128 maps do not repeat 140 kB of outlines each."""
    paths = "".join(f'<path id="m{number}" d="{path}"/>' for number, path in pages.geometry().paths)
    return f'<svg class="sprite" aria-hidden="true" focusable="false"><defs>{paths}</defs></svg>'


def map_svg(indicator: Indicator, rows: pl.DataFrame, level: str, title: str) -> str:
    """One year's values at ``level`` as an SVG choropleth with its legend (no script, no WebGL, no network).

    The outlines come from `map_sprite`, which the page must hold once. Each owner at ``level`` is one group
    with its colour and title; areas, HFs and RHFs are drawn dissolved (the border in the fill's colour), the
    municipalities with white borders, as on the pages."""
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
            f"<title>{escape(name)}: {escape(_fmt(indicator, value))}</title>{uses}</g>"
        )
    legend = [
        f'<li><span class="swatch" style="background:{colour}"></span> '
        f"{escape(_fmt(indicator, low))} – {escape(_fmt(indicator, high))}</li>"
        for colour, low, high in scale.classes()
    ]
    legend.append(f'<li><span class="swatch" style="background:{pages.NO_DATA}"></span> No data or suppressed</li>')
    geometry = pages.geometry()
    return (
        f'<div class="map"><p class="map-title">{escape(title)}</p>'
        f'<svg viewBox="0 0 {geometry.width} {geometry.height}" role="img" aria-label="{escape(title)}">'
        f'{"".join(groups)}</svg><ul class="legend">{"".join(legend)}</ul></div>'
    )


def _rows(indicator: Indicator, frame: pl.DataFrame) -> list[Row]:
    """The ranked table of one level: highest value first, then the rows without a value shown by name.

    A suppressed row keeps only its name (``privacy.protect`` has hidden its figures already; this is the
    second lock, as on the pages)."""
    result = []
    for r in frame.iter_rows(named=True):
        hidden = bool(r.get("suppressed"))
        value = None if hidden else r.get("value")
        lower, upper = r.get("lower"), r.get("upper")
        if indicator.kind == "rate":
            extra = formats.observed_expected(r)
        elif indicator.kind == "quantile":
            extra = _fmt(indicator, r.get("p90"))
        else:
            extra = ""
        result.append(
            Row(
                rank=None,
                name=str(r.get("name") or r["code"]),
                n=None if hidden else r.get("n"),
                value=_fmt(indicator, value),
                interval="" if hidden or lower is None else f"{_fmt(indicator, lower)} – {_fmt(indicator, upper)}",
                flag="" if hidden else (r.get("flag_998") or ""),
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
    for rank, row in enumerate(r for r in ranked if r.value != "–"):
        row.rank = rank + 1
    return ranked


def _level(atlas: Atlas, indicator: Indicator, year: int, level: str, rows: pl.DataFrame) -> Level:
    label = indicator.name_en
    singular = LEVEL_SINGULARS[level]
    drawn = None
    if level in pages.MAP_LEVELS:
        drawn = map_svg(indicator, rows, level, f"{label}, {year}, by {singular}")
    charts = []
    if level == OPEN_LEVEL:
        if indicator.kind == "proportion":
            charts.append(
                _div(plots.funnel_figure(rows, f"{label}: funnel plot, referral areas {year}", "Referral area"))
            )
        title = f"{label}: referral areas {year} with 95 % intervals"
        charts.append(_div(plots.ranked_figure(rows, title, indicator.kind == "proportion")))
    variation = None
    if atlas.variation.height:
        found = atlas.variation.filter(
            (pl.col("indicator") == indicator.code) & (pl.col("level") == level) & (pl.col("year") == year)
        )
        variation = found.row(0, named=True) if found.height else None
    summary = _level_summary(indicator, level, rows)
    return Level(level, LEVEL_NAMES[level], singular, summary, drawn, charts, _rows(indicator, rows), variation)


def sections(atlas: Atlas, year: int | None = None) -> list[Section]:
    atlas = privacy.protect(atlas)
    result = []
    for indicator in atlas.indicators:
        frame = atlas.values.filter(pl.col("indicator") == indicator.code)
        if frame.height == 0:
            continue
        chosen = year or int(frame["year"].drop_nulls().max())  # type: ignore[arg-type]
        this_year = frame.filter(pl.col("year") == chosen)
        by_level = {str(key[0]): rows for key, rows in this_year.group_by("level")}
        national_rows = by_level.get("national")
        national = national_rows.row(0, named=True) if national_rows is not None else None
        empty = this_year.clear()
        levels = [_level(atlas, indicator, chosen, lv, by_level.get(lv, empty)) for lv in LEVELS]
        trend = frame.filter(pl.col("level") == "rhf")
        charts, trend_table = [], None
        if trend["year"].n_unique() > 1:
            title = f"{indicator.name_en}: trend by region"
            charts.append(_div(plots.trend_figure(trend, title, indicator.kind == "proportion")))
            trend_table = _trend(indicator, frame)
        summary = _national_summary(indicator, national)
        result.append(Section(indicator, chosen, summary, levels, charts, trend_table))
    return result


def render_html(atlas: Atlas, year: int | None = None) -> str:
    env = Environment(loader=PackageLoader("helhet.analytics", "templates"), autoescape=select_autoescape())
    template = env.get_template("report.html")
    return template.render(
        atlas=atlas,
        sections=sections(atlas, year),
        plotly_js=plotly.offline.get_plotlyjs(),
        level_names=LEVEL_NAMES,
        map_sprite=map_sprite(),
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
