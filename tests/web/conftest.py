"""Web fixtures: the real app with the pages installed, on the rolled-back test session.

Setup is committed before requests (``commit_setup``): page routes roll back a refused submit, and on the
test session that rollback would otherwise take uncommitted setup with it. The outer transaction of the
``session`` fixture still removes everything after the test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from helhet import web
from helhet.app import create_app
from helhet.deps import get_session
from helhet.users import service as users
from helhet.users.actor import SYSTEM
from helhet.users.models import Role, User
from tests.personas import Units

PASSWORD = "riktig-hest-batteri"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app(session: Session) -> FastAPI:
    app = create_app()
    web.install(app)
    app.dependency_overrides[get_session] = lambda: session
    return app


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    # "localhost": the session cookie is not Secure there, so the test client sends it over http
    with TestClient(app, base_url="http://localhost") as client:
        yield client


@pytest.fixture
def assessor(client: TestClient, session: Session, units: Units) -> TestClient:
    """A clinician of the assessment unit, signed in."""
    add_web_user(session, "vurderer", Role.CLINICIAN, "test-vurd")
    sign_in(client, "vurderer")
    return client


def add_web_user(
    session: Session, username: str, role: Role, *unit_codes: str, demo_only: bool = False, password: str = PASSWORD
) -> User:
    user = users.add_user(
        session,
        SYSTEM,
        users.NewUser(
            username=username,
            full_name=username.replace(".", " ").title(),
            role=role,
            password=password,
            unit_codes=unit_codes,
            demo_only=demo_only,
        ),
    )
    session.commit()
    return user


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> Any:
    token = csrf_from(client.get("/login").text)
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}, follow_redirects=False
    )


def post_form(client: TestClient, path: str, data: Mapping[str, object], page: str | None = None) -> Any:
    """Post ``data`` with the CSRF token of ``page`` (default: ``path`` itself), without following redirects."""
    token = csrf_from(client.get(page or path).text)
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)
