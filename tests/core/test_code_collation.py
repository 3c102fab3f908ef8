"""Enum-valued text columns compare bytewise on PostgreSQL (COLLATE "C", issue 4); SQLite's DDL has no collation."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, Enum, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateTable

from helhet import migrate
from helhet.db import CodeEnum
from helhet.models import Base
from helhet.tasks.models import Task, TaskStatus


def _code_columns() -> set[tuple[str, str]]:
    return {(t.name, c.name) for t in Base.metadata.tables.values() for c in t.columns if isinstance(c.type, Enum)}


def test_every_mapped_enum_column_is_a_code_enum() -> None:
    assert ("task", "status") in _code_columns()
    plain = [(t.name, c.name) for t in Base.metadata.tables.values() for c in t.columns if type(c.type) is Enum]
    assert plain == []
    assert isinstance(Task.__table__.c.status.type, CodeEnum)
    assert Task.__table__.c.status.type.enum_class is TaskStatus


def test_collation_only_in_postgresql_ddl() -> None:
    table = Base.metadata.tables["task"]
    assert 'status VARCHAR(40) COLLATE "C" NOT NULL' in str(CreateTable(table).compile(dialect=postgresql.dialect()))
    sqlite_ddl = str(CreateTable(table).compile(dialect=sqlite.dialect()))
    assert "status VARCHAR(40) NOT NULL" in sqlite_ddl
    assert "COLLATE" not in sqlite_ddl


def _collations(engine: Engine) -> dict[tuple[str, str], str | None]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT table_name, column_name, collation_name FROM information_schema.columns"
                " WHERE table_schema = 'public' AND data_type = 'character varying'"
            )
        )
        return {(table, column): collation for table, column, collation in rows}


def test_migrations_collate_every_code_column_and_nothing_else(postgres_engine: Engine) -> None:
    from tests.conftest import _prepare_pg

    url = postgres_engine.url.set(database=f"{postgres_engine.url.database}_code_collation")
    engine = _prepare_pg(url.render_as_string(hide_password=False))
    assert engine is not None
    try:
        migrate.upgrade(engine)
        collations = _collations(engine)
        code = _code_columns()
        assert code <= set(collations), sorted(code - set(collations))
        assert sorted(k for k in code if collations[k] != "C") == []
        assert sorted(k for k, v in collations.items() if v == "C" and k not in code) == []
        migrate.upgrade(engine)  # a second run changes nothing
        assert _collations(engine) == collations
        config = migrate.alembic_config(engine)
        with engine.begin() as conn:  # and back: the database's own collation again
            config.attributes["connection"] = conn
            command.downgrade(config, "0007_gap_snapshot")
        assert sorted(k for k, v in _collations(engine).items() if v is not None) == []
    finally:
        engine.dispose()


def test_code_columns_keep_order_and_equality(postgres_engine: Engine) -> None:
    values = sorted(s.value for s in TaskStatus)
    with postgres_engine.connect() as conn:
        ordered = conn.execute(
            text('SELECT v FROM unnest(CAST(:values AS varchar[])) AS v ORDER BY v COLLATE "C"'),
            {"values": values[::-1]},
        ).scalars()
        default = conn.execute(
            text("SELECT v FROM unnest(CAST(:values AS varchar[])) AS v ORDER BY v"), {"values": values[::-1]}
        ).scalars()
        assert list(ordered) == list(default) == values
        collation = conn.execute(
            text(
                "SELECT collation_name FROM information_schema.columns"
                " WHERE table_name = 'task' AND column_name = 'status'"
            )
        ).scalar_one()
    assert collation == "C"
