"""``helhet demo``: a fresh embedded database with a region's worth of synthetic pathways, demo users, and the app."""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

console = Console()


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str
    units: tuple[str, ...]
    password: str


#: one user per role in a few units of Helse Bergen's area; passwords work only in demo mode
DEMO_USERS = (
    DemoUser("koordinator", "Kari Koordinator", "coordinator", ("kom-4601-rus",), "demo-koordinator"),
    DemoUser(
        "behandler",
        "Bjørn Behandler",
        "clinician",
        ("tsb-helse-bergen-hf-vurd", "tsb-helse-bergen-hf-poli"),
        "demo-behandler",
    ),
    DemoUser(
        "dognbehandler",
        "Dina Døgn",
        "clinician",
        ("tsb-helse-bergen-hf-dogn", "tsb-helse-bergen-hf-avrus"),
        "demo-dognbehandler",
    ),
    DemoUser(
        "leder", "Lars Leder", "unit_leader", ("tsb-helse-bergen-hf-vurd", "tsb-helse-bergen-hf-poli"), "demo-leder"
    ),
    DemoUser("analytiker", "Anne Analytiker", "analyst", (), "demo-analytiker"),
    DemoUser("admin", "Arne Admin", "admin", (), "demo-admin"),
)


def prepare(data_dir: Path, persons: int, seed: int) -> Path:
    """Create a fresh demo database, load reference data, generate pathways and add the demo users."""
    from helhet import migrate, samples
    from helhet.config import get_settings
    from helhet.db import get_engine, unit_of_work, use_engine
    from helhet.units import seed as reference_seed
    from helhet.users import service as users
    from helhet.users.actor import SYSTEM
    from helhet.users.models import Role

    data_dir.mkdir(parents=True, exist_ok=True)
    db_path = data_dir / "demo.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    os.environ["HELHET_DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ["HELHET_DEMO_MODE"] = "true"
    os.environ["HELHET_DATA_DIR"] = str(data_dir)
    get_settings.cache_clear()
    get_engine.cache_clear()
    engine = get_engine()
    use_engine(engine)
    migrate.upgrade(engine)
    with unit_of_work() as session:
        reference_seed.load_reference(session)
        for user in DEMO_USERS:
            users.add_user(
                session,
                SYSTEM,
                users.NewUser(
                    username=user.username,
                    full_name=user.full_name,
                    role=Role(user.role),
                    password=user.password,
                    unit_codes=user.units,
                    demo_only=True,
                ),
            )
    with unit_of_work() as session:
        console.print(str(samples.generate(session, persons=persons, seed=seed)))
    with unit_of_work() as session:
        refresh_gap_snapshots(session)
    build_atlas_store(data_dir, seed)
    return db_path


def refresh_gap_snapshots(session: Session, today: date | None = None) -> int:
    """Bring every person's gap snapshot up to date, as the night job ``helhet jobs gaps`` would, so the demo's
    first worklist reads its gap list instead of computing it; returns the snapshots recomputed."""
    from contextlib import nullcontext

    from helhet import clock
    from helhet.gaps import snapshot

    return snapshot.refresh_all(lambda: nullcontext(session), today or clock.today())


#: persons in the demo's national atlas data: every referral area and most municipalities get figures
ATLAS_PERSONS = 60_000


def build_atlas_store(data_dir: Path, seed: int) -> None:
    """The atlas pages' Parquet store. The demo's pathways cover one health trust, too little to show
    variation, so the atlas gets national data from the generator instead (``helhet synth``, default scenario
    with its planted effects written to ``ground_truth.json``); ``helhet atlas build`` extracts a real
    database's own data the same way."""
    from helhet.config import get_settings
    from helhet.synthetic import generate_to_parquet

    folder = data_dir / "atlas"
    if folder.exists():
        shutil.rmtree(folder)
    os.environ["HELHET_ATLAS_STORE"] = str(folder)
    get_settings.cache_clear()
    started = time.perf_counter()
    generate_to_parquet(folder, persons=ATLAS_PERSONS, years=3, seed=seed)
    console.print(
        f"Atlas store {folder}: national synthetic data ({ATLAS_PERSONS:,} persons, 3 years, planted variation "
        f"in ground_truth.json) in {time.perf_counter() - started:.1f} s."
    )


def demo(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    persons: int = typer.Option(600, help="Synthetic persons to generate."),
    seed: int = typer.Option(2026, help="Random seed: the same seed gives the same data."),
    data_dir: Path = typer.Option(Path("data"), help="Folder for the demo database."),
    no_serve: bool = typer.Option(False, help="Prepare the database and exit (for scripts and tests)."),
) -> None:
    """Create a demo database with synthetic data and demo users, then start the web app."""
    started = time.perf_counter()
    db_path = prepare(data_dir.resolve(), persons, seed)
    table = Table(title="Demo users (passwords work only in demo mode)")
    for column in ("user name", "password", "role", "units"):
        table.add_column(column)
    for user in DEMO_USERS:
        table.add_row(user.username, user.password, user.role, ", ".join(user.units) or "-")
    console.print(table)
    console.print(f"Demo database {db_path} ready in {time.perf_counter() - started:.1f} s.")
    if no_serve:
        return
    import uvicorn

    console.print(f"Helhet demo: [bold]http://{host}:{port}/[/bold]  (stop with Ctrl+C)")
    uvicorn.run("helhet.app:create_app", factory=True, host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
