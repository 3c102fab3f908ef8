"""Care team, IP status and plan over the JSON API: versions, problem+json and 404 for outsiders."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from helhet.app import create_app
from helhet.deps import get_session
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


def test_team_and_coordinator_over_the_api(
    client: TestClient, session: Session, units: Units, coordinator: Actor, outsider: Actor
) -> None:
    person = served_person(session, units)
    headers = auth(session, coordinator)
    base = f"/api/v1/persons/{person.id}"
    added = client.post(
        f"{base}/team", json={"unit_id": units.nav.id, "role": "nav_contact", "name": "Nora Veileder"}, headers=headers
    )
    assert added.status_code == 201, added.text
    assert (added.json()["organisation"], added.json()["unit_kind"]) == ("municipal", "nav")
    assert client.get(f"{base}/coordinator", headers=headers).status_code == 404
    assigned = client.put(
        f"{base}/coordinator", json={"unit_id": units.kommune.id, "user_id": coordinator.user_id}, headers=headers
    )
    assert assigned.status_code == 200, assigned.text
    again = client.put(f"{base}/coordinator", json={"unit_id": units.kommune.id}, headers=headers)
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "version"
    ended = client.post(
        f"/api/v1/team-members/{added.json()['id']}/end",
        json={"to_date": "2025-04-10"},
        headers={**headers, "If-Match": added.headers["ETag"]},
    )
    assert ended.status_code == 200 and ended.json()["to_date"] == "2025-04-10"
    roles = [m["role"] for m in client.get(f"{base}/team", headers=headers).json()]
    assert sorted(roles) == ["coordinator", "municipal_contact", "nav_contact"]  # NAV ends today, still current
    stranger = auth(session, outsider)
    assert client.get(f"{base}/team", headers=stranger).status_code == 404
    assert client.get(f"{base}/individual-plan", headers=stranger).status_code == 404
    assert client.get(f"{base}/care-plan", headers=stranger).status_code == 404


def test_ip_status_over_the_api(client: TestClient, session: Session, units: Units, coordinator: Actor) -> None:
    person = served_person(session, units)
    headers = auth(session, coordinator)
    url = f"/api/v1/persons/{person.id}/individual-plan"
    refused = client.put(url, json={"status": "declined", "answered_on": "2025-04-09"}, headers=headers)
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {
            "field": "coordinator_offered_on",
            "value": None,
            "reason": "a coordinator must be offered even when the individual plan is declined (pbrl § 2-5 b)",
        }
    ]
    body = {"status": "declined", "answered_on": "2025-04-09", "coordinator_offered_on": "2025-04-09"}
    recorded = client.put(url, json=body, headers=headers)
    assert recorded.status_code == 200, recorded.text
    stale = client.put(
        url, json={"status": "offered", "offered_on": "2025-04-10"}, headers={**headers, "If-Match": '"9"'}
    )
    assert stale.status_code == 412
    assert client.get(url, headers=headers).headers["ETag"] == '"1"'
    assert len(client.get(f"{url}/history", headers=headers).json()) == 1


def test_plan_goal_measure_and_evaluation_over_the_api(
    client: TestClient, session: Session, units: Units, coordinator: Actor
) -> None:
    person = served_person(session, units)
    headers = auth(session, coordinator)
    plan = client.post(f"/api/v1/persons/{person.id}/care-plan", json={}, headers=headers)
    assert plan.status_code == 201, plan.text
    goal = client.post(f"/api/v1/care-plans/{plan.json()['id']}/goals", json={"text": "Få en jobb"}, headers=headers)
    assert goal.status_code == 201, goal.text
    measure_url = f"/api/v1/goals/{goal.json()['id']}/measures"
    body = {
        "description": "Kontakt NAV om arbeidstrening",
        "owner_unit_id": units.kommune.id,
        "evaluate_by": "2025-05-01",
    }
    no_owner = client.post(measure_url, json=body, headers=headers)
    assert no_owner.status_code == 422 and no_owner.json()["errors"][0]["field"] == "owner_user_id"
    measure = client.post(
        measure_url, json={**body, "owner_user_id": coordinator.user_id, "create_task": True}, headers=headers
    )
    assert measure.status_code == 201, measure.text
    assert measure.json()["task_id"] is not None
    evaluation = client.post(
        f"/api/v1/measures/{measure.json()['id']}/evaluations",
        json={
            "evaluated_on": "2025-04-10",
            "outcome": "progressing",
            "note": "Møte avtalt",
            "next_evaluate_by": "2025-06-01",
        },
        headers={**headers, "If-Match": measure.headers["ETag"]},
    )
    assert evaluation.status_code == 201, evaluation.text
    view = client.get(f"/api/v1/persons/{person.id}/care-plan", headers=headers).json()
    measure_view = view["goals"][0]["measures"][0]
    assert (measure_view["evaluate_by"], len(measure_view["evaluations"])) == ("2025-06-01", 1)
    participation = client.put(
        f"/api/v1/care-plans/{plan.json()['id']}/participation",
        json={"participation": "confirmed", "on": "2025-04-10"},
        headers={**headers, "If-Match": plan.headers["ETag"]},
    )
    assert participation.status_code == 200 and participation.json()["participation"] == "confirmed"
