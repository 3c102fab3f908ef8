"""Benchmark: a unit's worklists and gap list on PostgreSQL, with 2,000 active persons.

Sample pathways are made through the real services (``helhet.samples``) in one health trust; the busiest unit's
worklists are then read as its clinician would. Prints the SQL statements per worklist (constant in the number
of persons), p50/p95, and the ratio to the core pathway read measured in the same run. Target p95 <= 50 ms.

The gap list is measured three ways: warm (every snapshot current), cold (every snapshot from yesterday: the first
read of a day without the night job) and after a few writes (three persons' facts changed through a service
before each read).

    .venv/bin/python benchmarks/worklist.py [--persons 2000] [--url postgresql+psycopg://.../helhet_bench_worklist]
        [--reuse]  (measure the last run's database again, without building it)
        [--gaps-only]  (only the gap list, its phases and the pathway baseline)
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import count_statements, summary, time_calls
from benchmarks.pathway_read import fresh_database
from helhet import clock, migrate, samples
from helhet.config import get_settings
from helhet.db import make_engine
from helhet.gaps import facts as fact_loaders
from helhet.gaps import service as gaps
from helhet.gaps import snapshot
from helhet.gaps.rules import evaluate
from helhet.mapping import service as mapping
from helhet.mapping.models import ScreeningStatus
from helhet.mapping.schemas import ScreeningCreate
from helhet.models import Base
from helhet.pathways import timeline
from helhet.pathways.models import CareTeamMember, Episode
from helhet.persons.models import Person
from helhet.units import seed
from helhet.units.models import Unit
from helhet.users import service as users
from helhet.users.models import Role, User
from helhet.worklists import core as worklists

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/helhet_bench_worklist"


def extra_worklists() -> dict[str, Callable[[Session, Any, int], object]]:
    """Worklists of the coordination domains on the home page (tasks, handovers, no-shows)."""
    from helhet.appointments import outreach
    from helhet.tasks import queries as tasks
    from helhet.transitions import queries as handovers

    return {
        "unit task queue": lambda s, a, u: tasks.unit_queue(s, a, u),
        "escalated tasks": lambda s, a, u: tasks.escalated_tasks_for_leader(s, a),
        "incoming handovers": lambda s, a, u: handovers.incoming_handovers(s, a, u),
        "outgoing handovers": lambda s, a, u: handovers.outgoing_handovers(s, a, u),
        "no-shows awaiting outreach": lambda s, a, u: outreach.no_shows_awaiting_outreach(s, a, u),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--persons", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--reuse", action="store_true", help="measure the database of the last run again")
    parser.add_argument("--gaps-only", action="store_true", help="only the gap list and its phases")
    args = parser.parse_args()
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    if not args.reuse:
        fresh_database(args.url)
    engine = make_engine(args.url)
    migrate.upgrade(engine)
    Base.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as session, session.begin():
        if not args.reuse:
            seed.load_reference(session, municipal_units_for=["4601", "4626", "4627", "4631"])
            print(samples.generate(session, persons=args.persons, seed=11, kommuner=("4601",)))
        # the municipal substance-use service follows every one of the persons (on their care teams)
        unit = session.scalar(select(Unit).where(Unit.code == "kom-4601-rus"))
        assert unit is not None
        active = session.scalar(
            select(func.count(func.distinct(CareTeamMember.person_id))).where(
                CareTeamMember.unit_id == unit.id, CareTeamMember.to_date.is_(None)
            )
        )
        vurd = session.scalar(select(Unit).where(Unit.code == "tsb-helse-bergen-hf-vurd"))
        assert vurd is not None
        user = session.scalar(select(User).where(User.username == "bench")) if args.reuse else None
        user = user or users.add_user(
            session,
            users.SYSTEM,
            users.NewUser(
                username="bench", full_name="Bench", role=Role.UNIT_LEADER, unit_codes=(unit.code, vurd.code)
            ),
        )
        actor = users.actor_for(user, unit.id)
        person_id = session.scalar(select(Episode.person_id).order_by(Episode.id).limit(1))
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    print(f"unit: {unit.name} with {active} active persons")

    def run(fn: Callable[[Session], object]) -> Callable[[], None]:
        def call() -> None:
            with Session(engine) as session:
                fn(session)
                session.commit()

        return call

    lists: dict[str, Callable[[Session], object]] = {
        "assessments due": lambda s: worklists.assessments_due(s, actor, vurd.id),
        "deadlines at risk": lambda s: worklists.deadlines_at_risk(s, actor, vurd.id),
        "persons with gaps": lambda s: gaps.unit_gaps(s, actor, unit.id),
    }
    for name, extra in extra_worklists().items():
        lists[name] = lambda s, extra=extra: extra(s, actor, unit.id)  # type: ignore[misc]
    if args.gaps_only:
        lists = {"persons with gaps": lists["persons with gaps"]}
    base = summary(time_calls(run(lambda s: timeline.read_pathway(s, actor, person_id)), args.repeat))
    print(f"{'worklist':28} {'SQL':>4} {'p50 ms':>8} {'p95 ms':>8} {'vs pathway':>10}   (target p95 <= 50 ms)")
    for name, fn in lists.items():
        run(fn)()  # steady state: the gap list's first read computes the snapshots (see the phases below)
        with count_statements(engine) as statements:
            run(fn)()
        n = len([s for s in statements if not s.lstrip().upper().startswith(("BEGIN", "COMMIT"))])
        _line(name, n, summary(time_calls(run(fn), args.repeat)), base["p50"])
    print(f"{'pathway read (baseline)':28} {'':>4} {base['p50']:>8.2f} {base['p95']:>8.2f} {1.0:>10.1f}")
    gap_list_phases(engine, run(lambda s: gaps.unit_gaps(s, actor, unit.id)), unit.id, args.repeat, base["p50"])
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    engine.dispose()


def _line(name: str, statements: int, t: dict[str, float], base_p50: float) -> None:
    print(f"{name:28} {statements:>4} {t['p50']:>8.2f} {t['p95']:>8.2f} {t['p50'] / base_p50:>10.1f}")


def gap_list_phases(engine: Any, read: Callable[[], None], unit_id: int, repeat: int, base_p50: float) -> None:
    """The gap list warm, cold and after a few writes: SQL statements of one read, and p50/p95 of reads, each
    after its untimed preparation."""
    today = clock.today()
    with Session(engine) as session:
        served = list(session.scalars(gaps.unit_person_ids(unit_id, today)))
    rng = random.Random(5)

    def age_all() -> None:  # every snapshot from yesterday: the first read of a new day
        with Session(engine) as session, session.begin():
            session.execute(
                snapshot.STATE.update()
                .values(computed_for=today - timedelta(days=1))
                .where(snapshot.STATE.c.computed_for.is_not(None))
            )

    def three_writes() -> None:  # three persons' facts changed through a service, committed
        with Session(engine) as session, session.begin():
            for pid in rng.sample(served, 3):
                data = ScreeningCreate(
                    status=ScreeningStatus.SCREENED_NO_FINDINGS, instrument="SCL-10", screened_on=today, unit_id=unit_id
                )
                mapping.record_screening(session, users.SYSTEM, pid, data)

    def evaluate_all() -> None:  # the list before the snapshot: every rule for every person on each read
        with Session(engine) as session:
            array = fact_loaders.id_array(session, served)
            ids = select(Person.id).where(Person.id.in_(served)) if array is None else array
            loaded = fact_loaders.load(session, ids, served, today)
            [evaluate(f, get_settings()) for f in loaded.values()]

    print(f"{'gap list phase':28} {'SQL':>4} {'p50 ms':>8} {'p95 ms':>8} {'vs pathway':>10}   ({len(served)} persons)")
    with count_statements(engine) as statements:
        evaluate_all()
    t = summary(time_calls(evaluate_all, max(5, repeat // 6), warmup=1))
    _line("every rule, every person", len(statements), t, base_p50)
    phases: dict[str, tuple[Callable[[], None] | None, int]] = {
        "gap list, warm": (None, repeat),
        "gap list, cold (all stale)": (age_all, max(5, repeat // 6)),
        "gap list, after 3 writes": (three_writes, repeat),
    }
    read()  # every snapshot current
    # the build's bulk writes left dead row versions (a steady state clears them with HOT pruning and autovacuum),
    # and statistics taken while rows were marked (with zero gaps) mislead the plan, as the night job's ANALYZE fixes
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM FULL ANALYZE person_gap_state"))
    for name, (prepare, times) in phases.items():
        # each phase from a table without the last phase's dead rows: the cold phase rewrites every row at each of
        # its reads, which a real day does once (then autovacuum and the night job's ANALYZE clear it up)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE person_gap_state"))
        if prepare:
            prepare()
        with count_statements(engine) as statements:
            read()
        n = len([s for s in statements if not s.lstrip().upper().startswith(("BEGIN", "COMMIT"))])
        took, parts = [], []
        for _ in range(times):
            if prepare:
                prepare()
            with driver_times(engine) as spent:
                start = time.perf_counter()
                read()
                took.append((time.perf_counter() - start) * 1000)
            parts.append(spent)
        _line(name, n, summary(took), base_p50)
        _parts(parts, took)


#: what a statement of the gap list is, by its text: the list, the facts, the write-back, or another
_KINDS = (("WITH listed", "list"), ("json_agg", "facts"), ("INSERT INTO person_gap_state", "write-back"))


@contextmanager
def driver_times(engine: Any) -> Iterator[dict[str, float]]:
    """Milliseconds from sending each statement to its result, summed per kind (``_KINDS``; 'other' for the rest,
    such as the audit append or the loaders' statements)."""
    spent: dict[str, float] = {}
    started: list[float] = []

    def before(*_args: Any) -> None:
        started.append(time.perf_counter())

    def after(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        kind = next((k for text_, k in _KINDS if text_ in statement), "other")
        spent[kind] = spent.get(kind, 0.0) + (time.perf_counter() - started.pop()) * 1000

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield spent
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def _parts(parts: list[dict[str, float]], took: list[float]) -> None:
    """Median milliseconds per read in the driver, per kind of statement, and the rest (Python)."""
    kinds = [k for _, k in _KINDS] + ["other"]
    medians = {k: statistics.median(p.get(k, 0.0) for p in parts) for k in kinds}
    python = statistics.median(t - sum(p.values()) for p, t in zip(parts, took, strict=True))
    shown = ", ".join(f"{k} {v:.1f}" for k, v in medians.items() if v)
    print(f"{'':4}driver ms (median): {shown}; python {python:.1f}")


if __name__ == "__main__":
    main()
