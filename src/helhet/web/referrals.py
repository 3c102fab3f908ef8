"""Pages: register a referral (with the person's own wish) and assess it against that wish."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from helhet import clock
from helhet.assessments import service as assessments
from helhet.assessments import wish
from helhet.assessments.models import Outcome
from helhet.assessments.schemas import AssessmentCreate
from helhet.errors import Conflict, Forbidden, Invalid
from helhet.i18n import N_
from helhet.pathways import views
from helhet.persons import service as persons
from helhet.referrals import service as referrals
from helhet.referrals.models import Referral, ReferralStatus
from helhet.referrals.schemas import ReferralCreate
from helhet.users.actor import Actor
from helhet.web.deps import PageActor, PageSession
from helhet.web.forms import FormState, PostedForm, add_invalid, build, csrf_guard, day, flag, general_error, text
from helhet.web.render import flash, lang_of, render_read, see_other, translate

router = APIRouter(dependencies=[Depends(csrf_guard)], include_in_schema=False)

PERSON_FIELDS = (
    "given_name",
    "family_name",
    "municipality_number",
    "city_district_number",
    "preferred_language",
    "interpreter_language",
)
DIMENSIONS = ("withdrawal_risk", "somatic_health", "mental_health", "readiness", "relapse_risk", "living_situation")


# Register a referral ---------------------------------------------------------------------------------------


def _referral_page(
    request: Request,
    session: PageSession,
    actor: Actor,
    form: FormState,
    person_id: int | None,
    status_code: int = 200,
) -> Response:
    person = persons.get_person(session, actor, person_id, what="referral form") if person_id else None
    return render_read(
        request,
        session,
        "referrals/new.html",
        status_code=status_code,
        form=form,
        person=person,
        unit_groups=views.receiving_units(session),
    )


@router.get("/referrals/new")
def new_referral(request: Request, session: PageSession, actor: PageActor, person_id: int | None = None) -> Response:
    form = FormState.of({"received_on": clock.today(), "preferred_language": "nb", "person_id": person_id})
    return _referral_page(request, session, actor, form, person_id)


def _referral_data(form: FormState, request: Request) -> dict[str, Any]:
    data: dict[str, Any] = {
        "receiving_unit_id": text(form, "receiving_unit_id"),
        "referrer_kind": text(form, "referrer_kind"),
        "referrer_name": text(form, "referrer_name"),
        "received_on": day(form, "received_on"),
        "reason": form.value("reason"),
        "substances": form.all("substances"),
        "primary_substance": text(form, "primary_substance"),
        "rop": flag(form, "rop"),
        "pregnant": flag(form, "pregnant"),
        "injecting": flag(form, "injecting"),
        "wished_level": text(form, "wished_level"),
        "what_matters": text(form, "what_matters"),
    }
    if text(form, "person_id"):
        data["person_id"] = text(form, "person_id")
    elif text(form, "given_name") or text(form, "family_name"):
        # details given: a new person, or linked to the one already registered with this number
        person: dict[str, Any] = {name: text(form, name) for name in PERSON_FIELDS}
        person["fodselsnummer"] = text(form, "fodselsnummer")
        person["preferred_language"] = person["preferred_language"] or "nb"
        person["interpreter_needed"] = flag(form, "interpreter_needed")
        data["person"] = {k: v for k, v in person.items() if v is not None}
    elif text(form, "fodselsnummer"):
        data["fodselsnummer"] = text(form, "fodselsnummer")
    else:
        form.add("fodselsnummer", translate(request, N_("Fill in the person's fødselsnummer or D-nummer")))
    return data


@router.post("/referrals/new")
def register_referral(request: Request, session: PageSession, actor: PageActor, form: PostedForm) -> Response:
    lang = lang_of(request)
    given = text(form, "person_id")
    person_id = int(given) if given and given.isdigit() else None
    parsed = build(ReferralCreate, _referral_data(form, request), lang, form, prefix="person")
    if parsed is not None and not form.has_errors:
        try:
            referral = referrals.register_referral(session, actor, parsed)
            session.commit()
        except Invalid as exc:
            add_invalid(form, exc, lang, rename={"person_id": "fodselsnummer"})
        except (Forbidden, Conflict) as exc:
            general_error(form, lang, str(exc))
    if parsed is None or form.has_errors:
        session.rollback()
        return _referral_page(request, session, actor, form, person_id, 422)
    flash(request, translate(request, N_("The referral is registered.")))
    return see_other(f"/persons/{referral.person_id}")


# Assess a referral -----------------------------------------------------------------------------------------


def may_assess(actor: Actor, referral: Referral) -> bool:
    return (
        actor.role in assessments.ASSESSING_ROLES
        and referral.receiving_unit_id in actor.unit_ids
        and referral.status in (ReferralStatus.RECEIVED, ReferralStatus.RETURNED)
    )


def _assess_page(
    request: Request, session: PageSession, actor: Actor, referral: Referral, form: FormState, status_code: int = 200
) -> Response:
    person = persons.get_person(session, actor, referral.person_id, what="assessment form")
    return render_read(
        request,
        session,
        "referrals/assess.html",
        status_code=status_code,
        form=form,
        referral=referral,
        person=person,
        may_assess=may_assess(actor, referral),
    )


@router.get("/referrals/{referral_id}/assess")
def assess_page(request: Request, referral_id: int, session: PageSession, actor: PageActor) -> Response:
    referral = referrals.get_referral(session, actor, referral_id)
    form = FormState.of(
        {
            "assessed_on": clock.today(),
            "assigned_level": referral.wished_level,
            "overdose_risk": "unknown",
            "suicide_risk": "unknown",
        }
    )
    return _assess_page(request, session, actor, referral, form)


def _assessment_data(form: FormState) -> dict[str, Any]:
    data: dict[str, Any] = {
        name: text(form, name)
        for name in (
            "outcome",
            "heard_how",
            "heard_note",
            "condition",
            "assigned_level",
            "deadline_reason",
            "rejection_reason",
            "advice_to_referrer",
            "wish_difference_reason",
            "wish_difference_note",
            *DIMENSIONS,
        )
    }
    data["assessed_on"] = day(form, "assessed_on")
    data["start_deadline"] = day(form, "start_deadline")
    data["heavy_daily_alcohol"] = flag(form, "heavy_daily_alcohol")
    data["groin_or_neck_injection"] = flag(form, "groin_or_neck_injection")
    data["overdose_risk"] = text(form, "overdose_risk") or "unknown"
    data["suicide_risk"] = text(form, "suicide_risk") or "unknown"
    return {k: v for k, v in data.items() if v is not None}


@router.post("/referrals/{referral_id}/assess")
def assess(request: Request, referral_id: int, session: PageSession, actor: PageActor, form: PostedForm) -> Response:
    lang = lang_of(request)
    referral = referrals.get_referral(session, actor, referral_id)
    parsed = build(AssessmentCreate, _assessment_data(form), lang, form)
    if parsed is not None and parsed.outcome == Outcome.GRANTED:
        # checked here as well as in the service, so this problem shows together with any other
        try:
            wish.require_reason_when_different(
                referral.wished_level,
                parsed.assigned_level,
                parsed.wish_difference_reason,
                parsed.wish_difference_note,
            )
        except Invalid as exc:
            add_invalid(form, exc, lang)
    if parsed is not None:
        try:
            assessments.assess_referral(session, actor, referral_id, parsed)
        except Invalid as exc:
            add_invalid(form, exc, lang)
        except (Forbidden, Conflict) as exc:
            general_error(form, lang, str(exc))
    if parsed is None or form.has_errors:
        session.rollback()
        return _assess_page(request, session, actor, referral, form, 422)
    session.commit()
    flash(request, translate(request, N_("The assessment is saved.")))
    return see_other(f"/persons/{referral.person_id}")
