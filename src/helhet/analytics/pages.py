"""What the atlas pages of the web app need from the atlas: the store opened once and the atlas of one
indicator computed once (both cached until the store's files change), the geography hierarchy for drill-down
(RHF → HF → referral area → municipality → unit), and the choropleth map as SVG drawn on the server.

The map is SVG from the municipality polygons shipped in ``helhet.reference`` (never read from elsewhere at
run time): it needs no JavaScript, no WebGL and no map tiles, prints, and keeps the page's CSP strict. Areas,
HFs and RHFs are shown dissolved: each municipality takes its owner's colour and no border is drawn inside
an owner. Oslo is split between four areas by city district and the polygons have no districts, so on area
maps Oslo takes the OUS area's value.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from helhet import reference
from helhet.analytics import privacy, queries
from helhet.analytics.atlas import Atlas, build_atlas
from helhet.analytics.indicators import available
from helhet.analytics.plots import municipality_geojson
from helhet.analytics.store import check_folder

#: drill-down: the level below each level
CHILD = {"rhf": "hf", "hf": "area", "area": "municipality", "municipality": "unit"}
MAP_LEVELS = ("rhf", "hf", "area", "municipality")
MAP_WIDTH = 960  # SVG units; points are rounded to whole units (about 1.3 km) and drawn relative: small pages


# The store and the atlas, cached ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Store:
    folder: Path
    years: tuple[int, ...]  # years with referrals
    unit_trust: dict[str, str | None]  # unit id → its health trust (HF) code, for drill-down to units
    available: tuple[str, ...]  # indicators whose tables the store has


_lock = threading.Lock()  # one DuckDB connection per store, used by one request at a time
_connections: dict[tuple[str, tuple[tuple[str, float], ...]], duckdb.DuckDBPyConnection] = {}
_atlases: dict[tuple[Any, ...], Atlas] = {}


def _stamp(folder: Path) -> tuple[tuple[str, float], ...]:
    files = check_folder(folder)  # Invalid when the folder or a table is missing
    return tuple(sorted((name, path.stat().st_mtime) for name, path in files.items()))


def _connection(folder: Path) -> tuple[duckdb.DuckDBPyConnection, tuple[Any, ...]]:
    key = (str(folder.resolve()), _stamp(folder))
    con = _connections.get(key)
    if con is None:
        for old in [k for k in _connections if k[0] == key[0]]:  # the store was rebuilt: forget the old one
            _connections.pop(old).close()
            for cached in [k for k in _atlases if k[0] == old]:
                del _atlases[cached]
        con = _connections[key] = queries.connect(folder)
    return con, key


def open_store(folder: Path) -> Store:
    """The store's years and units; ``Invalid`` when no store is built there (or a table is missing)."""
    with _lock:
        con, _ = _connection(folder)
        years = tuple(
            int(r[0])
            for r in con.execute(
                # from the referrals themselves: referral_facts is a view of every join until an atlas asks
                f"SELECT DISTINCT year FROM (SELECT year(received_on) AS year FROM referral) r "
                f"WHERE {queries.in_period(con)} ORDER BY 1"
            ).fetchall()
        )
        trusts = {str(r[0]): r[1] for r in con.execute("SELECT id, health_trust_code FROM unit").fetchall()}
        codes = tuple(i.code for i in available(con))
    return Store(folder, years, trusts, codes)


def indicator_atlas(folder: Path, code: str, as_of: date) -> Atlas:
    """The atlas of one indicator (all levels and years) as pages may show it (``privacy.protect``), computed
    once per store version and day."""
    with _lock:
        con, key = _connection(folder)
        cache_key = (key, code, as_of)
        atlas = _atlases.get(cache_key)
        if atlas is None:
            atlas = _atlases[cache_key] = privacy.protect(build_atlas(con, as_of, [code]))
    return atlas


# Geography for drill-down -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    level: str
    code: str
    name: str
    parents: dict[str, str]  # level → code of every level above


@cache
def places() -> dict[str, Place]:
    """Every RHF, HF, referral area and municipality by code (codes of different levels never collide)."""
    found: dict[str, Place] = {}
    for region in reference.regions():
        found[region.code] = Place("rhf", region.code, region.name, {})
    for trust in reference.health_trusts():
        found[trust.code] = Place("hf", trust.code, trust.name, {"rhf": trust.rhf_code})
    areas = {a.code: a for a in reference.referral_areas()}
    for area in areas.values():
        found[area.code] = Place("area", area.code, area.name, {"hf": area.hf_code, "rhf": area.rhf_code})
    for m in reference.municipalities().values():
        area = areas[reference.home_area_code(m)]
        parents = {"area": area.code, "hf": area.hf_code, "rhf": area.rhf_code}
        found[m.number] = Place("municipality", m.number, m.short_name, parents)
    return found


def parents_of(level: str, code: str, store: Store) -> dict[str, str]:
    """The codes above a row: a unit is within its HF and RHF (and, for drill-down, the areas its HF serves)."""
    if level == "unit":
        trust = store.unit_trust.get(code)
        place = places().get(trust or "")
        return {"hf": trust, **place.parents} if trust and place else {}
    place = places().get(code)
    return place.parents if place and place.level == level else {}


def is_within(level: str, code: str, parent: Place, store: Store) -> bool:
    ups = parents_of(level, code, store)
    if level == "unit" and parent.level in ("area", "municipality"):
        return ups.get("hf") == parent.parents.get("hf")  # units belong to the HF serving the area
    return ups.get(parent.level) == parent.code


LEVEL_ORDER = ("rhf", "hf", "area", "municipality", "unit")


