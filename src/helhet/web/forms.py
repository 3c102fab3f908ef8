"""Posted forms: size limits and the CSRF check on the way in; values and errors on the way back.

A failed submit shows the form again with what the user typed (``FormState.values``) and each problem beside
its field (``FormState.errors``), whether it came from Pydantic or from a service's ``Invalid``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Annotated, Any, TypeVar, get_args

from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError

from helhet.errors import Conflict, Forbidden, Invalid
from helhet.i18n import N_, Language, gettext
from helhet.web import csrf, messages

#: the longest form (a referral: 10,000 characters of reason, 5,000 of "what matters") fits well within this
MAX_FORM_BYTES = 256 * 1024
MAX_FIELDS = 200
_DAY_FIRST = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$")

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


class FormTooLarge(Exception):
    """More than MAX_FORM_BYTES, or no Content-Length: refused before anything is read."""


@dataclass
class FormState:
    """What a form shows: the values (typed or defaults) and a message per field in error."""

    values: dict[str, list[str]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # filled while the fields render, for the summary

    @classmethod
    def of(cls, defaults: Mapping[str, object] | None = None) -> FormState:
        values: dict[str, list[str]] = {}
        for name, value in (defaults or {}).items():
            if value is None:
                continue
            items = value if isinstance(value, list | tuple | set | frozenset) else [value]
            values[name] = [_text(v) for v in items]
        return cls(values=values)

    def value(self, name: str) -> str:
        found = self.values.get(name)
        return found[0] if found else ""

    def all(self, name: str) -> list[str]:
        return self.values.get(name, [])

    def checked(self, name: str, value: str = "true") -> bool:
        return value in self.values.get(name, [])

    def error(self, name: str) -> str | None:
        return self.errors.get(name)

    def remember(self, name: str, label: str) -> str:
        """Called by each field as it renders, so the error summary can name the field."""
        self.labels[name] = label
        return ""

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.general)

    def add(self, name: str | None, message: str) -> None:
        if name is None:
            self.general.append(message)
        elif name not in self.errors:
            self.errors[name] = message


def _text(value: object) -> str:
    if isinstance(value, date):
        return f"{value.day:02d}.{value.month:02d}.{value.year}"  # as the user types it
    if isinstance(value, bool):
        return "true" if value else ""
    return str(getattr(value, "value", value))


async def read_form(request: Request) -> FormState:
    """The posted form, once per request: refused if too large, then checked for this session's CSRF token."""
    cached = getattr(request.state, "form", None)
    if isinstance(cached, FormState):
        return cached
    length = request.headers.get("content-length", "")
    if not length.isdigit() or int(length) > MAX_FORM_BYTES:
        raise FormTooLarge()
    form = await request.form(max_files=0, max_fields=MAX_FIELDS, max_part_size=MAX_FORM_BYTES)
    csrf.check(request, form.get(csrf.FIELD))
    values: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if key != csrf.FIELD and isinstance(value, str):
            values.setdefault(key, []).append(value)
    state = FormState(values=values)
    request.state.form = state
    return state


async def csrf_guard(request: Request) -> None:
    """Router dependency: every POST to a page is checked, whether or not its route reads the form."""
    if request.method == "POST":
        await read_form(request)


PostedForm = Annotated[FormState, Depends(read_form)]


# From form values to input models -------------------------------------------------------------------------


def text(form: FormState, name: str) -> str | None:
    """The trimmed value, None when empty (an empty optional field means "not given")."""
    value = form.value(name).strip()
    return value or None


def day(form: FormState, name: str) -> str | None:
    """A date typed as dd.mm.yyyy (or sent as yyyy-mm-dd by a date picker), as ISO text for Pydantic."""
    value = text(form, name)
    if value is None:
        return None
    match = _DAY_FIRST.match(value)
    if match:
        d, m, y = match.groups()
        return f"{y}-{int(m):02d}-{int(d):02d}"
    return value


