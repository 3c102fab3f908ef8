"""Pages: the person's relatives (pårørende), the person's consent to share with each, and involvement.

Consent is never deleted: a withdrawal is recorded beside it and the history stays on the relative's page,
with a box that shows what the relative may be told under the consent in force today.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from helhet import clock
from helhet.errors import NotFound
from helhet.i18n import N_
from helhet.persons import service as persons
from helhet.persons.models import Person
from helhet.relatives import consent as consents
from helhet.relatives import service as relatives
from helhet.relatives import view as views
from helhet.relatives.models import Consent
from helhet.relatives.schemas import (
    ConsentCreate,
    ConsentWithdraw,
    InvolvementRecord,
    RelativeCreate,
    RelativeRead,
    RelativeUpdate,
    RelativeView,
)
from helhet.users.actor import Actor
from helhet.web.actions import STALE, Action, checked_version, run
from helhet.web.deps import PageActor, PageSession
from helhet.web.forms import FormState, PostedForm, csrf_guard, day, flag, text
from helhet.web.render import render_form, render_read, translate

router = APIRouter(dependencies=[Depends(csrf_guard)], include_in_schema=False)

#: the relatives' services' fixed reasons, so the catalog has them
REASONS = (
    N_("a consent that has already run out gives nothing"),
    N_("use digits, spaces and an optional leading +"),
    N_("not an e-mail address"),
    N_("must be a real date no later than today"),
    N_("the unit has no care relationship with the person"),
    N_("record that it was offered, accepted or declined"),
    N_("use a language code such as ar, so, pl, uk or nsl"),
    N_("none of your units serves the person, so no unit gives this number"),
)


#: what each scope lets staff share, in plain words (the list page and the relative's page)
SCOPE_WORDS = {
    "none": N_(
        "General information only: who to contact, how the service works, the rights of relatives. "
        "Nothing about the person's health or treatment."
    ),
    "general": N_(
        "General information only: who to contact, how the service works, the rights of relatives. "
        "Nothing about the person's health or treatment."
    ),
    "meetings": N_("General information, and may take part in meetings: when, where and how they are held."),
    "full": N_(
        "Full information about health and care: meetings with their purpose, the episodes of care and the care plan."
    ),
}


# The person's relatives ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RelativeRow:
    relative: RelativeRead
    consent: Consent | None  # in force today


@router.get("/persons/{person_id}/relatives")
def relatives_list(request: Request, person_id: int, session: PageSession, actor: PageActor) -> Response:
    person = persons.get_person(session, actor, person_id, what="relatives")
    today = clock.today()
    rows = [
        RelativeRow(relatives.describe(session, r), consents.current_consent(session, r.id, today))
        for r in relatives.relatives_of(session, actor, person_id)
    ]
    return render_read(request, session, "relatives/list.html", person=person, rows=rows, scope_words=SCOPE_WORDS)


#: the fields of a relative typed as text, on the register and the edit form alike
TEXT_FIELDS = (
    "given_name",
    "family_name",
    "relationship",
    "phone",
    "email",
    "preferred_language",
    "interpreter_language",
    "contact_phone",
)


def _details(form: FormState) -> dict[str, object]:
    """The relative's details as posted (register and edit): names empty rather than missing, so the message
    beside them says "fill in", not "choose"."""
    data: dict[str, object] = {name: text(form, name) for name in TEXT_FIELDS}
    data.update(
        given_name=data["given_name"] or "",
        family_name=data["family_name"] or "",
        birth_date=day(form, "birth_date"),
        is_nearest=flag(form, "is_nearest"),
        interpreter_needed=flag(form, "interpreter_needed"),
    )
    return data


def _new_page(request: Request, session: PageSession, person: Person, form: FormState, status: int = 200) -> Response:
    return render_read(request, session, "relatives/new.html", status_code=status, form=form, person=person)


@router.get("/persons/{person_id}/relatives/new")
def new_relative(request: Request, person_id: int, session: PageSession, actor: PageActor) -> Response:
    person = persons.get_person(session, actor, person_id, what="relatives")
    return _new_page(request, session, person, FormState.of({"preferred_language": "nb"}))


@router.post("/persons/{person_id}/relatives/new")
def register_relative(
    request: Request, person_id: int, session: PageSession, actor: PageActor, form: PostedForm
) -> Response:
    person = persons.get_person(session, actor, person_id, what="relatives")
    action = Action(
        RelativeCreate,
        _details(form),
        lambda d: relatives.register_relative(session, actor, person_id, d),
        done=N_("The relative is registered."),
        then=lambda made: f"/relatives/{made.id}",
    )
    return run(request, session, form, action, lambda: _new_page(request, session, person, form, 422))


# One relative: consent, involvement, and what they may be told --------------------------------------------


@dataclass(frozen=True)
class RelativePage:
    relative: RelativeRead
    person: Person
    consents: list[Consent]  # newest first, withdrawn and superseded ones too
    in_force: Consent | None
    withdrawable: list[Consent]  # not withdrawn and not run out
    view: RelativeView  # what the relative may be told today


def relative_page(session: PageSession, actor: Actor, relative_id: int) -> RelativePage:
    relative = relatives.get_relative(session, actor, relative_id)
    person = persons.get_person(session, actor, relative.person_id, what="relatives")
    today = clock.today()
    history = consents.consents_of(session, actor, relative_id)
    in_force = consents.current_consent(session, relative.id, today)
    withdrawable = [c for c in history if c.withdrawn_at is None and (c.valid_to is None or c.valid_to >= today)]
    return RelativePage(
        relative=relatives.describe(session, relative),
        person=person,
        consents=history,
        in_force=in_force,
        withdrawable=withdrawable,
        view=views.relative_view(session, relative.id, actor=actor),
    )


def _relative_page(
    request: Request,
    session: PageSession,
    actor: Actor,
    relative_id: int,
    *,
    failed: str | None = None,
    form: FormState | None = None,
) -> Response:
    """The relative's page with its three forms; ``failed`` names the one to show again with ``form``."""
    page = relative_page(session, actor, relative_id)
    forms = {
        "consent": FormState.of({"valid_from": clock.today()}),
        "withdraw": FormState.of({"consent_id": page.in_force.id if page.in_force else None}),
        "involvement": FormState.of({"on": clock.today(), "version": page.relative.version}),
    }
    if failed is not None and form is not None:
        form.values.setdefault("version", [str(page.relative.version)])
        forms[failed] = form
    return render_read(
        request,
        session,
        "relatives/detail.html",
        status_code=422 if failed else 200,
        page=page,
        person=page.person,
        forms=forms,
        scope_words=SCOPE_WORDS,
    )


