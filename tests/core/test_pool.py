"""The PostgreSQL pool pings a connection only after it sat idle, and replaces one that died while idle; a
transaction that only read keeps the connection's prepared statements when it is rolled back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from helhet import db
from helhet.errors import NotFound
from helhet.pathways import timeline
from helhet.users.actor import SYSTEM


@pytest.fixture
def pooled(postgres_engine: Engine) -> Iterator[Engine]:
    """An engine of its own (``make_engine``'s pool), on the PostgreSQL test database."""
    engine = db.make_engine(postgres_engine.url.render_as_string(hide_password=False))
    yield engine
    engine.dispose()


def _pings(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    pings: list[Any] = []
    real = engine.dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        pings.append(dbapi_connection)
        return real(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return pings


def _backend(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(text("SELECT pg_backend_pid()")) or 0)


def test_a_connection_used_just_now_is_handed_out_without_a_ping(
    pooled: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings = _pings(pooled, monkeypatch)
    first = _backend(pooled)
    assert [_backend(pooled) for _ in range(3)] == [first] * 3  # LIFO: the same warm connection
    assert pings == []


def test_an_idle_connection_is_pinged_first(pooled: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    pings = _pings(pooled, monkeypatch)
    first = _backend(pooled)
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", -1.0)  # every checked-in connection counts as idle
    assert _backend(pooled) == first
    assert len(pings) == 1


def test_a_connection_that_died_while_idle_is_replaced_before_use(
    pooled: Engine, postgres_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    dead = _backend(pooled)
    with postgres_engine.connect() as admin:
        assert admin.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": dead})
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", -1.0)
    fresh = _backend(pooled)  # no error: the ping found it dead and the pool connected anew
    assert fresh != dead


def _prepared(engine: Engine) -> int:
    """How many statements the pooled connection has prepared (LIFO: the one used just before)."""
    with engine.connect() as conn:
        return int(conn.scalar(text("SELECT count(*) FROM pg_prepared_statements")) or 0)


def _prepare_one(engine: Engine) -> None:
    for _ in range(8):  # psycopg prepares a statement after its fifth run
        with engine.connect() as conn:
            conn.execute(text("SELECT id FROM unit WHERE id = :id"), {"id": 1}).all()
            conn.commit()


def test_a_read_only_transaction_rolled_back_keeps_the_prepared_statements(pooled: Engine) -> None:
    _prepare_one(pooled)
    assert _prepared(pooled) >= 1
    with pooled.connect() as conn:  # a request that read, then failed: its transaction is rolled back
        conn.execute(text("SELECT id FROM unit WHERE id = :id"), {"id": 1}).all()
        conn.rollback()
    assert _prepared(pooled) >= 1


def test_a_transaction_that_wrote_is_rolled_back_as_ever(pooled: Engine, postgres_engine: Engine) -> None:
    with postgres_engine.begin() as admin:
        admin.execute(text("CREATE TABLE IF NOT EXISTS core_rollback_probe (id integer)"))
    try:
        _prepare_one(pooled)
        with pooled.connect() as conn:
            conn.execute(text("SELECT id FROM unit WHERE id = :id"), {"id": 1}).all()
            conn.execute(text("INSERT INTO core_rollback_probe (id) VALUES (1)"))
            conn.rollback()
        with pooled.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM core_rollback_probe")) == 0
        assert _prepared(pooled) == 0  # psycopg dropped them: the price of a real rollback
    finally:
        with postgres_engine.begin() as admin:
            admin.execute(text("DROP TABLE core_rollback_probe"))


def test_a_pathway_read_that_finds_no_one_keeps_the_prepared_statements(pooled: Engine) -> None:
    _prepare_one(pooled)
    with Session(pooled) as session, pytest.raises(NotFound):
        timeline.read_pathway(session, SYSTEM, 10**9)  # the request fails; closing the session rolls back
    assert _prepared(pooled) >= 1
