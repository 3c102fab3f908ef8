"""Generating straight into a migrated database (``helhet init`` first): PostgreSQL by COPY, SQLite by executemany.

Ids continue above the largest id already in each table, units are the database's own, synthetic numbers never
repeat one already registered, and a share of open tasks, appointments and episodes is owned by the users of
each unit (so a demo user's worklists have content). Everything happens in one transaction: the caller's when
given a ``Session`` (nothing is committed), or a new one when given an ``Engine``.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.orm import Session

from helhet import clock
from helhet.config import get_settings
from helhet.persons.models import Person
from helhet.synthetic import catalogue
from helhet.synthetic import scenario as scenarios
from helhet.synthetic.context import Ids, Members
from helhet.synthetic.generator import TABLE_ORDER, Progress, Summary, make_context, region_code, run, truth_for
from helhet.synthetic.identity import Registry
from helhet.synthetic.scenario import Scenario
from helhet.synthetic.writers import DatabaseOutput, LoadTimings
from helhet.units.models import Unit
from helhet.users.models import Membership, User

#: from this many persons a PostgreSQL load drops and rebuilds indexes and foreign keys (``DatabaseOutput``)
BULK_FROM_PERSONS = 50_000


@contextmanager
def _connection(target: Session | Engine | Connection) -> Any:
    if isinstance(target, Session):
        yield target.connection()
    elif isinstance(target, Engine):
        with target.begin() as conn:
            yield conn
    else:
        yield target


def _ids(conn: Connection, present: set[str]) -> Ids:
    ids = Ids()
    for name in TABLE_ORDER:
        if name in present:
            highest = conn.execute(text(f"SELECT max(id) FROM {name}")).scalar()
            ids.next[name] = int(highest or 0) + 1
    return ids


def _units(conn: Connection) -> catalogue.UnitIndex:
    rows = conn.execute(
        select(
            Unit.id,
            Unit.code,
            Unit.name,
            Unit.kind,
            Unit.health_trust_code,
            Unit.region_code,
            Unit.municipality_number,
            Unit.levels,
        ).where(Unit.active)
    )
    found = [tuple(r) for r in rows]
    if not found:
        from helhet.errors import Invalid

        raise Invalid("database", str(conn.engine.url), "has no units; run 'helhet init' first")
    return catalogue.from_rows(found)  # type: ignore[arg-type]


def _members(conn: Connection) -> Members:
    pairs = conn.execute(
        select(Membership.user_id, Membership.unit_id).join(User, User.id == Membership.user_id).where(User.active)
    )
    return Members.from_pairs([(int(u), int(n)) for u, n in pairs])


def _registry(conn: Connection) -> Registry:
    registry = Registry()
    if conn.execute(select(func.count()).select_from(Person)).scalar():
        registry.add_numbers([n for (n,) in conn.execute(select(Person.fodselsnummer))])
    return registry


def generate_into_database(
    session_or_engine: Session | Engine | Connection,
    persons: int,
    years: int = 3,
    region: str | None = None,
    seed: int = 2026,
    scenario: str | Path | Scenario = "default",
    *,
    as_of: date | None = None,
    truth_path: Path | None = None,
    progress: Progress | None = None,
    bulk: bool | None = None,
    binary: bool = True,
    timings: LoadTimings | None = None,
) -> Summary:
    """Generate ``persons`` persons with their pathways into the database; write the ground truth to a file.

    The scenario is validated before anything is generated (``ScenarioError``). ``truth_path`` defaults to
    ``<data_dir>/synthetic/ground_truth.json``. ``bulk`` (PostgreSQL; default: from ``BULK_FROM_PERSONS``
    persons on) rebuilds the loaded tables' indexes and foreign keys after the load instead of row by row.
    ``binary`` (PostgreSQL) sends binary COPY data, else CSV (the same rows; binary is read about twice as fast);
    ``timings``, when given, is filled with where the load's time went.
    """
    started = time.perf_counter()
    plan = scenario if isinstance(scenario, Scenario) else scenarios.load(scenario)
    region_ = region_code(region)
    with _connection(session_or_engine) as conn:
        postgres = conn.dialect.name == "postgresql"
        output = DatabaseOutput(
            conn,
            TABLE_ORDER,
            bulk=postgres and (persons >= BULK_FROM_PERSONS if bulk is None else bulk),
            binary=binary,
            timings=timings,
        )
        ctx = make_context(
            seed=seed,
            as_of=as_of or clock.today(),
            years=years,
            region=region_,
            scenario=plan,
            units=_units(conn),
            ids=_ids(conn, output.present),
            registry=_registry(conn),
            members=_members(conn),
        )
        rows, figures = run(ctx, persons, output, progress=progress, threaded=postgres)
        output.close()
        target = conn.engine.url.render_as_string(hide_password=True)
    skipped = [name for name in TABLE_ORDER if name not in output.present]
    truth = truth_for(ctx, region_, persons, rows, figures, skipped)
    path = truth.write(truth_path or get_settings().data_dir / "synthetic" / "ground_truth.json")
    return Summary(
        target,
        seed,
        ctx.as_of,
        years,
        region_,
        plan.name,
        rows,
        skipped,
        time.perf_counter() - started,
        path,
        figures.realised(),
    )
