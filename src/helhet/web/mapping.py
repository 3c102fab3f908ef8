"""Pages: mapping (kartlegging): AUDIT and DUDIT with live score, screening, somatic check, situation, children.

Every record form is one ``Form``: its template, the service that records it, how the posted fields become the
service's input, and what a service field is called on the page. The questionnaires are scored by the server on
submit (``mapping.instruments``); the live score in ``static/mapping.js`` reads its rules from data attributes
rendered here, so the cut-offs live in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel

from helhet import clock
from helhet.errors import NotFound
from helhet.i18n import N_, Language, gettext
from helhet.mapping import children, instruments
from helhet.mapping import service as mapping
from helhet.mapping.schemas import (
    ChildrenCreate,
    DeclinedCreate,
    NeedsAssessment,
    QuestionnaireCreate,
    ScreeningCreate,
    SituationCreate,
    SomaticCheckCreate,
)
from helhet.pathways import views
from helhet.persons import service as persons
from helhet.persons.models import Person, Sex
from helhet.users.actor import Actor
from helhet.web.crisis_plans import guarded
from helhet.web.deps import PageActor, PageSession
from helhet.web.forms import FormState, PostedForm, csrf_guard, day, flag, submit, text
from helhet.web.labels import label
from helhet.web.render import flash, lang_of, render_read, see_other, translate

router = APIRouter(dependencies=[Depends(csrf_guard)], include_in_schema=False)

STALE = N_("Someone else changed the record while you worked. Reload the page and try again.")

#: fixed reasons of the mapping services (translated through the catalog, word for word)
REASONS = (
    N_("name the instrument or method, e.g. 'SCL-10' or 'MINI'"),
    N_("findings that need follow-up need a task with an owner or a unit's queue"),
    N_("set follow_up_needed when a follow-up task is given"),
    N_("say which findings need follow-up"),
    N_("record mapping for one of your own units"),
    N_("must be an active member of the unit"),
    N_("cannot be earlier than today"),
    N_("name an owner, or put it in the unit's unowned queue"),
    N_("the owner must be an active member of the unit"),
    N_("say how many minor children (1 or more)"),
    N_("a children's task is for a person who has minor children"),
)


@dataclass(frozen=True)
class Form:
    """One mapping form."""

    template: str
    model: type[BaseModel]
    record: Callable[..., Any]  # (session, actor, person_id, data) -> the record
    data: Callable[[FormState, Actor, Language], dict[str, Any]]
    defaults: Callable[[Actor], dict[str, object]]
    saved: str
    rename: dict[str, str] = field(default_factory=dict)


# From the posted fields to the service's input --------------------------------------------------------------


def yes_no(form: FormState, name: str) -> bool | None:
    """A yes / no / not known choice: "true", "false" or empty."""
    value = form.value(name)
    return True if value == "true" else False if value == "false" else None


def follow_up(form: FormState, actor: Actor, prefix: str, lang: Language) -> dict[str, Any]:
    """A task to make with the record: to me, or to the recording unit's queue."""
    owner = form.value(f"{prefix}_owner")
    if owner not in ("me", "queue"):
        form.add(f"{prefix}_owner", gettext(lang, N_("Choose who follows it up")))
    task: dict[str, Any] = {
        "unit_id": text(form, "unit_id"),
        "owner_user_id": actor.user_id if owner == "me" else None,
        "to_unit_queue": owner == "queue",
        "due_on": day(form, f"{prefix}_due_on"),
    }
    return {k: v for k, v in task.items() if v is not None}


def task_rename(service_prefix: str, form_prefix: str) -> dict[str, str]:
    return {
        service_prefix: f"{form_prefix}_owner",
        f"{service_prefix}.unit_id": "unit_id",
        f"{service_prefix}.owner_user_id": f"{form_prefix}_owner",
        f"{service_prefix}.to_unit_queue": f"{form_prefix}_owner",
        f"{service_prefix}.due_on": f"{form_prefix}_due_on",
    }


def _questionnaire_data(code: str) -> Callable[[FormState, Actor, Language], dict[str, Any]]:
    instrument = instruments.get_instrument(code)

    def data(form: FormState, actor: Actor, lang: Language) -> dict[str, Any]:
        answers: dict[str, int] = {}
        for item in instrument.items:
            name = f"item_{item.number}"
            value = form.value(name)
            if value == "":
                form.add(name, gettext(lang, N_("Choose an answer")))
            elif not value.isdigit() or int(value) not in item.scores:
                form.add(name, gettext(lang, N_("Choose one of the answers")))
            else:
                answers[name] = int(value)
        return {
            "instrument": instrument.code,
            "answers": answers,
            "done_on": day(form, "done_on"),
            "unit_id": text(form, "unit_id"),
            "note": text(form, "note"),
        }

    return data


