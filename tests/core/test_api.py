"""The JSON API: tokens, problem+json errors, versions, and "not found" for outsiders."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helhet.app import create_app
from helhet.deps import get_session
from helhet.pathways.schemas import PathwayRead
from helhet.referrals.models import Referral
from helhet.users import service as users
from helhet.users.actor import SYSTEM, Actor
from tests.builders import person_data
from tests.personas import Units


@pytest.fixture
def client(session: Session) -> Iterator[TestClient]:
    app = create_app()
    app.dependency_overrides[get_session] = lambda: session
    with TestClient(app) as client:
        yield client


def token_for(session: Session, actor: Actor) -> dict[str, str]:
    _, token = users.issue_token(session, SYSTEM, actor.username)
    return {"Authorization": f"Bearer {token}"}


def referral_body(units: Units, **changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "person": person_data().model_dump(mode="json"),
        "receiving_unit_id": units.assessment.id,
        "referrer_kind": "municipal_service",
        "received_on": "2025-03-03",
        "reason": "Behov for avrusning og videre behandling",
        "substances": ["alcohol", "benzodiazepines"],
        "wished_level": "inpatient_short",
        "what_matters": "Å få være nær barna",
    }
    body.update(changes)
    return body


def test_without_token_is_401_problem(client: TestClient) -> None:
    response = client.get("/api/v1/persons/1")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")


def test_revoked_token_is_refused(client: TestClient, session: Session, coordinator: Actor) -> None:
    row, token = users.issue_token(session, SYSTEM, coordinator.username)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/units", headers=headers).status_code == 200
    users.revoke_token(session, SYSTEM, row.id)
    assert client.get("/api/v1/units", headers=headers).status_code == 401


def test_register_referral_and_read_pathway(
    client: TestClient, session: Session, units: Units, coordinator: Actor, clinician: Actor
) -> None:
    response = client.post("/api/v1/referrals", json=referral_body(units), headers=token_for(session, coordinator))
    assert response.status_code == 201, response.text
    referral = response.json()
    assert referral["wished_level"] == "inpatient_short"
    headers = token_for(session, clinician)
    assessment = client.post(
        f"/api/v1/referrals/{referral['id']}/assessments",
        json={
            "assessed_on": "2025-03-10",
            "outcome": "granted",
            "heard_how": "phone",
            "condition": "alcohol_dependence",
            "assigned_level": "inpatient_short",
        },
        headers=headers,
    )
    assert assessment.status_code == 201, assessment.text
    pathway = client.get(f"/api/v1/persons/{referral['person_id']}/pathway", headers=headers)
    assert pathway.status_code == 200
    assert pathway.headers["content-type"] == "application/json"
    body = pathway.json()
    kinds = [e["kind"] for e in body["events"]]
    assert kinds == ["referral", "assessment"]
    # the shape the declared response model gives (what FastAPI's own validation and serialisation would give)
    assert body == PathwayRead.model_validate(body).model_dump(mode="json")
    assert body["person"]["id"] == referral["person_id"] and body["person"]["sex"] in ("male", "female")
    assert body["events"][0]["on"] == referral["received_on"]


def test_invalid_input_lists_field_value_and_reason(
    client: TestClient, session: Session, units: Units, coordinator: Actor
) -> None:
    before = session.scalar(select(func.count()).select_from(Referral))
    body = referral_body(units, wished_level="spa", received_on="2099-01-01")
    response = client.post("/api/v1/referrals", json=body, headers=token_for(session, coordinator))
    assert response.status_code == 422
    problem = response.json()
    fields = {e["field"]: e for e in problem["errors"]}
    assert fields["wished_level"]["value"] == "spa"
    assert fields["wished_level"]["reason"]
    assert session.scalar(select(func.count()).select_from(Referral)) == before


def test_domain_error_is_problem_json(client: TestClient, session: Session, units: Units, coordinator: Actor) -> None:
    body = referral_body(units, received_on="2099-01-01")
    response = client.post("/api/v1/referrals", json=body, headers=token_for(session, coordinator))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "received_on", "value": "2099-01-01", "reason": "cannot be later than today"}
    ]


def test_bad_fodselsnummer_over_api(client: TestClient, session: Session, units: Units, coordinator: Actor) -> None:
    person = person_data().model_dump(mode="json")
    person["fodselsnummer"] = "12345678901"
    response = client.post("/api/v1/persons", json=person, headers=token_for(session, coordinator))
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "fodselsnummer" and error["value"] == "12345678901"


def test_stale_update_is_412_and_missing_version_is_refused(
    client: TestClient, session: Session, units: Units, coordinator: Actor
) -> None:
    headers = token_for(session, coordinator)
    created = client.post("/api/v1/referrals", json=referral_body(units), headers=headers).json()
    url = f"/api/v1/persons/{created['person_id']}"
    etag = client.get(url, headers=headers).headers["etag"]
    assert client.patch(url, json={"given_name": "Ny"}, headers=headers).status_code == 422
    ok = client.patch(url, json={"given_name": "Ny"}, headers={**headers, "If-Match": etag})
    assert ok.status_code == 200 and ok.headers["etag"] != etag
    stale = client.patch(url, json={"family_name": "Gammel"}, headers={**headers, "If-Match": etag})
    assert stale.status_code == 412
    assert client.get(url, headers=headers).json()["family_name"] == "Testesen"


def test_outsider_and_analyst_get_404(
    client: TestClient, session: Session, units: Units, coordinator: Actor, outsider: Actor, analyst: Actor
) -> None:
    created = client.post("/api/v1/referrals", json=referral_body(units), headers=token_for(session, coordinator))
    person_id = created.json()["person_id"]
    for actor in (outsider, analyst):
        headers = token_for(session, actor)
        assert client.get(f"/api/v1/persons/{person_id}", headers=headers).status_code == 404
        assert client.get(f"/api/v1/persons/{person_id}/pathway", headers=headers).status_code == 404
        assert client.get(f"/api/v1/referrals/{created.json()['id']}", headers=headers).status_code == 404


def test_openapi_lists_the_core(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/v1/persons", "/api/v1/referrals", "/api/v1/persons/{person_id}/pathway"):
        assert path in paths


def test_worklists_and_gaps_over_api(
    client: TestClient, session: Session, units: Units, coordinator: Actor, clinician: Actor, outsider: Actor
) -> None:
    created = client.post("/api/v1/referrals", json=referral_body(units), headers=token_for(session, coordinator))
    headers = {**token_for(session, clinician), "X-Helhet-Unit": str(units.assessment.id)}
    due = client.get("/api/v1/worklists/assessments-due", headers=headers)
    assert due.status_code == 200
    assert [r["referral_id"] for r in due.json()] == [created.json()["id"]]
    person_gaps = client.get(f"/api/v1/persons/{created.json()['person_id']}/gaps", headers=headers)
    assert person_gaps.status_code == 200
    assert "ASSESSMENT-OVERDUE" in {g["code"] for g in person_gaps.json()["gaps"]}
    other = token_for(session, outsider)
    assert client.get(f"/api/v1/persons/{created.json()['person_id']}/gaps", headers=other).status_code == 404
    bad = client.get("/api/v1/worklists/assessments-due?limit=5000", headers=headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "limit"
