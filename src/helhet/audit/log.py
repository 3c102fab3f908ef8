"""The access and change log: every read and change of person data appends a hash-chained audit event.

Events are collected during the unit of work and appended just before it commits, in the same transaction.
The reads of one person by one actor in one transaction (a page reading several domains) become one row that
names every part read (``detail["parts"]``). A fixed number of statements however many events (lock and read
the chain head; insert the events and move the head, one statement on PostgreSQL through a data-modifying CTE,
two on SQLite). The head row is updated first, so concurrent transactions queue on it and the chain never
forks; the lock is held only for the end of the transaction.

``verify`` walks the chain and reports the first broken link: an edited row (its hash no longer matches its
content), a deleted row (a gap in the sequence or a ``prev_hash`` that points elsewhere), or a deleted tail
(the head names a later sequence number than the last row).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Integer,
    LargeBinary,
    String,
    Update,
    bindparam,
    cast,
    event,
    func,
    insert,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.orm.attributes import set_committed_value

from helhet import clock, db
from helhet.audit.models import AuditEvent, AuditHead
from helhet.audit.policy import SEEN
from helhet.users.actor import Actor

GENESIS = "0" * 64
_PENDING = "helhet_audit_pending"


def _canonical(row: dict[str, Any]) -> bytes:
    at = row["at"]
    payload = {
        "seq": row["seq"],
        "at": at.astimezone(UTC).isoformat(timespec="microseconds") if isinstance(at, datetime) else at,
        "user_id": row["user_id"],
        "username": row["username"],
        "role": row["role"],
        "unit_id": row["unit_id"],
        "action": row["action"],
        "entity": row["entity"],
        "entity_id": row["entity_id"],
        "person_id": row["person_id"],
        "reason": row["reason"],
        "detail": row["detail"],
        "prev_hash": row["prev_hash"],
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def compute_hash(row: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical(row)).hexdigest()


def _pending(session: Session) -> list[dict[str, Any]]:
    return session.info.setdefault(_PENDING, [])


def _append(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: object,
    person_id: int | None,
    reason: str | None,
    detail: dict[str, Any] | None,
) -> None:
    if action != "read":
        session.info.pop(SEEN, None)  # a change may end the relationship that gave access: ask again
    _pending(session).append(
        {
            "at": clock.now(),
            "user_id": actor.user_id,
            "username": actor.username,
            "role": actor.role_name,
            "unit_id": actor.active_unit_id,
            "action": action,
            "entity": entity,
            "entity_id": None if entity_id is None else str(entity_id),
            "person_id": person_id,
            "reason": reason,
            "detail": detail,
        }
    )


def record_access(
    session: Session,
    actor: Actor,
    person_id: int,
    what: str = "person",
    *,
    entity_id: object = None,
    reason: str | None = None,
) -> None:
    """Log that ``actor`` read ``what`` of a person's data."""
    _append(
        session,
        actor,
        "read",
        what,
        entity_id if entity_id is not None else person_id,
        person_id,
        reason,
        None,
    )


