"""Small helpers shared by the API routers."""

from __future__ import annotations

from fastapi import Response

from helhet.errors import Invalid


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = f'"{version}"'


def require_version(header: int | None, body: int | None) -> int:
    """Updates must say which version they change, so a stale update is refused, never silently applied."""
    if header is not None and body is not None and header != body:
        raise Invalid("version", body, f"differs from If-Match {header}")
    version = header if header is not None else body
    if version is None:
        raise Invalid("version", None, "send the version you read (If-Match header or a version field)")
    return version
