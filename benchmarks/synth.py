"""Benchmark: synthetic pathways for 1 million referrals into Parquet and into PostgreSQL (COPY).

Each phase runs in a child process of its own, so its peak memory (``resource.getrusage``) is its own. The
PostgreSQL phase loads into a fresh database (``helhet_bench_synth``: dropped and created, migrated, reference
data loaded, then tables without a migration yet created from the models), and times the load alone, commit
included. Targets (issue 4): Parquet <= 90 s, PostgreSQL <= 180 s, peak memory <= 4 GB, on 2 cores.

    .venv/bin/python benchmarks/synth.py [--referrals 1000000] [--phase parquet|postgres|both]
        [--url postgresql+psycopg://postgres@127.0.0.1:5432/helhet_bench_synth] [--persons N] [--copy binary|csv]

``--persons`` overrides ``--referrals`` (for before/after comparisons at a smaller size, e.g. 200000);
``--copy csv`` sends CSV instead of binary COPY data (the format before December 2026, for comparison). The
PostgreSQL phase also prints the split of its wall time: generation overlapped with COPY, the COPY thread's
busy time by table, the index rebuild, ANALYZE, the foreign-key checks (in that order), and the WAL written.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/helhet_bench_synth"
TARGET_SECONDS = {"parquet": 90.0, "postgres": 180.0}
TARGET_PEAK_MB = 4096.0
AS_OF = date(2026, 6, 30)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fresh_database(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def phase_parquet(persons: int) -> dict[str, object]:
    from helhet.synthetic import generate_to_parquet

    with tempfile.TemporaryDirectory(prefix="helhet-synth-bench-") as folder:
        started = time.perf_counter()
        summary = generate_to_parquet(Path(folder), persons=persons, years=3, seed=2026, as_of=AS_OF)
        seconds = time.perf_counter() - started
        size = sum(p.stat().st_size for p in Path(folder).glob("*.parquet"))
    return {"seconds": seconds, "rows": summary.rows, "mb_on_disk": size / 2**20}


def phase_postgres(persons: int, url: str, copy_format: str = "binary") -> dict[str, object]:
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from helhet import migrate
    from helhet.db import make_engine
    from helhet.models import Base
    from helhet.synthetic import generate_into_database
    from helhet.synthetic.writers import LoadTimings
    from helhet.units import seed

    fresh_database(url)
    engine = make_engine(url)
    prepared = time.perf_counter()
    migrate.upgrade(engine)
    Base.metadata.create_all(engine)  # tables whose migration is not written yet
    with Session(engine) as session, session.begin():
        seed.load_reference(session)
    prepare_seconds = time.perf_counter() - prepared
    truth = Path(tempfile.gettempdir()) / "helhet-synth-bench-truth.json"
    timings = LoadTimings()
    wal_before = wal_position(engine)
    client_before = cpu_seconds()
    started = time.perf_counter()
    with engine.begin() as conn:  # the load's own transaction, so the server process can be measured
        backend = int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())
        server_before = process_cpu_seconds(backend)
        summary = generate_into_database(
            conn,
            persons,
            3,
            None,
            2026,
            "default",
            as_of=AS_OF,
            truth_path=truth,
            binary=copy_format == "binary",
            timings=timings,
        )
        server_cpu = process_cpu_seconds(backend) - server_before
    seconds = time.perf_counter() - started
    client_cpu = cpu_seconds() - client_before
    wal_mb = wal_since(engine, wal_before) / 2**20
    engine.dispose()
    return {
        "seconds": seconds,
        "rows": summary.rows,
        "prepare_seconds": prepare_seconds,
        "skipped": summary.skipped,
        "split": timings.as_dict(),
        "wal_mb": wal_mb,
        "client_cpu": client_cpu,
        "server_cpu": server_cpu,
    }


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def process_cpu_seconds(pid: int) -> float:
    """CPU time of a process on this machine (the PostgreSQL backend; 0 when /proc cannot tell)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wal_position(engine: Any) -> str:
    from sqlalchemy import text

    with engine.connect() as conn:
        return str(conn.execute(text("SELECT pg_current_wal_lsn()")).scalar())


def wal_since(engine: Any, before: str) -> float:
    from sqlalchemy import text

    with engine.connect() as conn:
        return float(conn.execute(text("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), :b)"), {"b": before}).scalar())


