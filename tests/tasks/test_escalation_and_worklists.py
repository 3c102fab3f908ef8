"""Escalation after working days, and the task worklists (one query each, paginated, members only)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from helhet.audit import log as audit
from helhet.audit.models import AuditEvent
from helhet.errors import Forbidden, Invalid, NotFound
from helhet.tasks import escalation, queries
from helhet.tasks import service as tasks
from helhet.tasks.schemas import TaskComplete
from helhet.users.actor import Actor
from tests.builders import make_person
from tests.careplans.builders import next_birth_date, served_person
from tests.personas import Units
from tests.tasks.builders import make_task


@contextmanager
def statements(session: Session) -> Iterator[list[str]]:
    seen: list[str] = []
    connection = session.connection()

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    event.listen(connection, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", count)


def test_cutoff_skips_the_weekend() -> None:
    # Monday 7 April 2025, three working days: Fri 4, Thu 3, Wed 2 are counted; due on Tue 1 is escalated
    assert escalation.escalation_cutoff(date(2025, 4, 7), 3) == date(2025, 4, 2)


def test_escalation_after_working_days_skips_easter(session: Session, units: Units, clinician: Actor) -> None:
    # due Wednesday 16 April 2025; 17, 18 and 21 April are public holidays, 19-20 a weekend:
    # working days after it are Tue 22 (1), Wed 23 (2), Thu 24 (3), Fri 25 (4); the default limit is 3
    person = served_person(session, units)
    task = make_task(session, person, units.assessment, clinician, due_on=date(2025, 4, 16))
    done = make_task(session, person, units.assessment, clinician, due_on=date(2025, 4, 1))
    tasks.complete_task(session, clinician, done.id, TaskComplete())
    assert escalation.escalate_overdue(session, date(2025, 4, 24)) == []
    assert task.escalated_at is None
    escalated = escalation.escalate_overdue(session, date(2025, 4, 25))
    assert [t.id for t in escalated] == [task.id]
    assert task.escalated_at is not None
    assert escalation.escalate_overdue(session, date(2025, 4, 28)) == []  # marked once
    audit.flush_pending(session)
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "task.escalated"))
    assert event is not None
    assert (event.entity_id, event.person_id) == (str(task.id), person.id)
    assert event.detail == {
        "unit_id": units.assessment.id,
        "due_on": "2025-04-16",
        "working_days_overdue": 4,
        "limit": 3,
    }


def test_escalated_tasks_show_to_the_leader_of_the_unit(
    session: Session, units: Units, clinician: Actor, unit_leader: Actor
) -> None:
    person = served_person(session, units)
    task = make_task(session, person, units.assessment, clinician, owner_user_id=clinician.user_id)
    make_task(session, person, units.assessment, clinician, due_on=date(2025, 4, 30))
    assert queries.escalated_tasks_for_leader(session, unit_leader) == []
    escalation.escalate_overdue(session, date(2025, 4, 25))
    rows = queries.escalated_tasks_for_leader(session, unit_leader)
    assert [(r.task_id, r.owner_name, r.person_name) for r in rows] == [(task.id, "Clinician", "Kari Testesen")]
    with pytest.raises(Forbidden):
        queries.escalated_tasks_for_leader(session, clinician)


def test_unit_queue_is_visible_to_the_leader_and_members_only(
    session: Session, units: Units, clinician: Actor, unit_leader: Actor, coordinator: Actor, outsider: Actor
) -> None:
    person = served_person(session, units)
    queued = make_task(session, person, units.assessment, clinician)
    make_task(session, person, units.assessment, clinician, owner_user_id=clinician.user_id)  # owned: not queued
    for member in (unit_leader, clinician):
        assert [r.task_id for r in queries.unit_queue(session, member, units.assessment.id)] == [queued.id]
    for stranger in (coordinator, outsider):  # the coordinator sees the person, but is not in the unit
        with pytest.raises(NotFound):
            queries.unit_queue(session, stranger, units.assessment.id)


def test_my_tasks_is_one_query_and_paginated(session: Session, units: Units, clinician: Actor) -> None:
    person = served_person(session, units)
    second = served_person(session, units, person=make_person(session, given_name="Ola", birth_date=next_birth_date()))
    mine = [
        make_task(session, p, units.assessment, clinician, owner_user_id=clinician.user_id, due_on=date(2025, 4, d))
        for p, d in ((person, 14), (second, 11), (person, 9))
    ]
    with statements(session) as seen:
        rows = queries.my_tasks(session, clinician, limit=2)
    assert len(seen) == 1
    assert [r.task_id for r in rows] == [mine[2].id, mine[1].id]
    assert [r.overdue for r in rows] == [True, False]
    assert rows[1].person_name == "Ola Testesen"
    assert [r.task_id for r in queries.my_tasks(session, clinician, limit=2, offset=2)] == [mine[0].id]
    with pytest.raises(Invalid) as raised:
        queries.my_tasks(session, clinician, limit=0)
    assert raised.value.field == "limit"


def test_overdue_tasks_of_the_unit(session: Session, units: Units, clinician: Actor, unit_leader: Actor) -> None:
    person = served_person(session, units)
    late = make_task(session, person, units.assessment, clinician, due_on=date(2025, 4, 9))
    make_task(session, person, units.assessment, clinician, due_on=date(2025, 4, 10))
    make_task(session, person, units.poli, clinician, due_on=date(2025, 4, 1))  # another unit
    rows = queries.overdue_tasks(session, unit_leader, units.assessment.id)
    assert [r.task_id for r in rows] == [late.id]


def test_worklists_hide_persons_the_actor_no_longer_sees(
    session: Session, units: Units, clinician: Actor, coordinator: Actor
) -> None:
    # a task in the kommune's queue for a person whose care-team membership has ended
    from helhet.careplans import team
    from helhet.careplans.schemas import TeamMemberEnd

    person = served_person(session, units)
    make_task(session, person, units.kommune, coordinator)
    assert len(queries.unit_queue(session, coordinator, units.kommune.id)) == 1
    member = team.current_team(session, clinician, person.id)[0]
    team.end_member(session, clinician, member.id, TeamMemberEnd(to_date=date(2025, 4, 9)))
    assert queries.unit_queue(session, coordinator, units.kommune.id) == []