def _screening_data(form: FormState, actor: Actor, lang: Language) -> dict[str, Any]:
    names = ("status", "instrument", "unit_id", "note")
    return {**{n: text(form, n) for n in names}, "screened_on": day(form, "screened_on")}


def _somatic_data(form: FormState, actor: Actor, lang: Language) -> dict[str, Any]:
    data: dict[str, Any] = {n: text(form, n) for n in ("examiner", "examiner_name", "unit_id", "findings")}
    data.update(
        checked_on=day(form, "checked_on"),
        injecting=yes_no(form, "injecting"),
        infection_status_checked=flag(form, "infection_status_checked"),
        follow_up_needed=flag(form, "follow_up_needed"),
    )
    if data["follow_up_needed"]:
        data["follow_up"] = follow_up(form, actor, "follow_up", lang)
    return data


def _situation_data(form: FormState, actor: Actor, lang: Language) -> dict[str, Any]:
    data: dict[str, Any] = {n: text(form, n) for n in ("unit_id", "income", "activity", "network", "note")}
    data.update(
        recorded_on=day(form, "recorded_on"),
        nav_contact=yes_no(form, "nav_contact"),
        financial_problems=yes_no(form, "financial_problems"),
    )
    return data


def _children_data(form: FormState, actor: Actor, lang: Language) -> dict[str, Any]:
    data: dict[str, Any] = {n: text(form, n) for n in ("unit_id", "answer", "note")}
    data.update(
        asked_on=day(form, "asked_on"),
        number_of_children=text(form, "number_of_children"),
        living_with_person=text(form, "living_with_person"),
        minor_siblings=yes_no(form, "minor_siblings"),
    )
    if flag(form, "make_task"):
        data["assessment_task"] = follow_up(form, actor, "task", lang)
    return data


def _today(name: str) -> Callable[[Actor], dict[str, object]]:
    return lambda actor: {name: clock.today(), "unit_id": actor.active_unit_id}


FORMS: dict[str, Form] = {
    "audit": Form(
        "mapping/questionnaire.html",
        QuestionnaireCreate,
        mapping.record_questionnaire,
        _questionnaire_data("AUDIT"),
        _today("done_on"),
        N_("The AUDIT is saved: %(total)s points, %(band)s."),
    ),
    "dudit": Form(
        "mapping/questionnaire.html",
        QuestionnaireCreate,
        mapping.record_questionnaire,
        _questionnaire_data("DUDIT"),
        _today("done_on"),
        N_("The DUDIT is saved: %(total)s points, %(band)s."),
    ),
    "screening": Form(
        "mapping/screening.html",
        ScreeningCreate,
        mapping.record_screening,
        _screening_data,
        _today("screened_on"),
        N_("The mental-health screening is saved."),
    ),
    "somatic": Form(
        "mapping/somatic.html",
        SomaticCheckCreate,
        mapping.record_somatic_check,
        _somatic_data,
        _today("checked_on"),
        N_("The somatic health check is saved."),
        task_rename("follow_up", "follow_up"),
    ),
    "situation": Form(
        "mapping/situation.html",
        SituationCreate,
        mapping.record_situation,
        _situation_data,
        _today("recorded_on"),
        N_("The overall situation is saved."),
    ),
    "children": Form(
        "mapping/children.html",
        ChildrenCreate,
        children.record_children,
        _children_data,
        _today("asked_on"),
        N_("The answer about minor children is saved."),
        task_rename("assessment_task", "task"),
    ),
}


def _sex(person: Person) -> instruments.Sex | None:
    return "female" if person.sex == Sex.FEMALE else "male" if person.sex == Sex.MALE else None


# The pages ---------------------------------------------------------------------------------------------------


def _status_page(
    request: Request,
    session: PageSession,
    actor: Actor,
    person_id: int,
    declined: FormState | None = None,
    needs: FormState | None = None,
    status_code: int = 200,
) -> Response:
    person = persons.get_person(session, actor, person_id, what="mapping")
    status = mapping.mapping_status(session, actor, person_id)
    records = mapping.mapping_records(session, actor, person_id)
    unit_ids = {r["unit_id"] for group in records.model_dump().values() for r in group}
    return render_read(
        request,
        session,
        "mapping/status.html",
        status_code=status_code,
        person=person,
        status=status,
        records=records,
        unit_names={u.id: u.name for u in views.unit_names(session, unit_ids)},
        units_of_actor=views.unit_names(session, actor.unit_ids),
        form=declined or FormState.of({"declined_on": clock.today(), "unit_id": actor.active_unit_id}),
        needs=needs
        or FormState.of(
            {"assessed_on": clock.today(), "version": status.children.version if status.children else None}
        ),
    )


