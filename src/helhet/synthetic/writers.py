"""Where generated tables go: a Parquet folder, PostgreSQL through COPY, or any database through executemany.

Every writer takes Arrow tables shaped like the ORM tables (``columns.conform``) in foreign-key order, chunk by
chunk, inside one transaction for databases. PostgreSQL gets binary COPY data made by numpy and Arrow in whole
columns (``pgbinary``; CSV made by Arrow's C++ writer for a column type it does not handle), streamed with
psycopg's ``COPY ... FROM STDIN`` from a thread of its own; other databases (SQLite, for demo sizes) get one
executemany per table and chunk.
"""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import queue
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
from sqlalchemy import Connection, inspect, text

from helhet.synthetic import columns as col
from helhet.synthetic import pgbinary

log = logging.getLogger(__name__)

COPY_BLOCK = 1 << 20


@dataclass
class CopyData:
    """A table's rows made ready for PostgreSQL: the ``COPY ... FROM STDIN`` statement and its data blocks."""

    statement: str
    blocks: list[Any]
    num_rows: int


class Writer(Protocol):
    """Where the generator's tables go. ``prepare`` runs in the generating thread (so it may do the heavy
    encoding while the previous chunk is written), ``write`` in the caller's, with what ``prepare`` returned."""

    def accepts(self, name: str) -> bool: ...

    def prepare(self, name: str, table: pa.Table) -> pa.Table | CopyData: ...

    def write(self, name: str, table: pa.Table | CopyData) -> None: ...

    def close(self) -> None: ...


class ParquetOutput:
    """One Parquet file per table in ``folder``; one row group per chunk unless ``row_group_rows`` is given."""

    def __init__(self, folder: Path, row_group_rows: int | None = None, compression: str = "zstd") -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.row_group_rows = row_group_rows
        self.compression = compression
        self.writers: dict[str, pq.ParquetWriter] = {}

    def accepts(self, name: str) -> bool:
        return True

    def prepare(self, name: str, table: pa.Table) -> pa.Table:
        return table

    def write(self, name: str, table: pa.Table | CopyData) -> None:
        assert isinstance(table, pa.Table), name
        writer = self.writers.get(name)
        if writer is None:
            writer = pq.ParquetWriter(self.folder / f"{name}.parquet", table.schema, compression=self.compression)
            self.writers[name] = writer
        writer.write_table(table, row_group_size=self.row_group_rows)

    def ensure(self, name: str) -> None:
        """An empty file for a table that got no rows, so every table is there."""
        if name not in self.writers:
            self.write(name, col.schema(name).empty_table())

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()
        self.writers.clear()


def _for_csv(table: pa.Table) -> pa.Table:
    """Columns as PostgreSQL reads them from CSV: lists as JSON text, UTC timestamps as text with their zone.

    Arrow's CSV writer formats zoned timestamps about 30 times slower than a cast of the naive value to text.
    List values are codes and short words, with no quotes or backslashes to escape.
    """
    for i, field in enumerate(table.schema):
        values = table.column(i)
        if pa.types.is_list(field.type):
            table = table.set_column(i, field.name, pgbinary.json_text(values))
        elif pa.types.is_timestamp(field.type):
            naive = values.cast(pa.timestamp("us")).cast(pa.string())
            table = table.set_column(i, field.name, pc.binary_join_element_wise(naive, "+00", ""))
    return table


def csv_bytes(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pa_csv.write_csv(_for_csv(table), buffer, pa_csv.WriteOptions(include_header=False))
    return buffer.getvalue()


@dataclass
class LoadTimings:
    """Where a database load's wall time went, in seconds (``DatabaseOutput.timings``).

    ``waiting`` is the time the writer waited for the generator's next chunk, ``encoding`` making COPY data (in
    the generating thread, ``Writer.prepare``, so it overlaps the writes), ``queued`` waiting for the COPY thread
    to take a block; ``copy`` is the COPY thread's busy time (it overlaps the others), ``copy_tail`` the wait for
    the last COPY at the end, then the rebuild, ``analyze`` (sequences set and tables analysed) and the foreign
    keys. ``copy_by_table`` splits ``copy``.
    """

    waiting: float = 0.0
    encoding: float = 0.0
    queued: float = 0.0
    copy: float = 0.0
    copy_tail: float = 0.0
    indexes: float = 0.0
    foreign_keys: float = 0.0
    analyze: float = 0.0
    copy_by_table: dict[str, float] = dataclasses.field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)


