"""Pages: municipal decisions (vedtak) and the service delivered against them, week by week."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel

from helhet import clock
from helhet.i18n import N_
from helhet.pathways import views
from helhet.persons import service as persons
from helhet.persons.models import Person
from helhet.users.actor import Actor
from helhet.vedtak import service as vedtak
from helhet.vedtak.models import ServiceDelivery, Vedtak, VedtakStatus, VolumeUnit
from helhet.vedtak.schemas import (
    DeliveryCreate,
    DeliveryReport,
    VedtakCreate,
    VedtakEnd,
    VedtakUpdate,
    VedtakWithdraw,
)
from helhet.web.actions import STALE, Action, checked_version, run
from helhet.web.deps import PageActor, PageSession
from helhet.web.forms import FormState, PostedForm, csrf_guard, day, number, text
from helhet.web.render import lang_of, render_form, render_read, translate

router = APIRouter(dependencies=[Depends(csrf_guard)], include_in_schema=False)

#: the vedtak service's fixed reasons, so the catalog has them (``messages.reason`` looks them up as they are)
REASONS = (
    N_("name the legal basis, e.g. 'hol § 3-2'"),
    N_("say whether the volume is hours or units per week"),
    N_("must be more than 0 per week"),
    N_("must be more than 0"),
    N_("vedtak are made by a member of the responsible unit"),
    N_("deliveries are logged by the delivering or responsible unit"),
    N_("the vedtak is withdrawn: nothing is delivered against it"),
    N_("a vedtak is changed by a member of its responsible unit"),
)


# The person's vedtak ---------------------------------------------------------------------------------------


@router.get("/persons/{person_id}/vedtak")
def vedtak_list(request: Request, person_id: int, session: PageSession, actor: PageActor) -> Response:
    person = persons.get_person(session, actor, person_id, what="vedtak")
    rows = vedtak.vedtak_of(session, actor, person_id)
    units = {u.id: u.name for u in views.unit_names(session, {v.unit_id for v in rows})}
    may_make = bool(vedtak.responsible_units(session, actor))
    return render_read(
        request, session, "vedtak/list.html", person=person, rows=rows, unit_names=units, may_make=may_make
    )


def _new_page(
    request: Request, session: PageSession, actor: Actor, person: Person, form: FormState, status_code: int = 200
) -> Response:
    return render_read(
        request,
        session,
        "vedtak/new.html",
        status_code=status_code,
        form=form,
        person=person,
        units=vedtak.responsible_units(session, actor),
    )


@router.get("/persons/{person_id}/vedtak/new")
def new_vedtak(request: Request, person_id: int, session: PageSession, actor: PageActor) -> Response:
    person = persons.get_person(session, actor, person_id, what="vedtak form")
    units = vedtak.responsible_units(session, actor)
    defaults = {
        "unit_id": units[0].id if units else None,
        "volume_unit": VolumeUnit.HOURS_PER_WEEK,
        "decided_on": clock.today(),
        "start_on": clock.today(),
    }
    return _new_page(request, session, actor, person, FormState.of(defaults))


@router.post("/persons/{person_id}/vedtak/new")
def create_vedtak(
    request: Request, person_id: int, session: PageSession, actor: PageActor, form: PostedForm
) -> Response:
    lang = lang_of(request)
    person = persons.get_person(session, actor, person_id, what="vedtak form")
    data = {
        "unit_id": text(form, "unit_id"),
        "service_type": text(form, "service_type"),
        "legal_basis": text(form, "legal_basis"),
        "volume": number(form, "volume", lang),
        "volume_unit": text(form, "volume_unit"),
        "decided_on": day(form, "decided_on"),
        "start_on": day(form, "start_on"),
        "end_on": day(form, "end_on"),
        "review_on": day(form, "review_on"),
        "note": text(form, "note"),
    }
    action = Action(
        VedtakCreate,
        data,
        lambda d: vedtak.create_vedtak(session, actor, person_id, d),
        done=N_("The vedtak is registered."),
        then=lambda made: f"/vedtak/{made.id}",
    )
    return run(request, session, form, action, lambda: _new_page(request, session, actor, person, form, 422))


# One vedtak: decided against delivered -----------------------------------------------------------------------


@dataclass(frozen=True)
class VedtakPage:
    vedtak: Vedtak
    person: Person
    unit_name: str
    report: DeliveryReport
    deliveries: list[ServiceDelivery]
    decided_total: float | None
    delivered_total: float
    ratio: float | None  # delivered / decided over the weeks shown
    changeable: bool  # an active vedtak, and the actor is a member of its responsible unit (the service's rule)

    @property
    def withdrawable(self) -> bool:
        """A vedtak with service delivered against it is ended, never withdrawn."""
        return self.changeable and not self.deliveries


def vedtak_page(session: PageSession, actor: Actor, vedtak_id: int) -> VedtakPage:
    row = vedtak.get_vedtak(session, actor, vedtak_id)
    person = persons.get_person(session, actor, row.person_id, what="vedtak")
    report = vedtak.delivery_report(session, actor, vedtak_id)
    decided = [w.decided for w in report.weeks if w.decided is not None]
    decided_total = round(sum(decided), 3) if decided else None
    delivered_total = round(sum(w.delivered for w in report.weeks), 3)
    units = views.unit_names(session, [row.unit_id])
    return VedtakPage(
        vedtak=row,
        person=person,
        unit_name=units[0].name if units else "",
        report=report,
        deliveries=vedtak.deliveries_of(session, actor, vedtak_id),
        decided_total=decided_total,
        delivered_total=delivered_total,
        ratio=round(delivered_total / decided_total, 3) if decided_total else None,
        changeable=row.status == VedtakStatus.ACTIVE and row.unit_id in actor.unit_ids,
    )


def _detail_page(
    request: Request, session: PageSession, actor: Actor, vedtak_id: int, form: FormState, status_code: int = 200
) -> Response:
    page = vedtak_page(session, actor, vedtak_id)
    return render_read(
        request, session, "vedtak/detail.html", status_code=status_code, form=form, page=page, person=page.person
    )


@router.get("/vedtak/{vedtak_id}")
def vedtak_detail(request: Request, vedtak_id: int, session: PageSession, actor: PageActor) -> Response:
    return _detail_page(request, session, actor, vedtak_id, FormState.of({"delivered_on": clock.today()}))


@router.post("/vedtak/{vedtak_id}/deliveries")
def record_delivery(
    request: Request, vedtak_id: int, session: PageSession, actor: PageActor, form: PostedForm
) -> Response:
    vedtak.get_vedtak(session, actor, vedtak_id)  # outsiders get 404 before anything else
    data = {
        "delivered_on": day(form, "delivered_on"),
        "amount": number(form, "amount", lang_of(request)),
        "note": text(form, "note"),
    }
    action = Action(
        DeliveryCreate,
        data,
        lambda d: vedtak.record_delivery(session, actor, vedtak_id, d),
        done=N_("The delivery is logged."),
        then=f"/vedtak/{vedtak_id}#deliveries",
    )
    return run(
        request,
        session,
        form,
        action,
        lambda: _detail_page(request, session, actor, vedtak_id, form, 422),
    )


# Change, end or withdraw a vedtak ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One of the three small pages that change an active vedtak: ``/vedtak/{id}/<path>``."""

    path: str
    title: str  # English source text, translated in the template
    model: type[BaseModel]
    data: Callable[[FormState], dict[str, Any]]
    call: Callable[..., Vedtak]  # (session, actor, vedtak_id, data)
    done: str
    defaults: Callable[[Vedtak], dict[str, Any]]
    required: tuple[str, ...] = ()  # fields the page asks for though the service has a default


