"""Mapping over the JSON API: the instrument form, recording, problem+json, versions and 404 for outsiders."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from helhet.app import create_app
from helhet.deps import get_session
from helhet.mapping.models import QuestionnaireResult
from helhet.users import service as users
from helhet.users.actor import SYSTEM, Actor
from tests.mapping.builders import answers_totalling, count, served_person
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


def test_the_instrument_form_lists_items_options_and_bands(
    client: TestClient, session: Session, coordinator: Actor
) -> None:
    headers = auth(session, coordinator)
    form = client.get("/api/v1/mapping/instruments/dudit?lang=nb", headers=headers)
    assert form.status_code == 200, form.text
    body = form.json()
    assert body["code"] == "DUDIT" and len(body["items"]) == 11 and body["max_score"] == 44
    assert body["items"][0]["field"] == "item_1" and body["items"][0]["options"][0]["score"] == 0
    assert set(body["bands_by_sex"]) == {"female", "male"}
    assert client.get("/api/v1/mapping/instruments/cage", headers=headers).status_code == 404
    assert client.get("/api/v1/mapping/instruments/audit?lang=sv", headers=headers).status_code == 422
    assert client.get("/api/v1/mapping/instruments/audit").status_code == 401


def test_a_questionnaire_over_the_api_is_scored_or_refused_item_by_item(
    client: TestClient, session: Session, units: Units, coordinator: Actor, outsider: Actor
) -> None:
    person = served_person(session, units)
    headers = auth(session, coordinator)
    url = f"/api/v1/persons/{person.id}/mapping/questionnaires"
    answers = {f"item_{k}": v for k, v in answers_totalling("AUDIT", 21).items()}
    body = {"instrument": "AUDIT", "answers": answers, "done_on": "2025-04-08", "unit_id": units.kommune.id}
    made = client.post(url, json=body, headers=headers)
    assert made.status_code == 201, made.text
    assert (made.json()["total"], made.json()["band"], made.json()["positive"]) == (21, "possible_dependence", True)
    bad = client.post(url, json={**body, "answers": {**answers, "item_10": 3}}, headers=headers)
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    assert bad.json()["errors"] == [{"field": "item_10", "value": 3, "reason": "item 10 allows 0, 2 or 4"}]
    assert count(session, QuestionnaireResult) == 1
    status = client.get(f"/api/v1/persons/{person.id}/mapping?on=2025-04-10", headers=headers)
    assert status.status_code == 200 and status.json()["audit"]["total"] == 21
    records = client.get(f"/api/v1/persons/{person.id}/mapping/records", headers=headers).json()
    assert len(records["questionnaires"]) == 1
    stranger = auth(session, outsider)
    assert client.post(url, json=body, headers=stranger).status_code == 404
    assert client.get(f"/api/v1/persons/{person.id}/mapping", headers=stranger).status_code == 404


def test_screening_somatic_situation_and_declined_over_the_api(
    client: TestClient, session: Session, units: Units, coordinator: Actor
) -> None:
    person = served_person(session, units)
    headers = auth(session, coordinator)
    base = f"/api/v1/persons/{person.id}/mapping"
    unit = units.kommune.id
    screening = {"status": "screened_no_findings", "instrument": "SCL-10", "screened_on": "2025-04-01", "unit_id": unit}
    assert client.post(f"{base}/mental-health", json=screening, headers=headers).status_code == 201
    check = {
        "checked_on": "2025-04-02",
        "examiner": "gp",
        "unit_id": unit,
        "findings": "Tannstatus dårlig",
        "follow_up_needed": True,
        "follow_up": {"unit_id": unit, "owner_user_id": coordinator.user_id},
    }
    made = client.post(f"{base}/somatic-checks", json=check, headers=headers)
    assert made.status_code == 201, made.text
    assert made.json()["follow_up_task_id"] is not None
    no_owner = client.post(f"{base}/somatic-checks", json={**check, "follow_up": {"unit_id": unit}}, headers=headers)
    assert no_owner.status_code == 422 and no_owner.json()["errors"][0]["field"] == "follow_up.owner_user_id"
    situation = {
        "recorded_on": "2025-04-03",
        "unit_id": unit,
        "income": "benefits",
        "activity": "none",
        "network": "relatives",
    }
    made = client.post(f"{base}/situations", json=situation, headers=headers)
    assert made.status_code == 201 and made.json()["housing"] is None
    declined = {"area": "somatic", "declined_on": "2025-04-04", "unit_id": unit}
    assert client.post(f"{base}/declined", json=declined, headers=headers).status_code == 201
    status = client.get(base, headers=headers).json()
    assert status["mental_health_screened"] and status["somatic"]["examiner"] == "gp"
    assert status["declined"] == {"somatic": "2025-04-04"} and status["open_follow_ups"] == 1


def test_the_childrens_needs_assessment_needs_the_version_it_was_read_at(
    client: TestClient, session: Session, units: Units, coordinator: Actor, outsider: Actor
) -> None:
    person = served_person(session, units)
    headers = auth(session, coordinator)
    body = {
        "asked_on": "2025-04-02",
        "unit_id": units.kommune.id,
        "answer": "yes",
        "number_of_children": 1,
        "living_with_person": 0,
    }
    made = client.post(f"/api/v1/persons/{person.id}/mapping/children", json=body, headers=headers)
    assert made.status_code == 201, made.text
    url = f"/api/v1/mapping/children/{made.json()['id']}"
    task = client.post(f"{url}/task", json={"unit_id": units.kommune.id, "to_unit_queue": True}, headers=headers)
    assert task.status_code == 201 and task.json()["kind"] == "children"
    etag = client.get(url, headers=headers).headers["ETag"]
    missing = client.post(f"{url}/assessment", json={"assessed_on": "2025-04-09"}, headers=headers)
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "version"
    stale = client.post(f"{url}/assessment", json={"assessed_on": "2025-04-09"}, headers={**headers, "If-Match": '"1"'})
    assert etag != '"1"' and stale.status_code == 412
    done = client.post(f"{url}/assessment", json={"assessed_on": "2025-04-09"}, headers={**headers, "If-Match": etag})
    assert done.status_code == 200, done.text
    assert done.json()["needs_assessed_on"] == "2025-04-09" and done.headers["ETag"] != etag
    assert client.get(url, headers=auth(session, outsider)).status_code == 404