def print_split(split: dict[str, Any], seconds: float, wal_mb: float, cpu: tuple[float, float]) -> None:
    """Where the PostgreSQL phase's wall time went (generation and COPY overlap, so the parts exceed the wall)."""
    load = split["waiting"] + split["queued"] + split["copy_tail"]  # encoding runs in the generating thread
    rebuild = split["indexes"] + split["foreign_keys"]
    rest = seconds - load - rebuild - split["analyze"]
    print(f"  CPU: generator and COPY client {cpu[0]:.1f} s, PostgreSQL backend {cpu[1]:.1f} s, {wal_mb:,.0f} MB WAL")
    print("  split of the wall time:")
    print(f"    generation + COPY   {load:7.1f} s  (waiting for the generator {split['waiting']:.1f} s, "
          f"which also encodes the COPY data: {split['encoding']:.1f} s; "
          f"waiting for the COPY thread {split['queued']:.1f} s, "
          f"last COPY {split['copy_tail']:.1f} s)")  # fmt: skip
    print(f"    COPY (server busy)  {split['copy']:7.1f} s  (overlaps generation)")
    print(f"    index rebuild       {split['indexes']:7.1f} s")
    print(f"    ANALYZE, sequences  {split['analyze']:7.1f} s")
    print(f"    foreign keys        {split['foreign_keys']:7.1f} s")
    print(f"    commit and setup    {rest:7.1f} s")
    slowest = sorted(split["copy_by_table"].items(), key=lambda kv: -kv[1])[:6]
    print("    COPY by table: " + ", ".join(f"{name} {s:.1f} s" for name, s in slowest))


def child(phase: str, persons: int, url: str, copy_format: str) -> None:
    if os.environ.get("HELHET_SYNTH_LOG"):  # each rebuild statement with its time, on stderr
        import logging

        logging.basicConfig(level=logging.WARNING, format="%(relativeCreated)8.0f ms %(message)s")
        logging.getLogger("helhet.synthetic.writers").setLevel(logging.DEBUG)
    result = phase_parquet(persons) if phase == "parquet" else phase_postgres(persons, url, copy_format)
    result["peak_mb"] = peak_mb()
    print(json.dumps(result))


def run_phase(phase: str, persons: int, url: str, copy_format: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", phase, "--persons", str(persons), "--url", url, "--copy", copy_format],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--referrals", type=int, default=1_000_000, help="referrals to generate (about)")
    parser.add_argument("--phase", choices=("parquet", "postgres", "both"), default="both")
    parser.add_argument("--url", default=DEFAULT_URL, help="PostgreSQL database to create and load")
    parser.add_argument("--copy", choices=("binary", "csv"), default="binary", help="COPY data format")
    parser.add_argument("--child", choices=("parquet", "postgres"), help=argparse.SUPPRESS)
    parser.add_argument("--persons", type=int, help="persons to generate (overrides --referrals)")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.persons, args.url, args.copy)
        return

    from helhet.synthetic import calibration

    persons = args.persons or math.ceil(args.referrals / calibration.REFERRALS_PER_PERSON)
    phases = ("parquet", "postgres") if args.phase == "both" else (args.phase,)
    about = round(persons * calibration.REFERRALS_PER_PERSON)
    print(f"Synthetic pathways: {persons:,} persons for about {about:,} referrals (3 years, all Norway)")
    failed = False
    for phase in phases:
        result = run_phase(phase, persons, args.url, args.copy)
        rows: dict[str, int] = result["rows"]  # type: ignore[assignment]
        total = sum(rows.values())
        seconds = float(result["seconds"])  # type: ignore[arg-type]
        target = TARGET_SECONDS[phase]
        peak = float(result["peak_mb"])  # type: ignore[arg-type]
        ok = seconds <= target and peak <= TARGET_PEAK_MB
        failed |= not ok
        label = f"{phase} ({args.copy} COPY)" if phase == "postgres" else phase
        print(f"\n{label}: {rows.get('referral', 0):,} referrals, {total:,} rows in {seconds:.1f} s")
        print(f"  {total / seconds:,.0f} rows/s, {rows.get('referral', 0) / seconds:,.0f} referrals/s")
        print(f"  wall {seconds:.1f} s (target <= {target:.0f} s), peak memory {peak:,.0f} MB (target <= 4,096 MB)")
        if phase == "parquet":
            print(f"  {float(result['mb_on_disk']):,.0f} MB on disk")  # type: ignore[arg-type]
        else:
            print(f"  (database created, migrated and reference data loaded first: {result['prepare_seconds']:.1f} s)")
            cpu = (float(result["client_cpu"]), float(result["server_cpu"]))  # type: ignore[arg-type]
            print_split(result["split"], seconds, float(result["wal_mb"]), cpu)  # type: ignore[arg-type]
        for name, n in rows.items():
            print(f"    {name:18s} {n:>12,}")
        print(f"  {'PASS' if ok else 'FAIL'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
