"""Counting the SQL statements a call sends (the gap list promises a constant number)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session


def sent(session: Session, fn: Callable[[], object]) -> list[str]:
    """The SQL text of every statement ``fn`` sends."""
    texts: list[str] = []

    def keep(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        texts.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", keep)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    return texts


def statements(session: Session, fn: Callable[[], object]) -> int:
    return len(sent(session, fn))


def executed_on_wire(session: Session, fn: Callable[[], object]) -> int:
    """How many statements ``fn`` has PostgreSQL execute on the session's connection, counted on libpq's trace of
    the messages sent (so statements sent by psycopg itself, past SQLAlchemy's events, count too): each Execute of
    the extended protocol and each simple Query, savepoints and transaction commands left out."""
    import tempfile

    from psycopg.pq import Trace

    pgconn = session.connection().connection.dbapi_connection.pgconn  # type: ignore[union-attr]
    with tempfile.TemporaryFile() as trace:
        pgconn.trace(trace.fileno())
        pgconn.set_trace_flags(Trace.SUPPRESS_TIMESTAMPS)
        try:
            fn()
        finally:
            pgconn.untrace()
        trace.seek(0)
        lines = [line.split(b"\t") for line in trace]
    sent = [parts for parts in lines if len(parts) >= 3 and parts[0] == b"F"]
    control = (b'"BEGIN', b'"COMMIT', b'"ROLLBACK', b'"SAVEPOINT', b'"RELEASE')
    queries = sum(1 for p in sent if p[2].strip() == b"Query" and not any(c in b"\t".join(p) for c in control))
    return queries + sum(1 for p in sent if p[2].strip() == b"Execute")