class CopyPipe:
    """COPY statements run in a thread of their own, so the server loads one chunk while the next is made."""

    def __init__(self, raw: Any, timings: LoadTimings | None = None) -> None:
        self.raw = raw
        self.timings = timings or LoadTimings()
        self.queue: queue.Queue[tuple[str, str, list[Any]] | None] = queue.Queue(maxsize=4)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._work, name="synth-copy", daemon=True)
        self.thread.start()

    def _work(self) -> None:
        while (item := self.queue.get()) is not None:
            if self.error is not None:
                continue
            name, statement, blocks = item
            started = time.perf_counter()
            try:
                with self.raw.cursor() as cursor, cursor.copy(statement) as copy:
                    for block in blocks:
                        view = memoryview(block)
                        for start in range(0, len(view), COPY_BLOCK):
                            copy.write(view[start : start + COPY_BLOCK])
            except BaseException as exc:  # raised in the writing thread at the next put or at finish
                self.error = exc
            spent = time.perf_counter() - started
            self.timings.copy += spent
            self.timings.copy_by_table[name] = self.timings.copy_by_table.get(name, 0.0) + spent

    def put(self, name: str, statement: str, blocks: list[Any]) -> None:
        """Run the ``COPY ... FROM STDIN`` ``statement`` with ``blocks`` (bytes-like, sent in order) as its data."""
        if self.error is not None:
            raise self.error
        self.queue.put((name, statement, blocks))

    def finish(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


@dataclass
class ForeignKey:
    """A foreign key dropped for a bulk load: its table, name, definition, its own columns (in order) and the
    table it references."""

    table: str
    name: str
    definition: str
    columns: tuple[str, ...]
    referenced: str


@dataclass
class Constraints:
    """Keys, secondary indexes and foreign keys of the tables loaded, dropped for a bulk load and made again after."""

    indexes: list[tuple[str, str]]  # (name, CREATE INDEX ...)
    foreign_keys: list[ForeignKey]
    keys: list[tuple[str, str, str]] = dataclasses.field(default_factory=list)  # primary keys and unique


#: for index builds and foreign-key checks (which PostgreSQL runs with maintenance_work_mem as work_mem)
MAINTENANCE_WORK_MEM = "1GB"
#: parallel workers per index build; with the leader that is one process per core on a 2-core machine
INDEX_BUILD_WORKERS = 2


def _drop_constraints(connection: Connection, tables: list[str]) -> Constraints:
    """Drop what the loaded tables would otherwise maintain row by row.

    Primary keys and unique constraints go too (about a quarter of a COPY's time is spent growing them), and so
    must every foreign key that points at one of them, from any table.
    """
    indexes = connection.execute(
        text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ANY(:t) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u', 'x'))"
        ),
        {"t": tables},
    ).all()
    foreign_keys = connection.execute(
        text(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), "
            "ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord) "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.ord), "
            "c.confrelid::regclass::text FROM pg_constraint c WHERE c.contype = 'f' "
            "AND (c.conrelid::regclass::text = ANY(:t) OR c.confrelid::regclass::text = ANY(:t)) ORDER BY 1, 2"
        ),
        {"t": tables},
    ).all()
    keys = connection.execute(
        text(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype IN ('p', 'u') AND conrelid::regclass::text = ANY(:t) ORDER BY contype, 1, 2"
        ),
        {"t": tables},
    ).all()
    for table, name, *_ in [*foreign_keys, *keys]:
        connection.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
    for name, _ in indexes:
        connection.execute(text(f'DROP INDEX "{name}"'))
    return Constraints(
        [(n, d) for n, d in indexes],
        [ForeignKey(t, n, d, tuple(c), r) for t, n, d, c, r in foreign_keys],
        [(t, n, d) for t, n, d in keys],
    )


def _truncate_empty(connection: Connection, tables: list[str]) -> set[str]:
    """Truncate the loaded tables that are empty, so COPY can write their rows frozen; the names truncated.

    ``COPY ... FREEZE`` needs a table created or truncated in the same (sub)transaction. Its rows need no
    visibility check later and its pages are marked all-visible, so the foreign-key checks after the load can
    read the new indexes alone (index-only scans). Truncating an empty table loses nothing, and the truncation
    is rolled back with the rest of a failed load. Called once the foreign keys pointing at the tables are gone.
    """
    empty = [t for t in tables if not connection.execute(text(f"SELECT EXISTS (SELECT FROM {t})")).scalar()]
    if empty:
        connection.execute(text(f"TRUNCATE {', '.join(empty)}"))
    return set(empty)


