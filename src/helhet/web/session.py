"""The sign-in session: a signed cookie, with the idle timeout checked on the server.

The cookie holds a small dict (user id, active unit, CSRF token, language, flash messages) signed with
``settings.secret_key`` (itsdangerous). It is signed again on every page request with the current time, and a
cookie whose last signature is older than ``session_idle_minutes`` is refused by the server whatever the
browser does, so an unattended PC falls back to the sign-in page. The cookie is HttpOnly, SameSite=Lax, has no
Max-Age (it ends with the browser), and is Secure unless the host is localhost or 127.0.0.1.

API requests (bearer tokens) and static files never read or write it.
"""

from __future__ import annotations

from typing import Any

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from helhet import clock
from helhet.config import get_settings

COOKIE = "helhet_session"
EXPIRED = "helhet.session_expired"  # scope key: the cookie was valid but idle too long
IDLE_FLAG = "idle"  # session key: the next sign-in page explains that the last session timed out
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})
UNTOUCHED_PREFIXES = ("/api/", "/static/", "/healthz", "/openapi.json", "/docs", "/redoc")


class _ClockSigner(TimestampSigner):
    """Timestamps from ``helhet.clock``, so tests can move time with ``clock.freeze``."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="helhet.web.session", signer=_ClockSigner)


def is_local(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
    return name in LOCAL_HOSTS


def cookie_header(value: str, host: str) -> str:
    parts = [f"{COOKIE}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if not is_local(host):
        parts.append("Secure")
    return "; ".join(parts)


class WebSessionMiddleware:
    """Puts ``scope["session"]`` (``request.session``) in place for pages and writes it back signed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"].startswith(UNTOUCHED_PREFIXES):
            scope["session"] = {}  # an error page here renders without a sign-in, and sets no cookie
            await self.app(scope, receive, send)
            return
        settings = get_settings()
        signer = serializer(settings.secret_key)
        connection = HTTPConnection(scope)
        raw = connection.cookies.get(COOKIE)
        data: dict[str, Any] = {}
        if raw:
            try:
                loaded = signer.loads(raw, max_age=settings.session_idle_minutes * 60)
                data = loaded if isinstance(loaded, dict) else {}
            except SignatureExpired:
                scope[EXPIRED] = True
            except BadSignature:  # tampered, or signed with another secret
                data = {}
        scope["session"] = data
        host = connection.headers.get("host", "")

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                session = scope["session"]
                if session:
                    headers.append("Set-Cookie", cookie_header(signer.dumps(session), host))
                elif raw:
                    headers.append("Set-Cookie", cookie_header('""', host) + "; Max-Age=0")
            await send(message)

        await self.app(scope, receive, send_with_cookie)
