"""``helhet atlas``: build the analytical store, render the offline report, export tables, show an indicator."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import polars as pl
import typer
from rich.console import Console
from rich.table import Table

from helhet.errors import HelhetError, InvalidMany

if TYPE_CHECKING:
    from helhet.analytics.pages import Place

app = typer.Typer(help="The oversight atlas: variation, waits, deadlines and wish concordance.", no_args_is_help=True)
console = Console()


def _fail(exc: Exception) -> NoReturn:
    if isinstance(exc, InvalidMany):
        for problem in exc.problems:
            console.print(f"[red]Error:[/red] {problem.field}={problem.value!r}: {problem.reason}")
    else:
        console.print(f"[red]Error:[/red] {exc}")
    raise typer.Exit(code=1)


def _as_of(value: str | None) -> date:
    from helhet import clock

    if value is None:
        return clock.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(ValueError(f"--as-of {value!r}: use a date like 2025-12-31"))
        raise


@app.command("build")
def build(out: Path = typer.Option(Path("data/atlas"), help="Folder for the Parquet store.")) -> None:
    """Extract the operational database into Parquet with pseudonymous keys (no names or ID numbers)."""
    from helhet.analytics import store
    from helhet.config import get_settings
    from helhet.db import get_engine

    with console.status("Extracting the operational database..."):
        try:
            info = store.extract(get_engine(), out, get_settings().secret_key)
        except HelhetError as exc:
            _fail(exc)
    for table, rows in info.tables.items():
        console.print(f"  {table}: {rows:,} rows")
    console.print(f"Analytical store written to {out}")


def _atlas(store_dir: Path, as_of: str | None, indicators: list[str] | None = None):  # type: ignore[no-untyped-def]
    from helhet.analytics import privacy, queries
    from helhet.analytics.atlas import build_atlas

    try:
        con = queries.connect(store_dir)
        return privacy.protect(build_atlas(con, _as_of(as_of), indicators))
    except HelhetError as exc:
        _fail(exc)


@app.command("report")
def report(
    store_dir: Path = typer.Option(Path("data/atlas"), "--store", help="The Parquet store (helhet atlas build)."),
    out: Path = typer.Option(Path("atlas.html"), help="The HTML file to write."),
    year: int | None = typer.Option(None, help="Year to show (default: the latest)."),
    as_of: str | None = typer.Option(None, help="Reference date for deadlines (default: today)."),
    lang: str = typer.Option("nb", "--lang", help="Language of the report: nb (bokmål) or en (English)."),
) -> None:
    """Write a self-contained offline HTML report (Plotly embedded; works without network), in bokmål or
    English."""
    from helhet.analytics.report import render_html
    from helhet.i18n import LANGUAGES, language_or_default

    if lang not in LANGUAGES:  # before the atlas is computed, so nothing is written
        _fail(ValueError(f"--lang {lang!r}: use nb (bokmål) or en (English)"))
    with console.status("Computing the atlas..."):
        atlas = _atlas(store_dir, as_of)
    years = sorted(atlas.values["year"].drop_nulls().unique().to_list()) if atlas.values.height else []
    if year is not None and year not in years:
        _fail(ValueError(f"--year {year}: the store has no data for {year}; years with data: {years or 'none'}"))
    with console.status("Writing the report..."):
        html = render_html(atlas, year, language_or_default(lang))
    out.write_text(html, encoding="utf-8")
    console.print(f"Wrote {out} ({len(html) / 1e6:.1f} MB, {len(atlas.indicators)} indicators).")


@app.command("export")
def export(
    store_dir: Path = typer.Option(Path("data/atlas"), "--store", help="The Parquet store."),
    out: Path = typer.Option(Path("data/atlas-export"), help="Folder for the tables."),
    fmt: str = typer.Option("csv", "--format", help="csv or parquet."),
    as_of: str | None = typer.Option(None, help="Reference date (default: today)."),
) -> None:
    """Export every atlas table (indicators, variation, case-mix, catalogue) as CSV or Parquet."""
    from helhet.analytics.report import export_tables

    if fmt not in ("csv", "parquet"):
        _fail(ValueError(f"--format {fmt!r}: use csv or parquet"))
    atlas = _atlas(store_dir, as_of)
    for path in export_tables(atlas, out, fmt):
        console.print(f"  {path}")


@app.command("show")
def show(
    indicator: str = typer.Argument(..., help="Indicator code, e.g. wish_concordance (see 'helhet atlas list')."),
    level: str = typer.Option("area", help="rhf, hf, area, municipality or unit."),
    year: int | None = typer.Option(None, help="Year (default: the latest)."),
    area: str | None = typer.Option(
        None, help="Only this RHF, HF, referral area or municipality (its code, e.g. bergen), or the rows within it."
    ),
    store_dir: Path = typer.Option(Path("data/atlas"), "--store", help="The Parquet store."),
    as_of: str | None = typer.Option(None, help="Reference date (default: today)."),
) -> None:
    """Print one indicator per area for one year, with intervals and funnel flags."""
    from helhet.analytics.indicators import BY_CODE, LEVELS

    if indicator not in BY_CODE:
        _fail(ValueError(f"indicator {indicator!r} is unknown; known: {', '.join(BY_CODE)}"))
    if level not in LEVELS:
        _fail(ValueError(f"--level {level!r}: use one of {', '.join(LEVELS)}"))
    place = _place(area, level) if area else None
    atlas = _atlas(store_dir, as_of, [indicator])
    frame = atlas.values.filter((pl.col("indicator") == indicator) & (pl.col("level") == level))
    if frame.height and place is not None:
        frame = _within(frame, place, level, store_dir)
    where = f" in {place.name} ({place.code})" if place else ""
    if frame.height == 0:
        _fail(ValueError(f"{indicator} has no data at level {level}{where} in this store"))
    chosen = year or int(frame["year"].max())
    rows = frame.filter(pl.col("year") == chosen).sort("name")
    if rows.height == 0:
        years = sorted(frame["year"].unique().to_list())
        _fail(ValueError(f"{indicator} has no data at level {level}{where} for {chosen}; years with data: {years}"))
    national = atlas.values.filter(
        (pl.col("indicator") == indicator) & (pl.col("level") == "national") & (pl.col("year") == chosen)
    )
    kind = BY_CODE[indicator].kind
    table = Table(title=f"{BY_CODE[indicator].name_en}, {level}{where}, {chosen}")
    table.add_column("name")
    for header, _ in SHOW_COLUMNS[kind]:
        table.add_column(header, justify="right")
    for r in [*rows.iter_rows(named=True), *national.iter_rows(named=True)]:
        name = "Norway" if r["level"] == "national" else str(r["name"])
        table.add_row(name, *(_cell(kind, column, r.get(column)) for _, column in SHOW_COLUMNS[kind]))
    console.print(table)
    if kind == "rate":
        console.print(
            "Rates per 10,000 adults; DSR: standardised by age and sex, with Dobson's 95 % interval; O/E: observed "
            "against expected at the national rates by age and sex (indirect standardisation; its exact 95 % "
            "interval in the exports)."
        )
    console.print("– : no data, or suppressed (counts 1-4, and one more where a total would reveal them).")


#: the columns `show` prints for each kind of indicator: header, column of the atlas table
SHOW_COLUMNS = {
    "proportion": [
        ("n", "n"),
        ("k", "k"),
        ("share", "value"),
        ("95 % lower", "lower"),
        ("95 % upper", "upper"),
        ("funnel 95 %", "flag_95"),
        ("funnel 99.8 %", "flag_998"),
    ],
    "rate": [
        ("referrals", "n"),
        ("crude rate", "rate"),
        ("DSR", "dsr"),
        ("DSR lower", "dsr_lower"),
        ("DSR upper", "dsr_upper"),
        ("O/E", "sir"),
    ],
    "quantile": [("n", "n"), ("median", "median"), ("p90", "p90")],
}


def _cell(kind: str, column: str, value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if column in ("n", "k"):
        return f"{int(value):,}".replace(",", " ")  # type: ignore[call-overload]
    if column.startswith("sir"):
        from helhet.analytics import formats

        return formats.ratio(value)  # type: ignore[arg-type]
    return f"{value:.3f}" if kind == "proportion" else f"{value:.1f}"


def _place(code: str, level: str) -> Place:
    """The RHF, HF, referral area or municipality ``--area`` names, when it is or holds rows at ``level``."""
    from helhet.analytics import pages

    place = pages.places().get(code)
    if place is None:
        regions = ", ".join(p.code for p in pages.places().values() if p.level == "rhf")
        examples = f"RHFs are {regions}; HFs, areas and municipalities are like helse-bergen-hf, bergen, 4601"
        _fail(ValueError(f"--area {code!r}: no RHF, HF, referral area or municipality has this code ({examples})"))
    if place.level != level and not pages.may_hold(place, level):
        _fail(
            ValueError(
                f"--area {code!r} is a {place.level} ({place.name}) and holds no {level}: choose a lower --level"
            )
        )
    return place


def _within(frame: pl.DataFrame, place: Place, level: str, store_dir: Path) -> pl.DataFrame:
    from helhet.analytics import pages

    if place.level == level:
        return frame.filter(pl.col("code") == place.code)
    store = pages.open_store(store_dir)
    return frame.filter(pl.col("code").map_elements(lambda c: pages.is_within(level, c, place, store), pl.Boolean))


@app.command("list")
def list_indicators() -> None:
    """List the indicator catalogue with definitions."""
    from helhet.analytics.indicators import CATALOGUE

    table = Table(title="Atlas indicators")
    for column in ("code", "name", "numerator / denominator", "better"):
        table.add_column(column)
    for i in CATALOGUE:
        table.add_row(i.code, i.name_en, f"{i.numerator} / {i.denominator}", i.better)
    console.print(table)


def register(main: typer.Typer) -> None:
    main.add_typer(app, name="atlas")
