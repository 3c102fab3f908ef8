"""Two transactions appending at once on PostgreSQL: the second waits for the head the first has locked, then
chains on from the first's event (the chain never forks)."""

from __future__ import annotations

import threading
import time

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from helhet.audit import log as audit
from helhet.audit.models import AuditEvent
from helhet.users.actor import SYSTEM


def _waiting_on_a_lock(engine: Engine) -> bool:
    with engine.connect() as conn:
        sql = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
        return bool(conn.scalar(text(sql)))


def test_a_second_append_waits_for_the_first_and_chains_on_from_it(postgres_engine: Engine) -> None:
    first, second = Session(postgres_engine), Session(postgres_engine)
    audit.ensure_head(first)
    first.commit()
    audit.record_change(first, SYSTEM, "test.concurrent", "test", "first")
    audit.flush_pending(first)  # holds the head's row lock until it commits
    audit.record_change(second, SYSTEM, "test.concurrent", "test", "second")
    failure: list[BaseException] = []

    def append_second() -> None:
        try:
            second.commit()
        except BaseException as exc:  # pragma: no cover - reported below
            failure.append(exc)

    thread = threading.Thread(target=append_second)
    thread.start()
    for _ in range(200):  # until the second transaction waits on the head (at most 20 s)
        if _waiting_on_a_lock(postgres_engine):
            break
        time.sleep(0.1)
    assert _waiting_on_a_lock(postgres_engine)
    first.commit()
    thread.join(timeout=30)
    assert not thread.is_alive() and not failure
    with Session(postgres_engine) as check:
        last_two = list(check.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(2)))[::-1]
        assert [e.entity_id for e in last_two] == ["first", "second"]
        assert last_two[1].seq == last_two[0].seq + 1
        assert last_two[1].prev_hash == last_two[0].hash
        assert audit.verify(check).ok
    first.close()
    second.close()
