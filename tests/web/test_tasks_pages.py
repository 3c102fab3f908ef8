"""The task pages: create with a named owner or the unit's queue, and every action through the service, with the
assignment history kept. Outsiders get 404 on every page and post."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.persons.models import Person
from helhet.tasks import escalation
from helhet.tasks import service as tasks
from helhet.tasks.models import Task, TaskAssignment, TaskStatus
from helhet.tasks.schemas import TaskReassign
from helhet.users import service as users
from helhet.users.models import Role, User
from tests.careplans.builders import TODAY, served_person
from tests.personas import Units
from tests.tasks.builders import make_task
from tests.web.builders import count
from tests.web.conftest import add_web_user, post_form, sign_in


@pytest.fixture(autouse=True)
def today() -> Iterator[date]:
    with clock.freeze(datetime(TODAY.year, TODAY.month, TODAY.day, 10, 0, tzinfo=UTC)):
        yield TODAY


@dataclass
class World:
    person: Person
    kari: User  # clinician of the assessment unit, which sees the person through the referral
    per: User  # her colleague in the same unit
    outsider: User  # clinician of a unit of another trust


@pytest.fixture
def world(session: Session, units: Units) -> World:
    person = served_person(session, units)
    session.commit()
    return World(
        person=person,
        kari=add_web_user(session, "kari", Role.CLINICIAN, "test-vurd"),
        per=add_web_user(session, "per", Role.CLINICIAN, "test-vurd"),
        outsider=add_web_user(session, "fremmed", Role.CLINICIAN, "test-other"),
    )


def queued_task(session: Session, world: World, units: Units, **changes: object) -> Task:
    task = make_task(session, world.person, units.assessment, **changes)
    session.commit()
    return task


def fresh(session: Session, task: Task) -> Task:
    session.expire_all()
    return session.get_one(Task, task.id)


def history(session: Session, task: Task) -> list[tuple[int | None, str | None]]:
    rows = session.scalars(select(TaskAssignment).where(TaskAssignment.task_id == task.id).order_by(TaskAssignment.id))
    return [(a.owner_user_id, a.note) for a in rows]


def task_form(units: Units, world: World, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Ring fastlegen om medisinlisten",
        "description": "Spør om siste endring.",
        "kind": "general",
        "unit_id": units.assessment.id,
        "owner_user_id": world.per.id,
        "due_on": "16.04.2025",
    }
    data.update(changes)
    return data


# Create ----------------------------------------------------------------------------------------------------


def test_creating_a_task_for_a_named_owner(client: TestClient, session: Session, units: Units, world: World) -> None:
    sign_in(client, "kari")
    path = f"/persons/{world.person.id}/tasks/new"
    page = client.get(path).text
    assert "Per" in page and "Legg den i enhetens kø (uten eier)" in page
    response = post_form(client, path, task_form(units, world))
    assert response.status_code == 303, response.text
    task = session.scalars(select(Task).order_by(Task.id.desc())).first()
    assert task is not None and response.headers["location"] == f"/tasks/{task.id}"
    assert (task.unit_id, task.owner_user_id, task.due_on) == (units.assessment.id, world.per.id, date(2025, 4, 16))
    assert task.title == "Ring fastlegen om medisinlisten" and task.created_by == world.kari.id
    assert history(session, task) == [(world.per.id, "created")]
    detail = client.get(response.headers["location"]).text
    assert "Oppgaven er opprettet." in detail and "opprettet" in detail and "16.04.2025" in detail
    assert "Generell oppgave" in detail  # not the consent scope that shares the code "general"


def test_a_task_with_neither_owner_nor_queue_is_refused_beside_the_owner(
    client: TestClient, session: Session, units: Units, world: World
) -> None:
    sign_in(client, "kari")
    before = count(session, Task)
    response = post_form(client, f"/persons/{world.person.id}/tasks/new", task_form(units, world, owner_user_id=""))
    assert response.status_code == 422
    assert 'id="f-owner_user_id-error"' in response.text
    assert "velg en eier, eller legg oppgaven i enhetens kø uten eier" in response.text.lower()
    assert 'value="Ring fastlegen om medisinlisten"' in response.text  # what was typed is kept
    assert count(session, Task) == before
    # the queue, said explicitly, is fine
    data = task_form(units, world, owner_user_id="", to_unit_queue="true")
    assert post_form(client, f"/persons/{world.person.id}/tasks/new", data).status_code == 303
    task = session.scalars(select(Task).order_by(Task.id.desc())).first()
    assert task is not None and task.owner_user_id is None


def test_a_bad_due_date_is_shown_beside_the_field(
    client: TestClient, session: Session, units: Units, world: World
) -> None:
    sign_in(client, "kari")
    before = count(session, Task)
    response = post_form(client, f"/persons/{world.person.id}/tasks/new", task_form(units, world, due_on="31.02.2025"))
    assert response.status_code == 422
    assert 'id="f-due_on-error"' in response.text
    assert 'value="31.02.2025"' in response.text
    assert count(session, Task) == before


# Actions ---------------------------------------------------------------------------------------------------


def test_claim_start_and_complete_change_the_task_and_keep_history(
    client: TestClient, session: Session, units: Units, world: World
) -> None:
    task = queued_task(session, world, units)
    sign_in(client, "kari")
    path = f"/tasks/{task.id}"
    assert "Ta oppgaven fra køen" in client.get(path).text
    assert post_form(client, f"{path}/claim", {"version": task.version}, path).status_code == 303
    task = fresh(session, task)
    assert task.owner_user_id == world.kari.id
    assert history(session, task) == [(None, "created"), (world.kari.id, "claimed from the queue")]
    assert post_form(client, f"{path}/start", {"version": task.version}, path).status_code == 303
    task = fresh(session, task)
    assert task.status == TaskStatus.IN_PROGRESS
    data = {"version": task.version, "complete_note": "Fikk snakket med fastlegen."}
    assert post_form(client, f"{path}/complete", data, path).status_code == 303
    task = fresh(session, task)
    assert (task.status, task.completed_on, task.completion_note) == (
        TaskStatus.DONE,
        TODAY,
        "Fikk snakket med fastlegen.",
    )
    page = client.get(path).text
    assert "tatt fra køen" in page and "Fikk snakket med fastlegen." in page
    assert "Merk oppgaven som gjort" not in page  # closed: no actions any more


def test_reassign_keeps_the_old_owner_in_the_history(
    client: TestClient, session: Session, units: Units, world: World
) -> None:
    task = queued_task(session, world, units, owner_user_id=world.kari.id)
    sign_in(client, "kari")
    path = f"/tasks/{task.id}"
    data = {
        "version": task.version,
        "unit_id": units.assessment.id,
        "owner_user_id": world.per.id,
        "reassign_note": "Per har ferie-vakt",
    }
    assert post_form(client, f"{path}/reassign", data, path).status_code == 303
    task = fresh(session, task)
    assert task.owner_user_id == world.per.id
    assert history(session, task) == [(world.kari.id, "created"), (world.per.id, "Per har ferie-vakt")]
    # and back to the queue
    data = {"version": task.version, "unit_id": units.assessment.id, "to_unit_queue": "true"}
    assert post_form(client, f"{path}/reassign", data, path).status_code == 303
    task = fresh(session, task)
    assert task.owner_user_id is None
    assert [owner for owner, _ in history(session, task)] == [world.kari.id, world.per.id, None]
    page = client.get(path).text
    assert "Kari" in page and "Per har ferie-vakt" in page and "Enhetens kø (uten eier)" in page


def test_cancel_needs_a_reason(client: TestClient, session: Session, units: Units, world: World) -> None:
    task = queued_task(session, world, units)
    sign_in(client, "per")
    path = f"/tasks/{task.id}"
    response = post_form(client, f"{path}/cancel", {"version": task.version, "cancel_reason": " "}, path)
    assert response.status_code == 422 and 'id="f-cancel_reason-error"' in response.text
    assert fresh(session, task).status == TaskStatus.OPEN
    data = {"version": task.version, "cancel_reason": "Personen har flyttet."}
    assert post_form(client, f"{path}/cancel", data, path).status_code == 303
    task = fresh(session, task)
    assert (task.status, task.completion_note) == (TaskStatus.CANCELLED, "Personen har flyttet.")


def test_a_colleague_claims_only_from_the_queue(
    client: TestClient, session: Session, units: Units, world: World
) -> None:
    task = queued_task(session, world, units, owner_user_id=world.kari.id)
    sign_in(client, "per")
    path = f"/tasks/{task.id}"
    assert "Ta oppgaven fra køen" not in client.get(path).text
    response = post_form(client, f"{path}/claim", {"version": task.version}, path)
    assert response.status_code == 422
    assert "oppgaven har allerede en eier" in response.text.lower()
    task = fresh(session, task)
    assert task.owner_user_id == world.kari.id
    assert len(history(session, task)) == 1


def test_stale_version_is_refused(client: TestClient, session: Session, units: Units, world: World) -> None:
    task = queued_task(session, world, units, owner_user_id=world.kari.id)
    read_at = task.version
    # a colleague takes it over meanwhile: the task's version moves
    tasks.reassign_task(session, users.actor_for(world.per), task.id, TaskReassign(owner_user_id=world.per.id))
    session.commit()
    sign_in(client, "kari")
    path = f"/tasks/{task.id}"
    response = post_form(client, f"{path}/complete", {"version": read_at}, path)
    assert response.status_code == 422
    assert "Noen andre endret oppgaven" in response.text
    assert fresh(session, task).status == TaskStatus.OPEN


def test_overdue_and_escalated_tasks_stand_out(
    client: TestClient, session: Session, units: Units, world: World
) -> None:
    task = queued_task(session, world, units, due_on=date(2025, 3, 20))
    assert escalation.escalate_overdue(session) == [task]
    session.commit()
    sign_in(client, "kari")
    page = client.get(f"/tasks/{task.id}").text
    assert '<span class="badge badge--alert">På overtid</span>' in page
    assert "Eskalert til enhetsleder" in page


def test_outsider_gets_not_found_on_every_task_page_and_post(
    client: TestClient, session: Session, units: Units, world: World
) -> None:
    task = queued_task(session, world, units)
    sign_in(client, "fremmed")
    for path in (f"/tasks/{task.id}", f"/persons/{world.person.id}/tasks/new"):
        assert client.get(path).status_code == 404, path
    posts = {
        f"/tasks/{task.id}/claim": {"version": task.version},
        f"/tasks/{task.id}/start": {"version": task.version},
        f"/tasks/{task.id}/complete": {"version": task.version},
        f"/tasks/{task.id}/cancel": {"version": task.version, "cancel_reason": "Nei"},
        f"/tasks/{task.id}/reassign": {"version": task.version, "to_unit_queue": "true"},
        f"/persons/{world.person.id}/tasks/new": task_form(units, world, unit_id=units.other.id, owner_user_id=""),
    }
    before = count(session, Task)
    for path, data in posts.items():
        assert post_form(client, path, data, page="/").status_code == 404, path
    task = fresh(session, task)
    assert (task.status, task.owner_user_id, count(session, Task)) == (TaskStatus.OPEN, None, before)


def test_reassign_to_another_units_queue_must_say_so(
    client: TestClient, session: Session, units: Units, world: World
) -> None:
    task = queued_task(session, world, units, owner_user_id=world.kari.id)
    sign_in(client, "kari")
    path = f"/tasks/{task.id}"
    assert "Psykisk helse og rus, Bergen (test)" in client.get(path).text  # the kommune on the care team
    data = {"version": task.version, "unit_id": units.kommune.id, "reassign_note": "Kommunen følger opp bolig"}
    response = post_form(client, f"{path}/reassign", data, path)
    assert response.status_code == 422 and 'id="f-to_unit_queue-error"' in response.text
    assert fresh(session, task).unit_id == units.assessment.id
    data["to_unit_queue"] = "true"
    assert post_form(client, f"{path}/reassign", data, path).status_code == 303
    task = fresh(session, task)
    assert (task.unit_id, task.owner_user_id) == (units.kommune.id, None)
    assert history(session, task)[-1] == (None, "Kommunen følger opp bolig")