def may_hold(parent: Place, level: str) -> bool:
    """Whether rows at ``level`` can lie within ``parent`` (an RHF holds HFs and below, never other RHFs)."""
    return LEVEL_ORDER.index(parent.level) < LEVEL_ORDER.index(level)


# The map -----------------------------------------------------------------------------------------------------


def _mercator(lon: float, lat: float) -> tuple[float, float]:
    return lon, math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def _rings(geometry: dict[str, Any]) -> Iterable[list[list[float]]]:
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    for polygon in polygons:
        yield from polygon


@dataclass(frozen=True)
class Geometry:
    width: int
    height: int
    paths: tuple[tuple[str, str], ...]  # municipality number → SVG path
    boxes: dict[str, tuple[int, int, int, int]]  # municipality number → min x, min y, max x, max y

    def view_box(self, numbers: Iterable[str], margin: float = 0.08, smallest: int = 120) -> str:
        """The SVG viewBox around these municipalities (all of Norway when none), with a margin."""
        boxes = [self.boxes[n] for n in numbers if n in self.boxes]
        if not boxes:
            return f"0 0 {self.width} {self.height}"
        x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
        x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        w, h = max(x1 - x0, smallest) * (1 + 2 * margin), max(y1 - y0, smallest) * (1 + 2 * margin)
        return f"{cx - w / 2:.0f} {cy - h / 2:.0f} {w:.0f} {h:.0f}"


@cache
def geometry() -> Geometry:
    features = municipality_geojson()["features"]
    projected = [
        (f["properties"]["kommunenummer"], [[_mercator(x, y) for x, y, *_ in ring] for ring in _rings(f["geometry"])])
        for f in features
    ]
    xs = [x for _, rings in projected for ring in rings for x, _ in ring]
    ys = [y for _, rings in projected for ring in rings for _, y in ring]
    scale = MAP_WIDTH / (max(xs) - min(xs))
    x0, y1 = min(xs), max(ys)
    paths, boxes = [], {}
    for number, rings in projected:
        snapped = [[(round((x - x0) * scale), round((y1 - y) * scale)) for x, y in ring] for ring in rings]
        kept = [ring for ring in snapped if len(set(ring)) >= 3]
        paths.append((number, _path(kept or sorted(snapped, key=len)[-1:])))  # a tiny municipality keeps one ring
        points = [point for ring in snapped for point in ring]
        boxes[number] = (
            min(x for x, _ in points),
            min(y for _, y in points),
            max(x for x, _ in points),
            max(y for _, y in points),
        )
    return Geometry(MAP_WIDTH, round((y1 - min(ys)) * scale), tuple(paths), boxes)


def _path(rings: Iterable[list[tuple[int, int]]]) -> str:
    """Relative moves from point to point ("M10 20l3-1 0 2z"), repeated points left out."""
    parts = []
    for ring in rings:
        (x, y), steps = ring[0], []
        for px, py in ring[1:]:
            if (px, py) != (x, y):
                steps.append(f"{px - x} {py - y}")
                x, y = px, py
        parts.append(f"M{ring[0][0]} {ring[0][1]}l{' '.join(steps)}z".replace(" -", "-"))
    return "".join(parts)


def owner(level: str, municipality_number: str) -> str:
    if level == "municipality":
        return municipality_number
    return places()[municipality_number].parents[level]


@dataclass(frozen=True)
class MapShape:
    municipality: str
    code: str  # the owner at the map's level
    path: str
    value: float | None


def map_shapes(values: dict[str, float | None], level: str) -> list[MapShape]:
    """Every municipality's outline with the value of its owner at ``level`` (None: no data or suppressed)."""
    result = []
    for number, path in geometry().paths:
        code = owner(level, number)
        result.append(MapShape(number, code, path, values.get(code)))
    return result


PALETTE = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")  # ColorBrewer Blues, light = low
NO_DATA = "#d9d9d9"


@dataclass(frozen=True)
class ColourScale:
    """Equal-width classes from the lowest to the highest value shown (one class when all are equal)."""

    low: float
    high: float
    bins: int
    known: bool  # some value is shown

    @classmethod
    def of(cls, values: Iterable[float | None]) -> ColourScale:
        known = [v for v in values if v is not None]
        low, high = (min(known), max(known)) if known else (0.0, 0.0)
        return cls(low, high, len(PALETTE) if high > low else 1, bool(known))

    @property
    def step(self) -> float:
        return (self.high - self.low) / self.bins if self.bins > 1 else 0.0

    def fill(self, value: float | None) -> str:
        if value is None:
            return NO_DATA
        return PALETTE[min(int((value - self.low) / self.step), self.bins - 1)] if self.step else PALETTE[2]

    def classes(self) -> list[tuple[str, float, float]]:
        """Each class's colour and its lower and upper value (none when no value is shown)."""
        if not self.known:
            return []
        edges = [self.low + i * self.step for i in range(self.bins)] + [self.high]
        colours = PALETTE if self.bins > 1 else (PALETTE[2],)
        return [(colours[i], edges[i], edges[i + 1]) for i in range(self.bins)]


def values_by_code(frame: pl.DataFrame) -> dict[str, float | None]:
    result: dict[str, float | None] = {}
    for code, value in zip(frame["code"].to_list(), frame["value"].to_list(), strict=True):
        result[str(code)] = None if value is None or (isinstance(value, float) and math.isnan(value)) else value
    return result


__all__ = [
    "CHILD",
    "MAP_LEVELS",
    "NO_DATA",
    "PALETTE",
    "ColourScale",
    "MapShape",
    "Place",
    "Store",
    "indicator_atlas",
    "is_within",
    "map_shapes",
    "may_hold",
    "open_store",
    "parents_of",
    "places",
    "values_by_code",
]
