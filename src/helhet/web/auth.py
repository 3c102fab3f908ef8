"""Pages: sign in, sign out, choose the active unit, choose the language."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from helhet.i18n import LANGUAGES, N_, format_time
from helhet.users import sessions as web_sessions
from helhet.web import csrf
from helhet.web.deps import PASSWORD_KEY, SESSION_KEY, UNIT_KEY, USER_KEY, PageActor, PageSession, password_mark
from helhet.web.forms import FormState, PostedForm, csrf_guard
from helhet.web.render import flash, lang_of, render, safe_next, see_other, translate
from helhet.web.session import IDLE_FLAG
from helhet.web.signin import Refusal, sign_in

router = APIRouter(dependencies=[Depends(csrf_guard)], include_in_schema=False)
Next = Annotated[str | None, Query(alias="next", max_length=2000)]
MAX_USERNAME = 80
MAX_PASSWORD = 1000


def _start_session(request: Request, session: Session, user_id: int, mark: str) -> None:
    """A fresh session at sign-in: nothing from before survives but the language (no session fixation)."""
    lang = request.session.get("lang")
    request.session.clear()
    if lang:
        request.session["lang"] = lang
    request.session[USER_KEY] = user_id
    request.session[PASSWORD_KEY] = mark
    request.session[SESSION_KEY] = web_sessions.start_session(session, user_id)
    csrf.rotate(request)


@router.get("/login")
def login_page(request: Request, next_path: Next = None) -> Response:
    if request.session.get(USER_KEY):
        return see_other(safe_next(next_path))
    return render(
        request,
        "auth/login.html",
        form=FormState(),
        next_path=safe_next(next_path),
        expired=bool(request.session.pop(IDLE_FLAG, False)),
    )


@router.post("/login")
def login(request: Request, session: PageSession, form: PostedForm, next_path: Next = None) -> Response:
    username = form.value("username")[:MAX_USERNAME]
    password = form.value("password")
    if len(password) > MAX_PASSWORD:
        password = ""  # never a match, and no hashing of a huge input
    target = safe_next(form.value("next") or next_path)
    result = sign_in(session, username, password)
    if result.user is not None:
        _start_session(request, session, result.user.id, password_mark(result.user))
    session.commit()  # failed attempts and lock-outs are kept, even though the sign-in is refused
    if result.user is None:
        state = FormState.of({"username": username})
        if result.refusal == Refusal.LOCKED and result.locked_until is not None:
            message = translate(request, N_("Too many failed attempts. Try again after %(time)s.")) % {
                "time": format_time(result.locked_until, lang_of(request))
            }
            status = 423
        elif result.refusal == Refusal.DEMO_ONLY:
            message = translate(request, N_("This is a demo user; it can only sign in to a demo installation."))
            status = 403
        else:
            message = translate(request, N_("The user name or password is wrong."))
            status = 401
        state.add(None, message)
        return render(request, "auth/login.html", status_code=status, form=state, next_path=target, expired=False)
    units = {m.unit_id for m in result.user.memberships}
    if len(units) > 1:
        return see_other(f"/unit?next={quote(target, safe='')}")
    if units:
        request.session[UNIT_KEY] = next(iter(units))
    return see_other(target)


@router.post("/logout")
def logout(request: Request, session: PageSession, _form: PostedForm) -> Response:
    web_sessions.end_session(session, request.session.get(SESSION_KEY))
    session.commit()  # the cookie's session ends on the server, so a kept copy of it is refused
    lang = request.session.get("lang")
    request.session.clear()
    if lang:
        request.session["lang"] = lang
    csrf.rotate(request)
    flash(request, translate(request, N_("You are signed out.")))
    return see_other("/login")


@router.get("/unit")
def unit_page(request: Request, actor: PageActor, next_path: Next = None) -> Response:
    state = FormState.of({"unit_id": actor.active_unit_id})
    return render(request, "auth/unit.html", form=state, next_path=safe_next(next_path))


@router.post("/unit")
def choose_unit(request: Request, actor: PageActor, form: PostedForm) -> Response:
    chosen = form.value("unit_id")
    target = safe_next(form.value("next"))
    if not chosen.isdigit() or int(chosen) not in actor.unit_ids:
        form.add("unit_id", translate(request, N_("Choose one of your units")))
        return render(request, "auth/unit.html", status_code=422, form=form, next_path=target)
    request.session[UNIT_KEY] = int(chosen)
    return see_other(target)


@router.get("/lang/{code}")
def choose_language(request: Request, code: str, next_path: Next = None) -> Response:
    if code in LANGUAGES:
        request.session["lang"] = code
    return see_other(safe_next(next_path))
