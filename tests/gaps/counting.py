"""Counting the SQL statements a call sends (the gap list promises a constant number)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session


def sent(session: Session, fn: Callable[[], object]) -> list[str]:
    """The SQL text of every statement ``fn`` sends."""
    texts: list[str] = []

    def keep(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        texts.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", keep)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    return texts


def statements(session: Session, fn: Callable[[], object]) -> int:
    return len(sent(session, fn))
