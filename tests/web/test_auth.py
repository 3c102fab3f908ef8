"""Sign-in, lock-out, demo users, the session cookie, idle timeout, sign-out and the unit choice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from helhet import clock
from helhet.config import get_settings
from helhet.users import service as users
from helhet.users import sessions as web_sessions
from helhet.users.actor import SYSTEM
from helhet.users.models import Role
from helhet.web.session import COOKIE
from tests.personas import Units
from tests.web.conftest import PASSWORD, add_web_user, csrf_from, sign_in


@pytest.fixture
def nurse(session: Session, units: Units) -> str:
    add_web_user(session, "sykepleier", Role.CLINICIAN, "test-poli")
    return "sykepleier"


def test_signed_out_page_redirects_to_sign_in_and_back(client: TestClient, nurse: str) -> None:
    response = client.get("/persons/search?q=kari", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fpersons%2Fsearch%3Fq%3Dkari"
    login_page = client.get(response.headers["location"]).text
    token = csrf_from(login_page)
    signed_in = client.post(
        "/login",
        data={"username": nurse, "password": PASSWORD, "csrf_token": token, "next": "/persons/search?q=kari"},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/persons/search?q=kari"


def test_sign_in_with_the_right_password_opens_the_worklist(client: TestClient, nurse: str) -> None:
    response = sign_in(client, nurse)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Arbeidsliste" in home.text
    assert "Sykepleier" in home.text


def test_wrong_password_and_unknown_user_get_the_same_message(client: TestClient, nurse: str) -> None:
    wrong = sign_in(client, nurse, "feil-passord-123")
    unknown = sign_in(client, "finnes.ikke", "feil-passord-123")
    assert wrong.status_code == unknown.status_code == 401
    assert "Brukernavnet eller passordet er feil." in wrong.text
    assert "Brukernavnet eller passordet er feil." in unknown.text
    assert client.get("/", follow_redirects=False).status_code == 303  # still signed out


def test_the_typed_user_name_is_kept_but_never_the_password(client: TestClient, nurse: str) -> None:
    response = sign_in(client, nurse, "hemmelig-feil-passord")
    assert 'value="sykepleier"' in response.text
    assert "hemmelig-feil-passord" not in response.text


def test_lock_out_after_repeated_failures_says_when_to_try_again(
    client: TestClient, session: Session, nurse: str
) -> None:
    limit = get_settings().max_failed_logins
    for _ in range(limit - 1):
        assert sign_in(client, nurse, "feil-passord-123").status_code == 401
    locked = sign_in(client, nurse, "feil-passord-123")
    assert locked.status_code == 423
    assert "For mange mislykkede forsøk. Prøv igjen etter kl." in locked.text
    user = users.get_user_by_name(session, nurse)
    session.refresh(user)
    assert user.locked_until is not None
    assert user.locked_until > clock.now() + timedelta(minutes=get_settings().lockout_minutes - 1)
    # the right password does not help while locked
    assert sign_in(client, nurse).status_code == 423


def test_lock_out_ends_after_the_lock_out_time(client: TestClient, session: Session, nurse: str) -> None:
    for _ in range(get_settings().max_failed_logins):
        sign_in(client, nurse, "feil-passord-123")
    later = clock.now() + timedelta(minutes=get_settings().lockout_minutes + 1)
    with clock.freeze(later):
        assert sign_in(client, nurse).status_code == 303
    user = users.get_user_by_name(session, nurse)
    session.refresh(user)
    assert user.locked_until is None and user.failed_logins == 0


def test_demo_user_is_refused_outside_demo_mode(
    client: TestClient, session: Session, units: Units, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_web_user(session, "demo.behandler", Role.CLINICIAN, "test-poli", demo_only=True)
    monkeypatch.setattr(get_settings(), "demo_mode", False)
    refused = sign_in(client, "demo.behandler")
    assert refused.status_code == 403
    assert "demobruker" in refused.text
    monkeypatch.setattr(get_settings(), "demo_mode", True)
    assert sign_in(client, "demo.behandler").status_code == 303


def test_session_of_a_demo_user_ends_when_demo_mode_is_turned_off(
    client: TestClient, session: Session, units: Units, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_web_user(session, "demo.behandler", Role.CLINICIAN, "test-poli", demo_only=True)
    monkeypatch.setattr(get_settings(), "demo_mode", True)
    sign_in(client, "demo.behandler")
    assert client.get("/", follow_redirects=False).status_code == 200
    monkeypatch.setattr(get_settings(), "demo_mode", False)
    assert client.get("/", follow_redirects=False).status_code == 303


def test_session_cookie_is_http_only_lax_and_secure_outside_localhost(app: FastAPI, nurse: str) -> None:
    with TestClient(app, base_url="http://localhost") as local:
        cookie = sign_in(local, nurse).headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert "Secure" not in cookie
    with TestClient(app, base_url="https://helhet.example.no") as remote:
        cookie = remote.get("/login").headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
        assert "Max-Age" not in cookie  # ends with the browser


def test_tampered_session_cookie_is_not_trusted(client: TestClient, nurse: str) -> None:
    sign_in(client, nurse)
    value = client.cookies["helhet_session"]
    body = value.lstrip(".")  # a compressed session starts with "."
    payload, _, signature = body.partition(".")
    changed = payload[:-1] + ("A" if payload[-1] != "A" else "B")  # one character of the signed text
    client.cookies.clear()
    client.cookies.set("helhet_session", value[: len(value) - len(body)] + changed + "." + signature)
    assert client.get("/", follow_redirects=False).status_code == 303


def test_idle_session_ends_on_the_server(client: TestClient, nurse: str) -> None:
    sign_in(client, nurse)
    assert client.get("/", follow_redirects=False).status_code == 200
    idle = timedelta(minutes=get_settings().session_idle_minutes + 1)
    with clock.freeze(clock.now() + idle):
        response = client.get("/", follow_redirects=False)
        assert response.status_code == 303
        login = client.get(response.headers["location"])
        assert "inaktiv" in login.text


def test_activity_keeps_the_session_alive(client: TestClient, nurse: str) -> None:
    sign_in(client, nurse)
    step = timedelta(minutes=get_settings().session_idle_minutes - 1)
    start = clock.now()
    for n in (1, 2, 3):
        with clock.freeze(start + n * step):
            assert client.get("/", follow_redirects=False).status_code == 200


def test_sign_out_ends_the_session(client: TestClient, nurse: str) -> None:
    sign_in(client, nurse)
    token = csrf_from(client.get("/").text)
    response = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert "Du er logget ut." in client.get("/login").text
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_kept_copy_of_the_cookie_is_refused_after_sign_out(client: TestClient, nurse: str) -> None:
    sign_in(client, nurse)
    kept = client.cookies.get(COOKIE)
    token = csrf_from(client.get("/").text)
    client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    client.cookies.set(COOKIE, kept or "", domain="localhost")
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_ending_all_sessions_of_a_user_signs_them_out(client: TestClient, session: Session, nurse: str) -> None:
    sign_in(client, nurse)
    assert client.get("/", follow_redirects=False).status_code == 200
    user = users.get_user_by_name(session, nurse)
    assert web_sessions.end_all_sessions(session, SYSTEM, user.id) == 1
    session.commit()
    assert client.get("/", follow_redirects=False).status_code == 303
    assert web_sessions.end_all_sessions(session, SYSTEM, user.id) == 0  # nothing left open


def test_changed_password_ends_other_sessions(client: TestClient, session: Session, nurse: str) -> None:
    sign_in(client, nurse)
    user = users.get_user_by_name(session, nurse)
    user.password_hash = users.hash_password("et-helt-nytt-passord")
    session.commit()
    assert client.get("/", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/", "/\\evil.example"])
def test_sign_in_never_redirects_to_another_site(client: TestClient, nurse: str, target: str) -> None:
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": nurse, "password": PASSWORD, "csrf_token": token, "next": target},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_user_of_several_units_chooses_one_and_can_switch(client: TestClient, session: Session, units: Units) -> None:
    add_web_user(session, "to.enheter", Role.CLINICIAN, "test-vurd", "test-poli")
    response = sign_in(client, "to.enheter")
    assert response.headers["location"] == "/unit?next=%2F"
    page = client.get("/unit")
    assert "Velg enhet" in page.text
    token = csrf_from(page.text)
    chosen = client.post(
        "/unit", data={"unit_id": str(units.poli.id), "next": "/", "csrf_token": token}, follow_redirects=False
    )
    assert chosen.status_code == 303
    home = client.get("/").text
    assert "Poliklinikk rus (test)" in home.split("<main")[1]  # the worklist is for the chosen unit
    switched = client.post("/unit", data={"unit_id": str(units.assessment.id), "next": "/", "csrf_token": token})
    assert "Vurderingsinstans TSB (test)" in switched.text.split("<main")[1]


def test_a_unit_one_does_not_belong_to_cannot_be_chosen(client: TestClient, session: Session, units: Units) -> None:
    add_web_user(session, "to.enheter", Role.CLINICIAN, "test-vurd", "test-poli")
    sign_in(client, "to.enheter")
    token = csrf_from(client.get("/unit").text)
    response = client.post("/unit", data={"unit_id": str(units.other.id), "next": "/", "csrf_token": token})
    assert response.status_code == 422
    assert "Velg en av enhetene dine" in response.text
