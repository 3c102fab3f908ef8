"""PostgreSQL bulk load: empty tables are loaded frozen, tables with rows keep them, the foreign-key checks get
the cheaper join where an index allows it, and a load that fails half-way leaves nothing behind."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text

from helhet.synthetic import generate_into_database, writers
from tests.synthetic.conftest import AS_OF
from tests.synthetic.test_database_copy import _constraints

LOADED = ("person", "referral", "task", "appointment")


def _load(conn: Connection, tmp_path: Path, persons: int = 200, seed: int = 5) -> None:
    generate_into_database(
        conn, persons, 2, "HV", seed, "default", as_of=AS_OF, truth_path=tmp_path / "t.json", bulk=True
    )


def _counts(conn: Connection) -> dict[str, int]:
    return {name: int(conn.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()) for name in LOADED}


def _all_visible(conn: Connection, name: str) -> tuple[int, int]:
    pages, visible = conn.execute(
        text("SELECT relpages, relallvisible FROM pg_class WHERE oid = CAST(:t AS regclass)"), {"t": name}
    ).one()
    return int(pages), int(visible)


def test_a_bulk_load_into_empty_tables_writes_frozen_all_visible_pages(pg: Connection, tmp_path: Path) -> None:
    assert set(_counts(pg).values()) == {0}
    _load(pg, tmp_path)
    for name in LOADED:
        pages, visible = _all_visible(pg, name)
        assert pages > 0 and visible == pages, name


def test_a_second_bulk_load_keeps_the_rows_already_there_and_is_not_frozen(pg: Connection, tmp_path: Path) -> None:
    before = _constraints(pg)
    _load(pg, tmp_path, seed=5)
    first = _counts(pg)
    _load(pg, tmp_path, seed=6)
    second = _counts(pg)
    assert all(second[name] > first[name] > 0 for name in LOADED)
    assert second["person"] == 2 * first["person"]
    assert _constraints(pg) == before
    pages, visible = _all_visible(pg, "person")
    assert visible < pages  # the second load's rows are ordinary (not frozen) rows


def test_foreign_key_checks_avoid_the_hash_join_only_where_an_index_or_few_values_make_it_dearer(
    pg: Connection, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = "SELECT current_setting('enable_hashjoin'), current_setting('jit')"
    before = pg.execute(text(settings)).one()
    with caplog.at_level(logging.DEBUG, logger="helhet.synthetic.writers"):
        _load(pg, tmp_path)
    checks = {m.split(" REFERENCES")[0]: m for m in caplog.messages if "FOREIGN KEY" in m and "hash join" in m}
    assert "(hash join off)" in checks["task FOREIGN KEY (person_id)"]  # ix_task_person leads with it
    assert "(hash join off)" in checks["appointment FOREIGN KEY (outreach_task_id)"]  # few, beside all tasks
    assert "(hash join on)" in checks["appointment FOREIGN KEY (created_by)"]  # no index, a small app_user
    assert "(hash join on)" in checks["appointment FOREIGN KEY (episode_id)"]  # no index, most rows have one
    assert pg.execute(text(settings)).one() == before


def test_a_bulk_load_that_fails_at_the_last_step_leaves_the_database_as_before(
    postgres_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(connection: Connection, saved: writers.Constraints, timings: writers.LoadTimings) -> None:
        raise RuntimeError("injected: the foreign-key checks failed")

    with postgres_engine.connect() as conn:
        before, counts = _constraints(conn), _counts(conn)
    monkeypatch.setattr(writers, "_restore_foreign_keys", fail)
    with pytest.raises(RuntimeError, match="injected"):
        generate_into_database(
            postgres_engine, 200, 2, "HV", 5, "default", as_of=AS_OF, truth_path=tmp_path / "t.json", bulk=True
        )
    with postgres_engine.connect() as conn:
        assert _counts(conn) == counts
        assert _constraints(conn) == before
