"""The facts of a handful of persons in one statement: every loader's statements as JSON aggregates of one SELECT.

A unit's gap list after a few writes, and a person's pathway page, recompute one to a few stale snapshots. The
loaders (``gaps/facts.py``) cost some 16 statements for that, each built, compiled and sent on its own, however few
the persons. Here the loaders' own statements are recorded once per backend, day and rules fingerprint (each
loader run against a stand-in session over the ids as one bind parameter, ``gap_person_ids``); each becomes a
scalar subquery aggregating its rows as JSON, all of them columns of one kept SELECT. A recompute then sends that
one statement and runs the loaders again against a stand-in that hands each statement its rows already read, so
every fact is applied by the loader's own code (no second copy of any rule or query).

What this asks of a loader: its statements depend on the ids and the day only (not on rows it read before), and
an early return on empty rows comes before the statements it skips. The recording hands back rows that are empty
but true, so such guarded statements are recorded too. A statement the recording did not see, or one whose shape
differs, runs live on the real session, so the result stays the loaders' own in any case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import JSON, Integer, Select, bindparam, func, select
from sqlalchemy import types as sqltypes
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from helhet.gaps import facts as fact_loaders
from helhet.gaps.rules import PersonFacts
from helhet.persons.models import Person

#: at most this many persons go through the combined statement; more go through the loaders (the night job)
MAX_PERSONS = 50
IDS = "gap_person_ids"

Convert = Callable[[Any], Any]


class _TrueRows(list[Any]):
    """No rows, but true: a loader's ``if not rows: return`` goes on, so its later statements are recorded too."""

    def __bool__(self) -> bool:
        return True


class _Rows:
    """Rows already read, as a loader iterates them: ``for row in result``, ``.all()``, ``.scalars()``."""

    def __init__(self, rows: Sequence[tuple[Any, ...]]) -> None:
        self._rows = rows

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self._rows)

    def all(self) -> list[tuple[Any, ...]]:
        return list(self._rows)

    def scalars(self) -> list[Any]:
        return [row[0] for row in self._rows]


class _Recorder:
    """Stands in for the session while a loader is recorded: keeps each statement, returns empty (true) rows."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.statements: list[Select[Any]] = []

    def get_bind(self) -> Any:
        return self

    def connection(self) -> _Recorder:
        return self

    def execute(self, stmt: Select[Any], _params: object = None) -> Any:
        self.statements.append(stmt)
        return _Recorded()

    def scalars(self, stmt: Select[Any], _params: object = None) -> _TrueRows:
        self.statements.append(stmt)
        return _TrueRows()


class _Recorded(_TrueRows):
    def all(self) -> _TrueRows:
        return _TrueRows()


class _Replay:
    """Stands in for the session while a loader runs again: each statement gets the rows read for it, in order;
    one beyond those recorded, or of another shape, runs on the real session."""

    def __init__(self, session: Session, recorded: Sequence[Select[Any]], rows: list[list[tuple[Any, ...]]]) -> None:
        self._session = session
        self._recorded = recorded
        self._rows = rows
        self._next = 0
        self.live = 0

    def get_bind(self) -> Any:
        return self._session.get_bind()

    def connection(self) -> _Replay:
        return self

    def _take(self, stmt: Select[Any]) -> list[tuple[Any, ...]] | None:
        i, self._next = self._next, self._next + 1
        if i < len(self._recorded) and len(stmt.selected_columns) == len(self._recorded[i].selected_columns):
            return self._rows[i]
        self.live += 1
        return None

    def execute(self, stmt: Select[Any], params: dict[str, Any] | None = None) -> Any:
        rows = self._take(stmt)
        return _Rows(rows) if rows is not None else self._session.execute(stmt, params)

    def scalars(self, stmt: Select[Any], params: dict[str, Any] | None = None) -> Any:
        rows = self._take(stmt)
        return _Rows(rows).scalars() if rows is not None else self._session.scalars(stmt, params)


class Combined:
    """The loaders' statements recorded for one backend, day and rules fingerprint, and the one SELECT of them."""

    def __init__(self, dialect: Dialect, today: date) -> None:
        ids = _ids(dialect.name)
        self.recorded: list[list[Select[Any]]] = []
        for fn in fact_loaders.LOADERS:
            recorder = _Recorder(dialect)
            fn(cast(Session, recorder), ids, today, {})
            self.recorded.append(recorder.statements)
        statements = [stmt for each in self.recorded for stmt in each]
        self.converters = [[_converter(c.type, dialect) for c in stmt.selected_columns] for stmt in statements]
        self.statement = select(*(_aggregate(stmt, dialect.name) for stmt in statements))

    def load(self, session: Session, person_ids: list[int], today: date) -> tuple[dict[int, PersonFacts], int]:
        """Facts of ``person_ids`` (one statement), and how many statements ran live besides."""
        if session.autoflush:  # as the loaders' ORM reads would: pending changes count, and are marked
            session.flush()
        row = session.connection().execute(self.statement, {IDS: person_ids}).one()
        read = [
            [tuple(c(v) if v is not None else None for c, v in zip(convert, item, strict=True)) for item in rows or ()]
            for convert, rows in zip(self.converters, row, strict=True)
        ]
        facts = {pid: PersonFacts(person_id=pid, today=today) for pid in person_ids}
        array = fact_loaders.id_array(session, person_ids)  # only for a statement that runs live
        ids = select(Person.id).where(Person.id.in_(person_ids)) if array is None else array
        live, start = 0, 0
        for fn, recorded in zip(fact_loaders.LOADERS, self.recorded, strict=True):
            replay = _Replay(session, recorded, read[start : start + len(recorded)])
            fn(cast(Session, replay), ids, today, facts)
            live += replay.live
            start += len(recorded)
        return facts, live


