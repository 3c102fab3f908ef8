"""Vedtak over the JSON API: create, deliveries, the weekly report, ending with If-Match, and 404 for outsiders."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from helhet.app import create_app
from helhet.deps import get_session
from helhet.users import service as users
from helhet.users.actor import SYSTEM, Actor
from helhet.vedtak.models import Vedtak
from tests.mapping.builders import count, served_person
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


def test_vedtak_deliveries_and_the_weekly_report_over_the_api(
    client: TestClient, session: Session, units: Units, coordinator: Actor, outsider: Actor
) -> None:
    person = served_person(session, units)
    headers = auth(session, coordinator)
    body = {
        "unit_id": units.kommune.id,
        "service_type": "daily_life_training",
        "legal_basis": "hol § 3-2 første ledd nr. 6 b",
        "volume": 5,
        "volume_unit": "hours_per_week",
        "decided_on": "2025-03-14",
        "start_on": "2025-03-17",
        "end_on": "2025-03-14",
    }
    refused = client.post(f"/api/v1/persons/{person.id}/vedtak", json=body, headers=headers)
    assert refused.status_code == 422 and refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["errors"] == [
        {"field": "end_on", "value": "2025-03-14", "reason": "cannot be before start_on (2025-03-17)"}
    ]
    assert count(session, Vedtak) == 0
    made = client.post(f"/api/v1/persons/{person.id}/vedtak", json={**body, "end_on": None}, headers=headers)
    assert made.status_code == 201, made.text
    url = made.headers["Location"].removeprefix("/api/v1")
    assert made.headers["ETag"] == '"1"'
    for day, hours in (("2025-03-18", 5), ("2025-03-25", 2), ("2025-04-01", 5)):
        logged = client.post(f"/api/v1{url}/deliveries", json={"delivered_on": day, "amount": hours}, headers=headers)
        assert logged.status_code == 201, logged.text
    future = client.post(f"/api/v1{url}/deliveries", json={"delivered_on": "2025-04-11", "amount": 1}, headers=headers)
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "delivered_on"
    report = client.get(f"/api/v1{url}/report?until=2025-04-10", headers=headers)
    assert report.status_code == 200, report.text
    weeks = report.json()["weeks"]
    assert [(w["week"], w["decided"], w["delivered"], w["shortfall"]) for w in weeks] == [
        (12, 5.0, 5.0, False),
        (13, 5.0, 2.0, True),
        (14, 5.0, 5.0, False),
        (15, 5.0, 0.0, False),  # not over yet
    ]
    assert [w["week"] for w in report.json()["shortfall_weeks"]] == [13]
    assert report.json()["threshold"] == 0.2 and report.json()["no_delivery_start_days"] == 14
    assert len(client.get(f"/api/v1{url}/deliveries", headers=headers).json()) == 3

    missing = client.post(f"/api/v1{url}/end", json={"end_on": "2025-04-10"}, headers=headers)
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "version"
    stale = client.post(f"/api/v1{url}/end", json={"end_on": "2025-04-10"}, headers={**headers, "If-Match": '"7"'})
    assert stale.status_code == 412
    ended = client.post(f"/api/v1{url}/end", json={"end_on": "2025-04-10"}, headers={**headers, "If-Match": '"1"'})
    assert ended.status_code == 200 and ended.json()["status"] == "ended" and ended.headers["ETag"] == '"2"'
    assert client.post(f"/api/v1{url}/withdraw", json={"reason": "x", "version": 2}, headers=headers).status_code == 409

    stranger = auth(session, outsider)
    assert client.get(f"/api/v1{url}", headers=stranger).status_code == 404
    assert client.get(f"/api/v1{url}/report", headers=stranger).status_code == 404
    assert client.get(f"/api/v1/persons/{person.id}/vedtak", headers=stranger).status_code == 404


def test_review_date_is_changed_with_if_match(
    client: TestClient, session: Session, units: Units, coordinator: Actor
) -> None:
    person = served_person(session, units)
    headers = auth(session, coordinator)
    body = {
        "unit_id": units.kommune.id,
        "service_type": "temporary_accommodation",
        "legal_basis": "stjl § 27",
        "volume": 7,
        "volume_unit": "units_per_week",
        "decided_on": "2025-04-07",
        "start_on": "2025-04-07",
        "end_on": "2025-04-21",
    }
    made = client.post(f"/api/v1/persons/{person.id}/vedtak", json=body, headers=headers)
    url = made.headers["Location"]
    changed = client.patch(url, json={"review_on": "2025-04-14"}, headers={**headers, "If-Match": made.headers["ETag"]})
    assert changed.status_code == 200 and changed.json()["review_on"] == "2025-04-14"
    assert client.get(url, headers=headers).headers["ETag"] == '"2"'
