"""The self-contained offline HTML report and the CSV/Parquet exports of every atlas table.

The report embeds Plotly's JavaScript from the installed package (no CDN), and gives every chart a text
summary and a table alternative (accessibility). Maps are SVG drawn here from the shipped municipality polygons,
as on the pages (``pages.map_shapes``): a browser gives a page at most about 16 WebGL contexts, so Plotly's WebGL
maps of the later indicators blanked the earlier ones, and each carried the whole GeoJSON (1.4 MB a map).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import plotly.offline
import polars as pl
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import escape

from helhet.analytics import pages, plots, privacy
from helhet.analytics.atlas import Atlas
from helhet.analytics.indicators import Indicator

LEVEL_NAMES = {
    "rhf": "Regional health authority (RHF)",
    "hf": "Health trust (HF)",
    "area": "Referral area",
    "municipality": "Municipality",
    "unit": "Treating unit",
}


@dataclass
class Section:
    indicator: Indicator
    year: int
    summary: str
    charts: list[str]  # HTML divs
    table: list[dict[str, Any]]
    variation: dict[str, Any] | None
    trend: Trend | None = None  # the table alternative of the trend chart


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
    if value is None:
        return "–"
    if indicator.kind == "proportion":
        return f"{value:.1%}"
    return f"{value:.1f}"


def _summary(indicator: Indicator, areas: pl.DataFrame, national: dict[str, Any] | None) -> str:
    if national is None or national.get("value") is None:
        return "No data for this year."
    text = f"Norway: {_fmt(indicator, national['value'])}"
    if national.get("n") is not None:
        text += f" (n = {national['n']:,})".replace(",", " ")
    shown = areas.filter(pl.col("value").is_not_null()).sort("value")
    if shown.height >= 2:
        low, high = shown.row(0, named=True), shown.row(-1, named=True)
        text += (
            f". Referral areas range from {_fmt(indicator, low['value'])} ({low['name']}) to "
            f"{_fmt(indicator, high['value'])} ({high['name']})"
        )
    if "flag_998" in areas.columns:
        above = areas.filter(pl.col("flag_998") == "above")["name"].to_list()
        below = areas.filter(pl.col("flag_998") == "below")["name"].to_list()
        if above:
            text += f". Above the 99.8 % limit: {', '.join(above)}"
        if below:
            text += f". Below the 99.8 % limit: {', '.join(below)}"
    return text + "."


def _div(fig: Any) -> str:
    return str(plotly.offline.plot(fig, include_plotlyjs=False, output_type="div", config={"displaylogo": False}))


def map_svg(indicator: Indicator, rows: pl.DataFrame, level: str, title: str) -> str:
    """One year's values at ``level`` as an SVG choropleth with its legend (no script, no WebGL, no network)."""
    values = pages.values_by_code(rows) if rows.height else {}
    names = dict(zip(rows["code"].to_list(), rows["name"].to_list(), strict=True)) if rows.height else {}
    scale = pages.ColourScale.of(values.values())
    places = pages.places()
    paths = []
    for shape in pages.map_shapes(values, level):
        name = names.get(shape.code) or places[shape.code].name
        fill = scale.fill(shape.value)
        paths.append(
            f'<path d="{shape.path}" fill="{fill}" stroke="{fill}" stroke-width="0.5">'
            f"<title>{escape(name)}: {escape(_fmt(indicator, shape.value))}</title></path>"
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
        f'{"".join(paths)}</svg><ul class="legend">{"".join(legend)}</ul></div>'
    )


def sections(atlas: Atlas, year: int | None = None) -> list[Section]:
    atlas = privacy.protect(atlas)
    result = []
    for indicator in atlas.indicators:
        frame = atlas.values.filter(pl.col("indicator") == indicator.code)
        if frame.height == 0:
            continue
        chosen = year or int(frame["year"].drop_nulls().max())  # type: ignore[arg-type]
        this_year = frame.filter(pl.col("year") == chosen)
        areas = this_year.filter(pl.col("level") == "area")
        national_rows = this_year.filter(pl.col("level") == "national")
        national = national_rows.row(0, named=True) if national_rows.height else None
        label = indicator.name_en
        charts = [map_svg(indicator, areas, "area", f"{label}, {chosen}, by referral area")]
        if indicator.kind == "proportion":
            charts.append(
                _div(plots.funnel_figure(areas, f"{label}: funnel plot, referral areas {chosen}", "Referral area"))
            )
        charts.append(
            _div(
                plots.ranked_figure(
                    areas, f"{label}: referral areas {chosen} with 95 % intervals", indicator.kind == "proportion"
                )
            )
        )
        trend = frame.filter(pl.col("level") == "rhf")
        trend_table = None
        if trend["year"].n_unique() > 1:
            charts.append(_div(plots.trend_figure(trend, f"{label}: trend by region", indicator.kind == "proportion")))
            trend_table = _trend(indicator, frame)
        table = [
            {
                "name": r["name"],
                "n": r.get("n"),
                "value": _fmt(indicator, r.get("value")),
                "interval": (
                    f"{_fmt(indicator, r.get('lower'))} – {_fmt(indicator, r.get('upper'))}"
                    if r.get("lower") is not None
                    else ""
                ),
                "flag": r.get("flag_998") or "",
                "suppressed": r.get("suppressed"),
            }
            for r in areas.sort("name").iter_rows(named=True)
        ]
        var = None
        if atlas.variation.height:
            rows = atlas.variation.filter(
                (pl.col("indicator") == indicator.code) & (pl.col("level") == "area") & (pl.col("year") == chosen)
            )
            var = rows.row(0, named=True) if rows.height else None
        summary = _summary(indicator, areas, national)
        result.append(Section(indicator, chosen, summary, charts, table, var, trend_table))
    return result


def render_html(atlas: Atlas, year: int | None = None) -> str:
    env = Environment(loader=PackageLoader("helhet.analytics", "templates"), autoescape=select_autoescape())
    template = env.get_template("report.html")
    return template.render(
        atlas=atlas,
        sections=sections(atlas, year),
        plotly_js=plotly.offline.get_plotlyjs(),
        level_names=LEVEL_NAMES,
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
