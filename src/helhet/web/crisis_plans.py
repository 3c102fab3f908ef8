"""Pages: crisis plans: view (with earlier versions and whether a plan is required), new version, share, print.

A plan is never edited in place: the form makes the next version, pre-filled from the current one, and carries
the version it was made from, so a plan saved by someone else meanwhile is refused with a clear message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import ValidationError

from helhet import clock
from helhet.crisis_plans import choices, requirement
from helhet.crisis_plans import service as crisis_plans
from helhet.crisis_plans.models import ContactKind
from helhet.crisis_plans.schemas import ContactIn, CrisisPlanCreate, CrisisPlanRead, CrisisPlanShare
from helhet.errors import Conflict
from helhet.i18n import N_, Language, gettext
from helhet.pathways import views
from helhet.persons import service as persons
from helhet.users.actor import Actor
from helhet.web import messages
from helhet.web.deps import PageActor, PageSession
from helhet.web.forms import FormState, PostedForm, csrf_guard, day, flag, submit, text
from helhet.web.render import flash, lang_of, render_read, see_other, translate

router = APIRouter(dependencies=[Depends(csrf_guard)], include_in_schema=False)
T = TypeVar("T")

MIN_CONTACT_ROWS = 3
MAX_CONTACT_ROWS = 20
MAX_LINES = 30
LIST_FIELDS = ("warning_signs", "what_helps", "what_to_avoid")
CONTACT_FIELDS = ("kind", "relative_id", "unit_id", "name", "phone", "role_note")
ADMISSION = "user_controlled_admission"
ADMISSION_FIELDS = ("unit_id", "max_days_per_stay", "min_days_between", "valid_until")

STALE = N_("Someone else saved the crisis plan while you worked. Reload the page to see the newest version.")

#: fixed reasons of the crisis-plan service (translated through the catalog, word for word)
REASONS = (
    N_("write at least the warning signs or what helps"),
    N_("say what the other overdose risk factor is"),
    N_("say which relative"),
    N_("not a registered relative of this person"),
    N_(
        "the person has no current consent (take part in meetings, or full information) for this relative; "
        "only a consenting relative can be a crisis contact"
    ),
    N_("this relative is listed twice"),
    N_("name the professional to contact"),
    N_("give a phone number for the professional"),
    N_("cannot be before the plan is made"),
    N_("the agreement has already ended"),
)


# Shared by the pages of crisis plans and mapping --------------------------------------------------------------


def guarded(form: FormState, lang: Language, action: Callable[[Any], T], stale: str) -> Callable[[Any], T | None]:
    """``action`` for ``forms.submit``: a stale version as one clear message above the form (its problems reach
    the fields through ``forms.submit``, in ``lang``)."""

    def run(data: Any) -> T | None:
        try:
            return action(data)
        except Conflict:
            form.add(None, gettext(lang, stale))
            return None

    return run


# The plan ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanPage:
    """What the crisis-plan page shows."""

    status: Any  # CrisisPlanStatus
    reasons: list[requirement.RequirementReason]
    shown: CrisisPlanRead | None  # the version on the page: the current one unless an earlier one is asked for
    versions: list[CrisisPlanRead]
    authors: dict[int, str]


def _plan_page(
    request: Request,
    session: PageSession,
    actor: Actor,
    person_id: int,
    version_no: int | None,
    share_form: FormState | None = None,
    status_code: int = 200,
) -> Response:
    person = persons.get_person(session, actor, person_id, what="crisis_plan")
    status = requirement.crisis_plan_status(session, actor, person_id)
    versions = crisis_plans.crisis_plan_reads(session, crisis_plans.crisis_plan_versions(session, actor, person_id))
    if version_no is None:
        shown = versions[0] if versions else None
    else:
        shown = crisis_plans.crisis_plan_read(
            session, crisis_plans.crisis_plan_version(session, actor, person_id, version_no)
        )
    authors = choices.author_names(
        session, {v.created_by for v in versions} | {s.recorded_by for v in versions for s in v.shared}
    )
    if share_form is None:
        share_form = FormState.of({"shared_on": clock.today(), "version": versions[0].version_no if versions else None})
    page = PlanPage(
        status, requirement.requirement_reason_items(session, person_id, status.on), shown, versions, authors
    )
    return render_read(
        request, session, "crisis_plans/plan.html", status_code=status_code, person=person, page=page, share=share_form
    )


@router.get("/persons/{person_id}/crisis-plan")
def plan(
    request: Request, person_id: int, session: PageSession, actor: PageActor, version: int | None = None
) -> Response:
    return _plan_page(request, session, actor, person_id, version)


@router.post("/persons/{person_id}/crisis-plan/share")
def share(request: Request, person_id: int, session: PageSession, actor: PageActor, form: PostedForm) -> Response:
    lang = lang_of(request)
    persons.get_person(session, actor, person_id, what="crisis_plan")
    data = {
        "shared_on": day(form, "shared_on"),
        "how": text(form, "how"),
        "note": text(form, "note"),
        "version": text(form, "version"),
    }
    if data["version"] is None:
        form.add(None, gettext(lang, STALE))
    action = guarded(form, lang, lambda d: crisis_plans.share_crisis_plan(session, actor, person_id, d), STALE)
    shared = submit(form, lang, CrisisPlanShare, data, action)
    if shared is None:
        session.rollback()
        return _plan_page(request, session, actor, person_id, None, form, 422)
    session.commit()
    flash(request, translate(request, N_("The sharing of the crisis plan is recorded.")))
    return see_other(f"/persons/{person_id}/crisis-plan")


# A new version -------------------------------------------------------------------------------------------------


def _defaults(current: CrisisPlanRead | None) -> dict[str, object]:
    values: dict[str, object] = {"made_on": clock.today(), "overdose_risk": "unknown"}
    if current is None:
        return values
    values.update(
        {
            "version": current.version_no,
            "review_by": current.review_by,
            "warning_signs": "\n".join(current.warning_signs),
            "what_helps": "\n".join(current.what_helps),
            "what_to_avoid": "\n".join(current.what_to_avoid),
            "overdose_risk": current.overdose_risk,
            "overdose_factors": [f.value for f in current.overdose_factors],
            "overdose_note": current.overdose_note,
            "note": current.note,
        }
    )
    for i, c in enumerate(current.contacts):
        row = {"kind": c.kind, "relative_id": c.relative_id, "unit_id": c.unit_id, "role_note": c.role_note}
        if c.kind == ContactKind.PROFESSIONAL:
            row.update(name=c.name, phone=c.phone)
        elif c.kind == ContactKind.UNIT:
            row["phone"] = c.phone
        values.update({f"contact_{i}_{k}": v for k, v in row.items()})
    if (uca := current.user_controlled_admission) is not None:
        values["has_admission"] = True
        values.update({f"{ADMISSION}.{k}": getattr(uca, k) for k in ADMISSION_FIELDS})
    return values


def _contact_rows(form: FormState) -> int:
    used = [int(m[1]) for name in form.values if (m := re.fullmatch(r"contact_(\d+)_\w+", name)) and form.value(name)]
    return min(MAX_CONTACT_ROWS, max(MIN_CONTACT_ROWS, (max(used) + 3) if used else 0))


def _edit_page(
    request: Request, session: PageSession, actor: Actor, person_id: int, form: FormState, status_code: int = 200
) -> Response:
    person = persons.get_person(session, actor, person_id, what="crisis_plan")
    current = crisis_plans.current_crisis_plan(session, actor, person_id)
    current_read = crisis_plans.crisis_plan_read(session, current) if current else None
    relatives = choices.contact_choices(session, actor, person_id)
    contact_unit_ids = set(actor.unit_ids) | {
        c.unit_id for c in (current_read.contacts if current_read else []) if c.unit_id
    }
    return render_read(
        request,
        session,
        "crisis_plans/edit.html",
        status_code=status_code,
        person=person,
        form=form,
        current=current_read,
        relatives=relatives,
        contact_units=views.unit_names(session, contact_unit_ids),
        admission_units=choices.admission_units(session),
        rows=range(_contact_rows(form)),
        max_lines=MAX_LINES,
    )


@router.get("/persons/{person_id}/crisis-plan/edit")
def edit_page(request: Request, person_id: int, session: PageSession, actor: PageActor) -> Response:
    current = crisis_plans.current_crisis_plan(session, actor, person_id)
    defaults = _defaults(crisis_plans.crisis_plan_read(session, current) if current else None)
    return _edit_page(request, session, actor, person_id, FormState.of(defaults))


def _lines(form: FormState, name: str, lang: Language) -> list[str]:
    lines = [line.strip() for line in form.value(name).splitlines() if line.strip()]
    if len(lines) > MAX_LINES:
        form.add(name, gettext(lang, N_("Use at most %(n)s lines")) % {"n": MAX_LINES})
    return lines


def _contacts(form: FormState, lang: Language) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The filled contact rows, each checked on its own so a problem lands beside its row; and the names the
    service's ``contacts[i].field`` have on the form."""
    contacts: list[dict[str, Any]] = []
    rename: dict[str, str] = {}
    for row in range(MAX_CONTACT_ROWS):
        values = {k: text(form, f"contact_{row}_{k}") for k in CONTACT_FIELDS}
        kind = values["kind"]
        if kind is None:
            if any(values.values()):
                form.add(f"contact_{row}_kind", gettext(lang, N_("Choose what kind of contact this is")))
            continue
        keep = {"relative": ("relative_id",), "unit": ("unit_id", "phone"), "professional": ("name", "phone")}
        wanted = {"kind", "role_note", *keep.get(kind, ())}
        data = {k: v for k, v in values.items() if v is not None and k in wanted}
        try:
            ContactIn.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                name = f"contact_{row}_{error['loc'][0]}" if error["loc"] else f"contact_{row}_kind"
                form.add(name, messages.validation_message(lang, dict(error), choice=error["loc"][:1] == ("kind",)))
            continue
        position = len(contacts)
        rename.update({f"contacts[{position}].{k}": f"contact_{row}_{k}" for k in CONTACT_FIELDS})
        contacts.append(data)
    return contacts, rename