@router.get("/relatives/{relative_id}")
def relative_detail(request: Request, relative_id: int, session: PageSession, actor: PageActor) -> Response:
    return _relative_page(request, session, actor, relative_id)


def _act(
    request: Request, session: PageSession, actor: Actor, relative_id: int, form: FormState, name: str, action: Action
) -> Response:
    """One form of the relative's page: saved, or the page again with form ``name`` as it was posted."""
    return run(
        request,
        session,
        form,
        action,
        lambda: _relative_page(request, session, actor, relative_id, failed=name, form=form),
    )


@router.post("/relatives/{relative_id}/consent")
def give_consent(
    request: Request, relative_id: int, session: PageSession, actor: PageActor, form: PostedForm
) -> Response:
    relatives.get_relative(session, actor, relative_id, what="consent")  # outsiders get 404 first
    data = {
        "scope": text(form, "scope") or "",
        "valid_from": day(form, "valid_from"),
        "valid_to": day(form, "valid_to"),
        "given_how": text(form, "given_how") or "",
        "note": text(form, "note"),
    }
    if not data["scope"]:
        form.add("scope", translate(request, N_("Choose one of the options")))
    if not data["given_how"]:
        form.add("given_how", translate(request, N_("Choose one of the options")))
    action = Action(
        ConsentCreate,
        data,
        lambda d: consents.give_consent(session, actor, relative_id, d),
        done=N_("The consent is recorded."),
        then=f"/relatives/{relative_id}",
    )
    return _act(request, session, actor, relative_id, form, "consent", action)