def record_change(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: object,
    *,
    person_id: int | None = None,
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Log a change (``action`` like ``referral.registered``) to a record."""
    _append(session, actor, action, entity, entity_id, person_id, reason, detail)


def _part(row: dict[str, Any]) -> dict[str, Any]:
    return {"entity": row["entity"], "id": row["entity_id"]}


def _merge_reads(pending: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per actor and person for the reads of one transaction, where the first read was; a merged row
    keeps the first read's entity and lists every part read, in order, in ``detail["parts"]``."""
    merged: list[dict[str, Any]] = []
    first: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in pending:
        if row["action"] != "read" or row["person_id"] is None or row["detail"] is not None:
            merged.append(row)
            continue
        key = (row["user_id"], row["username"], row["role"], row["unit_id"], row["person_id"], row["reason"])
        seen = first.get(key)
        if seen is None:
            first[key] = row
            merged.append(row)
            continue
        parts = seen.setdefault("_parts", [_part(seen)])
        if _part(row) not in parts:
            parts.append(_part(row))
    for row in first.values():
        parts = row.pop("_parts", None)
        if parts is not None and len(parts) > 1:
            row["detail"] = {"parts": parts}
    return merged


#: rows appended in one statement on PostgreSQL; a bulk unit of work (a data load) appends with executemany
CTE_MAX_ROWS = 1000


def flush_pending(session: Session) -> int:
    """Append the collected events to the chain now; returns how many rows. Called before every commit."""
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return 0
    pending = _merge_reads(pending)
    connection = session.connection()
    if connection.dialect.name == "postgresql" and len(pending) == 1 and (spliced := _spliced(pending[0])):
        # every read: one round trip that locks the head, hashes and appends the row and moves the head, sent by
        # psycopg itself (the statement compiled once, no SQLAlchemy execution per read)
        ((seq, last_hash),) = db.fetch_kept(connection, _append_one_kept(connection.dialect), {**pending[0], **spliced})
        _show_head(session, seq, last_hash)
        return 1
    head = connection.execute(_TAKE_SEQS, {"rows": len(pending)}).one()
    seq = head.seq - len(pending)
    prev = head.last_hash
    for row in pending:
        seq += 1
        row["seq"] = seq
        row["prev_hash"] = prev
        row["hash"] = prev = compute_hash(row)
    if connection.dialect.name == "postgresql" and len(pending) <= CTE_MAX_ROWS:
        # one round trip: the rows go in through a data-modifying CTE of the statement that moves the head
        # (a statement holds at most 65,535 parameters, 14 a row: larger batches take the executemany path)
        params = {f"{column}_{i}": row[column] for i, row in enumerate(pending) for column in _COLUMNS}
        connection.execute(_append_statement(len(pending)), {**params, "last_hash": prev})
    else:
        connection.execute(insert(AuditEvent), pending)
        connection.execute(_MOVE_HEAD, {"last_hash": prev})
    _show_head(session, head.seq, prev)
    return len(pending)


def _show_head(session: Session, seq: int, last_hash: str) -> None:
    held = session.identity_map.get(session.identity_key(AuditHead, 1))
    if held is not None:  # a head loaded in this session (ensure_head, verify) shows the moved head
        set_committed_value(held, "seq", seq)
        set_committed_value(held, "last_hash", last_hash)


_COLUMNS = tuple(AuditEvent.__table__.columns.keys())
#: lock the head (concurrent appends queue here) and take ``rows`` sequence numbers; Core statements built once
_TAKE_SEQS = (
    update(AuditHead)
    .where(AuditHead.id == 1)
    .values(seq=AuditHead.seq + bindparam("rows", type_=Integer))
    .returning(AuditHead.seq, AuditHead.last_hash)
)
_MOVE_HEAD = update(AuditHead).where(AuditHead.id == 1).values(last_hash=bindparam("last_hash", type_=String))


@functools.lru_cache(maxsize=32)
def _append_statement(rows: int) -> Update:
    """The CTE append of ``rows`` events, built once per size with bind parameters (``column_i``), so PostgreSQL
    reuses one prepared statement. One row (every read) is a single-row VALUES, which SQLAlchemy also compiles
    only once (a multi-row VALUES is compiled on each execution; it stays for the rarer multi-event actions)."""
    table = AuditEvent.__table__
    values = [{c: bindparam(f"{c}_{i}", type_=table.c[c].type) for c in _COLUMNS} for i in range(rows)]
    appended = insert(AuditEvent).values(values[0] if rows == 1 else values)
    return _MOVE_HEAD.add_cte(appended.cte("appended"))


_PREV_MARK, _SEQ_MARK = "@prev_hash@", "@seq@"


def _spliced(row: dict[str, Any]) -> dict[str, bytes] | None:
    """The row's canonical bytes around the two values only the database knows before it appends (the head's
    hash and next sequence number), so PostgreSQL can hash the row itself: ``compute_hash`` of the row is
    ``sha256(before_prev || prev_hash || before_seq || seq || after_seq)``. None when a mark is found more than
    once (a value of the row holds it): that row takes the two-statement append."""
    canonical = _canonical({**row, "seq": _SEQ_MARK, "prev_hash": _PREV_MARK})
    prev, seq = _PREV_MARK.encode(), json.dumps(_SEQ_MARK).encode()  # the sequence number is a JSON number
    if canonical.count(prev) != 1 or canonical.count(seq) != 1:
        return None
    before_prev, _, rest = canonical.partition(prev)
    before_seq, found, after_seq = rest.partition(seq)  # the keys are sorted: prev_hash comes before seq
    if not found:
        return None
    return {"before_prev": before_prev, "before_seq": before_seq, "after_seq": after_seq}


#: the one head row and the step of its sequence, written into the SQL (a kept statement binds no constants)
_ONE = literal_column("1", Integer)


def _append_one() -> Update:
    """One row appended in one statement: lock the head (``FOR UPDATE`` waits for a concurrent append and then
    reads the head it left), insert the row with the next sequence number and its hash made in SQL from the
    spliced canonical bytes (``_spliced``), and move the head to it."""
    table = AuditEvent.__table__
    head = (
        select((AuditHead.seq + _ONE).label("seq"), AuditHead.last_hash.label("prev_hash"))
        .where(AuditHead.id == _ONE)
        .with_for_update()
        .cte("head")
    )

    def utf8(value: Any) -> Any:
        return func.convert_to(value, literal_column("'UTF8'"))

    def part(name: str) -> Any:
        return bindparam(name, type_=LargeBinary)

    digest = func.sha256(
        part("before_prev")
        .op("||")(utf8(head.c.prev_hash))
        .op("||")(part("before_seq"))
        .op("||")(utf8(cast(head.c.seq, String)))
        .op("||")(part("after_seq"))
    )
    given = [bindparam(c, type_=table.c[c].type) for c in _COLUMNS if c not in _CHAINED]
    values = select(head.c.seq, *given, head.c.prev_hash, func.encode(digest, literal_column("'hex'")))
    columns = ["seq", *(c for c in _COLUMNS if c not in _CHAINED), "prev_hash", "hash"]
    appended = insert(AuditEvent).from_select(columns, values).returning(AuditEvent.seq, AuditEvent.hash)
    moved = appended.cte("appended")
    return (
        update(AuditHead)
        .where(AuditHead.id == _ONE)
        # values, not a join: the scan sees the head as the statement began, which a concurrent append may have
        # moved since; the update then applies to the head ``FOR UPDATE`` locked and read
        .values(seq=select(moved.c.seq).scalar_subquery(), last_hash=select(moved.c.hash).scalar_subquery())
        .returning(AuditHead.seq, AuditHead.last_hash)
    )


_CHAINED = frozenset({"seq", "prev_hash", "hash"})
_APPEND_ONE = _append_one()


@functools.cache
def _append_one_kept(dialect: Dialect) -> db.KeptStatement:
    return db.KeptStatement(_APPEND_ONE, dialect)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.info.get(_PENDING):
        flush_pending(session)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    # A rolled-back action changed nothing, so it leaves no audit events either.
    if not previous_transaction.nested:
        session.info.pop(_PENDING, None)


def ensure_head(session: Session) -> None:
    if session.get(AuditHead, 1) is None:
        session.add(AuditHead(id=1, seq=0, last_hash=GENESIS))
        session.flush()


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    ok: bool
    broken_at: int | None = None
    problem: str | None = None


def _rows(session: Session) -> Iterator[AuditEvent]:
    yield from session.scalars(select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=5000))


