"""Pages: the oversight atlas for analysts and unit leaders (aggregates only, never a person).

``/atlas`` is the indicator catalogue with a picker; ``/atlas/{indicator}?level=&year=&area=`` shows one
indicator for one level and year: a ranked table with intervals and funnel flags (the table alternative of
every chart), a funnel plot, a map, the trend over years, drill-down links (RHF → HF → area → municipality →
unit) and the variation summary. Each chart has a text summary. Counts 1-4 come suppressed from
``analytics.atlas`` (with secondary suppression) and are shown as suppressed, never as numbers.

Charts: the map is SVG drawn here (``analytics/pages.py``); the funnel and trend are Plotly figures sent as
JSON in a data-figure attribute that ``static/atlas.js`` draws with Plotly's own script, served from the
installed package.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import plotly
import polars as pl
from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, Response

from helhet import clock
from helhet.analytics import formats, pages, plots
from helhet.analytics.indicators import BY_CODE, CATALOGUE, LEVELS, Indicator
from helhet.audit import policy
from helhet.config import get_settings
from helhet.errors import Invalid
from helhet.i18n import N_, Language, format_number, gettext
from helhet.users.actor import Actor
from helhet.web.deps import PageActor
from helhet.web.errors import error_page
from helhet.web.forms import FormState, csrf_guard
from helhet.web.labels.atlas import BETTER, FLAGS, KINDS, LEVEL_NAMES, LEVEL_PLURALS
from helhet.web.render import lang_of, render, see_other, translate

router = APIRouter(dependencies=[Depends(csrf_guard)], include_in_schema=False)
PLOTLY_URL = f"/atlas/assets/plotly.min.js?v={plotly.__version__}"
TREND_SERIES = 6  # draw one line per row when there are at most this many, else Norway and the chosen area


def _refused(request: Request, actor: Actor) -> Response | None:
    if policy.may_see_aggregates(actor):
        return None
    text = N_(
        "The atlas shows aggregated figures for analysts, unit leaders and administrators. Your role cannot see it."
    )
    return error_page(request, 403, N_("Not allowed"), translate(request, text))


def _problems(problem: Invalid) -> str:
    """Every missing table and column of the store, so a broken folder is mended in one go."""
    return "; ".join(p.reason if p.field == "store" else f"{p.field}: {p.reason}" for p in problem.problems)


def _no_store(request: Request, problem: Invalid) -> Response:
    folder = get_settings().resolved_atlas_store
    return render(request, "atlas/no_store.html", status_code=503, folder=str(folder), problem=_problems(problem))


def _name(indicator: Indicator, lang: Language) -> str:
    return indicator.name_nb if lang == "nb" else indicator.name_en


@dataclass(frozen=True)
class Definition:
    """An indicator's definition in the page's language (the catalogue's English is the gettext source)."""

    numerator: str
    denominator: str
    exclusions: str
    period: str

    @classmethod
    def of(cls, indicator: Indicator, lang: Language) -> Definition:
        parts = (indicator.numerator, indicator.denominator, indicator.exclusions, indicator.period)
        return cls(*(gettext(lang, part) for part in parts))


@router.get("/atlas/assets/plotly.min.js")
def plotly_js() -> Response:
    """Plotly's own script from the installed package (no CDN); cached long, renewed with the version."""
    path = resources.files("plotly").joinpath("package_data", "plotly.min.js")
    return FileResponse(
        str(path), media_type="text/javascript", headers={"Cache-Control": "public, max-age=31536000, immutable"}
    )


# The catalogue ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueEntry:
    indicator: Indicator
    name: str
    definition: Definition
    better: str
    kind: str
    available: bool


@router.get("/atlas")
def catalogue(
    request: Request,
    actor: PageActor,
    indicator: str | None = None,
    level: str | None = None,
    year: str | None = None,
) -> Response:
    refused = _refused(request, actor)
    if refused:
        return refused
    lang = lang_of(request)
    form = FormState.of({"indicator": indicator, "level": level or "area", "year": year})
    if indicator:  # the picker was sent: on to the indicator's page, which checks level and year
        if indicator not in BY_CODE:
            form.add("indicator", translate(request, N_("Choose one of the listed indicators")))
        else:
            query = "&".join(f"{k}={v}" for k, v in (("level", level), ("year", year)) if v)
            return see_other(f"/atlas/{indicator}" + (f"?{query}" if query else ""))
    store, problem = None, None
    try:
        store = pages.open_store(get_settings().resolved_atlas_store)
    except Invalid as exc:
        problem = _problems(exc)
    entries = [
        CatalogueEntry(
            i,
            _name(i, lang),
            Definition.of(i, lang),
            gettext(lang, BETTER[i.better]),
            gettext(lang, KINDS[i.kind]),
            store is None or i.code in store.available,
        )
        for i in CATALOGUE
    ]
    return render(
        request,
        "atlas/index.html",
        status_code=422 if form.has_errors else 200,
        entries=entries,
        form=form,
        store=store,
        problem=problem,
        folder=str(get_settings().resolved_atlas_store),
        indicator_choices=[(e.indicator.code, e.name) for e in entries if e.available],
        level_choices=_level_choices(lang),
        year_choices=[(str(y), str(y)) for y in reversed(store.years)] if store else [],
    )


def _level_choices(lang: Language) -> list[tuple[str, str]]:
    return [(level, gettext(lang, LEVEL_NAMES[level])) for level in LEVELS]


# One indicator ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    level: str
    year: int | None
    parent: pages.Place | None


def _filters(
    request: Request, form: FormState, store: pages.Store, level: str | None, year: str | None, area: str | None
) -> Filters:
    chosen_level = level or "area"
    if chosen_level not in LEVELS:
        form.add("level", translate(request, N_("Choose one of the listed levels")))
        chosen_level = "area"
    chosen_year: int | None = None
    if year:
        years = ", ".join(str(y) for y in store.years) or "–"
        if not (year.isdigit() and len(year) == 4):
            form.add("year", translate(request, N_("Give the year as four digits, such as 2025")))
        elif int(year) not in store.years:
            text = translate(request, N_("There are no data for %(year)s. Years with data: %(years)s"))
            form.add("year", text % {"year": year, "years": years})
        else:
            chosen_year = int(year)
    parent = None
    if area:
        parent = pages.places().get(area)
        if parent is None:
            text = N_("No regional health authority, health trust, referral area or municipality has the code %(code)s")
            form.add("area", translate(request, text) % {"code": area})
        elif not form.error("level") and not pages.may_hold(parent, chosen_level):
            text = translate(request, N_("%(name)s holds no %(level)s: choose a level below it, or all of Norway"))
            plural = gettext(lang_of(request), LEVEL_PLURALS[chosen_level])
            form.add("area", text % {"name": parent.name, "level": plural})
            parent = None
    return Filters(chosen_level, chosen_year, parent)


@router.get("/atlas/{code}")
def indicator_page(
    request: Request,
    actor: PageActor,
    code: str,
    level: str | None = None,
    year: str | None = None,
    area: str | None = None,
) -> Response:
    refused = _refused(request, actor)
    if refused:
        return refused
    indicator = BY_CODE.get(code)
    if indicator is None:
        text = translate(
            request, N_("There is no indicator called “%(code)s”. The atlas lists the indicators there are.")
        )
        return error_page(request, 404, N_("Unknown indicator"), text % {"code": code[:80]})
    folder = get_settings().resolved_atlas_store
    try:
        store = pages.open_store(folder)
    except Invalid as exc:
        return _no_store(request, exc)
    lang = lang_of(request)
    form = FormState.of({"level": level or "area", "year": year, "area": area})
    filters = _filters(request, form, store, level, year, area)
    context: dict[str, Any] = {
        "indicator": indicator,
        "name": _name(indicator, lang),
        "definition": Definition.of(indicator, lang),
        "better": gettext(lang, BETTER[indicator.better]),
        "form": form,
        "level_choices": _level_choices(lang),
        "year_choices": [(str(y), str(y)) for y in reversed(store.years)],
        "area_choices": _area_choices(lang),
        "view": None,
        "available": indicator.code in store.available,
        "plotly_url": PLOTLY_URL,
        "flag_alerts": {gettext(lang, FLAGS["above"]), gettext(lang, FLAGS["below"])},
        "variation_text": lambda v: "–" if v is None or v != v else format_number(round(v, 2), lang),
    }
    if form.has_errors:
        return render(request, "atlas/indicator.html", status_code=422, **context)
    if indicator.code in store.available:
        atlas = pages.indicator_atlas(folder, indicator.code, clock.today())
        context["view"] = build_view(lang, indicator, atlas.values, atlas.variation, filters, store)
    return render(request, "atlas/indicator.html", **context)


def _area_choices(lang: Language) -> list[tuple[str, str]]:
    order = {level: i for i, level in enumerate(pages.LEVEL_ORDER)}
    found = sorted(pages.places().values(), key=lambda p: (order[p.level], p.name))
    return [(p.code, f"{p.name} ({gettext(lang, LEVEL_NAMES[p.level])})") for p in found]


# The page's content, from the atlas frames -------------------------------------------------------------------


@dataclass
class Row:
    code: str
    name: str
    n: int | None
    value: float | None
    text: str  # the value as shown
    interval: str
    extra: str  # p90 for quantiles
    flag_95: str
    flag_998: str
    suppressed: bool
    drill: str | None  # link to the level below within this row


@dataclass
class MapView:
    view_box: str  # zoomed to the rows shown
    shapes: list[tuple[str, str, str]]  # path, fill, title
    legend: list[tuple[str, str]]  # fill, range text
    stroke: bool


@dataclass
class IndicatorView:
    level: str
    level_name: str
    level_plural: str
    year: int
    years: list[int]
    parent: pages.Place | None
    crumbs: list[tuple[str, str]]  # (href, name) from Norway down to the parent
    child_plural: str | None
    rows: list[Row]
    national: Row | None
    summary: str
    funnel_json: str | None = None
    funnel_summary: str = ""
    map: MapView | None = None
    map_summary: str = ""
    trend_json: str | None = None
    trend_names: list[str] = field(default_factory=list)
    trend_table: list[tuple[int, list[str]]] = field(default_factory=list)
    trend_summary: str = ""
    variation: dict[str, Any] | None = None
    no_data: str | None = None


def _fmt(lang: Language, indicator: Indicator, value: float | None) -> str:
    return formats.figure(indicator.kind, value, lang)


def _extra(lang: Language, indicator: Indicator, r: dict[str, Any]) -> str:
    """The p90 of a quantile; a rate's indirectly standardised O/E with its interval ("–" at a treating unit,
    which has no population)."""
    if indicator.kind == "quantile":
        return _fmt(lang, indicator, r.get("p90"))
    if indicator.kind != "rate":
        return ""
    return formats.observed_expected(r, lang)


def _href(indicator: Indicator, level: str, year: int, area: str | None) -> str:
    return f"/atlas/{indicator.code}?level={level}&year={year}" + (f"&area={area}" if area else "")


def _row(lang: Language, indicator: Indicator, r: dict[str, Any], year: int) -> Row:
    suppressed = bool(r.get("suppressed"))
    lower, upper = r.get("lower"), r.get("upper")
    flag = lambda c: "" if suppressed or not r.get(c) else gettext(lang, FLAGS.get(r[c], r[c]))  # noqa: E731
    child = pages.CHILD.get(r["level"])
    return Row(
        code=str(r["code"]),
        name=str(r.get("name") or r["code"]),
        n=None if suppressed else r.get("n"),
        value=None if suppressed else r.get("value"),
        text=_fmt(lang, indicator, None if suppressed else r.get("value")),
        interval=""
        if suppressed or lower is None
        else f"{_fmt(lang, indicator, lower)} – {_fmt(lang, indicator, upper)}",
        extra="" if suppressed else _extra(lang, indicator, r),
        flag_95=flag("flag_95"),
        flag_998=flag("flag_998"),
        suppressed=suppressed,
        drill=_href(indicator, child, year, str(r["code"])) if child and r["level"] != "national" else None,
    )


def build_view(
    lang: Language,
    indicator: Indicator,
    values: pl.DataFrame,
    variation: pl.DataFrame,
    filters: Filters,
    store: pages.Store,
) -> IndicatorView:
    _ = lambda text: gettext(lang, text)  # noqa: E731
    frame = values.filter(pl.col("indicator") == indicator.code) if values.height else values
    years = sorted(int(y) for y in frame["year"].drop_nulls().unique().to_list()) if frame.height else []
    year = filters.year or (years[-1] if years else (store.years[-1] if store.years else clock.today().year))
    level, parent = filters.level, filters.parent
    view = IndicatorView(
        level=level,
        level_name=_(LEVEL_NAMES[level]),
        level_plural=_(LEVEL_PLURALS[level]),
        year=year,
        years=years,
        parent=parent,
        crumbs=_crumbs(lang, indicator, year, parent),
        child_plural=_(LEVEL_PLURALS[pages.CHILD[level]]) if level in pages.CHILD else None,
        rows=[],
        national=None,
        summary="",
    )
    if not years:
        view.no_data = _("This indicator has no data in the store yet.")
        return view
    this_year = frame.filter(pl.col("year") == year)
    all_rows = this_year.filter(pl.col("level") == level)
    if parent is not None:
        inside = [pages.is_within(level, str(c), parent, store) for c in all_rows["code"].to_list()]
        shown = all_rows.filter(pl.Series(inside, dtype=pl.Boolean)) if inside else all_rows
    else:
        shown = all_rows
    national_rows = this_year.filter(pl.col("level") == "national")
    view.national = _row(lang, indicator, national_rows.row(0, named=True), year) if national_rows.height else None
    if shown.height == 0:
        where = parent.name if parent else _("Norway")
        text = _("No data for %(level)s in %(where)s in %(year)s. Years with data for this indicator: %(years)s.")
        view.no_data = text % {
            "level": view.level_plural,
            "where": where,
            "year": year,
            "years": ", ".join(map(str, years)),
        }
        return view
    rows = [_row(lang, indicator, r, year) for r in shown.iter_rows(named=True)]
    rows.sort(key=lambda r: (r.value is None, -(r.value or 0.0), r.name))
    view.rows = rows
    view.summary = _summary(lang, indicator, view)
    if indicator.kind == "proportion":
        _funnel(lang, indicator, view, all_rows)
    if level in pages.MAP_LEVELS:
        view.map, view.map_summary = _map(lang, indicator, view)
    _trend(lang, indicator, view, frame, store)
    if variation.height:
        found = variation.filter(
            (pl.col("indicator") == indicator.code) & (pl.col("level") == level) & (pl.col("year") == year)
        )
        view.variation = found.row(0, named=True) if found.height else None
    return view


def _crumbs(lang: Language, indicator: Indicator, year: int, parent: pages.Place | None) -> list[tuple[str, str]]:
    crumbs = [(_href(indicator, "rhf", year, None), gettext(lang, LEVEL_NAMES["national"]))]
    if parent is None:
        return crumbs
    places = pages.places()
    for level in pages.LEVEL_ORDER:
        code = parent.code if level == parent.level else parent.parents.get(level)
        if code and level in pages.CHILD:
            crumbs.append((_href(indicator, pages.CHILD[level], year, code), places[code].name))
        if level == parent.level:
            break
    return crumbs


def _summary(lang: Language, indicator: Indicator, view: IndicatorView) -> str:
    _ = lambda text: gettext(lang, text)  # noqa: E731
    parts = []
    if view.national and view.national.value is not None:
        text = _("Norway %(year)s: %(value)s (n = %(n)s).")
        n = format_number(view.national.n, lang) if view.national.n is not None else "–"
        parts.append(text % {"year": view.year, "value": view.national.text, "n": n})
    valued = [r for r in view.rows if r.value is not None]
    if len(valued) >= 2:
        text = _("%(level)s range from %(low)s (%(low_name)s) to %(high)s (%(high_name)s).")
        parts.append(
            text
            % {
                "level": view.level_plural.capitalize(),
                "low": valued[-1].text,
                "low_name": valued[-1].name,
                "high": valued[0].text,
                "high_name": valued[0].name,
            }
        )
    suppressed = sum(1 for r in view.rows if r.suppressed)
    if suppressed:
        parts.append(
            _("%(count)s of %(total)s are suppressed (fewer than 5 cases).")
            % {"count": suppressed, "total": len(view.rows)}
        )
    return " ".join(parts)


def _figure_json(figure: Any) -> str:
    """The figure as JSON for the chart's data-figure attribute (the template escapes it like any text)."""
    return str(figure.to_json())


def _funnel(lang: Language, indicator: Indicator, view: IndicatorView, level_rows: pl.DataFrame) -> None:
    """The funnel plot of every row at the level (flags compare with Norway), and its summary."""
    _ = lambda text: gettext(lang, text)  # noqa: E731
    counted = level_rows.filter(pl.col("n").is_not_null() & (pl.col("n") > 0))
    if counted.height < 3:
        view.funnel_summary = _("Too few with data for a funnel plot.")
        return
    title = _("%(name)s, %(year)s: funnel plot of %(level)s") % {
        "name": _name(indicator, lang),
        "year": view.year,
        "level": view.level_plural,
    }
    figure = plots.funnel_figure(counted, title, view.level_name)
    if not figure.data:
        view.funnel_summary = _("Every case counts the same way, so no funnel plot can be drawn.")
        return
    norway = _("Norway")
    for trace in figure.data:
        if trace.name and trace.name.endswith("limits"):
            level = trace.name.removesuffix(" limits")
            trace.name = _("%(level)s limits") % {"level": level.replace(".", ",") if lang == "nb" else level}
    figure.update_layout(
        xaxis_title=_("Number of cases (n)"), yaxis_title=_("Share"), separators=", " if lang == "nb" else ".,"
    )
    for note in figure.layout.annotations or ():
        note.text = note.text.replace("Norway", norway)
    view.funnel_json = _figure_json(figure)
    flags = counted["flag_998"].to_list()
    total = len(flags)
    above = sorted(n for n, f in zip(counted["name"].to_list(), flags, strict=True) if f == "above")
    below = sorted(n for n, f in zip(counted["name"].to_list(), flags, strict=True) if f == "below")
    parts = []
    for names, text in (
        (above, _("%(count)s of %(total)s %(level)s above the 99.8 %% limit: %(names)s.")),
        (below, _("%(count)s of %(total)s %(level)s below the 99.8 %% limit: %(names)s.")),
    ):
        if names:
            parts.append(
                text % {"count": len(names), "total": total, "level": view.level_plural, "names": ", ".join(names)}
            )
    if not parts:
        parts.append(
            _("All %(total)s %(level)s lie within the 99.8 %% limits.") % {"total": total, "level": view.level_plural}
        )
    view.funnel_summary = " ".join(parts)


def _map(lang: Language, indicator: Indicator, view: IndicatorView) -> tuple[MapView, str]:
    _ = lambda text: gettext(lang, text)  # noqa: E731
    values = {r.code: r.value for r in view.rows}
    names = {r.code: r.name for r in view.rows}
    scale = pages.ColourScale.of(values.values())
    shapes = []
    for shape in pages.map_shapes(values, view.level):
        title = f"{names.get(shape.code) or pages.places()[shape.code].name}: {_fmt(lang, indicator, shape.value)}"
        shapes.append((shape.path, scale.fill(shape.value), title))
    legend = [
        (colour, f"{_fmt(lang, indicator, low)} – {_fmt(lang, indicator, high)}")
        for colour, low, high in scale.classes()
    ]
    legend.append((pages.NO_DATA, _("No data, suppressed, or outside the chosen area")))
    geometry = pages.geometry()
    shown = {r.code for r in view.rows}
    view_box = geometry.view_box(s.municipality for s in pages.map_shapes(values, view.level) if s.code in shown)
    summary = _("The map colours %(level)s from light (low) to dark (high); the ranked table has the same values.") % {
        "level": view.level_plural
    }
    return MapView(view_box, shapes, legend, stroke=view.level == "municipality"), summary


def _trend(lang: Language, indicator: Indicator, view: IndicatorView, frame: pl.DataFrame, store: pages.Store) -> None:
    _ = lambda text: gettext(lang, text)  # noqa: E731
    if len(view.years) < 2:
        view.trend_summary = _("Only one year has data, so there is no trend yet.")
        return
    codes = [r.code for r in view.rows]
    if len(codes) <= TREND_SERIES:
        series = frame.filter((pl.col("level") == view.level) & pl.col("code").is_in(codes))
    else:
        series = frame.filter(pl.col("level") == "national")
        if view.parent is not None:
            series = pl.concat(
                [series, frame.filter((pl.col("level") == view.parent.level) & (pl.col("code") == view.parent.code))],
                how="diagonal_relaxed",
            )
    series = series.with_columns(pl.col("name").fill_null(pl.col("code"))).sort("year")
    title = _("%(name)s: trend over years") % {"name": _name(indicator, lang)}
    figure = plots.trend_figure(series, title, indicator.kind == "proportion")
    figure.update_layout(separators=", " if lang == "nb" else ".,", xaxis_title=_("Year"), xaxis_dtick=1)
    if indicator.kind == "proportion":
        figure.update_layout(yaxis_tickformat=".1%")  # whole percents repeat on a narrow range
    view.trend_json = _figure_json(figure)
    names = list(dict.fromkeys(str(n) for n in series["name"].to_list()))
    view.trend_names = names
    by = {(str(r["name"]), int(r["year"])): r for r in series.iter_rows(named=True)}
    view.trend_table = [
        (
            y,
            [
                (
                    "–"
                    if (nm, y) not in by or by[(nm, y)].get("suppressed")
                    else _fmt(lang, indicator, by[(nm, y)].get("value"))
                )
                for nm in names
            ],
        )
        for y in view.years
    ]
    first, last = view.trend_table[0], view.trend_table[-1]
    text = _("%(series)s: %(first)s in %(first_year)s and %(last)s in %(last_year)s.")
    view.trend_summary = " ".join(
        text % {"series": nm, "first": first[1][i], "first_year": first[0], "last": last[1][i], "last_year": last[0]}
        for i, nm in enumerate(names[:TREND_SERIES])
    )
