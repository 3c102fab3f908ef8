"""Benchmark: server time of the worklist home page and the pathway page, through the real app.

The data is built as ``helhet demo`` builds it (reference data, the sample pathways of ``helhet.samples`` through
the real services, 100 persons per transaction), on SQLite like the demo, and on PostgreSQL as well when ``--url`` or
``HELHET_BENCH_DATABASE_URL`` names one (the database is dropped and made anew). A unit leader of the busiest
unit (most persons it serves now) signs in through the login form; the pages are then requested with the
FastAPI TestClient, so routing, the session cookie, the services, the audit rows, the commit and the Jinja
rendering all count. For the home page and for the pathway page of the busiest person the unit sees (most
referrals, episodes, appointments, tasks and handovers), it prints the SQL statements per request (for a small
and a large data set: the count must not grow with the data), p50/p95 (target p95 <= 100 ms) and the ratio to
the floor measured in the same run (``/healthz`` through the same client: the HTTP stack with no database),
and the CPU time the process spent per request (on SQLite that includes the database; it moves little with the
machine's load), and where a request's time goes: in the database driver (``sql ms``: statements sent and rows
fetched), in Jinja (``jinja ms``: the page's template rendered) and the rest (``python ms``: routing, the services
building their statements and objects, the ORM, the audit rows). No timed assertions: on a loaded machine the
ratio and the CPU time are the figures to trust.

    .venv/bin/python benchmarks/pages.py [--small 60] [--large 600] [--repeat 40]
        [--url postgresql+psycopg://postgres@127.0.0.1:5432/helhet_bench_pages] [--reuse --dir DIR]

A/B: with ``--reuse --dir DIR`` the data sets are built once and kept; run the script again with
``PYTHONPATH=/tmp/old/src`` (the old code) and without, on the same data, in the same minutes.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient
from jinja2 import Template
from sqlalchemy import Engine, event, func, make_url, select, union_all
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import count_statements, percentile, summary, time_calls

PASSWORD = "benk-side-tid-2026"
CHUNK = 100  # sample persons per transaction
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class Subject:
    unit_id: int
    unit_name: str
    unit_persons: int
    person_id: int
    person_events: int


def reusable(url: str) -> tuple[Engine, Subject] | None:
    """The data set an earlier ``--reuse`` run left at ``url`` (its ``bench`` user signs in), else None."""
    from helhet.db import make_engine, use_engine
    from helhet.users.models import User

    if url.startswith("sqlite") and not Path(url.removeprefix("sqlite:///")).exists():
        return None
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            if session.scalar(select(User.id).where(User.username == "bench")) is None:
                raise LookupError("no bench user")
            subject = busiest(session)
    except Exception:  # no such database, no schema or no data yet: build it
        engine.dispose()
        return None
    use_engine(engine)
    return engine, subject


def build(url: str, persons: int) -> tuple[Engine, Subject]:
    """A fresh database with the demo's data and a unit leader of its busiest unit (``bench``)."""
    from helhet import migrate, samples
    from helhet.db import make_engine, use_engine
    from helhet.units import seed
    from helhet.users import service as users
    from helhet.users.actor import SYSTEM
    from helhet.users.models import Role

    if url.startswith("postgresql"):
        from benchmarks.pathway_read import fresh_database

        fresh_database(url)
    engine = make_engine(url)
    migrate.upgrade(engine)
    with Session(engine, expire_on_commit=False) as session, session.begin():
        seed.load_reference(session)
    # a few transactions of at most CHUNK persons: one unit of work appends all its audit events in one
    # statement, and PostgreSQL takes at most 65,535 parameters in one
    for start in range(0, persons, CHUNK):
        with Session(engine, expire_on_commit=False) as session, session.begin():
            samples.generate(session, persons=min(CHUNK, persons - start), seed=2026 + start)
    with Session(engine, expire_on_commit=False) as session, session.begin():
        subject = busiest(session)
        users.add_user(
            session,
            SYSTEM,
            users.NewUser(
                username="bench",
                full_name="Benk Leder",
                role=Role.UNIT_LEADER,
                password=PASSWORD,
                unit_codes=(unit_code(session, subject.unit_id),),
            ),
        )
    use_engine(engine)
    return engine, subject


