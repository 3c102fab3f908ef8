"""web/actions.py: the end of a posted action (saved and redirected, or rolled back and shown again) and the
version check; web/forms.number. No database: the session only has to be committed or rolled back."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from helhet.errors import Conflict, Invalid
from helhet.web.actions import STALE, Action, beside_fields, checked_version, run, settle
from helhet.web.forms import FormState, number


@dataclass
class FakeSession:
    done: list[str] = field(default_factory=list)

    def commit(self) -> None:
        self.done.append("commit")

    def rollback(self) -> None:
        self.done.append("rollback")


class Note(BaseModel):
    text: str = Field(min_length=1)
    version: int | None = None


@dataclass
class Saved:
    id: int


def request(lang: str = "en") -> Any:
    """What the helpers use of a request: its session (language, flashed messages)."""
    return SimpleNamespace(session={"lang": lang})


def again() -> Response:
    return HTMLResponse("form again", status_code=422)


def test_a_saved_action_commits_flashes_and_redirects_to_the_new_record() -> None:
    req, session, form = request("nb"), FakeSession(), FormState()
    action = Action(
        Note, {"text": "ok"}, lambda d: Saved(7), done="The task is created.", then=lambda saved: f"/x/{saved.id}"
    )

    response = run(req, session, form, action, again)  # type: ignore[arg-type]

    assert (response.status_code, response.headers["location"]) == (303, "/x/7")
    assert session.done == ["commit"]
    assert req.session["flash"] == ["Oppgaven er opprettet."]


def test_a_refused_action_rolls_back_and_shows_the_problem_beside_the_forms_field() -> None:
    req, session, form = request(), FakeSession(), FormState()

    def refuse(d: Note) -> Saved:
        raise Invalid("text", d.text, "say what is to be done")

    action = Action(Note, {"text": "x"}, refuse, done="saved", then="/x", rename={"text": "note_text"})
    response = run(req, session, form, action, again)  # type: ignore[arg-type]

    assert response.status_code == 422
    assert session.done == ["rollback"]
    assert list(form.errors) == ["note_text"]
    assert form.errors["note_text"] == "Say what is to be done"


def test_a_pydantic_problem_is_moved_to_the_forms_field_and_nothing_is_called() -> None:
    req, session, form = request(), FakeSession(), FormState()
    called: list[Note] = []
    action = Action(Note, {"text": ""}, called.append, done="saved", then="/x", rename={"text": "cancel_reason"})

    response = run(req, session, form, action, again)  # type: ignore[arg-type]

    assert response.status_code == 422 and called == [] and session.done == ["rollback"]
    assert set(form.errors) == {"cancel_reason"}


def test_a_conflict_is_shown_above_the_form() -> None:
    req, session, form = request(), FakeSession(), FormState()

    def conflict(d: Note) -> Saved:
        raise Conflict("the task is done")

    response = run(req, session, form, Action(Note, {"text": "x"}, conflict, "saved", "/x"), again)  # type: ignore[arg-type]

    assert response.status_code == 422
    assert form.general == ["This can no longer be changed: it is done"]
    assert form.errors == {}


def test_the_confirmation_may_depend_on_what_was_saved() -> None:
    req, session = request(), FakeSession()

    def done(saved: Saved) -> str:
        return f"saved {saved.id}"

    response = settle(req, session, FormState(), Saved(3), again=again, done=done, then="/x")  # type: ignore[arg-type]

    assert response.status_code == 303
    assert req.session["flash"] == ["saved 3"]


def test_checked_version_refuses_a_missing_or_older_version() -> None:
    stale = STALE["task"]
    missing, older, current, unread = (
        FormState(),
        FormState.of({"version": 2}),
        FormState.of({"version": 3}),
        FormState(),
    )

    assert checked_version(request(), missing, 3, stale) is None
    assert checked_version(request(), older, 3, stale) == "2"
    assert checked_version(request(), current, 3, stale) == "3"
    assert "out of date" in missing.general[0]
    assert older.general == [stale]
    assert current.general == []
    checked_version(request(), unread)  # no current version: only a missing one is refused here
    assert "out of date" in unread.general[0]


def test_checked_version_without_the_current_one_leaves_the_comparison_to_the_service() -> None:
    form = FormState.of({"version": "abc"})
    assert checked_version(request(), form) == "abc"
    assert form.general == []
    tampered = FormState.of({"version": "abc"})
    checked_version(request(), tampered, 3, STALE["task"])
    assert "out of date" in tampered.general[0]


def test_beside_fields_moves_a_problem_to_the_form_field_and_keeps_the_first_one() -> None:
    form = FormState(errors={"start_on": "Kan ikke være før starten", "starts_on": "first"}, general=["other"])

    beside_fields(form, rename={"start_on": "starts_on"})

    assert form.errors == {"starts_on": "Kan ikke være før starten"}
    assert form.general == ["other"]


def test_number_reads_a_decimal_comma_and_says_what_is_wrong() -> None:
    form = FormState.of({"volume": "7,5", "minutes": "4 5", "bad": "sju", "half": "1,5"})

    assert number(form, "volume", "en") == "7.5"
    assert number(form, "minutes", "en", whole=True) == "45"
    assert number(form, "missing", "en") is None and form.errors == {}
    assert number(form, "bad", "en") is None
    assert number(form, "half", "nb", whole=True) is None
    assert form.errors == {"bad": "Write a number, e.g. 7,5", "half": "Skriv et helt tall, for eksempel 45"}