@router.post("/persons/{person_id}/crisis-plan/edit")
def record(request: Request, person_id: int, session: PageSession, actor: PageActor, form: PostedForm) -> Response:
    lang = lang_of(request)
    current = crisis_plans.current_crisis_plan(session, actor, person_id)
    data: dict[str, Any] = {
        "made_on": day(form, "made_on"),
        "review_by": day(form, "review_by"),
        **{name: _lines(form, name, lang) for name in LIST_FIELDS},
        "overdose_risk": text(form, "overdose_risk"),
        "overdose_factors": form.all("overdose_factors"),
        "overdose_note": text(form, "overdose_note"),
        "note": text(form, "note"),
        "version": text(form, "version"),
    }
    contacts, rename = _contacts(form, lang)
    data["contacts"] = contacts
    if flag(form, "has_admission"):
        data[ADMISSION] = {
            k: day(form, f"{ADMISSION}.{k}") if k == "valid_until" else text(form, f"{ADMISSION}.{k}")
            for k in ADMISSION_FIELDS
        }
        data[ADMISSION] = {k: v for k, v in data[ADMISSION].items() if v is not None}
    if current is not None and data["version"] is None:
        form.add(None, gettext(lang, STALE))
    action = guarded(form, lang, lambda d: crisis_plans.record_crisis_plan(session, actor, person_id, d), STALE)
    saved = submit(form, lang, CrisisPlanCreate, data, action, rename=rename)
    if saved is None:
        session.rollback()
        return _edit_page(request, session, actor, person_id, form, 422)
    session.commit()
    flash(request, translate(request, N_("Version %(n)s of the crisis plan is saved.")) % {"n": saved.version_no})
    return see_other(f"/persons/{person_id}/crisis-plan")


# Print -------------------------------------------------------------------------------------------------------


@router.get("/persons/{person_id}/crisis-plan/print")
def print_page(
    request: Request, person_id: int, session: PageSession, actor: PageActor, version: int | None = None
) -> Response:
    summary = crisis_plans.crisis_plan_summary(session, actor, person_id, version)
    person = persons.get_person(session, actor, person_id, what="crisis_plan")
    return render_read(request, session, "crisis_plans/print.html", summary=summary, person=person)
