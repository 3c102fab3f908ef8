"""Shared helpers for the benchmark scripts: timing, percentiles, counting SQL statements and round trips."""

from __future__ import annotations

import gc
import re
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from psycopg.pq import Trace
from sqlalchemy import Engine, event


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def time_calls(fn: Callable[[], Any], repeat: int, warmup: int = 5) -> list[float]:
    """Milliseconds per call."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def summary(times: list[float]) -> dict[str, float]:
    return {
        "p50": percentile(times, 50),
        "p95": percentile(times, 95),
        "p99": percentile(times, 99),
        "mean": statistics.fmean(times),
    }


@contextmanager
def gc_pauses() -> Iterator[list[tuple[int, float]]]:
    """The garbage collector's collections while the block runs: (generation, milliseconds) each."""
    pauses: list[tuple[int, float]] = []
    started: list[float] = []

    def callback(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            pauses.append((info["generation"], (time.perf_counter() - started.pop()) * 1000))

    gc.callbacks.append(callback)
    try:
        yield pauses
    finally:
        gc.callbacks.remove(callback)


@contextmanager
def count_statements(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def listener(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    with listening(engine, {"before_cursor_execute": listener}):
        yield statements


@contextmanager
def listening(target: Any, listeners: dict[str, Callable[..., Any]]) -> Iterator[None]:
    """SQLAlchemy event listeners on ``target`` for the block."""
    for name, listener in listeners.items():
        event.listen(target, name, listener)
    try:
        yield
    finally:
        for name, listener in listeners.items():
            event.remove(target, name, listener)


@dataclass
class Wire:
    """What went to PostgreSQL while a ``wire`` block ran, read from libpq's trace of the messages sent."""

    statements: int = 0  # executed, psycopg's BEGIN, COMMIT and ROLLBACK left out
    round_trips: int = 0  # each Sync or simple Query waits for the server's answer
    transaction_commands: int = 0  # BEGIN, COMMIT, ROLLBACK


_TX = re.compile(rb'"(BEGIN|COMMIT|ROLLBACK)"')


@contextmanager
def wire(engine: Engine) -> Iterator[Wire]:
    """Count the statements and round trips of the block on psycopg's own messages (libpq's trace of every
    connection the pool hands out), so statements sent past SQLAlchemy (``db.fetch_pipelined``) count too."""
    counted = Wire()
    with tempfile.TemporaryFile() as trace:

        def checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
            dbapi_connection.pgconn.trace(trace.fileno())
            dbapi_connection.pgconn.set_trace_flags(Trace.SUPPRESS_TIMESTAMPS)

        def checkin(dbapi_connection: Any, _record: Any) -> None:
            if dbapi_connection is not None:
                dbapi_connection.pgconn.untrace()

        with listening(engine, {"checkout": checkout, "checkin": checkin}):
            yield counted
        trace.seek(0)
        for line in trace:
            parts = line.split(b"\t")
            if len(parts) < 3 or parts[0] != b"F":  # what the front end sent
                continue
            kind = parts[2].strip()
            tx = bool(_TX.search(line))
            counted.round_trips += kind in (b"Query", b"Sync")
            counted.transaction_commands += tx and kind in (b"Query", b"Parse")
            # a simple Query is one statement; an extended one is one Execute (a pipelined BEGIN is one of those)
            counted.statements += (kind == b"Query" and not tx) + (kind == b"Execute") - (kind == b"Parse" and tx)
