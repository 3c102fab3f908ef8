"""Rendering pages: one Jinja environment per language (autoescaped, gettext from the catalogs) and the
context every page shares (the signed-in user, units, language, CSRF token, flash messages)."""

from __future__ import annotations

import hashlib
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy.orm import Session

from helhet import i18n
from helhet.config import get_settings
from helhet.i18n import Language
from helhet.web import csrf, labels

if TYPE_CHECKING:
    from helhet.web.forms import FormState

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
_FLASH = "flash"


@cache
def environment(lang: Language) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"], default_for_string=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        # remembered per language: a list page formats the same few days and counts many times, and each Babel
        # call parses its pattern and locale again (``typed``: 1 and 1.0 are shown differently)
        date=lru_cache(maxsize=4096, typed=True)(partial(i18n.format_date, lang=lang)),
        datetime=lru_cache(maxsize=4096, typed=True)(partial(i18n.format_datetime, lang=lang)),
        number=lru_cache(maxsize=1024, typed=True)(partial(i18n.format_number, lang=lang)),
        language_name=partial(i18n.language_name, lang=lang),
        label=partial(labels.label, lang),
        fnr=spaced_fodselsnummer,
    )
    env.globals.update(lang=lang, static=static_url, options=partial(labels.options, lang))
    env.globals.update({enum.__name__: enum for enum in labels.LABELLED})
    return env


def spaced_fodselsnummer(value: str | None) -> str:
    """``170585 12345``: birth date and personal number apart, easier to read aloud and compare."""
    if not value:
        return ""
    return f"{value[:6]} {value[6:]}" if len(value) == 11 else value


@cache
def static_url(name: str) -> str:
    """``/static/helhet.css?v=<content hash>``: cached for long by browsers, renewed when the file changes."""
    digest = hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:10]
    return f"/static/{name}?v={digest}"


def lang_of(request: Request) -> Language:
    chosen = request.session.get("lang")
    return i18n.language_or_default(chosen or get_settings().locale)


def translate(request: Request, message: str) -> str:
    return i18n.gettext(lang_of(request), message)


def flash(request: Request, message: str) -> None:
    """A one-line confirmation shown on the next page (after the redirect that ends a form)."""
    request.session.setdefault(_FLASH, []).append(message)


def render(request: Request, template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    lang = lang_of(request)
    state = request.state
    page: dict[str, Any] = {
        "request": request,
        "csrf_token": csrf.token(request),
        "user": getattr(state, "user", None),
        "actor": getattr(state, "actor", None),
        "units": getattr(state, "units", []),
        "flashes": request.session.pop(_FLASH, []),
        "here": here(request),
        "demo_mode": get_settings().demo_mode,
    }
    page.update(context)
    html = environment(lang).get_template(template).render(page)
    return HTMLResponse(html, status_code=status_code, headers={"Content-Language": lang})


def render_read(
    request: Request, session: Session, template: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """A page that read a person's records: rendered, then committed, which keeps the access-log rows of the read
    (after a refused submit that was rolled back, they are the only thing written). Rendered first, so a template
    that fails leaves nothing logged as seen."""
    response = render(request, template, status_code=status_code, **context)
    session.commit()
    return response


def render_form(request: Request, session: Session, template: str, form: FormState, **context: Any) -> HTMLResponse:
    """A form page that read a person's records (``render_read``): status 422 when the form comes back with
    problems, so a refused submit is not mistaken for a success."""
    status = 422 if form.has_errors else 200
    return render_read(request, session, template, status_code=status, form=form, **context)


def here(request: Request) -> str:
    """The current path and query, for "come back here" links (language switch, sign-in)."""
    query = f"?{request.url.query}" if request.url.query else ""
    return request.url.path + query


def see_other(url: str) -> RedirectResponse:
    """After a successful POST: redirect, so a reload does not submit the form again."""
    return RedirectResponse(url, status_code=303)


def safe_next(value: str | None, default: str = "/") -> str:
    """A local path to return to; anything else (another site, ``//host``, ``/\\host``) goes home."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")) or "\n" in value or "\r" in value:
        return default
    return value
