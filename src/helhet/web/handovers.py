"""Pages: accountable handovers (create, see who is responsible, accept, decline, cancel, tick the checklist) and
discharge (with an accepted handover, or flagged without one), on ``helhet.transitions``."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from helhet import clock
from helhet.appointments import common
from helhet.i18n import N_
from helhet.pathways import episodes
from helhet.pathways import views as pathway_views
from helhet.pathways.models import Episode
from helhet.persons import service as persons
from helhet.reference.units import is_inpatient
from helhet.tasks import views as task_views
from helhet.transitions import discharge as discharges
from helhet.transitions import service as handovers
from helhet.transitions import views
from helhet.transitions.models import ChecklistItem, Handover, HandoverStatus
from helhet.transitions.schemas import (
    ChecklistTick,
    DischargeCreate,
    HandoverAccept,
    HandoverCreate,
    HandoverDecline,
    ReceiverName,
)
from helhet.users.actor import Actor
from helhet.web.actions import STALE, Action, checked_version, run
from helhet.web.deps import PageActor, PageSession
from helhet.web.forms import FormState, PostedForm, csrf_guard, day, flag, text
from helhet.web.render import render_form, render_read, translate

router = APIRouter(dependencies=[Depends(csrf_guard)], include_in_schema=False)

#: the services' reasons behind these pages, word for word, so ``messages.reason`` finds them in the catalog
SERVICE_REASONS = (
    N_("a handover goes to another unit; this is the sending unit"),
    N_("only members of the sending unit create its handovers"),
    N_(
        "the receiving unit has no care relationship with the person (referral, episode or care team); "
        "add it to the care team first"
    ),
    N_("not an episode of this person"),
    N_("the episode is not in the sending unit"),
    N_("say why the handover is declined"),
    N_("say why the handover is cancelled"),
    N_("only members of the receiving unit may do this"),
    N_("only members of the sending unit may do this"),
    N_("only the sending and receiving units work on the checklist"),
    N_("the handover is already accepted"),
    N_("the handover is already declined"),
    N_("the handover is already cancelled"),
    N_("the handover is declined"),
    N_("the handover is cancelled"),
    N_("the person is in LAR; the medication list must include the LAR dose"),
    N_("the person has no crisis plan; make one with the person first"),
    N_("not an appointment of this person"),
    N_("the follow-up is booked with the receiving unit"),
    N_("the appointment is cancelled"),
    N_(
        "no relative has a current consent (take part in meetings, or full information); general "
        "information needs no consent, but telling them about the handover does"
    ),
    N_("not a registered relative of this person"),
    N_("there is no accepted handover; record why the person is discharged without one"),
    N_("not a handover of this person"),
    N_("the handover is not from the unit that ends the episode"),
    N_("an admission handover does not cover a discharge"),
    N_("only the sending and receiving units name the receiver"),
    N_("this is already the receiver"),
    N_("the receiver must be a member of the receiving unit"),
)
NO_HANDOVER = "none"


# Create a handover -----------------------------------------------------------------------------------------


def _new_page(
    request: Request, session: PageSession, actor: Actor, person_id: int, form: FormState, status_code: int = 200
) -> Response:
    person = persons.get_person(session, actor, person_id, what="handover form")
    return render_read(
        request,
        session,
        "handovers/new.html",
        status_code=status_code,
        form=form,
        person=person,
        from_units=pathway_views.unit_names(session, actor.unit_ids),
        to_units=task_views.connected_units(session, person.id),
        episodes=views.open_episodes(session, person.id),
        in_lar=handovers.person_in_lar(session, person.id),
    )


@router.get("/persons/{person_id}/handovers/new")
def new_handover(
    request: Request, person_id: int, session: PageSession, actor: PageActor, episode_id: int | None = None
) -> Response:
    persons.get_person(session, actor, person_id, what="handover form")
    episode = next((e for e in views.open_episodes(session, person_id) if e.id == episode_id), None)
    defaults = {
        "kind": "discharge",
        "from_unit_id": episode.unit_id if episode and episode.unit_id in actor.unit_ids else actor.active_unit_id,
        "episode_id": episode.id if episode else None,
        "planned_on": clock.today(),
    }
    return _new_page(request, session, actor, person_id, FormState.of(defaults))


@router.post("/persons/{person_id}/handovers/new")
def create_handover(
    request: Request, person_id: int, session: PageSession, actor: PageActor, form: PostedForm
) -> Response:
    persons.get_person(session, actor, person_id, what="handover form")
    data = {
        "person_id": person_id,
        "kind": text(form, "kind"),
        "from_unit_id": text(form, "from_unit_id"),
        "to_unit_id": text(form, "to_unit_id"),
        "planned_on": day(form, "planned_on"),
        "episode_id": text(form, "episode_id"),
        "note": text(form, "note"),
    }
    items = [ChecklistItem(v) for v in form.all("checklist") if v in set(ChecklistItem)]
    if len(items) != len(form.all("checklist")):
        form.add("checklist", translate(request, N_("Choose one of the options")))
    lar_dose = flag(form, "lar_dose_included")

    def create(parsed: HandoverCreate) -> Handover:
        handover = handovers.create_handover(session, actor, parsed)
        for item in items:  # what is already done, ticked in the same transaction
            tick = ChecklistTick(lar_dose_included=lar_dose if item == ChecklistItem.MEDICATION_LIST_SENT else None)
            handovers.tick_checklist_item(session, actor, handover.id, item, tick)
        return handover

    action = Action(
        HandoverCreate,
        data,
        create,
        done=N_("The handover is sent. Your unit is responsible until it is accepted."),
        then=lambda handover: f"/handovers/{handover.id}",
        rename={"item": "checklist", "relative_id": "checklist", "appointment_id": "checklist"},
    )
    return run(request, session, form, action, lambda: _new_page(request, session, actor, person_id, form, 422))


# A handover: details, decisions, checklist -----------------------------------------------------------------


def _handover_page(
    request: Request,
    session: PageSession,
    actor: Actor,
    handover: Handover,
    forms: Mapping[str, FormState] | None = None,
    status_code: int = 200,
    tick_item: str | None = None,
) -> Response:
    person = persons.get_person(session, actor, handover.person_id, what="handover")
    page = views.handover_page(session, handover)
    version = {"version": handover.version}
    given = dict(forms or {})
    return render_read(
        request,
        session,
        "handovers/detail.html",
        status_code=status_code,
        person=person,
        page=page,
        h=page.handover,
        is_receiver=handover.to_unit_id in actor.unit_ids,
        is_sender=handover.from_unit_id in actor.unit_ids,
        may_name_receiver=may_name_receiver(actor, handover),
        may_tick=bool({handover.from_unit_id, handover.to_unit_id} & actor.unit_ids),
        accept_form=given.get("accept") or FormState.of(version),
        decline_form=given.get("decline") or FormState.of(version),
        cancel_form=given.get("cancel") or FormState.of(version),
        tick_form=given.get("tick") or FormState.of(version),
        fresh_form=FormState.of(version),
        tick_item=tick_item,
        failed=any(form.has_errors for form in given.values()),
    )


@router.get("/handovers/{handover_id}")
def handover_detail(request: Request, handover_id: int, session: PageSession, actor: PageActor) -> Response:
    handover = handovers.get_handover(session, actor, handover_id)
    return _handover_page(request, session, actor, handover)


def _decision(
    request: Request, session: PageSession, actor: Actor, handover_id: int, form: FormState, name: str, action: Action
) -> Response:
    """Accept, decline or cancel: the version checked, then saved, or the page again with form ``name``."""
    handover = handovers.get_handover(session, actor, handover_id)
    action.data["version"] = checked_version(request, form, handover.version, STALE["handover"])
    return run(
        request, session, form, action, lambda: _handover_page(request, session, actor, handover, {name: form}, 422)
    )


@router.post("/handovers/{handover_id}/accept")
def accept_handover(
    request: Request, handover_id: int, session: PageSession, actor: PageActor, form: PostedForm
) -> Response:
    action = Action(
        HandoverAccept,
        {"note": text(form, "accept_note")},
        lambda d: handovers.accept_handover(session, actor, handover_id, d),
        done=N_("The handover is accepted. Your unit is now responsible."),
        then=f"/handovers/{handover_id}",
        rename={"note": "accept_note"},
    )
    return _decision(request, session, actor, handover_id, form, "accept", action)


@router.post("/handovers/{handover_id}/decline")
def decline_handover(
    request: Request, handover_id: int, session: PageSession, actor: PageActor, form: PostedForm
) -> Response:
    action = Action(
        HandoverDecline,
        {"reason": text(form, "decline_reason")},
        lambda d: handovers.decline_handover(session, actor, handover_id, d),
        done=N_("The handover is declined. The sending unit keeps responsibility."),
        then=f"/handovers/{handover_id}",
        rename={"reason": "decline_reason"},
    )
    return _decision(request, session, actor, handover_id, form, "decline", action)


@router.post("/handovers/{handover_id}/cancel")
def cancel_handover(
    request: Request, handover_id: int, session: PageSession, actor: PageActor, form: PostedForm
) -> Response:
    action = Action(
        HandoverDecline,
        {"reason": text(form, "cancel_reason")},
        lambda d: handovers.cancel_handover(session, actor, handover_id, d),
        done=N_("The handover is cancelled. Your unit keeps responsibility."),
        then=f"/handovers/{handover_id}",
        rename={"reason": "cancel_reason"},
    )
    return _decision(request, session, actor, handover_id, form, "cancel", action)


@router.post("/handovers/{handover_id}/checklist")
def tick_checklist(
    request: Request, handover_id: int, session: PageSession, actor: PageActor, form: PostedForm
) -> Response:
    handover = handovers.get_handover(session, actor, handover_id)
    posted_item = form.value("item")
    item = ChecklistItem(posted_item) if posted_item in set(ChecklistItem) else None
    if item is None:
        form.add(None, translate(request, N_("Choose one of the options")))
    data = {
        "done": form.value("done") != "false",
        "lar_dose_included": flag(form, "lar_dose_included") or None,
        "relative_id": text(form, "relative_id"),
        "appointment_id": text(form, "appointment_id"),
        "version": checked_version(request, form, handover.version, STALE["handover"]),
    }

    def tick(parsed: ChecklistTick) -> Handover:
        assert item is not None  # the form has an error otherwise, and submit does not get here
        return handovers.tick_checklist_item(session, actor, handover_id, item, parsed)

    action = Action(ChecklistTick, data, tick, done=N_("The checklist is updated."), then=f"/handovers/{handover_id}")
    return run(
        request,
        session,
        form,
        action,
        lambda: _handover_page(request, session, actor, handover, {"tick": form}, 422, tick_item=posted_item),
    )


# The named receiver (ROP-13) --------------------------------------------------------------------------------


def may_name_receiver(actor: Actor, handover: Handover) -> bool:
    """The service's rule, for the link: either unit while pending, the receiving unit once accepted."""
    if handover.status == HandoverStatus.PENDING:
        return bool({handover.from_unit_id, handover.to_unit_id} & actor.unit_ids)
    return handover.status == HandoverStatus.ACCEPTED and handover.to_unit_id in actor.unit_ids


