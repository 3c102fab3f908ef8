"""Tasks: a named owner or the unit's queue, reassignment with history, claim, start, complete, cancel."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helhet.errors import Conflict, Forbidden, Invalid, NotFound
from helhet.pathways.models import TeamRole
from helhet.tasks import service as tasks
from helhet.tasks.models import Task, TaskAssignment, TaskStatus
from helhet.tasks.schemas import TaskCancel, TaskComplete, TaskCreate, TaskReassign
from helhet.users.actor import Actor
from tests.careplans.builders import add_to_team, served_person
from tests.personas import Units
from tests.tasks.builders import make_task


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_task_without_owner_or_queue_is_refused_and_nothing_written(
    session: Session, units: Units, clinician: Actor
) -> None:
    person = served_person(session, units)
    before = (count(session, Task), count(session, TaskAssignment))
    data = TaskCreate(person_id=person.id, unit_id=units.assessment.id, title="Ring", due_on=date(2025, 4, 16))
    with pytest.raises(Invalid) as raised:
        tasks.create_task(session, clinician, data)
    assert (raised.value.field, raised.value.value) == ("owner_user_id", None)
    assert "queue" in raised.value.reason
    assert (count(session, Task), count(session, TaskAssignment)) == before


def test_task_with_both_owner_and_queue_is_refused(session: Session, units: Units, clinician: Actor) -> None:
    person = served_person(session, units)
    with pytest.raises(Invalid) as raised:
        make_task(session, person, units.assessment, owner_user_id=clinician.user_id, to_unit_queue=True)
    assert raised.value.field == "to_unit_queue"


def test_owner_must_be_a_member_of_the_unit(session: Session, units: Units, clinician: Actor) -> None:
    person = served_person(session, units)
    with pytest.raises(Invalid) as raised:
        make_task(session, person, units.kommune, owner_user_id=clinician.user_id)
    assert (raised.value.field, raised.value.value) == ("owner_user_id", clinician.user_id)


def test_reassignment_keeps_history(session: Session, units: Units, clinician: Actor, unit_leader: Actor) -> None:
    person = served_person(session, units)
    task = make_task(session, person, units.assessment, clinician, owner_user_id=clinician.user_id)
    tasks.reassign_task(
        session, clinician, task.id, TaskReassign(owner_user_id=unit_leader.user_id, note="Ferie", version=1)
    )
    tasks.reassign_task(session, unit_leader, task.id, TaskReassign(to_unit_queue=True, version=task.version))
    tasks.claim_task(session, clinician, task.id, task.version)
    history = tasks.task_history(session, clinician, task.id)
    assert [(h.owner_user_id, h.note) for h in history] == [
        (clinician.user_id, "created"),
        (unit_leader.user_id, "Ferie"),
        (None, "reassigned"),
        (clinician.user_id, "claimed from the queue"),
    ]
    assert all(h.unit_id == units.assessment.id for h in history)
    assert task.owner_user_id == clinician.user_id


def test_reassigning_to_the_same_owner_is_refused(session: Session, units: Units, clinician: Actor) -> None:
    person = served_person(session, units)
    task = make_task(session, person, units.assessment, clinician)
    with pytest.raises(Invalid) as raised:
        tasks.reassign_task(session, clinician, task.id, TaskReassign(to_unit_queue=True))
    assert "already" in raised.value.reason


def test_a_task_for_another_unit_goes_to_its_queue_and_the_unit_must_serve_the_person(
    session: Session, units: Units, clinician: Actor, coordinator: Actor
) -> None:
    person = served_person(session, units)
    task = make_task(session, person, units.assessment, clinician)
    with pytest.raises(Invalid) as named:
        tasks.reassign_task(
            session, clinician, task.id, TaskReassign(unit_id=units.kommune.id, owner_user_id=coordinator.user_id)
        )
    assert named.value.field == "owner_user_id"
    with pytest.raises(Invalid) as unrelated:
        tasks.reassign_task(session, clinician, task.id, TaskReassign(unit_id=units.nav.id, to_unit_queue=True))
    assert (unrelated.value.field, unrelated.value.value) == ("unit_id", units.nav.id)
    add_to_team(session, person.id, units.nav, TeamRole.NAV_CONTACT)
    tasks.reassign_task(session, clinician, task.id, TaskReassign(unit_id=units.nav.id, to_unit_queue=True))
    assert (task.unit_id, task.owner_user_id) == (units.nav.id, None)
    assert [h.unit_id for h in tasks.task_history(session, clinician, task.id)] == [units.assessment.id, units.nav.id]


def test_stale_task_update_is_refused(session: Session, units: Units, clinician: Actor, unit_leader: Actor) -> None:
    person = served_person(session, units)
    task = make_task(session, person, units.assessment, clinician)
    tasks.claim_task(session, clinician, task.id, 1)
    assert task.version == 2
    with pytest.raises(Conflict) as raised:
        tasks.complete_task(session, unit_leader, task.id, TaskComplete(note="Gjort", version=1))
    assert raised.value.current_version == 2
    assert task.status == TaskStatus.OPEN
    assert count(session, TaskAssignment) == 2


def test_start_complete_and_nothing_after(session: Session, units: Units, clinician: Actor) -> None:
    person = served_person(session, units)
    task = make_task(session, person, units.assessment, clinician)
    with pytest.raises(Conflict):
        tasks.start_task(session, clinician, task.id, task.version)  # still in the queue
    tasks.claim_task(session, clinician, task.id, task.version)
    tasks.start_task(session, clinician, task.id, task.version)
    assert task.status == TaskStatus.IN_PROGRESS
    tasks.complete_task(session, clinician, task.id, TaskComplete(note="Time avtalt 22. april", version=task.version))
    assert (task.status, task.completed_on, task.completion_note) == (
        TaskStatus.DONE,
        date(2025, 4, 10),
        "Time avtalt 22. april",
    )
    with pytest.raises(Conflict):
        tasks.cancel_task(session, clinician, task.id, TaskCancel(reason="Feil", version=task.version))


def test_cancel_needs_a_reason(session: Session, units: Units, clinician: Actor) -> None:
    person = served_person(session, units)
    task = make_task(session, person, units.assessment, clinician)
    with pytest.raises(Invalid) as raised:
        tasks.cancel_task(session, clinician, task.id, TaskCancel(reason="   "))
    assert raised.value.field == "reason"
    assert task.status == TaskStatus.OPEN
    tasks.cancel_task(session, clinician, task.id, TaskCancel(reason="Personen har flyttet", version=task.version))
    assert (task.status, task.completion_note) == (TaskStatus.CANCELLED, "Personen har flyttet")


def test_only_members_of_the_unit_claim_or_change_a_task(
    session: Session, units: Units, clinician: Actor, coordinator: Actor
) -> None:
    person = served_person(session, units)  # the coordinator sees the person through the care team
    task = make_task(session, person, units.assessment, clinician)
    with pytest.raises(Forbidden):
        tasks.claim_task(session, coordinator, task.id)
    with pytest.raises(Forbidden):
        tasks.cancel_task(session, coordinator, task.id, TaskCancel(reason="Ikke aktuelt"))
    assert tasks.get_task(session, coordinator, task.id).id == task.id  # but may read it


def test_outsider_gets_not_found_for_tasks(session: Session, units: Units, clinician: Actor, outsider: Actor) -> None:
    person = served_person(session, units)
    task = make_task(session, person, units.assessment, clinician)
    with pytest.raises(NotFound):
        tasks.get_task(session, outsider, task.id)
    with pytest.raises(NotFound):
        tasks.claim_task(session, outsider, task.id)
    with pytest.raises(NotFound):
        tasks.tasks_of_person(session, outsider, person.id)
    with pytest.raises(NotFound):
        make_task(session, person, units.other, outsider)


def test_tasks_of_person_lists_open_tasks_by_due_date(session: Session, units: Units, clinician: Actor) -> None:
    person = served_person(session, units)
    later = make_task(session, person, units.assessment, clinician, due_on=date(2025, 5, 2))
    sooner = make_task(session, person, units.assessment, clinician, due_on=date(2025, 4, 14))
    done = make_task(session, person, units.assessment, clinician)
    tasks.complete_task(session, clinician, done.id, TaskComplete())
    assert [t.id for t in tasks.tasks_of_person(session, clinician, person.id)] == [sooner.id, later.id]
    assert len(tasks.tasks_of_person(session, clinician, person.id, include_closed=True)) == 3