@router.get("/persons/{person_id}/mapping")
def status_page(request: Request, person_id: int, session: PageSession, actor: PageActor) -> Response:
    return _status_page(request, session, actor, person_id)


@router.post("/persons/{person_id}/mapping/declined")
def record_declined(
    request: Request, person_id: int, session: PageSession, actor: PageActor, form: PostedForm
) -> Response:
    lang = lang_of(request)
    persons.get_person(session, actor, person_id, what="mapping")
    data = {
        "area": text(form, "area"),
        "declined_on": day(form, "declined_on"),
        "unit_id": text(form, "unit_id"),
        "reason": text(form, "reason"),
    }
    action = guarded(form, lang, lambda d: mapping.record_declined(session, actor, person_id, d), STALE)
    if submit(form, lang, DeclinedCreate, data, action) is None:
        session.rollback()
        return _status_page(request, session, actor, person_id, declined=form, status_code=422)
    session.commit()
    flash(request, translate(request, N_("It is recorded that the person declined.")))
    return see_other(f"/persons/{person_id}/mapping")


@router.post("/persons/{person_id}/mapping/children/{record_id}/needs")
def record_needs(
    request: Request, person_id: int, record_id: int, session: PageSession, actor: PageActor, form: PostedForm
) -> Response:
    """The children's needs are assessed: the record gets the date and note, and its open task is completed."""
    lang = lang_of(request)
    record = children.get_children_record(session, actor, record_id)
    if record.person_id != person_id:
        raise NotFound("children record", record_id)
    data = {"assessed_on": day(form, "assessed_on"), "note": text(form, "note"), "version": text(form, "version")}
    if data["version"] is None:
        form.add(None, gettext(lang, STALE))
    action = guarded(form, lang, lambda d: children.record_needs_assessment(session, actor, record_id, d), STALE)
    if submit(form, lang, NeedsAssessment, data, action) is None:
        session.rollback()
        return _status_page(request, session, actor, person_id, needs=form, status_code=422)
    session.commit()
    flash(request, translate(request, N_("The children's needs are recorded as assessed.")))
    return see_other(f"/persons/{person_id}/mapping")


def _form(kind: str) -> Form:
    found = FORMS.get(kind)
    if found is None:
        raise NotFound("mapping form", kind)
    return found


def _form_page(
    request: Request,
    session: PageSession,
    actor: Actor,
    person_id: int,
    kind: str,
    form: FormState,
    status_code: int = 200,
) -> Response:
    person = persons.get_person(session, actor, person_id, what="mapping")
    context: dict[str, Any] = {}
    if kind in ("audit", "dudit"):
        instrument = instruments.get_instrument(kind)
        context.update(instrument=instrument, bands=instrument.bands_for(_sex(person)))
    if kind == "situation":
        context["housing_now"] = person.housing_on(clock.today())
    return render_read(
        request,
        session,
        _form(kind).template,
        status_code=status_code,
        person=person,
        form=form,
        kind=kind,
        units_of_actor=views.unit_names(session, actor.unit_ids),
        **context,
    )


@router.get("/persons/{person_id}/mapping/{kind}")
def form_page(request: Request, person_id: int, kind: str, session: PageSession, actor: PageActor) -> Response:
    spec = _form(kind)
    return _form_page(request, session, actor, person_id, kind, FormState.of(spec.defaults(actor)))


@router.post("/persons/{person_id}/mapping/{kind}")
def record(
    request: Request, person_id: int, kind: str, session: PageSession, actor: PageActor, form: PostedForm
) -> Response:
    lang = lang_of(request)
    persons.get_person(session, actor, person_id, what="mapping")
    spec = _form(kind)
    data = spec.data(form, actor, lang)
    action = guarded(form, lang, lambda d: spec.record(session, actor, person_id, d), STALE)
    saved = submit(form, lang, spec.model, data, action, rename=spec.rename)
    if saved is None:
        session.rollback()
        return _form_page(request, session, actor, person_id, kind, form, 422)
    session.commit()
    message = translate(request, spec.saved)
    if kind in ("audit", "dudit"):
        message = message % {"total": saved.total, "band": label(lang, saved.band)}
    flash(request, message)
    return see_other(f"/persons/{person_id}/mapping")
