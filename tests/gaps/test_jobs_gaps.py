"""``helhet jobs gaps``: every snapshot brought up to date for the day, so the first list read computes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from helhet import clock
from helhet.cli.main import app
from helhet.gaps import service as gaps
from helhet.gaps import snapshot
from helhet.gaps.models import PersonGapState
from helhet.persons.models import Person
from helhet.users.actor import Actor
from tests.careplans.builders import TODAY, served_person
from tests.gaps.counting import statements
from tests.personas import Units


@pytest.fixture
def in_test_transaction(session: Session, monkeypatch: pytest.MonkeyPatch) -> Session:
    @contextmanager
    def test_unit_of_work() -> Iterator[Session]:
        with session.begin_nested():  # the command's units of work, inside the test's rolled-back transaction
            yield session

    monkeypatch.setattr("helhet.db.unit_of_work", test_unit_of_work)
    return session


def test_night_job_makes_every_snapshot_current(in_test_transaction: Session, units: Units, coordinator: Actor) -> None:
    session = in_test_transaction
    with clock.freeze(datetime(2025, 4, 10, 10, 0, tzinfo=UTC)):
        for _ in range(3):
            served_person(session, units)
    total = snapshot.person_count(session)
    result = CliRunner().invoke(app, ["jobs", "gaps", "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert f"Gap snapshots for {TODAY.isoformat()}: " in result.output
    assert f"of {total} persons recomputed" in result.output
    assert snapshot.stale(session, select(Person.id), TODAY, snapshot.rules_key()) == {}
    days = set(session.scalars(select(PersonGapState.computed_for)))
    assert days == {TODAY}
    # the first read of the day is one statement: the page, and which snapshots are stale (none)
    assert statements(session, lambda: gaps.unit_gaps(session, coordinator, units.kommune.id, today=TODAY)) == 1
    again = CliRunner().invoke(app, ["jobs", "gaps", "--today", TODAY.isoformat()])
    assert f"Gap snapshots for {TODAY.isoformat()}: 0 of {total} persons recomputed." in again.output


def test_night_job_refuses_a_bad_day() -> None:
    result = CliRunner().invoke(app, ["jobs", "gaps", "--today", "10.04.2025"])
    assert result.exit_code == 2
    assert "use a date like 2025-04-10" in result.output


def test_refresh_all_in_one_session_reports_each_chunk(session: Session, units: Units) -> None:
    with clock.freeze(datetime(2025, 4, 10, 10, 0, tzinfo=UTC)):
        for _ in range(3):
            served_person(session, units)
    total = snapshot.person_count(session)
    seen: list[int] = []
    recomputed = snapshot.refresh_all(lambda: nullcontext(session), TODAY, advance=seen.append, size=2)
    assert recomputed == total
    assert sum(seen) == total and max(seen) == 2  # chunks of two persons
    assert snapshot.refresh_all(lambda: nullcontext(session), TODAY) == 0  # nothing left to do
