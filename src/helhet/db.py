"""Database plumbing: the declarative ``Base``, column types, engines and the unit of work.

Services add and flush; they never commit. The edge (page, API route, command) ends the user action with one
commit, so all of it is saved or none of it (docs/ARCHITECTURE.md).
"""

from __future__ import annotations

import contextlib
import enum
import functools
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from typing import Any, cast

import psycopg
from psycopg import RawCursor
from psycopg.pq import TransactionStatus
from sqlalchemy import JSON, DateTime, Enum, MetaData, Select, create_engine, event
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.types import TypeDecorator

from helhet.config import get_settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on every backend (SQLite stores them naive; we add the zone back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use helhet.clock.now()")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Enums are stored as their text values in plain VARCHAR columns (no native ENUM types to migrate)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
        enum.Enum: Enum(enum.Enum, native_enum=False, length=40, values_callable=lambda e: [m.value for m in e]),
    }


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``. SQLite gets foreign keys, WAL and a busy timeout; PostgreSQL a small pool that hands
    out the connection used last (LIFO: the busy few stay warm, with their prepared statements, and the rest
    idle) and pings only a connection that sat idle (``_ping_if_idle``), not one per checkout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy emit BEGIN itself.
        event.listen(engine, "connect", lambda conn, _rec: setattr(conn, "isolation_level", None))
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
        return engine
    engine = create_engine(url, pool_size=10, max_overflow=10, pool_use_lifo=True, **kwargs)
    event.listen(engine, "checkin", _idle_from)
    event.listen(engine, "checkout", functools.partial(_ping_if_idle, engine.dialect))
    event.listen(engine, "begin", _reads_only)
    event.listen(engine, "before_cursor_execute", _note_write)
    event.listen(engine, "rollback", _commit_if_read_only)
    return engine


#: a pooled connection idle longer than this is pinged before it is handed out (one round trip); one used more
#: recently is not: what could break it in those seconds (a server restart) breaks a connection just handed out too
PING_AFTER_IDLE_SECONDS = 10.0
_IDLE_SINCE = "helhet_idle_since"


def _idle_from(_dbapi_connection: Any, record: Any) -> None:
    record.info[_IDLE_SINCE] = time.monotonic()