def _leading_columns(connection: Connection, tables: list[str]) -> dict[str, list[tuple[str, ...]]]:
    """The columns of each whole (not partial, no expression) index of ``tables``, in index order."""
    rows = connection.execute(
        text(
            "SELECT i.indrelid::regclass::text, ARRAY(SELECT a.attname::text "
            "FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) "
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.ord) "
            "FROM pg_index i WHERE i.indrelid::regclass::text = ANY(:t) AND i.indpred IS NULL "
            "AND i.indexprs IS NULL AND i.indisvalid"
        ),
        {"t": tables},
    ).all()
    found: dict[str, list[tuple[str, ...]]] = {}
    for table, names in rows:
        found.setdefault(str(table), []).append(tuple(names))
    return found


def _restore_indexes(connection: Connection, saved: Constraints, timings: LoadTimings) -> None:
    """Primary keys, unique constraints and secondary indexes, each built once, in parallel where the table is big.

    PostgreSQL plans up to ``max_parallel_maintenance_workers`` workers per build from the table's size, each
    with a share of ``maintenance_work_mem``; both are set for this transaction only.
    """
    connection.execute(text(f"SET LOCAL maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'"))
    connection.execute(text(f"SET LOCAL max_parallel_maintenance_workers = {INDEX_BUILD_WORKERS}"))
    statements = [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for table, name, definition in saved.keys]
    for statement in statements + [definition for _, definition in saved.indexes]:
        started = time.perf_counter()
        connection.execute(text(statement))
        timings.indexes += time.perf_counter() - started
        log.debug("%s: %.2f s", statement, time.perf_counter() - started)


def _sparse(connection: Connection, fk: ForeignKey) -> bool:
    """Whether the key has fewer values (not null, from the statistics) than a quarter of the referenced rows."""
    if len(fk.columns) != 1:
        return False
    values, referenced = connection.execute(
        text(
            "SELECT (1 - coalesce((SELECT null_frac FROM pg_stats WHERE schemaname = current_schema() "
            "AND tablename = :t AND attname = :c), 0)) * greatest(f.reltuples, 0), greatest(r.reltuples, 0) "
            "FROM pg_class f, pg_class r WHERE f.oid = CAST(:t AS regclass) AND r.oid = CAST(:r AS regclass)"
        ),
        {"t": fk.table, "c": fk.columns[0], "r": fk.referenced},
    ).one()
    return bool(values * 4 < referenced)


def _restore_foreign_keys(connection: Connection, saved: Constraints, timings: LoadTimings) -> None:
    """Add the foreign keys again; PostgreSQL checks every row of each (one query per key, never in parallel).

    The check is an anti-join of the referencing table with the referenced one, and the planner's default is a
    hash join: a scan of the whole table and a hash of the whole referenced key. Hash joins are switched off
    for two kinds of key, which then cost a fifth to three fifths: where the key's columns lead an index of the
    referencing table (a merge join of two index scans, index-only on frozen, analysed tables), and where the
    key has few values beside the referenced rows (``_sparse``: an index probe per value). JIT compilation is
    off for the checks: these simple scans gain nothing from it and large ones would pay for optimising.
    Run after ANALYZE.
    """
    indexed = _leading_columns(connection, sorted({fk.table for fk in saved.foreign_keys}))
    names = ("enable_hashjoin", "jit")
    before = {n: str(connection.execute(text(f"SELECT current_setting('{n}')")).scalar()) for n in names}
    connection.execute(text("SET LOCAL jit = off"))
    hashing = before["enable_hashjoin"]
    for fk in saved.foreign_keys:
        leading = any(cols[: len(fk.columns)] == fk.columns for cols in indexed.get(fk.table, []))
        wanted = "off" if leading or _sparse(connection, fk) else "on"
        if wanted != hashing:
            connection.execute(text(f"SET LOCAL enable_hashjoin = {wanted}"))
            hashing = wanted
        started = time.perf_counter()
        connection.execute(text(f'ALTER TABLE {fk.table} ADD CONSTRAINT "{fk.name}" {fk.definition}'))
        timings.foreign_keys += time.perf_counter() - started
        log.debug("%s %s (hash join %s): %.2f s", fk.table, fk.definition, hashing, time.perf_counter() - started)
    for name, value in before.items():
        connection.execute(text(f"SET LOCAL {name} = {value}"))


