"""The audit log is a hash chain; ``verify`` finds an edited and a deleted row."""

from __future__ import annotations

from itertools import pairwise

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from helhet.audit import log as audit
from helhet.audit.models import AuditEvent, AuditHead
from helhet.persons import service as persons
from helhet.users.actor import SYSTEM, Actor
from tests.builders import make_referral
from tests.gaps.counting import executed_on_wire, sent
from tests.personas import Units


def _some_events(session: Session, units: Units, clinician: Actor) -> list[AuditEvent]:
    referral = make_referral(session, clinician, receiving_unit_id=units.assessment.id)
    for _ in range(3):  # three separate views: one row each
        persons.get_person(session, clinician, referral.person_id)
        audit.flush_pending(session)
    return list(session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))


def test_chain_verifies_when_untouched(session: Session, units: Units, clinician: Actor) -> None:
    events = _some_events(session, units, clinician)
    result = audit.verify(session)
    assert result.ok and result.checked == len(events) >= 5


def test_audit_rows_cannot_be_updated_in_place(session: Session, units: Units, clinician: Actor) -> None:
    events = _some_events(session, units, clinician)
    nested = session.begin_nested()
    try:
        session.execute(text("UPDATE audit_event SET reason = 'x' WHERE seq = :s"), {"s": events[1].seq})
        raised = False
    except Exception:
        raised = True
    nested.rollback()
    assert raised


