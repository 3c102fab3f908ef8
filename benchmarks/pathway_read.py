"""Benchmark: reading one person's whole pathway on PostgreSQL.

A person with 1,000 pathway events among other persons' data: referrals, assessments and episodes (60 %) and the
coordination events (handovers and their decisions, tasks and their completion, appointments, crisis-plan
versions, mapping records, vedtak, consents; 40 %). The read is the real service call with its access check and
audit append, committed. Prints the SQL statements per read (must not grow with the number of events; at most 5)
and its round trips (psycopg's BEGIN and COMMIT among them), counted on psycopg's own messages, p50/p95/p99 of
the service call and its commit (the server's time for the route apart from FastAPI's own), and the ratio to a bare
primary-key SELECT measured in the same run through the same pool. Targets: p95 <= 10 ms, ratio <= 15. On a
loaded machine the ratio is the figure to trust; the absolute times move with the load.
Also printed: a one-row write committed in the same run (the WAL flush every logged read waits for), the CPU time
of the process per read, the garbage collections during the reads, where a read goes (its steps timed one by one)
and the load average. The process holds what a server holds (``create_app()``) and the garbage collector is as the
app's start-up leaves it (``helhet.app.settle_heap``; ``--gc default`` for Python's own).

    .venv/bin/python benchmarks/pathway_read.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/helhet_bench]
        [--reuse] [--gc app|default]

A/B: with ``--reuse`` the data built by an earlier run is read again; run the script with
``PYTHONPATH=/tmp/old/src`` (the old code) and without, alternately, in the same minutes.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from time import perf_counter, process_time

from sqlalchemy import Engine, create_engine, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import gc_pauses, summary, time_calls, wire
from helhet import app, clock, migrate
from helhet.appointments.models import Appointment, AppointmentMode, Attendance
from helhet.assessments.models import Assessment, HeardHow, Outcome
from helhet.audit import log as audit
from helhet.crisis_plans.models import CrisisPlan
from helhet.db import make_engine
from helhet.mapping.instruments import BandCode
from helhet.mapping.models import QuestionnaireResult
from helhet.models import Base
from helhet.pathways import timeline
from helhet.pathways.models import Episode
from helhet.pathways.schemas import PathwayRead
from helhet.persons import fodselsnummer
from helhet.persons.models import Person, Sex
from helhet.reference.units import CareLevel, UnitKind
from helhet.referrals.models import Referral, ReferralStatus, ReferrerKind, Substance
from helhet.relatives.models import Consent, ConsentScope, Relationship, Relative
from helhet.tasks.models import Task, TaskStatus
from helhet.transitions.models import Handover, HandoverKind, HandoverStatus
from helhet.units import seed
from helhet.units.models import Unit
from helhet.users import service as users
from helhet.users.actor import Actor
from helhet.users.models import Role, User
from helhet.vedtak.models import ServiceType, Vedtak

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/helhet_bench"


def fresh_database(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def make_person(session: Session, rng: random.Random, unit_id: int) -> int:
    birth = date(1970, 1, 1) + timedelta(days=rng.randrange(0, 15000))
    person = Person(
        fodselsnummer=fodselsnummer.generate_synthetic(rng, birth, "male"),
        id_kind="synthetic",
        birth_date=birth,
        sex=Sex.MALE,
        given_name="Bench",
        family_name=f"Person{rng.randrange(10**6)}",
        municipality_number="4601",
        created_at=clock.now(),
    )
    session.add(person)
    session.flush()
    return person.id


def add_events(session: Session, person_id: int, unit_id: int, referrals: int) -> int:
    """Each referral brings one assessment and one episode: 3 events per referral."""
    now = clock.now()
    start = date(2015, 1, 5)
    ref_rows = []
    for i in range(referrals):
        received = start + timedelta(days=3 * i)
        ref_rows.append(
            {
                "person_id": person_id,
                "receiving_unit_id": unit_id,
                "referrer_kind": ReferrerKind.GP,
                "received_on": received,
                "reason": "bench",
                "substances": ["alcohol"],
                "primary_substance": Substance.ALCOHOL,
                "wished_level": CareLevel.OUTPATIENT,
                "status": ReferralStatus.GRANTED,
                "assessment_due": received + timedelta(days=14),
                "registered_at": now,
            }
        )
    ids = list(session.scalars(insert(Referral).returning(Referral.id, sort_by_parameter_order=True), ref_rows))
    assessments, episodes = [], []
    for rid, row in zip(ids, ref_rows, strict=True):
        assessments.append(
            {
                "referral_id": rid,
                "person_id": person_id,
                "unit_id": unit_id,
                "assessed_on": row["received_on"] + timedelta(days=5),
                "outcome": Outcome.GRANTED,
                "assigned_level": CareLevel.OUTPATIENT,
                "wished_level": CareLevel.OUTPATIENT,
                "heard_how": HeardHow.PHONE,
                "recorded_at": now,
                "start_deadline": row["received_on"] + timedelta(days=42),
            }
        )
        episodes.append(
            {
                "referral_id": rid,
                "person_id": person_id,
                "unit_id": unit_id,
                "level": CareLevel.OUTPATIENT,
                "started_on": row["received_on"] + timedelta(days=20),
                "recorded_at": now,
            }
        )
    session.execute(insert(Assessment), assessments)
    session.execute(insert(Episode), episodes)
    return 3 * referrals


def add_coordination(session: Session, person_id: int, unit_id: int, other_unit_id: int, n: int) -> int:
    """``n`` of each coordination item; returns the number of timeline events they make (decided handovers and
    done tasks count twice: made, then decided or done)."""
    now = clock.now()
    start = date(2016, 1, 4)
    days = [start + timedelta(days=7 * i) for i in range(n)]
    at = [datetime.combine(d, time(9), tzinfo=UTC) for d in days]
    session.execute(
        insert(Handover),
        [
            {
                "person_id": person_id,
                "kind": HandoverKind.TRANSFER,
                "from_unit_id": unit_id,
                "to_unit_id": other_unit_id,
                "planned_on": d,
                "status": HandoverStatus.ACCEPTED,
                "acceptance_due": d,
                "decided_at": t,
                "created_at": t,
                "updated_at": t,
            }
            for d, t in zip(days, at, strict=True)
        ],
    )
    session.execute(
        insert(Task),
        [
            {
                "person_id": person_id,
                "unit_id": unit_id,
                "title": "bench",
                "due_on": d,
                "status": TaskStatus.DONE,
                "completed_on": d,
                "created_at": t,
            }
            for d, t in zip(days, at, strict=True)
        ],
    )
    session.execute(
        insert(Appointment),
        [
            {
                "person_id": person_id,
                "unit_id": unit_id,
                "mode": AppointmentMode.IN_PERSON,
                "starts_at": t,
                "attendance": Attendance.ATTENDED,
                "created_at": t,
            }
            for t in at
        ],
    )
    session.execute(
        insert(CrisisPlan),
        [{"person_id": person_id, "version_no": i + 1, "made_on": d, "created_at": now} for i, d in enumerate(days)],
    )
    session.execute(
        insert(QuestionnaireResult),
        [
            {
                "person_id": person_id,
                "instrument": "AUDIT",
                "answers": {},
                "total": 9,
                "band": BandCode.HAZARDOUS,
                "positive": True,
                "done_on": d,
                "unit_id": unit_id,
                "recorded_at": now,
            }
            for d in days
        ],
    )
    session.execute(
        insert(Vedtak),
        [
            {
                "person_id": person_id,
                "unit_id": other_unit_id,
                "service_type": ServiceType.PRACTICAL_HELP,
                "legal_basis": "hol § 3-2",
                "volume": 4.0,
                "decided_on": d,
                "start_on": d,
                "created_at": now,
            }
            for d in days
        ],
    )
    relative = Relative(
        person_id=person_id,
        given_name="Bench",
        family_name="Relative",
        relationship=Relationship.SIBLING,
        created_at=now,
    )
    session.add(relative)
    session.flush()
    session.execute(
        insert(Consent),
        [
            {
                "person_id": person_id,
                "relative_id": relative.id,
                "scope": ConsentScope.MEETINGS,
                "valid_from": d,
                "recorded_at": now,
            }
            for d in days
        ],
    )
    return 9 * n  # handover + decision, task + done, appointment, crisis plan, mapping, vedtak, consent


def read_split(engine: Engine, actor: Actor, person_id: int, repeat: int) -> dict[str, float]:
    """The read's steps timed one by one (the same calls ``timeline.read_pathway`` and the commit make): the
    session's connection (pool checkout) with the door and the events (BEGIN, then the person with the access
    check and the events sent together, and their fetch), building the events, the audit append, and the
    commit (its WAL flush)."""
    steps: dict[str, list[float]] = {k: [] for k in ("door and events SQL", "build", "audit append", "commit")}
    for i in range(repeat + 5):
        marks = [perf_counter()]
        with Session(engine) as session:
            person, rows = timeline._fetch(session.connection(), actor, person_id)
            marks.append(perf_counter())
            PathwayRead.model_construct(person=person, events=timeline._events_of(rows))
            audit.record_access(session, actor, person_id, "pathway")
            marks.append(perf_counter())
            audit.flush_pending(session)
            marks.append(perf_counter())
            session.commit()
            marks.append(perf_counter())
        if i >= 5:  # the first few warm up
            for step, start, end in zip(steps.values(), marks, marks[1:], strict=False):
                step.append((end - start) * 1000)
    return {k: summary(v)["p50"] for k, v in steps.items()}


def build(url: str, events: int) -> None:
    """A fresh database at ``url``: reference data, the ``bench`` clinician, 200 other persons and the person read
    (the one with the most episodes) with about ``events`` pathway events."""
    fresh_database(url)
    engine = make_engine(url)
    migrate.upgrade(engine)
    Base.metadata.create_all(engine)
    rng = random.Random(7)
    with Session(engine, expire_on_commit=False) as session, session.begin():
        seed.load_reference(session, municipal_units_for=["4601"])
        unit = Unit(code="bench-tsb", name="Bench TSB", kind=UnitKind.TSB_UNIT, levels=["outpatient"])
        kommune = Unit(code="bench-kom", name="Bench kommune", kind=UnitKind.MUNICIPAL_SERVICE, levels=[])
        session.add_all([unit, kommune])
        session.flush()
        users.add_user(
            session,
            users.SYSTEM,
            users.NewUser(username="bench", full_name="Bench", role=Role.CLINICIAN, unit_codes=("bench-tsb",)),
        )
        for _ in range(200):  # other people's data around the one we read
            other = make_person(session, rng, unit.id)
            add_events(session, other, unit.id, 12)
            add_coordination(session, other, unit.id, kommune.id, 4)
        person_id = make_person(session, rng, unit.id)
        core = round(events * 0.6 / 3)
        add_events(session, person_id, unit.id, core)
        add_coordination(session, person_id, unit.id, kommune.id, round((events - 3 * core) / 9))
        small_person = make_person(session, rng, unit.id)  # the person with 12 events: statements do not grow
        add_events(session, small_person, unit.id, 1)
        add_coordination(session, small_person, unit.id, kommune.id, 1)
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.execute(text("CREATE TABLE bench_floor (id serial PRIMARY KEY, at timestamptz NOT NULL)"))
        conn.commit()
    engine.dispose()


def reusable(url: str) -> bool:
    """Whether an earlier run left its data at ``url`` (``--reuse``)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return bool(conn.execute(text("SELECT to_regclass('bench_floor') IS NOT NULL")).scalar())
    except OperationalError:
        return False
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the data and use it again when an earlier run left it: old and new code on the same data "
        "(run once with PYTHONPATH=/tmp/old/src), minutes apart",
    )
    parser.add_argument(
        "--gc",
        choices=("app", "default"),
        default="app",
        help="the garbage collector as the app's start-up leaves it (helhet.app.settle_heap), or Python's default",
    )
    args = parser.parse_args()

    if not (args.reuse and reusable(args.url)):
        build(args.url, args.events)
    engine = make_engine(args.url)
    with Session(engine) as session:
        user = session.scalars(select(User).where(User.username == "bench")).one()
        actor = users.actor_for(user)
        by_events = (
            select(Episode.person_id).group_by(Episode.person_id).order_by(func.count().desc(), Episode.person_id)
        )
        person_id = session.scalars(by_events.limit(1)).one()
        small_person = session.scalars(select(func.max(Person.id))).one()
    # the process holds what a server holds (every module, the routes) and, unless --gc default, has its start-up
    app.create_app()
    if args.gc == "app":
        app.settle_heap()

    def read() -> int:
        with Session(engine) as session:
            result = timeline.read_pathway(session, actor, person_id)
            session.commit()
            return len(result.events)

    def bare() -> None:
        with engine.connect() as conn:
            conn.execute(select(Person.id, Person.given_name).where(Person.id == person_id)).one()

    def committed_write() -> None:
        """The floor of any read that logs itself: one small row written and committed (the WAL flush)."""
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO bench_floor (at) VALUES (now())"))

    for _ in range(6):  # psycopg prepares a statement on its fifth run: count the reads after
        events_read = read()
    with wire(engine) as sent:
        events_read = read()

    def read_small() -> None:
        with Session(engine) as session:
            timeline.read_pathway(session, actor, small_person)
            session.commit()

    for _ in range(6):
        read_small()
    with wire(engine) as sent_small:
        read_small()

    base = summary(time_calls(bare, args.repeat))
    cpu_start = process_time()
    with gc_pauses() as pauses:
        path = summary(time_calls(read, args.repeat))
    cpu_per_read = (process_time() - cpu_start) * 1000 / args.repeat
    floor = summary(time_calls(committed_write, args.repeat))
    split = read_split(engine, actor, person_id, args.repeat)
    ratio = path["p50"] / base["p50"]
    full = [ms for generation, ms in pauses if generation == 2]
    print(f"pathway read on PostgreSQL: {events_read} events for one person")
    print(
        f"SQL statements per read: {sent.statements} (person with 12 events: {sent_small.statements}) target <= 5,"
        f" constant; round trips {sent.round_trips} ({sent_small.round_trips}), psycopg's BEGIN and COMMIT among them"
    )
    print(
        f"pathway read   p50 {path['p50']:.2f} ms  p95 {path['p95']:.2f} ms  p99 {path['p99']:.2f} ms"
        "   (target p95 <= 10 ms)"
    )
    print(f"bare PK SELECT p50 {base['p50']:.3f} ms  p95 {base['p95']:.3f} ms")
    print(f"one-row write, committed p50 {floor['p50']:.2f} ms  p95 {floor['p95']:.2f} ms   (the commit's WAL flush)")
    print(f"ratio pathway/bare (p50): {ratio:.1f}   (target <= 15)")
    print(f"CPU time of this process per read: {cpu_per_read:.2f} ms")
    print(
        f"garbage collections in {args.repeat} reads ({args.gc}): {len(pauses)}, {sum(ms for _, ms in pauses):.1f} ms"
        f" in all; full ones {len(full)}, the longest {max(full, default=0):.1f} ms"
    )
    print("where a read goes (p50 ms): " + ", ".join(f"{k} {v:.2f}" for k, v in split.items()))
    print(f"load average while measuring: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    engine.dispose()


if __name__ == "__main__":
    main()