class DatabaseOutput:
    """Rows into the tables of a migrated database, in the caller's transaction; tables it lacks are skipped.

    ``bulk`` (PostgreSQL): drop the loaded tables' keys, secondary indexes and foreign keys (and the foreign keys
    pointing at them) first and make them again at the end, in the same transaction: building an index once is
    much faster than growing it row by row, and re-adding a foreign key checks every row. Tables that are empty
    are truncated and loaded with ``COPY ... FREEZE`` (``_truncate_empty``). The tables are locked until the
    transaction ends. ``binary`` sends binary COPY data (``pgbinary``), else CSV.
    """

    def __init__(
        self,
        connection: Connection,
        tables: tuple[str, ...],
        *,
        bulk: bool = False,
        binary: bool = True,
        timings: LoadTimings | None = None,
    ) -> None:
        self.connection = connection
        self.present = set(inspect(connection).get_table_names())
        self.postgres = connection.dialect.name == "postgresql"
        self.written: set[str] = set()
        self.saved: Constraints | None = None
        self.frozen: set[str] = set()
        self.pipe: CopyPipe | None = None
        self.timings = timings if timings is not None else LoadTimings()
        self.binary = binary
        self.kinds: dict[str, list[str] | None] = {}
        if self.postgres:
            if bulk:
                loaded = [t for t in tables if t in self.present]
                self.saved = _drop_constraints(connection, loaded)
                self.frozen = _truncate_empty(connection, loaded)
            for name in tables if binary else ():
                if name in self.present:  # read now: the generating thread must not query while COPY runs
                    self.kinds[name] = pgbinary.column_kinds(connection, name, col.schema(name).names)
            self.pipe = CopyPipe(connection.connection.driver_connection, self.timings)
        self._returned = time.perf_counter()

    def accepts(self, name: str) -> bool:
        return name in self.present

    def prepare(self, name: str, table: pa.Table) -> pa.Table | CopyData:
        """For PostgreSQL the table's COPY data (safe to call from another thread than ``write``), else the table."""
        if self.pipe is None or not self.accepts(name) or table.num_rows == 0:
            return table
        started = time.perf_counter()
        statement, blocks = self._copy_data(name, table)
        self.timings.encoding += time.perf_counter() - started
        return CopyData(statement, blocks, table.num_rows)

    def write(self, name: str, table: pa.Table | CopyData) -> None:
        if not self.accepts(name) or table.num_rows == 0:
            return
        self.written.add(name)
        if self.pipe is not None:
            started = time.perf_counter()
            self.timings.waiting += started - self._returned
            data = table if isinstance(table, CopyData) else self.prepare(name, table)
            assert isinstance(data, CopyData)
            encoded = time.perf_counter()
            self.pipe.put(name, data.statement, data.blocks)
            self._returned = time.perf_counter()
            self.timings.queued += self._returned - encoded
        else:
            assert isinstance(table, pa.Table), name
            rows = table.to_pylist()
            for table_name, column in col.JSON_OBJECTS:
                if table_name == name:
                    for row in rows:
                        row[column] = json.loads(row[column])
            self.connection.execute(col.orm_table(name).insert(), rows)

    def _copy_data(self, name: str, table: pa.Table) -> tuple[str, list[Any]]:
        """The COPY statement and its data: binary where every column type allows it (``pgbinary``), else CSV."""
        names = table.schema.names
        if name not in self.kinds:
            self.kinds[name] = pgbinary.column_kinds(self.connection, name, names) if self.binary else None
        kinds, columns = self.kinds[name], ", ".join(names)
        freeze = ", FREEZE" if name in self.frozen else ""
        if kinds is None:
            return f"COPY {name} ({columns}) FROM STDIN (FORMAT csv{freeze})", [csv_bytes(table)]
        return f"COPY {name} ({columns}) FROM STDIN (FORMAT binary{freeze})", pgbinary.encode(table, kinds)

    def close(self) -> None:
        """Finish the loads, restore what a bulk load dropped, and move each id sequence past the ids written.

        Order: keys and indexes, then ANALYZE (so the foreign-key checks are planned on statistics and know the
        frozen pages are all-visible), then the foreign keys.
        """
        if self.pipe is None:
            return
        timings = self.timings
        started = time.perf_counter()
        self.pipe.finish()
        timings.copy_tail = time.perf_counter() - started
        log.info("synthetic load: last COPY finished after %.1f s more", timings.copy_tail)
        if self.saved is not None:
            _restore_indexes(self.connection, self.saved, timings)
            log.info("synthetic load: keys and indexes %.1f s", timings.indexes)
        started = time.perf_counter()
        for name in sorted(self.written):
            self.connection.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))")
            )
            self.connection.execute(text(f"ANALYZE {name}"))
        timings.analyze = time.perf_counter() - started
        log.info("synthetic load: sequences set and tables analysed in %.1f s", timings.analyze)
        if self.saved is not None:
            _restore_foreign_keys(self.connection, self.saved, timings)
            log.info("synthetic load: foreign keys %.1f s", timings.foreign_keys)
