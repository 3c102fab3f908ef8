"""CSRF protection: one random token per sign-in session, in a hidden field of every POST form.

The token lives in the signed session cookie; a POST whose ``csrf_token`` field is missing or differs is
refused with a 403 page before the route runs, so nothing is written. SameSite=Lax on the cookie is a second
line of defence, not the only one.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request

FIELD = "csrf_token"
_KEY = "csrf"


class CsrfFailed(Exception):
    """The form did not carry this session's token (expired session, another site, or a tampered form)."""


def token(request: Request) -> str:
    """This session's token, created on first use."""
    current = request.session.get(_KEY)
    if not isinstance(current, str) or not current:
        current = secrets.token_urlsafe(32)
        request.session[_KEY] = current
    return current


def rotate(request: Request) -> None:
    """A new token at sign-in and sign-out, so a token seen before sign-in is worthless after."""
    request.session[_KEY] = secrets.token_urlsafe(32)


def check(request: Request, sent: object) -> None:
    expected = request.session.get(_KEY)
    if not isinstance(sent, str) or not isinstance(expected, str) or not expected:
        raise CsrfFailed()
    if not hmac.compare_digest(sent.encode(), expected.encode()):
        raise CsrfFailed()
