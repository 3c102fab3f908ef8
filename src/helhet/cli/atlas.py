"""``helhet atlas``: build the analytical store, render the offline report, export tables, show an indicator."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from helhet.errors import HelhetError

app = typer.Typer(help="The oversight atlas: variation, waits, deadlines and wish concordance.", no_args_is_help=True)
console = Console()


def _fail(exc: Exception) -> None:
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
        info = store.extract(get_engine(), out, get_settings().secret_key)
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
) -> None:
    """Write a self-contained offline HTML report (Plotly embedded; works without network)."""
    from helhet.analytics.report import render_html

    with console.status("Computing the atlas..."):
        atlas = _atlas(store_dir, as_of)
        html = render_html(atlas, year)
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
    store_dir: Path = typer.Option(Path("data/atlas"), "--store", help="The Parquet store."),
    as_of: str | None = typer.Option(None, help="Reference date (default: today)."),
) -> None:
    """Print one indicator per area for one year, with intervals and funnel flags."""
    import polars as pl

    from helhet.analytics.indicators import BY_CODE, LEVELS

    if indicator not in BY_CODE:
        _fail(ValueError(f"indicator {indicator!r} is unknown; known: {', '.join(BY_CODE)}"))
    if level not in LEVELS:
        _fail(ValueError(f"--level {level!r}: use one of {', '.join(LEVELS)}"))
    atlas = _atlas(store_dir, as_of, [indicator])
    frame = atlas.values.filter((pl.col("indicator") == indicator) & (pl.col("level") == level))
    if frame.height == 0:
        _fail(ValueError(f"{indicator} has no data at level {level} in this store"))
    chosen = year or int(frame["year"].max())
    rows = frame.filter(pl.col("year") == chosen).sort("name")
    if rows.height == 0:
        years = sorted(frame["year"].unique().to_list())
        _fail(ValueError(f"{indicator} has no data for {chosen}; years with data: {years}"))
    table = Table(title=f"{BY_CODE[indicator].name_en}, {level}, {chosen}")
    for column in ("name", "n", "value", "lower", "upper", "flag 99.8 %"):
        table.add_column(column)
    for r in rows.iter_rows(named=True):
        fmt = lambda v: "–" if v is None else f"{v:.3f}"  # noqa: E731
        table.add_row(
            str(r["name"]),
            "–" if r.get("n") is None else str(r["n"]),
            fmt(r.get("value")),
            fmt(r.get("lower")),
            fmt(r.get("upper")),
            str(r.get("flag_998") or ""),
        )
    console.print(table)


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
