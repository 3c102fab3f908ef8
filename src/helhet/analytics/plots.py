"""Plotly figures for the atlas. Plots only draw: every number comes from ``atlas.Atlas`` frames.

Maps are SVG, not Plotly (``pages.map_shapes``, drawn by the pages and by ``report.map_svg``); this module
keeps the municipality polygons they are projected from.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import plotly.graph_objects as go
import polars as pl

from helhet.analytics import funnel
from helhet.i18n import Language, gettext

PALETTE = "Blues"
#: Plotly's decimal and thousands separators in each language (``layout.separators``), as the pages set them
SEPARATORS: dict[Language, str] = {"nb": ", ", "en": ".,"}


@cache
def municipality_geojson() -> dict[str, Any]:
    path = resources.files("helhet.reference").joinpath("data", "kommuner_2024_S.geojson")
    with path.open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def _decimal_comma(text: str, lang: Language) -> str:
    """A number as Python wrote it ("99.8%") with the decimal comma in bokmål."""
    return text.replace(".", ",") if lang == "nb" else text


def funnel_figure(group: pl.DataFrame, title: str, level_label: str, lang: Language = "en") -> go.Figure:
    """Proportions against their denominators with 95 % and 99.8 % limits (over-dispersion adjusted), its
    words in ``lang`` (the pages translate the English figure themselves; the offline report asks for its
    language)."""
    _ = lambda text: gettext(lang, text)  # noqa: E731
    data = group.filter(pl.col("n").is_not_null() & (pl.col("n") > 0))
    n = data["n"].to_numpy().astype(float)
    k = data["k"].fill_null(0).to_numpy().astype(float)
    fig = go.Figure()
    if len(n) == 0 or k.sum() in (0, n.sum()):
        return fig
    target = k.sum() / n.sum()
    grid = np.unique(np.linspace(max(1, n.min() * 0.8), n.max() * 1.1, 120).round())
    limits = funnel.funnel_limits_proportion(target, grid, overdispersed=True, successes=k, areas_n=n, consistent=True)
    for i, level in enumerate(limits.levels):
        dash = "dash" if level < 0.99 else "solid"
        name = _("%(level)s limits") % {"level": _decimal_comma(f"{level:.1%}".replace(".0%", "%"), lang)}
        fig.add_trace(
            go.Scatter(x=grid, y=limits.upper[i], mode="lines", line={"dash": dash, "color": "#555"}, name=name)
        )
        fig.add_trace(
            go.Scatter(x=grid, y=limits.lower[i], mode="lines", line={"dash": dash, "color": "#555"}, showlegend=False)
        )
    colours = {"above": "#b2182b", "below": "#2166ac", "within": "#666", "missing": "#aaa"}
    flags = data["flag_998"].to_list() if "flag_998" in data.columns else ["within"] * len(n)
    fig.add_trace(
        go.Scatter(
            x=n,
            y=k / n,
            mode="markers",
            text=data["name"].to_list() if "name" in data.columns else data["code"].to_list(),
            marker={"color": [colours.get(f or "missing", "#666") for f in flags], "size": 8},
            name=level_label,
            hovertemplate=_("%(name)s: %(share)s of %(n)s") % {"name": "%{text}", "share": "%{y:.1%}", "n": "%{x}"}
            + "<extra></extra>",
        )
    )
    norway = f"{_('Norway')} {_decimal_comma(f'{target:.1%}', lang)}"
    fig.add_hline(y=target, line_color="#222", annotation_text=norway)
    fig.update_layout(
        title=title,
        xaxis_title=_("Number of cases (n)"),
        yaxis_title=_("Share"),
        yaxis_tickformat=".0%",
        height=480,
        margin={"t": 50},
    )
    return fig


def ranked_figure(group: pl.DataFrame, title: str, percent: bool) -> go.Figure:
    data = group.filter(pl.col("value").is_not_null()).sort("value")
    names = data["name"].to_list() if "name" in data.columns else data["code"].to_list()
    value = data["value"].to_numpy()
    err_plus = (data["upper"].to_numpy() - value) if "upper" in data.columns else None
    err_minus = (value - data["lower"].to_numpy()) if "lower" in data.columns else None
    fig = go.Figure(
        go.Scatter(
            x=value,
            y=names,
            mode="markers",
            error_x={"type": "data", "array": err_plus, "arrayminus": err_minus} if err_plus is not None else None,
            marker={"color": "#2166ac", "size": 8},
        )
    )
    fig.update_layout(
        title=title,
        height=max(320, 22 * len(names)),
        margin={"l": 200, "t": 50},
        xaxis_tickformat=".0%" if percent else None,
    )
    return fig


def trend_figure(frame: pl.DataFrame, title: str, percent: bool) -> go.Figure:
    fig = go.Figure()
    for code, group in frame.sort("year").group_by("code", maintain_order=True):
        name = group["name"][0] if "name" in group.columns else code[0]
        fig.add_trace(
            go.Scatter(x=group["year"].to_list(), y=group["value"].to_list(), mode="lines+markers", name=str(name))
        )
    fig.update_layout(title=title, yaxis_tickformat=".0%" if percent else None, height=420, margin={"t": 50})
    return fig
