"""End-to-end fixtures: the real app served by uvicorn on 127.0.0.1 (a subprocess with its own SQLite
database file), driven by Playwright in Debian's Chromium (never a downloaded browser).

Tests seed what they need through the real services, writing to the server's database file (``world``), and
drive the pages as a user would (``tests/e2e/browser.py``). No test depends on another's data or order.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.e2e.browser import PASSWORD
from tests.e2e.world import LiveServer, World

CHROMIUM = "/usr/bin/chromium"
START_SECONDS = 120


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _prepare_database(path: Path) -> str:
    """A fresh database for the server: a SQLite file by default, or the PostgreSQL database named by
    HELHET_E2E_DATABASE_URL (dropped and made again), so the browser tests can run on both backends."""
    from helhet import migrate
    from helhet.db import make_engine
    from helhet.units import seed
    from helhet.users import service as users
    from helhet.users.actor import SYSTEM
    from helhet.users.models import Role
    from tests.conftest import _prepare_pg

    url = os.environ.get("HELHET_E2E_DATABASE_URL") or f"sqlite:///{path}"
    if url.startswith("postgresql"):
        prepared = _prepare_pg(url)
        assert prepared is not None, f"PostgreSQL unreachable at {url}"
        prepared.dispose()
    engine = make_engine(url)
    migrate.upgrade(engine)
    with Session(engine) as session, session.begin():
        seed.load_reference(session, municipal_units_for=["4601", "0301"])
        for username, role, unit_codes in (
            ("koordinator", Role.COORDINATOR, ("kom-4601-rus",)),
            ("behandler", Role.CLINICIAN, ("tsb-helse-bergen-hf-vurd", "tsb-helse-bergen-hf-poli")),
            ("dogn", Role.CLINICIAN, ("tsb-helse-bergen-hf-dogn",)),
            ("leder", Role.UNIT_LEADER, ("tsb-helse-bergen-hf-vurd",)),
            ("utenfor", Role.CLINICIAN, ("tsb-oslo-universitetssykehus-hf-poli",)),
        ):
            users.add_user(
                session,
                SYSTEM,
                users.NewUser(
                    username=username, full_name=username.title(), role=role, password=PASSWORD, unit_codes=unit_codes
                ),
            )
    engine.dispose()
    return url


_SERVER_LOGS: list[Path] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A failed browser test shows the end of the server's log (tracebacks of 500s land there)."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.failed and _SERVER_LOGS and _SERVER_LOGS[-1].exists():
        report.sections.append(("server log", _SERVER_LOGS[-1].read_text(errors="replace")[-6000:]))


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("e2e")
    db_url = _prepare_database(folder / "e2e.db")
    port = _free_port()
    env = {
        **os.environ,
        "HELHET_DATABASE_URL": db_url,
        "HELHET_DATA_DIR": str(folder),
        "HELHET_LOCALE": "nb",
        "HELHET_SECRET_KEY": secrets.token_urlsafe(32),  # a real one: settings refuse the default off SQLite
    }
    # the server's output goes to a file, never an unread pipe (a full pipe would stall the server)
    log_path = folder / "server.log"
    _SERVER_LOGS.append(log_path)
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "helhet.app:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_SECONDS  # generous: CI machines are shared and slow to import
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:  # pragma: no cover
        process.kill()
        process.wait(timeout=10)
        raise RuntimeError(f"the app did not start: {log_path.read_text(errors='replace')[-4000:]}")
    yield LiveServer(url=url, db_url=db_url, data_dir=folder)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def world(live_server: LiveServer) -> Iterator[World]:
    """The server's database, for seeding through the real services and checking what a flow saved."""
    from helhet.db import make_engine

    engine = make_engine(live_server.db_url)
    yield World(live_server, engine)
    engine.dispose()


@pytest.fixture(scope="session")
def atlas_store(live_server: LiveServer) -> Path:
    """A small synthetic atlas store (one region, two years) where the server looks for it: the atlas pages have
    figures to show. Made once, only for the tests that ask for it."""
    store = live_server.data_dir / "atlas"
    if not (store / "referral.parquet").exists():
        command = [str(Path(sys.executable).with_name("helhet")), "synth", "--persons", "3000", "--region", "HV"]
        command += ["--years", "2", "--seed", "2026", "--out", f"parquet:{store}"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, f"helhet synth failed: {done.stdout[-2000:]}{done.stderr[-2000:]}"
    return store


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    yield page
    context.close()
