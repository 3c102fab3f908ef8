"""Pages: care team, coordinator, individual plan, care plan with goals and measures.

Two overview pages (``/persons/{id}/care-team`` and ``/persons/{id}/care-plan``) and one small page per action,
so each form has its own URL, its own fields and its own error summary. Every action page is described once
by a ``FormPage`` (its path, template, input model, how the form maps to the model, which service it calls)
and served by the same two routes: GET shows the form, POST submits it in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from helhet import clock
from helhet.careplans import choices, individual_plan, measures, plans, team
from helhet.careplans.models import EvaluationOutcome, GoalStatus, IpStatus, OfferAnswer, Participation
from helhet.careplans.schemas import (
    CarePlanCreate,
    CarePlanDecline,
    CoordinatorAssign,
    EvaluationCreate,
    GoalCreate,
    GoalUpdate,
    IpStatusRecord,
    MeasureCreate,
    ParticipationRecord,
    TeamMemberCreate,
    TeamMemberEnd,
)
from helhet.errors import NotFound
from helhet.i18n import N_
from helhet.pathways.models import TeamRole
from helhet.persons import service as persons
from helhet.users.actor import Actor
from helhet.web.deps import PageActor, PageSession
from helhet.web.forms import FormState, PostedForm, csrf_guard, day, flag, submit, text
from helhet.web.render import flash, lang_of, render_read, see_other, translate

router = APIRouter(dependencies=[Depends(csrf_guard)], include_in_schema=False)

#: the services' fixed reasons, so the error beside a field is in the user's language (web/messages.reason)
SERVICE_REASONS = (
    N_("a coordinator is assigned; send the version of that membership you read"),
    N_("a coordinator must be offered even when the individual plan is declined (pbrl § 2-5 b)"),
    N_("a plan not asked about has no offer, answer or review dates"),
    N_("an IP status is recorded; send the version you read"),
    N_("an ended measure is not evaluated again"),
    N_("give a name only for members without a user account"),
    N_("is before the measure was made"),
    N_("only an accepted plan is reviewed"),
    N_("record what the person said"),
    N_("say what the evaluation found"),
    N_("say what will be done"),
    N_("say when the coordinator was offered"),
    N_("say when the person answered"),
    N_("say when the plan was offered"),
    N_("set a date after the evaluation"),
    N_("set an evaluation date from today on"),
    N_("set the next evaluation date for a continuing measure"),
    N_("the named member must be an active member of the unit"),
    N_("the person already has a current plan; add goals to it or close it first"),
    N_("the unit does not serve the person; add it to the care team first"),
    N_("this is already the coordinator"),
    N_("this member is already on the team in this role"),
    N_("write the goal as the person says it"),
)

#: roles a team member can be given here; the coordinator is assigned on its own page (it ends the old one)
MEMBER_ROLES = [role for role in TeamRole if role != TeamRole.COORDINATOR]


# --- overview pages ----------------------------------------------------------------------------------------


@router.get("/persons/{person_id}/care-team")
def care_team(request: Request, person_id: int, session: PageSession, actor: PageActor) -> Response:
    person = persons.get_person(session, actor, person_id, what="care_team")
    members = team.current_team(session, actor, person_id)
    history = [m for m in team.team_history(session, actor, person_id) if not m.current]
    coordinator = next((m for m in members if m.role == TeamRole.COORDINATOR), None)
    ip = individual_plan.current_ip_status(session, actor, person_id)
    return render_read(
        request,
        session,
        "careplans/team.html",
        person=person,
        members=members,
        history=history,
        coordinator=coordinator,
        needs_coordinator=team.needs_coordinator(session, person_id, clock.today()),
        ip=individual_plan.ip_read(ip) if ip else None,
    )


@router.get("/persons/{person_id}/care-plan")
def care_plan(request: Request, person_id: int, session: PageSession, actor: PageActor) -> Response:
    person = persons.get_person(session, actor, person_id, what="care_plan")
    view = measures.plan_view(session, actor, person_id)
    team_units = {m.unit_id: m.unit_name for m in team.current_team(session, actor, person_id)}
    owners = {u.id: u.name for u in choices.named_users(session, team_units)}
    units = {c.id: c.name for g in choices.team_units(session, person_id, actor.unit_ids) for c in g.choices}
    return render_read(
        request, session, "careplans/plan.html", person=person, view=view, unit_names=units, user_names=owners
    )


# --- action pages ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormPage:
    """One form page: ``GET`` shows it, ``POST`` submits it. ``item`` names the path's second id, if any."""

    path: str  # below /persons/{person_id}
    template: str  # under templates/careplans/
    title: str  # English source text, translated in the template
    model: type[BaseModel]
    data: Callable[[FormState], dict[str, Any]]
    act: Callable[[Session, Actor, int, int | None, Any], object]
    done: str  # the confirmation after a successful submit
    back: str  # "care-team" or "care-plan"
    defaults: Callable[[Session, Actor, int, int | None], dict[str, Any]] = lambda s, a, p, i: {}
    item: str | None = None
    check_item: Callable[[Session, Actor, int, int], None] | None = None  # NotFound unless it is this person's


