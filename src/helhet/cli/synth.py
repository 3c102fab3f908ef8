"""``helhet synth``: synthetic persons and pathways into Parquet files or the configured database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

console = Console()


def _fail(message: str) -> None:
    console.print(f"[red]Error:[/red] {message}")
    raise typer.Exit(code=1)


def synth(
    persons: int = typer.Option(10_000, min=1, help="Persons to generate (each with one or more referrals)."),
    years: int = typer.Option(3, min=1, max=20, help="Years of history up to the as-of day."),
    region: str = typer.Option("all", help="HSO, HV, HMN, HN, or all of Norway."),
    seed: int = typer.Option(2026, help="Random seed: the same seed, scenario and as-of day give the same data."),
    scenario: str = typer.Option("default", help="A shipped scenario (default, none) or a scenario YAML/JSON file."),
    out: str | None = typer.Option(None, help="Write Parquet files: parquet:DIR."),
    to_db: bool = typer.Option(False, "--to-db", help="Write into the configured database (run 'helhet init' first)."),
    as_of: str | None = typer.Option(None, help="Last day of the data (YYYY-MM-DD); default today."),
    truth: Path | None = typer.Option(None, help="Ground-truth file for --to-db (default <data dir>/synthetic/)."),
) -> None:
    """Generate synthetic persons with whole pathways, calibrated to Norway, with planted variation.

    Prints what was written and where the ground truth (the planted effects and realised figures) is.
    """
    from helhet.errors import HelhetError
    from helhet.synthetic import scenario as scenarios

    if (out is None) == (not to_db):
        _fail("give exactly one of --out parquet:DIR or --to-db")
    if out is not None and not out.startswith("parquet:"):
        _fail(f"--out {out!r}: write it as parquet:DIR")
    day = None
    if as_of is not None:
        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            _fail(f"--as-of {as_of!r}: use a date like 2025-12-31")
    try:
        plan = scenarios.load(scenario)  # refused here, before anything is generated
    except scenarios.ScenarioError as exc:
        _fail(str(exc))
        return
    columns = (
        TextColumn("[bold]Generating"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("persons"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("synth", total=persons)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done)

        try:
            if out is not None:
                from helhet.synthetic import generate_to_parquet

                summary = generate_to_parquet(
                    Path(out.removeprefix("parquet:")),
                    persons=persons,
                    years=years,
                    region=region,
                    seed=seed,
                    scenario=plan,
                    as_of=day,
                    progress=advance,
                )
            else:
                from helhet.db import get_engine
                from helhet.synthetic import generate_into_database

                summary = generate_into_database(
                    get_engine(), persons, years, region, seed, plan, as_of=day, truth_path=truth, progress=advance
                )
        except HelhetError as exc:
            _fail(str(exc))
            return
    console.print(summary.describe())


def register(app: typer.Typer) -> None:
    app.command("synth")(synth)
