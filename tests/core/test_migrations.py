"""One Alembic history builds the whole schema, on SQLite and PostgreSQL, and matches the models."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from helhet import migrate
from helhet.db import make_engine
from helhet.models import Base


def _diff(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        return [d for d in compare_metadata(context, Base.metadata) if d[0] != "remove_index"]  # type: ignore[index]


def test_migrations_build_every_table_on_sqlite(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate.upgrade(engine)
    assert _diff(engine) == []
    migrate.upgrade(engine)  # running it twice changes nothing
    assert set(inspect(engine).get_table_names()) >= set(Base.metadata.tables)
    engine.dispose()


def test_migrated_postgres_matches_models(postgres_engine: Engine) -> None:
    # the session database was migrated and then completed with create_all; compare a fresh migration instead
    url = postgres_engine.url.set(database=f"{postgres_engine.url.database}_migrations")
    from tests.conftest import _prepare_pg

    engine = _prepare_pg(url.render_as_string(hide_password=False))
    assert engine is not None
    migrate.upgrade(engine)
    assert _diff(engine) == []
    engine.dispose()
