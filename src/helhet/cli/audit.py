"""``helhet audit verify``: check the hash chain of the audit log."""

from __future__ import annotations

import typer
from rich.console import Console

from helhet.audit import log as audit
from helhet.db import unit_of_work

app = typer.Typer(help="The append-only audit log of every read and change of person data.", no_args_is_help=True)
console = Console()


@app.command("verify")
def verify() -> None:
    """Walk the audit log's hash chain; report the first broken link and exit 1 if there is one."""
    with unit_of_work() as session:
        result = audit.verify(session)
    if result.ok:
        console.print(f"Audit log intact: {result.checked} events, every link verified.")
        return
    console.print(
        f"[red]Audit log broken at event {result.broken_at}:[/red] {result.problem} "
        f"({result.checked} events verified before it)."
    )
    raise typer.Exit(code=1)
