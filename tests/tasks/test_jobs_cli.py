"""``helhet jobs escalate``: task and handover escalation for a day, in one unit of work, printed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from helhet.cli import jobs
from helhet.cli.main import app
from helhet.users.actor import Actor
from tests.careplans.builders import served_person
from tests.personas import Units
from tests.tasks.builders import make_task
from tests.transitions.builders import inpatient_person, make_handover

LATER = date(2025, 4, 30)  # the task below is due 16 April, the handover to be accepted by 14 April


@pytest.fixture
def overdue(session: Session, units: Units, inpatient_clinician: Actor) -> tuple[int, int]:
    task = make_task(session, served_person(session, units), units.assessment, due_on=date(2025, 4, 16))
    person, _ = inpatient_person(session, units)
    handover = make_handover(session, inpatient_clinician, person, units.inpatient, units.kommune)
    assert handover.acceptance_due == date(2025, 4, 14)
    return task.id, handover.id


def test_escalation_marks_overdue_tasks_and_handovers_once(session: Session, overdue: tuple[int, int]) -> None:
    task_id, handover_id = overdue
    assert jobs.run_escalation(session).describe() == "Nothing to escalate on 2025-04-10."  # nothing late yet
    result = jobs.run_escalation(session, LATER)
    assert (result.task_ids, result.handover_ids) == ([task_id], [handover_id])
    assert f"1 task(s) overdue: {task_id}" in result.describe()
    assert jobs.run_escalation(session, LATER) == jobs.Escalated(LATER, [], [])  # once only


def test_command_prints_what_was_escalated(
    session: Session, overdue: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    @contextmanager
    def test_unit_of_work() -> Iterator[Session]:
        with session.begin_nested():  # the command's unit of work, inside the test's rolled-back transaction
            yield session

    monkeypatch.setattr("helhet.db.unit_of_work", test_unit_of_work)
    task_id, handover_id = overdue
    result = CliRunner().invoke(app, ["jobs", "escalate", "--today", LATER.isoformat()])
    assert result.exit_code == 0, result.output
    assert f"1 task(s) overdue: {task_id}" in result.output
    assert f"1 handover(s) not accepted in time: {handover_id}" in result.output
    again = CliRunner().invoke(app, ["jobs", "escalate", "--today", LATER.isoformat()])
    assert "Nothing to escalate on 2025-04-30." in again.output


def test_command_refuses_a_bad_day() -> None:
    result = CliRunner().invoke(app, ["jobs", "escalate", "--today", "30.04.2025"])
    assert result.exit_code == 2
    assert "use a date like 2025-04-10" in result.output
