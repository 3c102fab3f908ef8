"""FastAPI dependencies: a database session per request and the acting user (bearer token for the API)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

from helhet.db import session_factory
from helhet.errors import Invalid
from helhet.users import service as users
from helhet.users.actor import Actor


class Unauthenticated(Exception):
    """No valid credentials: 401 for the API, a redirect to sign-in for pages."""


def get_session() -> Iterator[Session]:
    # Routes commit themselves (one user action, one transaction); leaving without a commit rolls back.
    with session_factory()() as session:
        yield session


DbSession = Annotated[Session, Depends(get_session)]


def api_actor(request: Request, session: DbSession) -> Actor:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("send 'Authorization: Bearer <token>' (helhet users token NAME prints one)")
    user = users.user_for_token(session, token.strip())
    if user is None:
        raise Unauthenticated("the token is unknown, expired or revoked")
    unit = request.headers.get("x-helhet-unit")
    active = int(unit) if unit and unit.isdigit() else None
    return users.actor_for(user, active)


ApiActor = Annotated[Actor, Depends(api_actor)]


def if_match_version(if_match: Annotated[str | None, Header()] = None) -> int | None:
    """The version named in an ``If-Match: "3"`` header, if any."""
    if if_match is None:
        return None
    raw = if_match.strip().removeprefix("W/").strip('"')
    if not raw.isdigit():
        raise Invalid("If-Match", if_match, 'send the ETag you read, e.g. "3"')
    return int(raw)


IfMatch = Annotated[int | None, Depends(if_match_version)]
