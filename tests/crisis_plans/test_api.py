"""Crisis plans over the JSON API: versions with ETags, refused contacts as problem+json, 404 for outsiders."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helhet.app import create_app
from helhet.crisis_plans.models import CrisisPlan
from helhet.deps import get_session
from helhet.users import service as users
from helhet.users.actor import SYSTEM, Actor
from tests.careplans.builders import served_person
from tests.crisis_plans.builders import make_relative
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


def test_crisis_plan_versions_over_the_api(
    client: TestClient, session: Session, units: Units, clinician: Actor, outsider: Actor
) -> None:
    person = served_person(session, units)
    headers, stranger = auth(session, clinician), auth(session, outsider)
    url = f"/api/v1/persons/{person.id}/crisis-plan"
    assert client.get(url, headers=headers).status_code == 404  # no plan yet
    relative = make_relative(session, person)
    plan = {"warning_signs": ["Slutter å svare på telefon"], "what_helps": ["Prate med broren min"]}
    refused = client.post(
        url, json={**plan, "contacts": [{"kind": "relative", "relative_id": relative.id}]}, headers=headers
    )
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    [problem] = refused.json()["errors"]
    assert (problem["field"], problem["value"]) == ("contacts[0].relative_id", relative.id)

    first = client.post(url, json=plan, headers=headers)
    assert first.status_code == 201, first.text
    assert (first.json()["version_no"], first.headers["ETag"]) == (1, '"1"')
    assert client.post(url, json=plan, headers=headers).status_code == 422  # a plan exists: send its version
    second = client.post(url, json={**plan, "what_to_avoid": ["Fester"]}, headers={**headers, "If-Match": '"1"'})
    assert second.status_code == 201, second.text
    assert client.post(url, json=plan, headers={**headers, "If-Match": '"1"'}).status_code == 412
    assert [v["version_no"] for v in client.get(f"{url}/versions", headers=headers).json()] == [2, 1]
    assert client.get(f"{url}/versions/1", headers=headers).json()["what_to_avoid"] == []

    shared = client.post(f"{url}/shared", json={"how": "in_person"}, headers={**headers, "If-Match": '"2"'})
    assert shared.status_code == 200, shared.text
    assert [s["how"] for s in shared.json()["shared"]] == ["in_person"]
    summary = client.get(f"{url}/summary", headers=headers).json()
    assert (summary["version_no"], summary["last_shared_how"]) == (2, "in_person")
    status = client.get(f"{url}/status", headers=headers).json()
    assert (status["required"], status["current"], status["gap"]) == (False, True, False)

    for path in (url, f"{url}/versions", f"{url}/versions/1", f"{url}/summary", f"{url}/status"):
        assert client.get(path, headers=stranger).status_code == 404, path
    assert client.post(url, json=plan, headers={**stranger, "If-Match": '"2"'}).status_code == 404
    assert session.scalar(select(func.count()).select_from(CrisisPlan)) == 2