def _owner_data(form: FormState) -> dict[str, Any]:
    return {"unit_id": text(form, "unit_id"), "user_id": text(form, "user_id"), "name": text(form, "name")}


def _dated(form: FormState, name: str) -> dict[str, Any]:
    return {name: day(form, name), "note": text(form, "note")}


def _member_of(session: Session, actor: Actor, person_id: int, member_id: int) -> None:
    if team.get_member(session, actor, member_id).person_id != person_id:
        raise NotFound("care team member", member_id)


def _goal_of(session: Session, actor: Actor, person_id: int, goal_id: int) -> None:
    if plans.get_goal(session, actor, goal_id).person_id != person_id:
        raise NotFound("goal", goal_id)


def _measure_of(session: Session, actor: Actor, person_id: int, measure_id: int) -> None:
    if measures.get_measure(session, actor, measure_id).person_id != person_id:
        raise NotFound("measure", measure_id)


def _current_plan_id(session: Session, actor: Actor, person_id: int) -> int:
    plan = plans.current_plan(session, actor, person_id)
    if plan is None:
        raise NotFound("care plan", person_id)
    return plan.id


def _coordinator_version(session: Session, actor: Actor, person_id: int, _: int | None) -> dict[str, Any]:
    current = team.current_coordinator(session, actor, person_id)
    return {"from_date": clock.today(), "version": current.version if current else None}


def _ip_defaults(session: Session, actor: Actor, person_id: int, _: int | None) -> dict[str, Any]:
    current = individual_plan.current_ip_status(session, actor, person_id)
    if current is None:
        return {"status": IpStatus.OFFERED, "offered_on": clock.today()}
    return {
        "status": current.status,
        "offered_on": current.offered_on,
        "answered_on": current.answered_on,
        "reviewed_on": current.reviewed_on,
        "coordinator_offered_on": current.coordinator_offered_on,
        "coordinator_answer": current.coordinator_answer,
        "version": current.version,
    }


def _plan_version(session: Session, actor: Actor, person_id: int, _: int | None) -> dict[str, Any]:
    plan = plans.current_plan(session, actor, person_id)
    return {
        "on": clock.today(),
        "participation": plan.participation if plan else None,
        "version": plan and plan.version,
    }


def _goal_defaults(session: Session, actor: Actor, person_id: int, goal_id: int | None) -> dict[str, Any]:
    goal = plans.get_goal(session, actor, goal_id or 0)
    return {"status": goal.status, "version": goal.version}


def _measure_defaults(session: Session, actor: Actor, person_id: int, measure_id: int | None) -> dict[str, Any]:
    measure = measures.get_measure(session, actor, measure_id or 0)
    return {"evaluated_on": clock.today(), "version": measure.version}