def _receiver_page(
    request: Request, session: PageSession, actor: Actor, handover: Handover, form: FormState | None = None
) -> Response:
    person = persons.get_person(session, actor, handover.person_id, what="handover")
    page = views.handover_page(session, handover)
    form = form or FormState.of({"receiver_user_id": handover.receiver_user_id, "version": handover.version})
    members = [(str(uid), name) for uid, name in common.unit_members(session, [handover.to_unit_id])]
    return render_form(
        request,
        session,
        "handovers/receiver.html",
        form,
        person=person,
        page=page,
        h=page.handover,
        members=members + _refused_choice(request, session, handover, form, members),
    )


def _refused_choice(
    request: Request, session: PageSession, handover: Handover, form: FormState, members: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """A refused receiver of the sending unit, by name, as one more option (both units see those names). Any
    other value that is none of the options the form shows as posted, marked refused (``_forms.html``)."""
    chosen = form.value("receiver_user_id")
    if not chosen or not form.has_errors or chosen in dict(members):
        return []
    senders = dict((str(uid), name) for uid, name in common.unit_members(session, [handover.from_unit_id]))
    if chosen not in senders:
        return []
    return [(chosen, translate(request, N_("%(choice)s (refused)")) % {"choice": senders[chosen]})]


@router.get("/handovers/{handover_id}/receiver")
def receiver_form(request: Request, handover_id: int, session: PageSession, actor: PageActor) -> Response:
    return _receiver_page(request, session, actor, handovers.get_handover(session, actor, handover_id))


@router.post("/handovers/{handover_id}/receiver")
def name_receiver(
    request: Request, handover_id: int, session: PageSession, actor: PageActor, form: PostedForm
) -> Response:
    handover = handovers.get_handover(session, actor, handover_id)  # outsiders get 404 before anything else
    data = {
        "receiver_user_id": text(form, "receiver_user_id"),
        "version": checked_version(request, form, handover.version, STALE["handover"]),
    }
    action = Action(
        ReceiverName,
        data,
        lambda d: handovers.name_receiver(session, actor, handover_id, d),
        done=N_("The receiver is named."),
        then=f"/handovers/{handover_id}",
    )
    return run(request, session, form, action, lambda: _receiver_page(request, session, actor, handover, form))


# Discharge -------------------------------------------------------------------------------------------------


def _discharge_page(
    request: Request, session: PageSession, actor: Actor, episode: Episode, form: FormState, status_code: int = 200
) -> Response:
    person = persons.get_person(session, actor, episode.person_id, what="discharge")
    record = next(
        (d for d in discharges.discharges_of_person(session, actor, person.id) if d.episode_id == episode.id), None
    )
    followup = next(
        (f for f in discharges.followup_after_discharge(session, actor, person.id) if f.episode_id == episode.id), None
    )
    candidates = views.discharge_handovers(handovers.handovers_of_person(session, actor, person.id), episode.unit_id)
    names = task_views.unit_names(session, [episode.unit_id, *(h.to_unit_id for h in candidates)])
    return render_read(
        request,
        session,
        "handovers/discharge.html",
        status_code=status_code,
        form=form,
        episode=episode,
        person=person,
        record=record,
        followup=followup,
        inpatient=is_inpatient(episode.level),
        candidates=candidates,
        unit_names=names,
        no_handover=NO_HANDOVER,
    )


@router.get("/episodes/{episode_id}/discharge")
def discharge_page(request: Request, episode_id: int, session: PageSession, actor: PageActor) -> Response:
    episode = episodes.get_episode(session, actor, episode_id)
    person_handovers = handovers.handovers_of_person(session, actor, episode.person_id)
    accepted = [
        h for h in views.discharge_handovers(person_handovers, episode.unit_id) if h.status == HandoverStatus.ACCEPTED
    ]
    defaults = {
        "ended_on": clock.today(),
        "version": episode.version,
        "handover_id": accepted[0].id if accepted else NO_HANDOVER,
    }
    return _discharge_page(request, session, actor, episode, FormState.of(defaults))


@router.post("/episodes/{episode_id}/discharge")
def discharge(request: Request, episode_id: int, session: PageSession, actor: PageActor, form: PostedForm) -> Response:
    episode = episodes.get_episode(session, actor, episode_id)
    chosen = text(form, "handover_id")
    data = {
        "ended_on": day(form, "ended_on"),
        "end_reason": text(form, "end_reason"),
        "end_note": text(form, "end_note"),
        "handover_id": None if chosen == NO_HANDOVER else chosen,
        "reason_without_handover": text(form, "reason_without_handover"),
        "version": checked_version(request, form, episode.version, STALE["episode"]),
    }

    def discharge_from(d: DischargeCreate) -> object:
        return discharges.discharge(
            session,
            actor,
            episode_id,
            d.ended_on,
            d.end_reason,
            d.handover_id,
            d.reason_without_handover,
            end_note=d.end_note,
            version=d.version,
        )

    action = Action(
        DischargeCreate,
        data,
        discharge_from,
        done=N_("The person is discharged."),
        then=f"/episodes/{episode_id}/discharge",
    )
    return run(request, session, form, action, lambda: _discharge_page(request, session, actor, episode, form, 422))
