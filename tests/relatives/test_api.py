"""Relatives and consent over the JSON API: ETags and If-Match, problem+json, the view, and 404 for outsiders."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helhet.app import create_app
from helhet.deps import get_session
from helhet.relatives.models import Consent
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


def test_relative_and_consent_life_over_the_api(
    client: TestClient, session: Session, units: Units, clinician: Actor, outsider: Actor
) -> None:
    person = served_person(session, units)
    headers = auth(session, clinician)
    created = client.post(
        f"/api/v1/persons/{person.id}/relatives",
        json={"given_name": "Ola", "family_name": "Testesen", "relationship": "parent", "is_nearest": True},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    relative_id, etag = created.json()["id"], created.headers["ETag"]
    assert (
        client.patch(f"/api/v1/relatives/{relative_id}", json={"phone": "+47 99 99 99 99"}, headers=headers).status_code
        == 422
    )
    updated = client.patch(
        f"/api/v1/relatives/{relative_id}", json={"phone": "+47 99 99 99 99"}, headers={**headers, "If-Match": etag}
    )
    assert updated.status_code == 200, updated.text
    stale = client.post(
        f"/api/v1/relatives/{relative_id}/involvement",
        json={"involvement": "offered", "on": "2025-04-09"},
        headers={**headers, "If-Match": etag},
    )
    assert stale.status_code == 412

    unknown = client.post(
        f"/api/v1/relatives/{relative_id}/consents",
        json={"scope": "everything", "valid_from": "2025-04-01", "given_how": "written"},
        headers=headers,
    )
    assert unknown.status_code == 422
    assert unknown.headers["content-type"].startswith("application/problem+json")
    assert unknown.json()["errors"][0] | {"reason": ""} == {"field": "scope", "value": "everything", "reason": ""}
    assert session.scalar(select(func.count()).select_from(Consent)) == 0

    given = client.post(
        f"/api/v1/relatives/{relative_id}/consents",
        json={"scope": "full", "valid_from": "2025-04-01", "given_how": "oral"},
        headers=headers,
    )
    assert given.status_code == 201, given.text
    assert client.get(f"/api/v1/relatives/{relative_id}/scope", headers=headers).json()["scope"] == "full"
    assert client.get(f"/api/v1/relatives/{relative_id}/view", headers=headers).json()["episodes"] == []
    withdrawn = client.post(
        f"/api/v1/consents/{given.json()['id']}/withdraw", json={"note": "Muntlig"}, headers=headers
    )
    assert withdrawn.status_code == 200
    assert client.post(f"/api/v1/consents/{given.json()['id']}/withdraw", json={}, headers=headers).status_code == 409
    view = client.get(f"/api/v1/relatives/{relative_id}/view", headers=headers).json()
    assert (view["scope"], view["episodes"], view["care_plan"]) == ("none", None, None)
    assert [
        c["withdrawn_note"] for c in client.get(f"/api/v1/relatives/{relative_id}/consents", headers=headers).json()
    ] == ["Muntlig"]

    stranger = auth(session, outsider)
    for path in ("", "/consents", "/scope", "/view"):
        assert client.get(f"/api/v1/relatives/{relative_id}{path}", headers=stranger).status_code == 404
    assert client.get(f"/api/v1/persons/{person.id}/relatives", headers=stranger).status_code == 404
    assert client.post(f"/api/v1/consents/{given.json()['id']}/withdraw", json={}, headers=stranger).status_code == 404


def test_the_number_the_relative_is_given_is_changed_over_the_api(
    client: TestClient, session: Session, units: Units, clinician: Actor
) -> None:
    person = served_person(session, units)
    headers = auth(session, clinician)
    created = client.post(
        f"/api/v1/persons/{person.id}/relatives",
        json={"given_name": "Ola", "family_name": "Testesen", "relationship": "parent", "contact_phone": "+47 55 00"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    path, etag = f"/api/v1/relatives/{created.json()['id']}", created.headers["ETag"]
    refused = client.patch(path, json={"contact_phone": "<b>ring</b>"}, headers={**headers, "If-Match": etag})
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["errors"] == [
        {"field": "contact_phone", "value": "<b>ring</b>", "reason": "use digits, spaces and an optional leading +"}
    ]
    changed = client.patch(path, json={"contact_phone": "+47 55 11 22 33"}, headers={**headers, "If-Match": etag})
    assert changed.status_code == 200, changed.text
    assert changed.json()["contact_phone"] == "+47 55 11 22 33" and changed.headers["ETag"] != etag
    stale = client.patch(path, json={"contact_phone": "+47 55 00"}, headers={**headers, "If-Match": etag})
    assert stale.status_code == 412
    assert client.get(path, headers=headers).json()["contact_phone"] == "+47 55 11 22 33"