def flag(form: FormState, name: str) -> bool:
    return form.value(name) in ("true", "on", "1", "yes")


def build(model: type[M], data: dict[str, Any], lang: Language, state: FormState, prefix: str = "") -> M | None:
    """``model`` from ``data``, or None with every validation problem added to ``state`` beside its field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = error.get("loc", ())
            message = messages.validation_message(lang, dict(error), choice=is_choice(model, loc))
            state.add(field_name(loc, prefix), message)
        return None


def is_choice(model: type[BaseModel], loc: Iterable[object]) -> bool:
    """Whether the field at ``loc`` is chosen (an enum, a list of them, a yes/no), not typed."""
    annotation: Any = model
    for part in loc:
        if not isinstance(part, str):
            continue
        nested = next((t for t in _types(annotation) if isinstance(t, type) and issubclass(t, BaseModel)), None)
        if nested is None or part not in nested.model_fields:
            return False
        annotation = nested.model_fields[part].annotation
    return any(isinstance(t, type) and issubclass(t, Enum | bool) for t in _types(annotation))


def _types(annotation: Any) -> list[Any]:
    """The plain types inside ``X | None``, ``list[X]`` and the like."""
    args = get_args(annotation)
    return [t for arg in args for t in _types(arg)] if args else [annotation]


def field_name(loc: Iterable[object], prefix: str = "") -> str:
    """A Pydantic location as the form field name: ``("person", "given_name")`` is ``given_name`` when the
    person's fields are posted without a prefix; list positions are dropped (``substances``)."""
    parts = [str(p) for p in loc if not isinstance(p, int)]
    if prefix and parts and parts[0] == prefix:
        parts = parts[1:]
    return ".".join(parts)


def add_invalid(state: FormState, exc: Invalid, lang: Language, rename: Mapping[str, str] | None = None) -> FormState:
    """A service's problems beside their fields (``rename`` maps a service field to the form's name)."""
    for problem in exc.problems:
        name = (rename or {}).get(problem.field, problem.field)
        state.add(name, messages.reason(lang, problem.reason))
    return state


def general_error(state: FormState, lang: Language, message: str) -> FormState:
    state.add(None, messages.reason(lang, message))
    return state


def submit(
    form: FormState,
    lang: Language,
    model: type[M],
    data: Mapping[str, Any],
    action: Callable[[M], T],
    *,
    rename: Mapping[str, str] | None = None,
    prefix: str = "",
) -> T | None:
    """One form submit: ``model`` from ``data`` (None values left out, so defaults apply), then ``action``.

    Every problem lands in ``form`` beside its field (Pydantic's, a service's ``Invalid``) or above the form
    (``Forbidden``, ``Conflict``, a stale version). Returns the action's result, or None when anything failed
    or the form already had errors (so the action must return something: the record it changed); the route
    then rolls back and shows the form again with status 422::

        episode = submit(form, lang, EpisodeCreate, data, lambda d: episodes.start_episode(session, actor, rid, d))
        if episode is None:
            session.rollback()
            return _page(request, session, actor, form, status_code=422)
        session.commit()
    """
    parsed = build(model, {k: v for k, v in data.items() if v is not None}, lang, form, prefix)
    if parsed is None or form.has_errors:
        return None
    try:
        return action(parsed)
    except Invalid as exc:
        add_invalid(form, exc, lang, rename)
    except (Forbidden, Conflict) as exc:
        general_error(form, lang, str(exc))
    return None


def number(form: FormState, name: str, lang: Language, *, whole: bool = False) -> str | None:
    """A number as typed in Norway (``7,5``), as text for Pydantic; a problem beside the field if it is none."""
    value = text(form, name)
    if value is None:
        return None
    cleaned = value.replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        int(cleaned) if whole else float(cleaned)
    except ValueError:
        message = N_("Write a whole number, e.g. 45") if whole else N_("Write a number, e.g. 7,5")
        form.add(name, gettext(lang, message))
        return None
    return cleaned
