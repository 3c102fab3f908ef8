"""A unit of work that changes thousands of records (a data load, the demo's samples) is logged in full:
PostgreSQL takes at most 65,535 parameters in one statement, so a large batch is appended in several."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helhet.audit import log as audit
from helhet.audit.models import AuditEvent
from helhet.users.actor import SYSTEM


def test_five_thousand_changes_in_one_transaction_are_all_appended(session: Session) -> None:
    before = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    for n in range(5000):
        audit.record_change(session, SYSTEM, "test.bulk", "test", n)
    assert audit.flush_pending(session) == 5000
    after = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    assert after - before == 5000
    assert audit.verify(session).ok