def unit_code(session: Session, unit_id: int) -> str:
    from helhet.units.models import Unit

    return session.get_one(Unit, unit_id).code


def busiest(session: Session) -> Subject:
    """The unit that serves the most persons now, and the person of that unit with the most pathway rows."""
    from helhet import clock
    from helhet.appointments.models import Appointment
    from helhet.gaps.service import unit_person_ids
    from helhet.pathways.models import CareTeamMember, Episode
    from helhet.referrals.models import Referral
    from helhet.tasks.models import Task
    from helhet.transitions.models import Handover
    from helhet.units.models import Unit

    today = clock.today()
    served = []
    working = union_all(
        select(CareTeamMember.unit_id), select(Episode.unit_id), select(Referral.receiving_unit_id)
    ).subquery()
    for unit in session.scalars(select(Unit).where(Unit.id.in_(select(working.c[0])))):
        ids = unit_person_ids(unit.id, today).subquery()
        served.append((session.scalar(select(func.count()).select_from(ids)) or 0, unit.id, unit.name))
    count, unit_id, unit_name = max(served)
    mine = unit_person_ids(unit_id, today).subquery()
    rows = union_all(
        *(
            select(model.person_id.label("pid")).where(model.person_id.in_(select(mine.c[0])))
            for model in (Referral, Episode, Appointment, Task, Handover)
        )
    ).subquery()
    events, person_id = session.execute(
        select(func.count(), rows.c.pid).group_by(rows.c.pid).order_by(func.count().desc(), rows.c.pid).limit(1)
    ).one()
    return Subject(unit_id, unit_name, count, person_id, events)


