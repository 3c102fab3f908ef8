"""``helhet jobs``: scheduled work. ``helhet jobs escalate`` marks overdue tasks and handovers, once each;
``helhet jobs gaps`` brings every person's gap snapshot up to date for the day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.orm import Session

app = typer.Typer(help="Scheduled jobs (run them daily, e.g. from cron).", no_args_is_help=True)
console = Console()


@dataclass(frozen=True)
class Escalated:
    """What one escalation run marked: ids of tasks and handovers escalated now (not those marked before)."""

    on: date
    task_ids: list[int]
    handover_ids: list[int]

    def describe(self) -> str:
        if not self.task_ids and not self.handover_ids:
            return f"Nothing to escalate on {self.on.isoformat()}."
        lines = [f"Escalated on {self.on.isoformat()}:"]
        lines.append(f"  {len(self.task_ids)} task(s) overdue: {', '.join(map(str, self.task_ids)) or '-'}")
        lines.append(
            f"  {len(self.handover_ids)} handover(s) not accepted in time: "
            f"{', '.join(map(str, self.handover_ids)) or '-'}"
        )
        return "\n".join(lines)


def run_escalation(session: Session, today: date | None = None) -> Escalated:
    """Task escalation and handover escalation for ``today``, in the caller's unit of work."""
    from helhet import clock
    from helhet.tasks import escalation
    from helhet.transitions import queries

    on = today or clock.today()
    tasks = escalation.escalate_overdue(session, on)
    handovers = queries.escalate_overdue_handovers(session, on)
    return Escalated(on, [t.id for t in tasks], [h.id for h in handovers])


@app.command("escalate")
def escalate(
    today: str | None = typer.Option(None, "--today", help="Run as of this day (YYYY-MM-DD); default today."),
) -> None:
    """Escalate overdue tasks to the unit leader and handovers not accepted in time; print what was marked."""
    from helhet.db import unit_of_work

    on = _day(today)
    with unit_of_work() as session:  # one unit of work: every mark and its audit event, or none
        result = run_escalation(session, on)
    console.print(result.describe())


@app.command("gaps")
def gaps(
    today: str | None = typer.Option(None, "--today", help="Compute for this day (YYYY-MM-DD); default today."),
) -> None:
    """Recompute every gap snapshot that is not current for the day (run it at night, so the first gap list of
    the day is read, not computed); print how many were recomputed."""
    from helhet import clock
    from helhet.db import unit_of_work
    from helhet.gaps import snapshot

    on = _day(today) or clock.today()
    with unit_of_work() as session:
        total = snapshot.person_count(session)
    columns = (TextColumn("[bold]Gap snapshots"), BarColumn(), MofNCompleteColumn(), TextColumn("persons"))
    with Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as progress:
        bar = progress.add_task("gaps", total=total)
        # a unit of work per chunk: the job never holds a long lock on the snapshot rows
        recomputed = snapshot.refresh_all(unit_of_work, on, advance=lambda seen: progress.advance(bar, seen))
    console.print(f"Gap snapshots for {on.isoformat()}: {recomputed} of {total} persons recomputed.")


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        console.print(f"[red]Error:[/red] --today {text!r}: use a date like 2025-04-10")
        raise typer.Exit(code=2) from None


def register(main: typer.Typer) -> None:
    main.add_typer(app, name="jobs")
