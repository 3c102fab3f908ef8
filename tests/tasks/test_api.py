"""Tasks over the JSON API: ETags and If-Match, problem+json, the unit queue, and 404 for outsiders."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helhet.app import create_app
from helhet.deps import get_session
from helhet.tasks.models import Task
from helhet.users import service as users
from helhet.users.actor import SYSTEM, Actor
from tests.careplans.builders import served_person
from tests.personas import Units


@pytest.fixture
def client(session: Session) -> Iterator[TestClient]:
    app = create_app()
    app.dependency_overrides[get_session] = lambda: session
    with TestClient(app) as client:
        yield client


def auth(session: Session, actor: Actor) -> dict[str, str]:
    _, token = users.issue_token(session, SYSTEM, actor.username)
    return {"Authorization": f"Bearer {token}"}


def test_task_life_over_the_api(
    client: TestClient, session: Session, units: Units, clinician: Actor, unit_leader: Actor, outsider: Actor
) -> None:
    person = served_person(session, units)
    headers = auth(session, clinician)
    body = {"person_id": person.id, "unit_id": units.assessment.id, "title": "Ring", "due_on": "2025-04-16"}
    refused = client.post("/api/v1/tasks", json=body, headers=headers)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "owner_user_id"
    created = client.post("/api/v1/tasks", json={**body, "to_unit_queue": True}, headers=headers)
    assert created.status_code == 201, created.text
    task_id, etag = created.json()["id"], created.headers["ETag"]
    leader = auth(session, unit_leader)
    queue = client.get(f"/api/v1/units/{units.assessment.id}/task-queue", headers=leader)
    assert [r["task_id"] for r in queue.json()] == [task_id]
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=headers).status_code == 422  # no version sent
    claimed = client.post(f"/api/v1/tasks/{task_id}/claim", headers={**headers, "If-Match": etag})
    assert claimed.status_code == 200, claimed.text
    assert claimed.json()["owner_user_id"] == clinician.user_id
    stale = client.post(
        f"/api/v1/tasks/{task_id}/reassign",
        json={"owner_user_id": unit_leader.user_id},
        headers={**headers, "If-Match": etag},
    )
    assert stale.status_code == 412
    assert [r["task_id"] for r in client.get("/api/v1/tasks/mine", headers=headers).json()] == [task_id]
    done = client.post(
        f"/api/v1/tasks/{task_id}/complete",
        json={"note": "Ringt"},
        headers={**headers, "If-Match": claimed.headers["ETag"]},
    )
    assert done.json()["status"] == "done"
    history = client.get(f"/api/v1/tasks/{task_id}/history", headers=headers).json()
    assert [h["owner_user_id"] for h in history] == [None, clinician.user_id]
    stranger = auth(session, outsider)
    assert client.get(f"/api/v1/tasks/{task_id}", headers=stranger).status_code == 404
    assert client.get(f"/api/v1/units/{units.assessment.id}/task-queue", headers=stranger).status_code == 404
    assert client.get(f"/api/v1/persons/{person.id}/tasks", headers=stranger).status_code == 404
    assert client.get("/api/v1/tasks/escalated", headers=headers).status_code == 403
    assert session.scalar(select(func.count()).select_from(Task)) == 1