@lru_cache(maxsize=8)
def combined(dialect: Dialect, today: date, key: str) -> Combined:
    """Kept per backend, day and rules fingerprint (``key``: thresholds may be written into the statements)."""
    return Combined(dialect, today)


def load(session: Session, person_ids: list[int], today: date, key: str) -> dict[int, PersonFacts]:
    """The facts of a few persons, as ``facts.load`` gives them, in one statement."""
    facts, _ = combined(session.get_bind().dialect, today, key).load(session, person_ids, today)
    return facts


def _ids(dialect_name: str) -> Select[Any]:
    if dialect_name == "postgresql":
        return select(func.unnest(bindparam(IDS, type_=postgresql.ARRAY(Integer))))
    return select(Person.id).where(Person.id.in_(bindparam(IDS, expanding=True)))


def _aggregate(stmt: Select[Any], dialect_name: str) -> Any:
    """The statement's rows as one JSON array of arrays (NULL or ``[]`` without rows)."""
    sub = stmt.subquery()
    if dialect_name == "postgresql":
        agg = func.json_agg(func.json_build_array(*sub.c), type_=JSON)
    else:
        agg = func.json_group_array(func.json_array(*sub.c), type_=JSON)
    return select(agg).select_from(sub).scalar_subquery()


def _converter(type_: Any, dialect: Dialect) -> Convert:
    """From a JSON value back to what the driver gives for a column of ``type_`` (dates come as ISO text)."""
    if isinstance(type_, sqltypes.TypeDecorator):
        inner = _converter(type_.impl_instance, dialect)
        return lambda v: type_.process_result_value(inner(v), dialect)
    if isinstance(type_, sqltypes.Enum):
        process = type_.result_processor(dialect, None)
        return process if process is not None else _same
    if isinstance(type_, sqltypes.DateTime):
        return lambda v: datetime.fromisoformat(v) if isinstance(v, str) else v
    if isinstance(type_, sqltypes.Date):
        return lambda v: date.fromisoformat(v) if isinstance(v, str) else v
    if isinstance(type_, sqltypes.Boolean):
        return bool
    if isinstance(type_, sqltypes.Integer):
        return int
    if isinstance(type_, sqltypes.Float):
        return float
    if isinstance(type_, sqltypes.Numeric):
        return (lambda v: Decimal(str(v))) if type_.asdecimal else float
    return _same


def _same(value: Any) -> Any:
    return value