def _ping_if_idle(dialect: Dialect, dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """``pool_pre_ping`` for idle connections only. A dead one raises ``DisconnectionError``, so the pool drops
    it and hands out a fresh connection (SQLAlchemy's custom pessimistic disconnect handling)."""
    idle_since = record.info.get(_IDLE_SINCE)
    idle = 0.0 if idle_since is None else time.monotonic() - idle_since
    if idle <= PING_AFTER_IDLE_SECONDS:
        return
    try:
        dialect.do_ping(dbapi_connection)
    except dialect.loaded_dbapi.Error as exc:
        raise DisconnectionError(f"a pooled connection idle for {idle:.0f} s did not answer: {exc}") from exc


_WROTE = "helhet_wrote"


def _reads_only(connection: Connection) -> None:
    connection.info[_WROTE] = False


def _note_write(connection: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
    if statement.lstrip()[:6].upper() != "SELECT":  # an INSERT, UPDATE, DELETE, WITH, SAVEPOINT, DDL, ...
        connection.info[_WROTE] = True


def _commit_if_read_only(connection: Connection) -> None:
    """A transaction that only ran SELECTs ends the same with COMMIT as with ROLLBACK (the app's SELECTs do not
    write: no ``SELECT ... INTO``, no ``set_config``, no functions that write), and psycopg drops every prepared
    statement of the connection on a ROLLBACK (and sends DEALLOCATE ALL): a failed read (a 404) would cost the
    next reads on the connection their prepared statements (about a third more time). So such a transaction is
    committed here and the rollback that follows finds nothing to do; if the commit fails, the rollback runs."""
    if connection.info.get(_WROTE, True) or connection.closed or connection.invalidated:
        return
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection is None or dbapi_connection.info.transaction_status != TransactionStatus.INTRANS:
        return  # idle, or a failed statement aborted the transaction: a ROLLBACK it is
    with contextlib.suppress(connection.dialect.loaded_dbapi.Error):
        dbapi_connection.commit()


class KeptStatement:
    """A statement compiled once for PostgreSQL and sent by psycopg itself (``fetch_pipelined``, ``fetch_kept``),
    for a hot path: a read whose rows go straight into its response, or the audit append of every read. Rows come
    back as psycopg's plain tuples (no SQLAlchemy ``Row`` per row, no result processing where the column types need
    none). Its text must be fixed: every value a bind parameter, none that SQLAlchemy expands on execution (a list:
    ``= ANY`` an array instead), no constant bound (``literal_column``)."""

    def __init__(self, statement: Select[*tuple[Any, ...]] | UpdateBase, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        if compiled.post_compile_params or compiled.literal_execute_params:
            raise ValueError("a kept statement cannot hold a parameter expanded on execution (use = ANY an array)")
        bound = {compiled.bind_names[b]: b for b in compiled.binds.values()}
        if given := sorted(name for name, b in bound.items() if b.value is not None or b.callable is not None):
            raise ValueError(f"a kept statement binds no constants (literal_column them): {given}")
        self.sql = compiled.string
        # the text with PostgreSQL's own numbered placeholders, sent by a raw cursor: psycopg converts a named
        # query on every execution and caches the conversion only for texts under 4 KB (the events are 11 KB)
        self.raw_sql, names = _numbered(self.sql)
        if set(names) != set(bound):
            raise ValueError(f"a kept statement's placeholders {sorted(names)} are not its parameters {sorted(bound)}")
        self.names = names
        processors = {name: b.type.dialect_impl(dialect).bind_processor(dialect) for name, b in bound.items()}
        self._bind = {name: processor for name, processor in processors.items() if processor is not None}
        self.writes = not isinstance(statement, Select)
        columns = [c.type.dialect_impl(dialect).result_processor(dialect, None) for c in statement.exported_columns]
        self._results = None if all(p is None for p in columns) else columns

    def parameters(self, values: Mapping[str, Any]) -> list[Any]:
        """The driver's parameters from ``values`` (by name; the types' bind processing applied), in the order of
        the numbered placeholders."""
        bind = self._bind
        return [bind[name](values[name]) if name in bind else values[name] for name in self.names]

    def rows(self, fetched: Sequence[tuple[Any, ...]]) -> Sequence[tuple[Any, ...]]:
        """The fetched tuples, with the types' result processing where a column needs it."""
        if self._results is None:
            return fetched
        processors = self._results
        return [tuple(v if p is None else p(v) for p, v in zip(processors, row, strict=True)) for row in fetched]


_PYFORMAT = re.compile(r"%\((\w+)\)s|%%")


def _numbered(sql: str) -> tuple[str, tuple[str, ...]]:
    """``sql`` in the driver's named style (``%(name)s``, ``%%``) in PostgreSQL's numbered style (``$1``, ``%``)
    and the names in the order of their numbers (a name used twice keeps its number)."""
    numbers: dict[str, int] = {}

    def number(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return "%"
        return f"${numbers.setdefault(name, len(numbers) + 1)}"

    return _PYFORMAT.sub(number, sql), tuple(numbers)


def _psycopg(connection: Connection) -> psycopg.Connection[Any]:
    """The psycopg connection under ``connection`` (open: the session's transaction holds it)."""
    dbapi_connection = connection.connection.dbapi_connection
    assert dbapi_connection is not None  # an open connection of the session's transaction
    return cast("psycopg.Connection[Any]", dbapi_connection)


@contextmanager
def _as_sqlalchemy_raises(connection: Connection, sql: str) -> Iterator[None]:
    """A driver error raised as SQLAlchemy raises it; a connection it broke is dropped from the pool."""
    try:
        yield
    except connection.dialect.loaded_dbapi.Error as exc:
        if connection.dialect.is_disconnect(exc, connection.connection.dbapi_connection, None):
            connection.invalidate(exc)
        raise DBAPIError.instance(sql, None, exc, connection.dialect.loaded_dbapi.Error) from exc


def fetch_pipelined(
    connection: Connection, *selects: tuple[KeptStatement, Mapping[str, Any]]
) -> list[Sequence[tuple[Any, ...]]]:
    """Every SELECT's rows, the SELECTs sent together in one round trip (psycopg's pipeline mode) in the
    connection's transaction (psycopg's BEGIN, when one is due, goes first, on its own). A driver error is
    raised as SQLAlchemy raises it, and a connection it broke is dropped from the pool. These statements go past
    SQLAlchemy's execution events: only SELECTs, which ``_note_write`` would not count anyway."""
    dbapi_connection = _psycopg(connection)
    with _as_sqlalchemy_raises(connection, "; ".join(kept.sql for kept, _ in selects)):
        cursors = []
        with dbapi_connection.pipeline():
            for kept, values in selects:
                cursor = RawCursor(dbapi_connection)
                cursor.execute(kept.raw_sql, kept.parameters(values))
                cursors.append(cursor)
        fetched = [kept.rows(cursor.fetchall()) for (kept, _), cursor in zip(selects, cursors, strict=True)]
        for cursor in cursors:
            cursor.close()
        return fetched


def fetch_kept(connection: Connection, kept: KeptStatement, values: Mapping[str, Any]) -> Sequence[tuple[Any, ...]]:
    """The rows of one kept statement (a write's RETURNING rows) in the connection's transaction, one round trip.
    A write is noted as ``_note_write`` notes it (the transaction then ends with its COMMIT, not the read-only
    one). Driver errors as ``fetch_pipelined`` raises them."""
    dbapi_connection = _psycopg(connection)
    if kept.writes:
        connection.info[_WROTE] = True
    with _as_sqlalchemy_raises(connection, kept.sql), RawCursor(dbapi_connection) as cursor:
        cursor.execute(kept.raw_sql, kept.parameters(values))
        return kept.rows(cursor.fetchall())


@cache
def get_engine() -> Engine:
    settings = get_settings()
    url = settings.resolved_database_url
    if url.startswith("sqlite:///"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    return make_engine(url)


_session_factory: sessionmaker[Session] | None = None


def session_factory() -> sessionmaker[Session]:
    global _session_factory
    if _session_factory is None:
        _session_factory = sessionmaker(bind=get_engine(), expire_on_commit=False)
    return _session_factory


def use_engine(engine: Engine) -> None:
    """Point every new session at ``engine`` (tests, the demo and benchmarks)."""
    global _session_factory
    _session_factory = sessionmaker(bind=engine, expire_on_commit=False)


@event.listens_for(Session, "before_flush")
def _gap_changes_before(session: Session, context: Any, instances: Any) -> None:
    from helhet.gaps import changes  # late: it needs the models, which need this module

    changes.before_flush(session, context, instances)


@event.listens_for(Session, "after_flush")
def _gap_changes_after(session: Session, context: Any) -> None:
    """Every session marks the gap snapshots of the persons whose facts it changed (``helhet/gaps/changes.py``)."""
    from helhet.gaps import changes

    changes.after_flush(session, context)


@event.listens_for(Session, "after_transaction_end")
def _gap_changes_end(session: Session, transaction: Any) -> None:
    if transaction.nested or transaction.parent is None:  # a savepoint or the transaction, not a flush's own
        from helhet.gaps import changes

        changes.forget_marks(session)


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """One user action: commit on success, roll back on any exception."""
    with session_factory()() as session, session.begin():
        yield session