@router.post("/relatives/{relative_id}/consent/withdraw")
def withdraw_consent(
    request: Request, relative_id: int, session: PageSession, actor: PageActor, form: PostedForm
) -> Response:
    relative = relatives.get_relative(session, actor, relative_id, what="consent")
    chosen = text(form, "consent_id")
    history = {c.id: c for c in consents.consents_of(session, actor, relative.id)}
    consent_id = int(chosen) if chosen and chosen.isdigit() else None
    if consent_id is not None and consent_id not in history:
        raise NotFound("consent", consent_id)  # another relative's consent: as if it did not exist
    if consent_id is None:
        form.add("consent_id", translate(request, N_("Choose the consent to withdraw")))
    action = Action(
        ConsentWithdraw,
        {"note": text(form, "withdraw_note")},
        lambda d: consents.withdraw_consent(session, actor, consent_id or 0, d),
        done=N_("The consent is withdrawn. It stays in the history."),
        then=f"/relatives/{relative_id}",
        rename={"note": "withdraw_note"},
    )
    return _act(request, session, actor, relative_id, form, "withdraw", action)


@router.post("/relatives/{relative_id}/involvement")
def record_involvement(
    request: Request, relative_id: int, session: PageSession, actor: PageActor, form: PostedForm
) -> Response:
    relatives.get_relative(session, actor, relative_id)
    data = {"involvement": text(form, "involvement"), "on": day(form, "on"), "version": text(form, "version")}
    checked_version(request, form)  # the service compares it
    action = Action(
        InvolvementRecord,
        data,
        lambda d: relatives.record_involvement(session, actor, relative_id, d),
        done=N_("Involvement is recorded."),
        then=f"/relatives/{relative_id}",
    )
    return _act(request, session, actor, relative_id, form, "involvement", action)


# Change the relative's details -----------------------------------------------------------------------------

#: details a user may empty on the edit form: sent as None so the service clears them
CLEARABLE = ("birth_date", "phone", "email", "interpreter_language", "contact_phone")


def _edit_page(
    request: Request, session: PageSession, actor: Actor, relative_id: int, form: FormState | None = None
) -> Response:
    relative = relatives.get_relative(session, actor, relative_id)
    person = persons.get_person(session, actor, relative.person_id, what="relatives")
    if form is None:
        read = relatives.describe(session, relative)  # with the number the relative is given
        current = {name: getattr(read, name) for name in (*TEXT_FIELDS, "birth_date")}
        flags = {"is_nearest": read.is_nearest, "interpreter_needed": read.interpreter_needed}
        form = FormState.of({**current, **flags, "version": read.version})
    return render_form(
        request,
        session,
        "relatives/edit.html",
        form,
        person=person,
        relative=relative,
    )


@router.get("/relatives/{relative_id}/edit")
def edit_relative(request: Request, relative_id: int, session: PageSession, actor: PageActor) -> Response:
    return _edit_page(request, session, actor, relative_id)


@router.post("/relatives/{relative_id}/edit")
def update_relative(
    request: Request, relative_id: int, session: PageSession, actor: PageActor, form: PostedForm
) -> Response:
    relative = relatives.get_relative(session, actor, relative_id)  # outsiders get 404 before anything else
    data = {**_details(form), "version": checked_version(request, form, relative.version, STALE["relative"])}

    def update(parsed: RelativeUpdate) -> object:
        given = {**dict.fromkeys(CLEARABLE), **parsed.model_dump(exclude_unset=True)}
        return relatives.update_relative(session, actor, relative_id, RelativeUpdate(**given))

    action = Action(
        RelativeUpdate, data, update, done=N_("The relative's details are saved."), then=f"/relatives/{relative_id}"
    )
    return run(
        request,
        session,
        form,
        action,
        lambda: _edit_page(request, session, actor, relative_id, form),
    )