FORM_PAGES: list[FormPage] = [
    FormPage(
        "care-team/members",
        "member.html",
        N_("Add a member to the care team"),
        TeamMemberCreate,
        lambda f: {
            **_owner_data(f),
            "role": text(f, "role"),
            "from_date": day(f, "from_date"),
            "note": text(f, "note"),
        },
        lambda s, a, p, i, d: team.add_member(s, a, p, d),
        N_("The member is added to the care team."),
        "care-team",
        defaults=lambda s, a, p, i: {"from_date": clock.today(), "unit_id": a.active_unit_id},
    ),
    FormPage(
        "care-team/members/{item_id}/end",
        "member_end.html",
        N_("End a care-team membership"),
        TeamMemberEnd,
        lambda f: {"to_date": day(f, "to_date"), "note": text(f, "note"), "version": text(f, "version")},
        lambda s, a, p, i, d: team.end_member(s, a, i or 0, d),
        N_("The membership is ended."),
        "care-team",
        defaults=lambda s, a, p, i: {"to_date": clock.today(), "version": team.get_member(s, a, i or 0).version},
        item="member",
        check_item=_member_of,
    ),
    FormPage(
        "coordinator",
        "coordinator.html",
        N_("Assign the coordinator"),
        CoordinatorAssign,
        lambda f: {
            **_owner_data(f),
            "from_date": day(f, "from_date"),
            "note": text(f, "note"),
            "version": text(f, "version"),
        },
        lambda s, a, p, i, d: team.assign_coordinator(s, a, p, d),
        N_("The coordinator is assigned."),
        "care-team",
        defaults=_coordinator_version,
    ),
    FormPage(
        "individual-plan",
        "individual_plan.html",
        N_("Individual plan (IP) and coordinator offer"),
        IpStatusRecord,
        lambda f: {
            "status": text(f, "status"),
            "offered_on": day(f, "offered_on"),
            "answered_on": day(f, "answered_on"),
            "reviewed_on": day(f, "reviewed_on"),
            "coordinator_offered_on": day(f, "coordinator_offered_on"),
            "coordinator_answer": text(f, "coordinator_answer"),
            "note": text(f, "note"),
            "version": text(f, "version"),
        },
        lambda s, a, p, i, d: individual_plan.record_ip_status(s, a, p, d),
        N_("The individual plan status is recorded."),
        "care-team",
        defaults=_ip_defaults,
    ),
    FormPage(
        "care-plan/start",
        "plan_start.html",
        N_("Start a care plan"),
        CarePlanCreate,
        lambda f: {"started_on": day(f, "started_on")},
        lambda s, a, p, i, d: plans.start_plan(s, a, p, d),
        N_("The care plan is started."),
        "care-plan",
        defaults=lambda s, a, p, i: {"started_on": clock.today()},
    ),
    FormPage(
        "care-plan/decline",
        "plan_decline.html",
        N_("The person does not want a care plan now"),
        CarePlanDecline,
        lambda f: {"declined_on": day(f, "declined_on"), "reason": text(f, "reason")},
        lambda s, a, p, i, d: plans.decline_plan(s, a, p, d),
        N_("It is recorded that the person does not want a care plan now."),
        "care-plan",
        defaults=lambda s, a, p, i: {"declined_on": clock.today()},
    ),
    FormPage(
        "care-plan/participation",
        "participation.html",
        N_("How the person took part in the plan"),
        ParticipationRecord,
        lambda f: {"participation": text(f, "participation"), "on": day(f, "on"), "version": text(f, "version")},
        lambda s, a, p, i, d: plans.record_participation(s, a, _current_plan_id(s, a, p), d),
        N_("The person's participation is recorded."),
        "care-plan",
        defaults=_plan_version,
    ),
    FormPage(
        "care-plan/goals",
        "goal.html",
        N_("Add a goal"),
        GoalCreate,
        lambda f: {"text": text(f, "text"), "own_words": flag(f, "own_words")},
        lambda s, a, p, i, d: plans.add_goal(s, a, _current_plan_id(s, a, p), d),
        N_("The goal is added."),
        "care-plan",
        defaults=lambda s, a, p, i: {"own_words": True},
    ),
    FormPage(
        "care-plan/goals/{item_id}/status",
        "goal_status.html",
        N_("Change the goal's status"),
        GoalUpdate,
        lambda f: {"status": text(f, "status"), "version": text(f, "version")},
        lambda s, a, p, i, d: plans.update_goal(s, a, i or 0, d),
        N_("The goal is updated."),
        "care-plan",
        defaults=_goal_defaults,
        item="goal",
        check_item=_goal_of,
    ),
    FormPage(
        "care-plan/goals/{item_id}/measures",
        "measure.html",
        N_("Add a measure"),
        MeasureCreate,
        lambda f: {
            "description": text(f, "description"),
            "owner_unit_id": text(f, "owner_unit_id"),
            "owner_user_id": None if flag(f, "to_unit_queue") else text(f, "owner_user_id"),
            "to_unit_queue": flag(f, "to_unit_queue"),
            "evaluate_by": day(f, "evaluate_by"),
            "create_task": flag(f, "create_task"),
        },
        lambda s, a, p, i, d: measures.add_measure(s, a, i or 0, d),
        N_("The measure is added."),
        "care-plan",
        defaults=lambda s, a, p, i: {"owner_unit_id": a.active_unit_id, "owner_user_id": a.user_id},
        item="goal",
        check_item=_goal_of,
    ),
    FormPage(
        "care-plan/measures/{item_id}/evaluate",
        "evaluate.html",
        N_("Evaluate a measure"),
        EvaluationCreate,
        lambda f: {
            "evaluated_on": day(f, "evaluated_on"),
            "outcome": text(f, "outcome"),
            "note": text(f, "note"),
            "next_evaluate_by": day(f, "next_evaluate_by"),
            "version": text(f, "version"),
        },
        lambda s, a, p, i, d: measures.evaluate_measure(s, a, i or 0, d),
        N_("The evaluation is recorded."),
        "care-plan",
        defaults=_measure_defaults,
        item="measure",
        check_item=_measure_of,
    ),
]


