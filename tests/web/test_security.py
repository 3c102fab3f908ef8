"""CSRF, security headers, inert scripts in names and free text, and oversize input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from helhet.audit.models import EmergencyAccess
from helhet.referrals.models import Referral
from helhet.users.models import Role
from helhet.web import auth, episodes, home, persons, referrals, render
from helhet.web.security import CONTENT_SECURITY_POLICY
from tests.builders import synthetic_fnr
from tests.personas import Units
from tests.web.builders import count, referral_to_assessment_unit
from tests.web.conftest import add_web_user, csrf_from, sign_in

SCRIPT = "<script>alert('xss')</script>"


@pytest.fixture
def coordinator_client(client: TestClient, session: Session, units: Units) -> TestClient:
    add_web_user(session, "koordinator", Role.COORDINATOR, "test-kom-4601")
    sign_in(client, "koordinator")
    return client


def referral_form(units: Units, **changes: str) -> dict[str, object]:
    data: dict[str, object] = {
        "fodselsnummer": synthetic_fnr(),
        "given_name": "Nora",
        "family_name": "Prøvesen",
        "municipality_number": "4601",
        "preferred_language": "nb",
        "receiving_unit_id": str(units.assessment.id),
        "received_on": "03.03.2025",
        "referrer_kind": "municipal_service",
        "reason": "Ønsker hjelp med alkohol.",
        "substances": ["alcohol"],
        "wished_level": "outpatient",
        "what_matters": "Å beholde jobben.",
    }
    data.update(changes)
    return data


def test_post_without_csrf_token_is_refused_and_nothing_written(
    coordinator_client: TestClient, session: Session, units: Units
) -> None:
    before = count(session, Referral)
    response = coordinator_client.post("/referrals/new", data=referral_form(units), follow_redirects=False)
    assert response.status_code == 403
    assert "Skjemaet kunne ikke sendes" in response.text
    assert "ingenting ble lagret" in response.text
    assert count(session, Referral) == before


def test_post_with_tampered_csrf_token_is_refused_and_nothing_written(
    coordinator_client: TestClient, session: Session, units: Units
) -> None:
    token = csrf_from(coordinator_client.get("/referrals/new").text)
    before = count(session, Referral)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = coordinator_client.post(
        "/referrals/new", data={**referral_form(units), "csrf_token": tampered}, follow_redirects=False
    )
    assert response.status_code == 403
    assert count(session, Referral) == before


def test_token_of_another_session_is_refused(app: FastAPI, session: Session, units: Units) -> None:
    add_web_user(session, "koordinator", Role.COORDINATOR, "test-kom-4601")
    with TestClient(app, base_url="http://localhost") as mine, TestClient(app, base_url="http://localhost") as theirs:
        sign_in(mine, "koordinator")
        sign_in(theirs, "koordinator")
        their_token = csrf_from(theirs.get("/referrals/new").text)
        response = mine.post("/referrals/new", data={**referral_form(units), "csrf_token": their_token})
        assert response.status_code == 403


def test_every_page_post_checks_the_csrf_token(coordinator_client: TestClient) -> None:
    posts = [
        route.path
        for module in (auth, episodes, home, persons, referrals)
        for route in module.router.routes
        if isinstance(route, APIRoute) and "POST" in (route.methods or set())
    ]
    assert {"/login", "/logout", "/unit", "/referrals/new", "/persons/emergency"} <= set(posts)
    for path in posts:
        url = re.sub(r"\{[^}]+\}", "1", path)
        response = coordinator_client.post(url, data={"anything": "x"}, follow_redirects=False)
        assert response.status_code == 403, path


def test_login_form_also_needs_the_token(client: TestClient, session: Session, units: Units) -> None:
    add_web_user(session, "koordinator", Role.COORDINATOR, "test-kom-4601")
    response = client.post("/login", data={"username": "koordinator", "password": "x"}, follow_redirects=False)
    assert response.status_code == 403


def test_security_headers_on_pages_api_static_and_errors(coordinator_client: TestClient) -> None:
    for path in ("/", "/login", "/persons/999999", "/api/v1/units", "/static/helhet.css", "/static/no.css", "/nowhere"):
        headers = coordinator_client.get(path, follow_redirects=False).headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "script-src 'self'" in headers["content-security-policy"]
        assert headers["referrer-policy"] == "no-referrer", path
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["x-frame-options"] == "DENY", path
    assert coordinator_client.get("/").headers["cache-control"] == "no-store"


def test_api_keeps_problem_json_errors(client: TestClient) -> None:
    response = client.get("/api/v1/persons/1")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert client.get("/api/v1/nowhere").headers["content-type"].startswith("application/json")


def test_templates_have_no_inline_scripts_styles_or_handlers() -> None:
    for path in render.TEMPLATES_DIR.rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path
        assert not re.search(r"<style", text), path
        assert not re.search(r"\sstyle=", text), path
        assert not re.search(r"\son[a-z]+=", text), path
        assert "javascript:" not in text, path


def test_no_third_party_assets() -> None:
    for path in [*render.TEMPLATES_DIR.rglob("*.html"), *render.STATIC_DIR.rglob("*")]:
        if path.is_file():
            assert not re.search(r"(src|href)=\"(https?:)?//", path.read_text()), path


def test_script_tags_in_names_and_free_text_are_rendered_inert(
    client: TestClient, session: Session, units: Units
) -> None:
    referral = referral_to_assessment_unit(
        session,
        units,
        person={"given_name": SCRIPT, "family_name": "<img src=x onerror=alert(1)>"},
        what_matters=SCRIPT,
        reason=f"Henvist {SCRIPT}",
    )
    add_web_user(session, "vurderer", Role.CLINICIAN, "test-vurd")
    sign_in(client, "vurderer")
    for path in (f"/persons/{referral.person_id}", "/", f"/referrals/{referral.id}/assess"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert SCRIPT not in page.text, path
        assert "<img src=x" not in page.text, path
        assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in page.text, path


def test_oversize_form_is_refused_with_a_clear_message_and_nothing_written(
    coordinator_client: TestClient, session: Session
) -> None:
    token = csrf_from(coordinator_client.get("/persons/emergency").text)
    before = count(session, EmergencyAccess)
    response = coordinator_client.post(
        "/persons/emergency",
        data={"csrf_token": token, "fodselsnummer": synthetic_fnr(), "reason": "x" * 1_000_000},
    )
    assert response.status_code == 413
    assert "Skjemaet er for stort" in response.text
    assert "Ingenting ble lagret" in response.text
    assert count(session, EmergencyAccess) == before


def test_field_over_its_length_is_shown_beside_the_field(coordinator_client: TestClient, session: Session) -> None:
    token = csrf_from(coordinator_client.get("/persons/emergency").text)
    response = coordinator_client.post(
        "/persons/emergency",
        data={"csrf_token": token, "fodselsnummer": synthetic_fnr(), "reason": "x" * 3000},
    )
    assert response.status_code == 422
    assert 'id="f-reason-error"' in response.text
    assert "Bruk høyst 2000 tegn" in response.text


def test_static_files_are_served_from_the_package() -> None:
    assert Path(render.STATIC_DIR / "helhet.css").is_file()
    assert render.static_url("helhet.css").startswith("/static/helhet.css?v=")
