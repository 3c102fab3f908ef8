"""The end of a posted action on a page: the version checked, the service called, then saved or shown again.

Every form of the coordination pages (handovers, tasks, appointments, relatives, vedtak) ends the same way::

    record = tasks.get_task(session, actor, task_id)  # the door: outsiders get 404 before anything else
    action = Action(TaskCancel, {"reason": text(form, "cancel_reason")},
                    lambda d: tasks.cancel_task(session, actor, task_id, d),
                    done=N_("The task is cancelled."), then=f"/tasks/{task_id}", rename={"reason": "cancel_reason"})
    action.data["version"] = checked_version(request, form, record.version, STALE["task"])
    return run(request, session, form, action, again=lambda: _task_page(..., status_code=422))

``run`` builds the input model and calls the service (``forms.submit``), then ``settle`` rolls back and shows
the page ``again`` (status 422, each problem beside its field in the user's language) or commits, flashes the
confirmation and redirects (303). The route says only what is its own: the fields, the call, the words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from helhet.i18n import N_
from helhet.web.forms import FormState, submit, text
from helhet.web.render import flash, lang_of, see_other, translate

OUT_OF_DATE = N_("The form is out of date; reload the page and try again.")

#: a version older than the record's: someone else saved in between
STALE = {
    "handover": N_(
        "Someone else changed this handover while you worked. Reload the page to see the change, then try again."
    ),
    "episode": N_(
        "Someone else changed this episode while you worked. Reload the page to see the change, then try again."
    ),
    "task": N_("Someone else changed this task while you worked. Reload the page to see the change, then try again."),
    "relative": N_(
        "Someone else changed this relative while you worked. Reload the page to see the change, then try again."
    ),
    "appointment": N_(
        "Someone else changed this appointment while you worked. Reload the page to see the change, then try again."
    ),
    "vedtak": N_(
        "Someone else changed this vedtak while you worked. Reload the page to see the change, then try again."
    ),
}


@dataclass(frozen=True)
class Action:
    """One posted action: the input model, the form's values for it, the service call and where it lands.

    ``done`` (an ``N_`` message) and ``then`` (a path) may be functions of what the call returned, for a
    confirmation that depends on it or the page of a record just made. ``rename`` maps a model field to the
    form field its problems are shown beside.
    """

    model: type[BaseModel]
    data: dict[str, Any]
    call: Callable[[Any], object]
    done: str | Callable[[Any], str]
    then: str | Callable[[Any], str]
    rename: Mapping[str, str] = field(default_factory=dict)


def checked_version(request: Request, form: FormState, current: int | None = None, stale: str = "") -> str | None:
    """The version the form was made against, as posted. A missing one is refused above the form; with
    ``current`` (the record's version now) a malformed one too, and an older one with the ``stale`` message.
    Without ``current`` the service compares it."""
    posted = text(form, "version")
    if posted is None or (current is not None and not posted.isdigit()):
        form.add(None, translate(request, OUT_OF_DATE))
    elif current is not None and int(posted) != current:
        form.add(None, translate(request, stale))
    return posted


def run(
    request: Request,
    session: Session,
    form: FormState,
    action: Action,
    again: Callable[[], Response],
) -> Response:
    """``action`` submitted and settled: saved and redirected, or rolled back and shown ``again`` (422)."""
    result = submit(form, lang_of(request), action.model, action.data, action.call, rename=action.rename)
    return settle(
        request,
        session,
        form,
        result,
        again=again,
        done=action.done,
        then=action.then,
        rename=action.rename,
    )


def settle(
    request: Request,
    session: Session,
    form: FormState,
    result: object | None,
    *,
    again: Callable[[], Response],
    done: str | Callable[[Any], str],
    then: str | Callable[[Any], str],
    rename: Mapping[str, str] | None = None,
) -> Response:
    """The end of a submit: refused (``result`` None) rolls back and shows the form again with every problem in
    the user's language (``again``, status 422); saved commits, flashes ``done`` and redirects to ``then``."""
    if result is None:
        session.rollback()
        beside_fields(form, rename)
        return again()
    session.commit()
    flash(request, translate(request, done(result) if callable(done) else done))
    return see_other(then(result) if callable(then) else then)


def beside_fields(form: FormState, rename: Mapping[str, str] | None = None) -> FormState:
    """Each problem beside the form's field: ``rename`` moves one from a model's field to the form's name for it
    (Pydantic's and the service's); the first problem of a field is shown. The messages are already in the user's
    language (``forms.submit``, ``web/messages.reason``)."""
    names, errors = rename or {}, dict[str, str]()
    for name, message in form.errors.items():
        errors.setdefault(names.get(name, name), message)
    form.errors = errors
    return form