def _action_page(
    request: Request,
    session: Session,
    actor: Actor,
    action: FormPage,
    person_id: int,
    item_id: int | None,
    form: FormState,
    status_code: int = 200,
) -> Response:
    person = persons.get_person(session, actor, person_id, what="care_team")
    unit_groups = choices.team_units(session, person_id, actor.unit_ids)
    team_unit_ids = {m.unit_id for m in team.current_team(session, actor, person_id)}
    context: dict[str, Any] = {
        "form": form,
        "person": person,
        "action": action,
        "action_url": f"/persons/{person_id}/" + action.path.replace("{item_id}", str(item_id)),
        "back_url": f"/persons/{person_id}/{action.back}",
        "unit_groups": unit_groups,
        "named_users": choices.named_users(session, actor.unit_ids | team_unit_ids),
        "enums": ENUMS,
    }
    if action.item == "goal" and item_id is not None:
        context["goal"] = plans.get_goal(session, actor, item_id)
    elif action.item == "measure" and item_id is not None:
        context["measure"] = measures.get_measure(session, actor, item_id)
    elif action.item == "member" and item_id is not None:
        context["member"] = team.member_read(session, team.get_member(session, actor, item_id))
    return render_read(request, session, f"careplans/{action.template}", status_code=status_code, **context)


ENUMS = {
    "member_roles": MEMBER_ROLES,
    "ip_status": IpStatus,
    "offer_answer": OfferAnswer,
    "participation": Participation,
    "goal_status": GoalStatus,
    "evaluation_outcome": EvaluationOutcome,
}


def _show(action: FormPage) -> Callable[..., Response]:
    def show(
        request: Request, person_id: int, session: PageSession, actor: PageActor, item_id: int | None = None
    ) -> Response:
        persons.get_person(session, actor, person_id, what="care_team")
        if action.check_item is not None:
            action.check_item(session, actor, person_id, item_id or 0)
        form = FormState.of(action.defaults(session, actor, person_id, item_id))
        return _action_page(request, session, actor, action, person_id, item_id, form)

    return show


def _post(action: FormPage) -> Callable[..., Response]:
    def post(
        request: Request,
        person_id: int,
        session: PageSession,
        actor: PageActor,
        form: PostedForm,
        item_id: int | None = None,
    ) -> Response:
        lang = lang_of(request)
        persons.get_person(session, actor, person_id, what="care_team")
        if action.check_item is not None:
            action.check_item(session, actor, person_id, item_id or 0)
        done = submit(
            form, lang, action.model, action.data(form), lambda d: action.act(session, actor, person_id, item_id, d)
        )
        if done is None:
            session.rollback()
            return _action_page(request, session, actor, action, person_id, item_id, form, 422)
        session.commit()
        flash(request, translate(request, action.done))
        return see_other(f"/persons/{person_id}/{action.back}")

    return post


for _action in FORM_PAGES:
    _path = f"/persons/{{person_id}}/{_action.path}"
    router.add_api_route(_path, _show(_action), methods=["GET"], response_class=Response)
    router.add_api_route(_path, _post(_action), methods=["POST"], response_class=Response)