CHANGES = (
    Change(
        "edit",
        N_("Change the review date or note"),
        VedtakUpdate,
        lambda f: {"review_on": day(f, "review_on"), "note": text(f, "note")},
        vedtak.update_vedtak,
        N_("The vedtak is saved."),
        lambda v: {"review_on": v.review_on, "note": v.note},
    ),
    Change(
        "end",
        N_("End the vedtak"),
        VedtakEnd,
        lambda f: {"end_on": day(f, "end_on"), "reason": text(f, "reason")},
        vedtak.end_vedtak,
        N_("The vedtak is ended."),
        lambda v: {"end_on": clock.today()},
        required=("end_on",),  # the day the service ends is said, never assumed
    ),
    Change(
        "withdraw",
        N_("Withdraw the vedtak"),
        VedtakWithdraw,
        lambda f: {"reason": text(f, "reason") or ""},
        vedtak.withdraw_vedtak,
        N_("The vedtak is withdrawn. It no longer counts as decided service."),
        lambda v: {},
    ),
)


def _change_page(
    request: Request, session: PageSession, actor: Actor, change: Change, vedtak_id: int, form: FormState | None = None
) -> Response:
    page = vedtak_page(session, actor, vedtak_id)
    if form is None:
        form = FormState.of({**change.defaults(page.vedtak), "version": page.vedtak.version})
    return render_form(
        request,
        session,
        "vedtak/change.html",
        form,
        page=page,
        person=page.person,
        change=change,
    )


def _show_change(change: Change) -> Callable[..., Response]:
    def show(request: Request, vedtak_id: int, session: PageSession, actor: PageActor) -> Response:
        return _change_page(request, session, actor, change, vedtak_id)

    return show


def _post_change(change: Change) -> Callable[..., Response]:
    def post(request: Request, vedtak_id: int, session: PageSession, actor: PageActor, form: PostedForm) -> Response:
        row = vedtak.get_vedtak(session, actor, vedtak_id)  # outsiders get 404 before anything else
        data = {**change.data(form), "version": checked_version(request, form, row.version, STALE["vedtak"])}
        for name in change.required:
            if data[name] is None:
                form.add(name, translate(request, N_("Fill in this field")))
        action = Action(
            change.model,
            data,
            lambda d: change.call(session, actor, vedtak_id, d),
            done=change.done,
            then=f"/vedtak/{vedtak_id}",
        )
        return run(
            request,
            session,
            form,
            action,
            lambda: _change_page(request, session, actor, change, vedtak_id, form),
        )

    return post


for _change in CHANGES:
    router.add_api_route(f"/vedtak/{{vedtak_id}}/{_change.path}", _show_change(_change), methods=["GET"])
    router.add_api_route(f"/vedtak/{{vedtak_id}}/{_change.path}", _post_change(_change), methods=["POST"])
