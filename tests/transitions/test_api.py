"""Handovers and discharge over the JSON API: problem+json, ETag and If-Match, both units' lists, 404 for outsiders."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helhet.app import create_app
from helhet.deps import get_session
from helhet.transitions.models import Handover
from helhet.users import service as users
from helhet.users.actor import SYSTEM, Actor
from tests.personas import Units
from tests.transitions.builders import inpatient_person


@pytest.fixture
def client(session: Session) -> Iterator[TestClient]:
    app = create_app()
    app.dependency_overrides[get_session] = lambda: session
    with TestClient(app) as client:
        yield client


def auth(session: Session, actor: Actor) -> dict[str, str]:
    _, token = users.issue_token(session, SYSTEM, actor.username)
    return {"Authorization": f"Bearer {token}"}


def test_handover_life_over_the_api(
    client: TestClient,
    session: Session,
    units: Units,
    inpatient_clinician: Actor,
    coordinator: Actor,
    outsider: Actor,
) -> None:
    person, episode = inpatient_person(session, units)
    sender, receiver, stranger = auth(session, inpatient_clinician), auth(session, coordinator), auth(session, outsider)
    body = {
        "person_id": person.id,
        "kind": "discharge",
        "from_unit_id": units.inpatient.id,
        "to_unit_id": units.inpatient.id,
        "planned_on": "2025-04-16",
    }
    refused = client.post("/api/v1/handovers", json=body, headers=sender)
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["errors"] == [
        {"field": "to_unit_id", "value": units.inpatient.id, "reason": refused.json()["errors"][0]["reason"]}
    ]
    created = client.post("/api/v1/handovers", json={**body, "to_unit_id": units.kommune.id}, headers=sender)
    assert created.status_code == 201, created.text
    handover_id, etag = created.json()["id"], created.headers["ETag"]
    assert created.json()["responsible_unit_id"] == units.inpatient.id
    assert len(created.json()["checklist"]) == 7

    ticked = client.put(
        f"/api/v1/handovers/{handover_id}/checklist/discharge_summary_sent",
        json={"note": "Epikrise sendt"},
        headers={**sender, "If-Match": etag},
    )
    assert ticked.status_code == 200, ticked.text
    incoming = client.get(f"/api/v1/units/{units.kommune.id}/handovers/incoming", headers=receiver).json()
    outgoing = client.get(f"/api/v1/units/{units.inpatient.id}/handovers/outgoing", headers=sender).json()
    assert [r["handover_id"] for r in incoming] == [r["handover_id"] for r in outgoing] == [handover_id]
    assert incoming[0]["checklist_done"] == 1

    assert client.post(f"/api/v1/handovers/{handover_id}/accept", headers=receiver).status_code == 422  # no version
    stale = client.post(f"/api/v1/handovers/{handover_id}/accept", headers={**receiver, "If-Match": etag})
    assert stale.status_code == 412
    assert (
        client.post(
            f"/api/v1/handovers/{handover_id}/accept", headers={**sender, "If-Match": ticked.headers["ETag"]}
        ).status_code
        == 403
    )
    accepted = client.post(
        f"/api/v1/handovers/{handover_id}/accept", headers={**receiver, "If-Match": ticked.headers["ETag"]}
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["responsible_unit_id"] == units.kommune.id
    now = client.get(f"/api/v1/persons/{person.id}/responsibility", headers=sender).json()
    assert (now["unit_id"], now["source"]) == (units.kommune.id, "handover_accepted")

    discharge = {"ended_on": "2025-04-10", "end_reason": "planned_completion", "handover_id": handover_id}
    assert client.post(f"/api/v1/episodes/{episode.id}/discharge", json=discharge, headers=sender).status_code == 422
    done = client.post(
        f"/api/v1/episodes/{episode.id}/discharge",
        json=discharge,
        headers={**sender, "If-Match": f'"{episode.version}"'},
    )
    assert done.status_code == 201, done.text
    assert done.json()["without_accepted_handover"] is False
    followup = client.get(f"/api/v1/persons/{person.id}/followup-after-discharge", headers=sender).json()
    assert [(f["discharged_on"], f["within_7_days"]) for f in followup] == [("2025-04-10", None)]

    for path in (
        f"/api/v1/handovers/{handover_id}",
        f"/api/v1/persons/{person.id}/handovers",
        f"/api/v1/persons/{person.id}/responsibility",
        f"/api/v1/persons/{person.id}/discharges",
        f"/api/v1/persons/{person.id}/followup-after-discharge",
        f"/api/v1/units/{units.kommune.id}/handovers/incoming",
        f"/api/v1/units/{units.inpatient.id}/handovers/outgoing",
    ):
        assert client.get(path, headers=stranger).status_code == 404, path
    declined = client.post(
        f"/api/v1/handovers/{handover_id}/decline",
        json={"reason": "nei", "version": accepted.json()["version"]},
        headers=stranger,
    )
    assert declined.status_code == 404
    assert session.scalar(select(func.count()).select_from(Handover)) == 1
