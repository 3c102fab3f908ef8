"""Pages: municipal decisions (vedtak) and the service delivered against them, week by week.

``PATTERNS`` (reasons with dates and numbers in them) also serve the relatives and appointments pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from helhet import clock
from helhet.i18n import N_
from helhet.pathways import views
from helhet.persons import service as persons
from helhet.persons.models import Person
from helhet.users.actor import Actor
from helhet.vedtak import service as vedtak
from helhet.vedtak.models import ServiceDelivery, Vedtak, VolumeUnit
from helhet.vedtak.schemas import DeliveryCreate, DeliveryReport, VedtakCreate
from helhet.web.actions import Action, Patterns, run
from helhet.web.deps import PageActor, PageSession
from helhet.web.forms import FormState, PostedForm, csrf_guard, day, number, text
from helhet.web.render import lang_of, render

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
)

#: reasons with values in them not already matched by ``web/reasons.PATTERNS`` (dates in groups ending in
#: ``_on`` are shown as dd.mm.yyyy)
PATTERNS: Patterns = (
    (re.compile(r"^give the volume for \w+$", re.I), N_("give the volume per week")),
    (re.compile(r"^a week has (?P<n>\d+) hours$", re.I), N_("a week has %(n)s hours")),
    (re.compile(r"^a day has (?P<n>\d+) hours$", re.I), N_("a day has %(n)s hours")),
    (
        re.compile(r"^cannot be before start_on \((?P<start_on>[\d-]+)\)$", re.I),
        N_("cannot be before the start (%(start_on)s)"),
    ),
    (
        re.compile(r"^cannot be before the decision \((?P<decided_on>[\d-]+)\)$", re.I),
        N_("cannot be before the decision date (%(decided_on)s)"),
    ),
    (
        re.compile(r"^outside the vedtak's period \((?P<start_on>[\d-]+) to further notice\)$", re.I),
        N_("outside the period of the vedtak (from %(start_on)s)"),
    ),
    (
        re.compile(r"^outside the vedtak's period \((?P<start_on>[\d-]+) to (?P<end_on>[\d-]+)\)$", re.I),
        N_("outside the period of the vedtak (%(start_on)s to %(end_on)s)"),
    ),
)


# The person's vedtak ---------------------------------------------------------------------------------------


@router.get("/persons/{person_id}/vedtak")
def vedtak_list(request: Request, person_id: int, session: PageSession, actor: PageActor) -> Response:
    person = persons.get_person(session, actor, person_id, what="vedtak")
    rows = vedtak.vedtak_of(session, actor, person_id)
    units = {u.id: u.name for u in views.unit_names(session, {v.unit_id for v in rows})}
    may_make = bool(vedtak.responsible_units(session, actor))
    response = render(request, "vedtak/list.html", person=person, rows=rows, unit_names=units, may_make=may_make)
    session.commit()  # keeps the access-log rows
    return response


def _new_page(
    request: Request, session: PageSession, actor: Actor, person: Person, form: FormState, status_code: int = 200
) -> Response:
    response = render(
        request,
        "vedtak/new.html",
        status_code=status_code,
        form=form,
        person=person,
        units=vedtak.responsible_units(session, actor),
    )
    session.commit()  # only the access-log row of this read: a refused submit was rolled back before
    return response


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
    return run(
        request, session, form, action, lambda: _new_page(request, session, actor, person, form, 422), patterns=PATTERNS
    )


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
    )


def _detail_page(
    request: Request, session: PageSession, actor: Actor, vedtak_id: int, form: FormState, status_code: int = 200
) -> Response:
    page = vedtak_page(session, actor, vedtak_id)
    response = render(request, "vedtak/detail.html", status_code=status_code, form=form, page=page, person=page.person)
    session.commit()  # keeps the access-log rows
    return response


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
        patterns=PATTERNS,
    )