def verify(session: Session) -> VerifyResult:
    """Walk the whole chain and report the first broken link, if any."""
    expected_seq, prev, checked = 1, GENESIS, 0
    for ev in _rows(session):
        row = {c: getattr(ev, c) for c in ev.__table__.columns.keys()}  # noqa: SIM118
        if ev.seq != expected_seq:
            return VerifyResult(checked, False, expected_seq, f"event {expected_seq} is missing (next is {ev.seq})")
        if ev.prev_hash != prev:
            return VerifyResult(checked, False, ev.seq, f"event {ev.seq} does not follow event {ev.seq - 1}")
        if compute_hash(row) != ev.hash:
            return VerifyResult(checked, False, ev.seq, f"event {ev.seq} was changed after it was written")
        prev, expected_seq, checked = ev.hash, expected_seq + 1, checked + 1
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != expected_seq - 1 or head.last_hash != prev):
        return VerifyResult(
            checked,
            False,
            expected_seq,
            f"events {expected_seq}..{head.seq} are missing from the end of the log",
        )
    return VerifyResult(checked, True)


APPEND_ONLY_SQL = {
    "postgresql": [
        """CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION 'audit_event is append-only'; END; $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
        FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
    ],
    "sqlite": [
        """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
        BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END""",
        """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
        BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END""",
    ],
}

DROP_APPEND_ONLY_SQL = {
    "postgresql": ["DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event"],
    "sqlite": [
        "DROP TRIGGER IF EXISTS audit_event_no_update",
        "DROP TRIGGER IF EXISTS audit_event_no_delete",
    ],
}


def disable_append_only(session: Session) -> None:
    """Drop the append-only triggers (for the tamper tests: an attacker with DDL rights)."""
    dialect = session.get_bind().dialect.name
    for sql in DROP_APPEND_ONLY_SQL[dialect]:
        session.execute(text(sql))
