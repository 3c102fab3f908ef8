"""``helhet init`` and ``helhet serve``."""

from __future__ import annotations

import typer
from rich.console import Console

from helhet import migrate
from helhet.config import get_settings
from helhet.db import get_engine, unit_of_work
from helhet.units import seed

console = Console()


def init() -> None:
    """Create or upgrade the database and load reference data. Running it twice changes nothing."""
    engine = get_engine()
    migrate.upgrade(engine)
    with unit_of_work() as session:
        summary = seed.load_reference(session)
    console.print(
        f"Database ready at {engine.url.render_as_string(hide_password=True)} "
        f"(revision {migrate.current_revision(engine)})."
    )
    console.print(summary.describe())


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    reload: bool = typer.Option(False, help="Reload on code changes (development)."),
) -> None:
    """Start the web app and the JSON API (OpenAPI at /openapi.json)."""
    import uvicorn

    settings = get_settings()
    console.print(f"Helhet on http://{host}:{port}/ (database: {settings.resolved_database_url.split('@')[-1]})")
    uvicorn.run("helhet.app:create_app", factory=True, host=host, port=port, reload=reload, log_level="info")
