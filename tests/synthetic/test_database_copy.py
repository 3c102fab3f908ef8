"""PostgreSQL COPY: binary data (``pgbinary``) load exactly the rows CSV data load, and a bulk load gives back
every index and foreign key it dropped."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from helhet.synthetic import catalogue, generate_into_database, generator, pgbinary
from helhet.synthetic import scenario as scenarios
from helhet.synthetic.truth import Figures
from helhet.synthetic.writers import DatabaseOutput, LoadTimings, csv_bytes
from tests.synthetic.conftest import AS_OF
from tests.synthetic.test_database import _read_back


def _load_both(conn: Connection, name: str, like: str, table: pa.Table) -> tuple[list[str], list[str]]:
    """``table`` copied into two new tables shaped like ``like``, as CSV and as binary; their rows as text."""
    kinds = pgbinary.column_kinds(conn, like, table.schema.names)
    assert kinds is not None, f"{like}: a column type pgbinary cannot send"
    raw = conn.connection.driver_connection
    columns = ", ".join(table.schema.names)
    found = []
    for form, blocks in (("csv", [csv_bytes(table)]), ("binary", pgbinary.encode(table, kinds))):
        conn.execute(text(f"CREATE TEMP TABLE {name}_{form} (LIKE {like}) ON COMMIT DROP"))
        with raw.cursor() as cursor, cursor.copy(f"COPY {name}_{form} ({columns}) FROM STDIN (FORMAT {form})") as cp:
            for block in blocks:
                cp.write(block)
        found.append(sorted(conn.execute(text(f"SELECT t::text FROM {name}_{form} t")).scalars()))
    return found[0], found[1]


def test_binary_copy_data_load_the_same_values_as_csv_including_nulls_and_awkward_text(pg: Connection) -> None:
    pg.execute(
        text(
            "CREATE TEMP TABLE awkward (id integer, big bigint, small smallint, ok boolean, day date, "
            "at timestamptz, share double precision, label varchar(20), note text, codes json) ON COMMIT DROP"
        )
    )
    at = pa.timestamp("us", tz="UTC")
    table = pa.table(
        {
            "id": pa.array([1, 2, 3, -4], pa.int64()),
            "big": pa.array([2**40, None, 0, -(2**40)], pa.int64()),
            "small": pa.array([7, -7, None, 0], pa.int64()),
            "ok": pa.array([True, False, None, True]),
            "day": pa.array([date(2026, 6, 30), date(1999, 12, 31), None, date(1970, 1, 1)]),
            "at": pa.array(
                [
                    datetime(2026, 6, 30, 23, 59, 59, 999999, UTC),
                    None,
                    datetime(1969, 7, 20, 20, 17, tzinfo=UTC),
                    datetime(2000, 1, 1, tzinfo=UTC),
                ],
                at,
            ),
            "share": pa.array([0.1, None, -1e300, 0.0]),
            "label": pa.array(["Tromsø", "", None, 'say "hi", ok']),
            "note": pa.array(["line\none", "back\\slash", "æøå ÆØÅ 🙂", None]),
            "codes": pa.array([["a", "b"], [], ["x"], ["c"]], pa.list_(pa.string())),
        }
    )
    as_csv, as_binary = _load_both(pg, "awk", "awkward", table)
    assert as_binary == as_csv
    assert len(as_binary) == 4 and '(2,,-7,f,1999-12-31,,,"","back\\\\slash",[])' in as_binary


def test_every_generated_table_loads_the_same_rows_by_binary_copy_as_by_csv(pg: Connection) -> None:
    plan = scenarios.load("default")
    ctx = generator.make_context(
        seed=41, as_of=AS_OF, years=3, region=None, scenario=plan, units=catalogue.from_catalogue()
    )
    tables = generator.run_chunk(ctx, 0, 600, Figures())
    present = set(pg.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")).scalars())
    compared = 0
    for name, table in tables.items():
        if name in present and table.num_rows:
            as_csv, as_binary = _load_both(pg, f"g_{name}", name, table)
            assert as_binary == as_csv, name
            assert len(as_binary) == table.num_rows
            compared += 1
    assert compared >= 20


def _constraints(session: Session | Connection) -> set[tuple[str, str]]:
    indexes = session.execute(text("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"))
    keys = session.execute(
        text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE connamespace = current_schema()::regnamespace"
        )
    )
    return {(str(a), str(b)) for a, b in [*indexes, *keys]}


def test_a_bulk_binary_load_gives_the_rows_of_a_csv_load_and_rebuilds_every_index_and_key(
    postgres_engine: Engine, tmp_path: Path
) -> None:
    with postgres_engine.connect() as conn:
        outer = conn.begin()
        session = Session(bind=conn, join_transaction_mode="create_savepoint")
        before = _constraints(session)
        loaded = {}
        for binary in (False, True):
            nested = conn.begin_nested()
            timings = LoadTimings()
            generate_into_database(
                session, 300, 2, "HV", 23, "default", as_of=AS_OF, truth_path=tmp_path / "t.json",
                bulk=True, binary=binary, timings=timings,
            )  # fmt: skip
            assert _constraints(session) == before
            assert timings.indexes > 0 and timings.foreign_keys > 0 and timings.copy > 0
            tables = _read_back(session, generator.TABLE_ORDER)
            loaded[binary] = {name: sorted(t.to_pylist(), key=lambda r: r["id"]) for name, t in tables.items()}
            nested.rollback()
        session.close()
        outer.rollback()
    assert loaded[True] == loaded[False]
    assert len(loaded[True]["referral"]) > 300


def test_a_column_type_binary_copy_does_not_handle_sends_the_table_as_csv(pg: Connection) -> None:
    pg.execute(text("CREATE TEMP TABLE priced (id integer, price numeric(8, 2)) ON COMMIT DROP"))
    assert pgbinary.column_kinds(pg, "priced", ["id", "price"]) is None
    assert pgbinary.column_kinds(pg, "priced", ["id"]) == ["integer"]
    output = DatabaseOutput(pg, ())
    output.present.add("priced")
    table = pa.table({"id": pa.array([1, 2], pa.int64()), "price": pa.array([1.5, None])})
    statement, blocks = output._copy_data("priced", table)
    assert statement.endswith("(FORMAT csv)") and blocks == [b"1,1.5\n2,\n"]
    output.write("priced", table)
    output.close()
    assert pg.execute(text("SELECT id, price::text FROM priced ORDER BY id")).all() == [(1, "1.50"), (2, None)]
