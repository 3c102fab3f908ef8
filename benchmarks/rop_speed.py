"""Benchmark: the ROP gap checks of ``analytics/rop.py`` (ROP-02..08, 14, 15) on a generated store, per part.

Prints the wall and CPU seconds of the shared tables the checks read (made once per computation), then of each
check's own statement (counted per cell, as ``compute_all`` counts it, with the shared tables already made),
then of ``compute_all`` over all nine checks at once in a fresh connection. CPU seconds are the whole process's
(DuckDB's threads included), so they say more than wall time on a loaded machine. Old against new code in the same
minutes: run it with ``PYTHONPATH=/tmp/old-rop/src`` from a worktree of the old commit, then without.

    .venv/bin/python benchmarks/rop_speed.py /tmp/atlasA/synth [--as-of 2026-12-02] [--repeat 1]
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path


def _timed(action: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def measure(folder: Path, as_of: date) -> None:
    from helhet.analytics import indicators, queries, rop
    from helhet.analytics.indicators import BY_CODE, SHARED_TABLES, _parameters, compute_all

    checks = [BY_CODE[code] for code in rop.CODES.values()]
    con = queries.connect(folder)
    con.execute(indicators.PERSON_GEO)
    period = queries.in_period(con)
    print(f"{'part':<32} {'wall s':>7} {'CPU s':>7}")
    for name in dict.fromkeys(name for check in checks for name in check.shared):
        sql = f"CREATE OR REPLACE TEMP TABLE {name} AS {_parameters(SHARED_TABLES[name], as_of)}"
        wall, cpu = _timed(lambda sql=sql: con.execute(sql))
        print(f"{'shared ' + name:<32} {wall:7.2f} {cpu:7.2f}")
    total_wall = total_cpu = 0.0
    for check in checks:
        sql = (
            f"SELECT {indicators.GEO}, count(*) AS n, sum(k) AS k FROM ({_parameters(check.sql, as_of)}) s "
            f"WHERE {period} GROUP BY ALL"
        )
        wall, cpu = _timed(lambda sql=sql: con.execute(sql).fetchall())
        total_wall, total_cpu = total_wall + wall, total_cpu + cpu
        print(f"{check.code:<32} {wall:7.2f} {cpu:7.2f}")
    print(f"{'the nine checks (sum)':<32} {total_wall:7.2f} {total_cpu:7.2f}")
    fresh = queries.connect(folder)
    wall, cpu = _timed(lambda: compute_all(fresh, checks, as_of))
    print(f"{'compute_all, fresh connection':<32} {wall:7.2f} {cpu:7.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="a store folder, e.g. from benchmarks/atlas_speed.py --keep")
    parser.add_argument("--as-of", type=date.fromisoformat, default=None, help="reference date (default: today)")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    from helhet import analytics, clock

    as_of = args.as_of or clock.today()
    print(f"code: {Path(analytics.__file__).parent}; as_of {as_of}")
    for _ in range(args.repeat):
        print(f"load: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (1, 5, 15 min)")
        measure(args.folder, as_of)


if __name__ == "__main__":
    main()