def signed_in_client(database_url: str) -> TestClient:
    """The real app (``create_app``) with a TestClient signed in as ``bench`` through the login form."""
    from helhet.app import create_app
    from helhet.config import get_settings

    os.environ["HELHET_DATABASE_URL"] = database_url
    get_settings.cache_clear()
    # a page that fails is reported as failed, not a crash of the benchmark
    client = TestClient(create_app(), base_url="http://localhost", raise_server_exceptions=False)
    token = CSRF_RE.search(client.get("/login").text)
    assert token, "no CSRF token on the login page"
    response = client.post(
        "/login",
        data={"username": "bench", "password": PASSWORD, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert response.status_code == 303, f"sign-in failed: {response.status_code}"
    return client


def measure(
    label: str, url: str, persons: int, repeat: int, reuse: bool = False
) -> list[tuple[str, str, int, dict[str, float]]]:
    engine, subject = (reuse and reusable(url)) or build(url, persons)
    client = signed_in_client(url)
    print(
        f"{label}: {persons} sample persons; {subject.unit_name} serves {subject.unit_persons}; "
        f"person {subject.person_id} has {subject.person_events} pathway rows"
    )

    def get(path: str) -> Callable[[], None]:
        def call() -> None:
            response = client.get(path)
            assert response.status_code == 200, f"{path}: {response.status_code}"

        return call

    results = []
    for name, path in (
        ("floor: /healthz", "/healthz"),
        ("worklist home /", "/"),
        ("pathway /persons/{pid}", f"/persons/{subject.person_id}"),
    ):
        status = client.get(path).status_code  # also warms the caches (templates, compiled SQL)
        if status != 200:
            print(f"  {name}: status {status}, not measured")
            nan = float("nan")
            results.append((label, name, -1, dict.fromkeys(("p50", "p95", "cpu", "sql", "jinja", "python"), nan)))
            continue
        with count_statements(engine) as statements:
            get(path)()
        n = len([s for s in statements if not s.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK"))])
        timing = summary(time_calls(get(path), repeat))
        timing["cpu"] = cpu_ms(get(path), repeat)
        timing.update(breakdown(get(path), repeat, engine))
        results.append((label, name, n, timing))
    client.close()
    engine.dispose()
    return results


def cpu_ms(fn: Callable[[], None], repeat: int) -> float:
    """Median CPU time of this process per call: the app runs in the client's thread here, and on SQLite the
    database too, so this is the work a request costs, whatever else the machine is doing."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append((time.process_time() - start) * 1000)
    return percentile(times, 50)


def breakdown(fn: Callable[[], None], repeat: int, engine: Engine) -> dict[str, float]:
    """Median milliseconds per call in the database driver, in Jinja, and in the rest of the request."""
    clock = time.perf_counter
    spent = {"sql": 0.0, "jinja": 0.0}
    started: list[float] = []

    def before(*_args: object) -> None:
        started.append(clock())

    def after(*_args: object) -> None:
        spent["sql"] += clock() - started.pop()

    plain_render = Template.render

    def timed_render(self: Template, *args: object, **kwargs: object) -> str:
        start = clock()
        try:
            return plain_render(self, *args, **kwargs)
        finally:
            spent["jinja"] += clock() - start

    rows: dict[str, list[float]] = {"sql": [], "jinja": [], "python": []}
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    Template.render = timed_render  # type: ignore[method-assign]
    try:
        for _ in range(repeat):
            spent.update(sql=0.0, jinja=0.0)
            start = clock()
            fn()
            total = clock() - start
            rows["sql"].append(spent["sql"] * 1000)
            rows["jinja"].append(spent["jinja"] * 1000)
            rows["python"].append((total - spent["sql"] - spent["jinja"]) * 1000)
    finally:
        Template.render = plain_render  # type: ignore[method-assign]
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    return {key: percentile(values, 50) for key, values in rows.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=60, help="sample persons in the small data set")
    parser.add_argument("--large", type=int, default=600, help="sample persons in the large one (the demo's 600)")
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--url", default=os.environ.get("HELHET_BENCH_DATABASE_URL"), help="also on PostgreSQL")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the data sets and use them again when they exist (SQLite files in --dir, PostgreSQL databases "
        "named <database>_<size>): measure old and new code on the same data, minutes apart",
    )
    parser.add_argument("--dir", type=Path, help="where the SQLite files are kept (default: a new temp folder)")
    args = parser.parse_args()

    os.environ["HELHET_DEMO_MODE"] = "true"  # as the demo runs (demo secrets allowed)
    for name in ("alembic", "httpx", "httpx2"):  # no line per migration or request
        logging.getLogger(name).setLevel(logging.WARNING)
    folder = args.dir or Path(tempfile.mkdtemp(prefix="helhet-bench-pages-"))
    folder.mkdir(parents=True, exist_ok=True)
    runs = [(f"sqlite {size}", f"sqlite:///{folder / f'pages-{size}.db'}", size) for size in (args.small, args.large)]
    if args.url:
        pg = make_url(args.url)
        for size in (args.small, args.large):
            url = pg.set(database=f"{pg.database}_{size}") if args.reuse else pg
            runs.append((f"postgresql {size}", url.render_as_string(hide_password=False), size))
    results = []
    for label, url, size in runs:
        results += measure(label, url, size, args.repeat, args.reuse)
    print()
    head = f"{'data set':16} {'page':24} {'SQL':>4} {'p50 ms':>8} {'p95 ms':>8} {'vs floor':>9} {'cpu ms':>7}"
    head += f" {'sql ms':>7} {'jinja ms':>8} {'python ms':>9}"
    print(f"{head}   (target p95 <= 100 ms; the last three: medians of one more run)")
    floor = {label: t["p50"] for label, name, _, t in results if name.startswith("floor")}
    for label, name, n, t in results:
        ratio = t["p50"] / floor[label]
        line = f"{label:16} {name:24} {n:>4} {t['p50']:>8.2f} {t['p95']:>8.2f} {ratio:>9.1f} {t['cpu']:>7.2f}"
        print(f"{line} {t['sql']:>7.2f} {t['jinja']:>8.2f} {t['python']:>9.2f}")


if __name__ == "__main__":
    main()
