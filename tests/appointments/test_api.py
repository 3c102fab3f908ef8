"""Appointments over the JSON API: ETags and If-Match, problem+json, the worklists, and 404 for outsiders."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.app import create_app
from helhet.appointments.models import Appointment
from helhet.deps import get_session
from helhet.users import service as users
from helhet.users.actor import SYSTEM, Actor
from tests.appointments.builders import treated_person
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


def test_appointment_life_over_the_api(
    client: TestClient, session: Session, units: Units, clinician: Actor, outsider: Actor
) -> None:
    person, _ = treated_person(session, units, interpreter_needed=True, interpreter_language="ar")
    headers = auth(session, clinician)
    body = {
        "person_id": person.id,
        "unit_id": units.poli.id,
        "owner_user_id": clinician.user_id,
        "mode": "phone",
        "starts_at": "2025-04-10T14:00:00+02:00",
    }
    past = client.post("/api/v1/appointments", json={**body, "starts_at": "2025-04-09T14:00:00+02:00"}, headers=headers)
    assert past.status_code == 422
    assert past.headers["content-type"].startswith("application/problem+json")
    assert past.json()["errors"][0]["field"] == "starts_at"
    created = client.post("/api/v1/appointments", json=body, headers=headers)
    assert created.status_code == 201, created.text
    appointment_id, etag = created.json()["id"], created.headers["ETag"]
    assert created.json()["interpreter_status"] == "needed_not_booked"
    missing = client.get(f"/api/v1/units/{units.poli.id}/missing-interpreters", headers=headers)
    assert [r["appointment_id"] for r in missing.json()] == [appointment_id]

    no_show = {"attendance": "no_show"}
    assert (
        client.post(f"/api/v1/appointments/{appointment_id}/attendance", json=no_show, headers=headers).status_code
        == 422
    )
    with clock.freeze(datetime(2025, 4, 10, 13, 0, tzinfo=UTC)):
        recorded = client.post(
            f"/api/v1/appointments/{appointment_id}/attendance", json=no_show, headers={**headers, "If-Match": etag}
        )
        assert recorded.status_code == 200, recorded.text
        stale = client.put(
            f"/api/v1/appointments/{appointment_id}/interpreter",
            json={"status": "not_available"},
            headers={**headers, "If-Match": etag},
        )
        assert stale.status_code == 412
        assert recorded.json()["postponement_code"] == "21"
        task_id = recorded.json()["outreach_task_id"]
        waiting = client.get(f"/api/v1/units/{units.poli.id}/no-shows", headers=headers)
        assert [(r["appointment_id"], r["task_id"]) for r in waiting.json()] == [(appointment_id, task_id)]
        attempt = client.post(
            f"/api/v1/appointments/{appointment_id}/outreach-attempts",
            json={
                "attempted_on": "2025-04-10",
                "mode": "home_visit",
                "reached": True,
                "note": "Hjemme, ny time avtalt",
            },
            headers=headers,
        )
        assert attempt.status_code == 201, attempt.text
        assert client.get(f"/api/v1/units/{units.poli.id}/no-shows", headers=headers).json() == []

    stranger = auth(session, outsider)
    assert client.get(f"/api/v1/appointments/{appointment_id}", headers=stranger).status_code == 404
    assert client.get(f"/api/v1/persons/{person.id}/appointments", headers=stranger).status_code == 404
    assert client.get(f"/api/v1/appointments/{appointment_id}/outreach-attempts", headers=stranger).status_code == 404
    assert client.get(f"/api/v1/units/{units.poli.id}/no-shows", headers=stranger).status_code == 404
    assert client.get(f"/api/v1/units/{units.poli.id}/missing-interpreters", headers=stranger).status_code == 404
    assert session.scalar(select(func.count()).select_from(Appointment)) == 1


def test_a_child_interpreter_is_refused_over_the_api(
    client: TestClient, session: Session, units: Units, clinician: Actor
) -> None:
    person, _ = treated_person(session, units, interpreter_needed=True, interpreter_language="ar")
    headers = auth(session, clinician)
    child = client.post(
        f"/api/v1/persons/{person.id}/relatives",
        json={"given_name": "Sara", "family_name": "Testesen", "relationship": "child", "birth_date": "2013-02-02"},
        headers=headers,
    ).json()
    body = {
        "person_id": person.id,
        "unit_id": units.poli.id,
        "owner_user_id": clinician.user_id,
        "mode": "in_person",
        "starts_at": "2025-04-14T09:00:00+02:00",
        "interpreter_relative_id": child["id"],
    }
    refused = client.post("/api/v1/appointments", json=body, headers=headers)
    assert refused.status_code == 422
    problem = refused.json()["errors"][0]
    assert (problem["field"], problem["value"]) == ("interpreter_relative_id", child["id"])
    assert "tolkeloven § 4" in problem["reason"]
