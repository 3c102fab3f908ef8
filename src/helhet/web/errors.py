"""Errors as pages for the browser, problem+json for the API: one handler per error chooses by path.

``api/problems.py`` installs the JSON handlers; ``install`` wraps them, so a request under /api keeps its
problem+json answer and every other request gets a page in the user's language.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse, RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from helhet.deps import Unauthenticated
from helhet.errors import Conflict, Forbidden, Invalid, NotFound
from helhet.i18n import N_
from helhet.web import messages
from helhet.web.csrf import CsrfFailed
from helhet.web.deps import NotSignedIn
from helhet.web.forms import MAX_FORM_BYTES, FormTooLarge
from helhet.web.render import lang_of, render, translate
from helhet.web.session import EXPIRED, IDLE_FLAG

log = logging.getLogger(__name__)
Handler = Callable[[Request, Any], Awaitable[Response] | Response]
PageHandler = Callable[[Request, Any], Response]


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def error_page(request: Request, status: int, title: str, message: str) -> Response:
    return render(
        request,
        "errors/error.html",
        status_code=status,
        title=translate(request, title),
        message=message,
    )


def _not_signed_in(request: Request, exc: NotSignedIn) -> Response:
    if request.scope.get(EXPIRED):
        request.session[IDLE_FLAG] = True  # the sign-in page says why
    return RedirectResponse(f"/login?next={quote(exc.next_path, safe='')}", status_code=303)


def _csrf(request: Request, _: CsrfFailed) -> Response:
    log.warning("csrf.refused path=%s", request.url.path)
    return error_page(
        request,
        403,
        N_("The form could not be sent"),
        translate(
            request,
            N_(
                "The form was out of date or did not come from Helhet, so nothing was saved. "
                "Go back, reload the page and try again."
            ),
        ),
    )


def _too_large(request: Request, _: FormTooLarge) -> Response:
    kilobytes = MAX_FORM_BYTES // 1024
    return error_page(
        request,
        413,
        N_("The form is too large"),
        translate(request, N_("Nothing was saved. A form can hold at most %(kb)s kB of text; shorten the text."))
        % {"kb": kilobytes},
    )


def _not_found(request: Request, _: Exception) -> Response:
    return error_page(
        request,
        404,
        N_("Not found"),
        translate(request, N_("There is nothing here, or you have no access to it.")),
    )


def _forbidden(request: Request, exc: Forbidden) -> Response:
    return error_page(request, 403, N_("Not allowed"), messages.reason(lang_of(request), str(exc)))


def _conflict(request: Request, exc: Conflict) -> Response:
    return error_page(request, 409, N_("This could not be done"), messages.reason(lang_of(request), str(exc)))


def _invalid(request: Request, exc: Invalid) -> Response:
    lang = lang_of(request)
    text = "; ".join(messages.reason(lang, p.reason) for p in exc.problems)
    return error_page(request, 422, N_("Check what you typed"), text)


def _http(request: Request, exc: StarletteHTTPException) -> Response:
    if exc.status_code == 404:
        return _not_found(request, exc)
    if exc.status_code == 405:
        return error_page(request, 405, N_("Not allowed"), translate(request, N_("This address cannot be used so.")))
    return error_page(request, exc.status_code, N_("Something went wrong"), str(exc.detail))


def _bad_address(request: Request, _: RequestValidationError) -> Response:
    # pages read forms themselves, so this is a malformed address such as /persons/abc
    return _not_found(request, _)


def _unauthenticated(request: Request, _: Unauthenticated) -> Response:
    return RedirectResponse("/login", status_code=303)


def _server_error(request: Request, exc: Exception) -> Response:
    if is_api(request):
        return PlainTextResponse("Internal Server Error", status_code=500)
    return error_page(
        request,
        500,
        N_("Something went wrong"),
        translate(request, N_("Nothing was saved. Try again; if it happens again, tell your system administrator.")),
    )


def _choose(page: PageHandler, api: Handler | None) -> Handler:
    async def handler(request: Request, exc: Any) -> Response:
        if is_api(request) and api is not None:
            result = api(request, exc)
            return await result if isinstance(result, Awaitable) else result
        return page(request, exc)

    return handler


def install(app: FastAPI) -> None:
    """Pages get HTML errors; /api keeps the handlers already installed (problem+json)."""
    existing = dict(app.exception_handlers)
    pages: dict[Any, PageHandler] = {
        NotFound: _not_found,
        Forbidden: _forbidden,
        Conflict: _conflict,
        Invalid: _invalid,
        Unauthenticated: _unauthenticated,
        RequestValidationError: _bad_address,
        StarletteHTTPException: _http,
        CsrfFailed: _csrf,
        FormTooLarge: _too_large,
        NotSignedIn: _not_signed_in,
    }
    fallback: dict[Any, Handler] = {
        RequestValidationError: request_validation_exception_handler,
        StarletteHTTPException: http_exception_handler,
    }
    for exc_class, page in pages.items():
        app.add_exception_handler(exc_class, _choose(page, existing.get(exc_class, fallback.get(exc_class))))
    app.add_exception_handler(500, _server_error)
