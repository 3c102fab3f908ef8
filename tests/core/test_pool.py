"""The PostgreSQL pool pings a connection only after it sat idle, and replaces one that died while idle."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, text

from helhet import db


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
