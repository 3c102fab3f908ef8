"""The pathway read on PostgreSQL sends the door and the events together (``db.fetch_pipelined``) as plain
tuples: it must give exactly what the same statements give through SQLAlchemy, and nothing to an outsider."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import bindparam, literal_column, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session
from sqlalchemy.types import Integer

from helhet import clock
from helhet.audit import policy
from helhet.audit.models import AuditEvent
from helhet.db import KeptStatement
from helhet.errors import NotFound
from helhet.pathways import timeline
from helhet.persons.models import Person
from helhet.referrals.models import OPEN_STATUSES, Referral
from helhet.users.actor import SYSTEM, Actor
from tests.personas import Units
from tests.web.test_pathway_page import build_pathway


@pytest.fixture(autouse=True)
def today() -> Iterator[None]:
    with clock.freeze(datetime(2025, 4, 10, 10, 0, tzinfo=UTC)):  # the day ``build_pathway`` plans around
        yield


def _plain(session: Session, actor: Actor, person_id: int) -> tuple[dict[str, Any] | None, list[tuple[Any, ...]]]:
    """The reference: the door, then the events, each through SQLAlchemy (``Row``s, its result processing)."""
    connection = session.connection()
    params: dict[str, Any] = {"person_id": person_id}
    if not actor.is_system:
        params.update(policy.relation_params(actor))
    door = timeline._PERSON_FOR_SYSTEM if actor.is_system else timeline._PERSON_FOR_CLINICIAN
    row = connection.execute(door, params).mappings().first()
    if row is None or not row["allowed"]:
        return None, []
    person = {k: v for k, v in row.items() if k != "allowed"}
    events = connection.execute(timeline.events_statement(), {"person_id": person_id}).all()
    return person, [tuple(r) for r in events]


@pytest.mark.parametrize("who", ["system", "coordinator", "clinician", "outsider"])
def test_the_read_gives_what_the_plain_statements_give(
    session: Session, units: Units, clinician: Actor, coordinator: Actor, outsider: Actor, who: str
) -> None:
    person, _ = build_pathway(session, units, clinician, coordinator, 2)
    actor = {"system": SYSTEM, "coordinator": coordinator, "clinician": clinician, "outsider": outsider}[who]

    fetched, rows = timeline._fetch(session.connection(), actor, person.id)

    expected, expected_rows = _plain(session, actor, person.id)
    assert (expected is None) == (who == "outsider")  # the comparison is not between two empty reads
    assert fetched == expected
    assert [tuple(r) for r in rows] == expected_rows
    assert len({r[0] for r in expected_rows}) >= 8 or who == "outsider"  # many kinds of event
    # the same values of the same types (an enum stays an enum, a day a date), not only equal ones
    for got, want in zip(rows, expected_rows, strict=True):
        assert [type(v) for v in got] == [type(v) for v in want]
    if expected is not None:
        assert {k: type(v) for k, v in (fetched or {}).items()} == {k: type(v) for k, v in expected.items()}


def test_an_outsider_gets_not_found_and_leaves_no_read_in_the_log(
    session: Session, units: Units, clinician: Actor, coordinator: Actor, outsider: Actor
) -> None:
    person, _ = build_pathway(session, units, clinician, coordinator, 1)
    before = session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
    with pytest.raises(NotFound):
        timeline.read_pathway(session, outsider, person.id)
    session.commit()
    assert session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1)) == before


def test_a_missing_person_is_not_found_for_the_system_too(session: Session) -> None:
    with pytest.raises(NotFound):
        timeline.read_pathway(session, SYSTEM, 10**9)


def test_the_access_check_on_postgresql_is_the_same_rule(
    session: Session, units: Units, clinician: Actor, coordinator: Actor, outsider: Actor
) -> None:
    """``may_see_bound_pg`` (units an array) answers as ``may_see_bound`` (units a list) for every actor."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("an array parameter is PostgreSQL's")
    person, _ = build_pathway(session, units, clinician, coordinator, 1)
    other = session.scalar(select(Person.id).where(Person.id != person.id).limit(1))
    pid = bindparam("pid", type_=Integer)
    for actor in (clinician, coordinator, outsider):
        params = {"pid": 0, **policy.relation_params(actor)}
        for person_id in (person.id, other):
            params["pid"] = person_id
            listed = session.scalar(select(policy.may_see_bound(pid)), params)
            array = session.scalar(select(policy.may_see_bound_pg(pid)), params)
            assert listed == array


def test_a_kept_select_refuses_what_would_change_its_text() -> None:
    dialect = postgresql.psycopg.dialect()  # type: ignore[no-untyped-call]
    with pytest.raises(ValueError, match="expanded"):
        KeptStatement(select(Referral.id).where(Referral.status.in_(OPEN_STATUSES)), dialect)
    with pytest.raises(ValueError, match="constants"):
        KeptStatement(select(Referral.id).where(Referral.received_on == date(2025, 1, 1)), dialect)
    person = bindparam("person_id", type_=Integer)
    kept = KeptStatement(select(Referral.id).where(Referral.person_id == person), dialect)
    assert kept.names == ("person_id",)
    assert kept.parameters({"person_id": 7, "other": 1}) == [7]
    assert "$1" in kept.raw_sql and "%(" not in kept.raw_sql


def test_a_kept_select_numbers_its_placeholders_once_per_name() -> None:
    """PostgreSQL's own placeholders: a name used twice keeps its number, ``%%`` is a percent sign again."""
    dialect = postgresql.psycopg.dialect()  # type: ignore[no-untyped-call]
    a, b = bindparam("a", type_=Integer), bindparam("b", type_=Integer)
    kept = KeptStatement(
        select((Referral.id % literal_column("7")).label("m")).where(
            Referral.person_id == a, Referral.id > b, Referral.id != a
        ),
        dialect,
    )
    assert kept.names == ("a", "b")
    assert kept.raw_sql.count("$1") == 2 and kept.raw_sql.count("$2") == 1
    assert "%%" in kept.sql and "%%" not in kept.raw_sql and "% 7" in kept.raw_sql
    assert kept.parameters({"b": 2, "a": 1}) == [1, 2]