def test_verify_reports_an_edited_row(session: Session, units: Units, clinician: Actor) -> None:
    events = _some_events(session, units, clinician)
    target = events[len(events) // 2].seq
    audit.disable_append_only(session)
    session.execute(text("UPDATE audit_event SET username = 'someone-else' WHERE seq = :s"), {"s": target})
    session.expire_all()
    result = audit.verify(session)
    assert not result.ok
    assert result.broken_at == target
    assert "changed" in (result.problem or "")


def test_verify_reports_a_deleted_row(session: Session, units: Units, clinician: Actor) -> None:
    events = _some_events(session, units, clinician)
    target = events[2].seq
    audit.disable_append_only(session)
    session.execute(text("DELETE FROM audit_event WHERE seq = :s"), {"s": target})
    session.expire_all()
    result = audit.verify(session)
    assert not result.ok
    assert result.broken_at == target


def test_verify_reports_a_deleted_tail(session: Session, units: Units, clinician: Actor) -> None:
    last = _some_events(session, units, clinician)[-1].seq
    audit.disable_append_only(session)
    session.execute(text("DELETE FROM audit_event WHERE seq = :s"), {"s": last})
    session.expire_all()
    result = audit.verify(session)
    assert not result.ok and result.broken_at == last


def test_reads_of_one_person_in_one_transaction_are_one_row_naming_every_part(
    session: Session, units: Units, clinician: Actor, coordinator: Actor
) -> None:
    referral = make_referral(session, clinician, receiving_unit_id=units.assessment.id)
    session.commit()
    before = session.scalar(select(func.max(AuditEvent.seq)))
    pid = referral.person_id
    audit.record_access(session, clinician, pid, "pathway")
    audit.record_access(session, clinician, pid, "gaps")
    audit.record_access(session, clinician, pid, "task", entity_id=12)
    audit.record_access(session, clinician, pid, "gaps")  # read twice, named once
    audit.record_access(session, coordinator, pid, "pathway")  # another actor: a row of its own
    audit.record_access(session, clinician, pid, "person", reason="emergency")  # another reason: its own row
    audit.record_change(session, clinician, "referral.noted", "referral", referral.id, person_id=pid)
    assert audit.flush_pending(session) == 4
    rows = session.scalars(select(AuditEvent).where(AuditEvent.seq > before).order_by(AuditEvent.seq)).all()
    assert [(r.username, r.entity, r.action) for r in rows] == [
        ("clinician", "pathway", "read"),
        ("coordinator", "pathway", "read"),
        ("clinician", "person", "read"),
        ("clinician", "referral", "referral.noted"),
    ]
    assert rows[0].detail == {
        "parts": [
            {"entity": "pathway", "id": str(pid)},
            {"entity": "gaps", "id": str(pid)},
            {"entity": "task", "id": "12"},
        ]
    }
    assert rows[1].detail is None and rows[2].reason == "emergency"
    assert audit.verify(session).ok


def test_rolled_back_action_leaves_no_audit_event(session: Session, units: Units, clinician: Actor) -> None:
    referral = make_referral(session, clinician, receiving_unit_id=units.assessment.id)
    session.commit()
    count = len(session.scalars(select(AuditEvent.seq)).all())
    persons.get_person(session, clinician, referral.person_id)
    session.rollback()
    assert audit.flush_pending(session) == 0
    assert len(session.scalars(select(AuditEvent.seq)).all()) == count


def test_cli_audit_verify_exit_code(session: Session, units: Units, clinician: Actor) -> None:
    from helhet.cli.main import app

    runner = CliRunner()
    # the CLI opens its own session: give it committed data in a separate database state
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "intact" in result.output


def test_appends_of_one_several_and_many_rows_chain_on(session: Session) -> None:
    """One row (a read), a few (an action) and a full statement's worth (1,000) take different statements."""
    before = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    for batch, n in enumerate((1, 3, 1, audit.CTE_MAX_ROWS, 1)):
        for i in range(n):
            audit.record_change(session, SYSTEM, "test.append", "test", f"{batch}-{i}")
        assert audit.flush_pending(session) == n
    rows = list(session.scalars(select(AuditEvent).order_by(AuditEvent.seq).offset(before)))
    assert [r.entity_id for r in rows][:6] == ["0-0", "1-0", "1-1", "1-2", "2-0", "3-0"]
    assert len(rows) == 6 + audit.CTE_MAX_ROWS
    assert all(b.prev_hash == a.hash for a, b in pairwise(rows))
    assert audit.verify(session).ok


def test_a_head_held_in_the_session_shows_the_append(session: Session) -> None:
    audit.ensure_head(session)
    head = session.get(AuditHead, 1)
    assert head is not None
    audit.record_change(session, SYSTEM, "test.append", "test", 1)
    audit.flush_pending(session)
    last = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
    assert (head.seq, head.last_hash) == (last.seq, last.hash)


def test_one_row_is_appended_in_one_statement_on_postgresql(session: Session) -> None:
    """Every read appends one row: on PostgreSQL one round trip locks the head, hashes the row in SQL and moves
    the head; the row's hash is the one ``compute_hash`` (and so ``verify``) makes of it."""
    audit.record_change(session, SYSTEM, "test.append", "test", "før", reason='grunn: «ø» \\ " ü', detail={"a": [1]})
    session.connection()  # the test's savepoint begun: only the append is counted
    if session.get_bind().dialect.name == "postgresql":  # sent by psycopg itself: counted on the wire
        assert executed_on_wire(session, lambda: audit.flush_pending(session)) == 1
    else:
        assert len(sent(session, lambda: audit.flush_pending(session))) == 3
    last = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
    row = {c: getattr(last, c) for c in AuditEvent.__table__.columns.keys()}  # noqa: SIM118
    assert last.hash == audit.compute_hash(row)
    assert session.get(AuditHead, 1) is not None
    assert session.scalar(select(AuditHead.last_hash)) == last.hash
    assert audit.verify(session).ok


def test_a_row_holding_a_splice_mark_is_appended_the_two_statement_way(session: Session) -> None:
    """A value that holds a mark ``_spliced`` cuts at cannot be hashed in SQL: it takes the general path. A value
    that only looks like one (the sequence number's mark is a quoted JSON string) is spliced as usual."""
    one_statement = session.get_bind().dialect.name == "postgresql"
    cases = [
        ({"reason": "typed @prev_hash@ here"}, False),
        ({"detail": {"@seq@": 1}}, False),
        ({"reason": 'typed "@seq@" and @seq@ here'}, one_statement),
    ]
    session.connection()
    for values, spliced in cases:
        audit.record_change(session, SYSTEM, "test.append", "test", "mark", **values)
        if one_statement:
            count = executed_on_wire(session, lambda: audit.flush_pending(session))
        else:
            count = len(sent(session, lambda: audit.flush_pending(session)))
        assert (count == 1) is spliced, (values, count)
    rows = list(session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(3)))[::-1]
    assert [(r.reason, r.detail) for r in rows] == [
        ("typed @prev_hash@ here", None),
        (None, {"@seq@": 1}),
        ('typed "@seq@" and @seq@ here', None),
    ]
    assert audit.verify(session).ok
