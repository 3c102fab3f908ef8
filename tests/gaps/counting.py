"""Counting the SQL statements a call sends (the gap list promises a constant number)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session


def statements(session: Session, fn: Callable[[], object]) -> int:
    count = 0

    def counter(*_args: object) -> None:
        nonlocal count
        count += 1

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", counter)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    return count
