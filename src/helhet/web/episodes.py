"""Pages: start an episode of care for a granted referral, and end one."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from helhet import clock
from helhet.assessments import service as assessments
from helhet.i18n import N_
from helhet.pathways import episodes, views
from helhet.pathways.models import Episode
from helhet.pathways.schemas import EpisodeCreate, EpisodeEnd
from helhet.persons import service as persons
from helhet.referrals import service as referrals
from helhet.referrals.models import Referral
from helhet.users.actor import Actor
from helhet.web.deps import PageActor, PageSession
from helhet.web.forms import FormState, PostedForm, csrf_guard, day, submit, text
from helhet.web.render import flash, lang_of, render_read, see_other, translate

router = APIRouter(dependencies=[Depends(csrf_guard)], include_in_schema=False)


def _start_page(
    request: Request, session: PageSession, actor: Actor, referral: Referral, form: FormState, status_code: int = 200
) -> Response:
    person = persons.get_person(session, actor, referral.person_id, what="episode form")
    return render_read(
        request,
        session,
        "episodes/new.html",
        status_code=status_code,
        form=form,
        referral=referral,
        person=person,
        units=views.unit_names(session, actor.unit_ids | {referral.receiving_unit_id}),
    )


@router.get("/referrals/{referral_id}/episodes/new")
def new_episode(request: Request, referral_id: int, session: PageSession, actor: PageActor) -> Response:
    referral = referrals.get_referral(session, actor, referral_id)
    latest = assessments.latest_assessment(session, referral.id)
    defaults = {
        "unit_id": actor.active_unit_id,
        "level": latest.assigned_level if latest else referral.wished_level,
        "started_on": clock.today(),
    }
    return _start_page(request, session, actor, referral, FormState.of(defaults))


@router.post("/referrals/{referral_id}/episodes/new")
def start_episode(
    request: Request, referral_id: int, session: PageSession, actor: PageActor, form: PostedForm
) -> Response:
    lang = lang_of(request)
    referral = referrals.get_referral(session, actor, referral_id)
    data = {"unit_id": text(form, "unit_id"), "level": text(form, "level"), "started_on": day(form, "started_on")}
    started = submit(form, lang, EpisodeCreate, data, lambda d: episodes.start_episode(session, actor, referral_id, d))
    if started is None:
        session.rollback()
        return _start_page(request, session, actor, referral, form, 422)
    session.commit()
    flash(request, translate(request, N_("The episode is started.")))
    return see_other(f"/persons/{referral.person_id}")


def _end_page(
    request: Request, session: PageSession, actor: Actor, episode: Episode, form: FormState, status_code: int = 200
) -> Response:
    person = persons.get_person(session, actor, episode.person_id, what="episode form")
    unit = views.unit_names(session, [episode.unit_id])
    return render_read(
        request,
        session,
        "episodes/end.html",
        status_code=status_code,
        form=form,
        episode=episode,
        person=person,
        unit_name=unit[0].name if unit else "",
    )


@router.get("/episodes/{episode_id}/end")
def end_episode_page(request: Request, episode_id: int, session: PageSession, actor: PageActor) -> Response:
    episode = episodes.get_episode(session, actor, episode_id)
    form = FormState.of({"ended_on": clock.today(), "version": episode.version})
    return _end_page(request, session, actor, episode, form)


@router.post("/episodes/{episode_id}/end")
def end_episode(
    request: Request, episode_id: int, session: PageSession, actor: PageActor, form: PostedForm
) -> Response:
    lang = lang_of(request)
    episode = episodes.get_episode(session, actor, episode_id)
    data = {
        "version": text(form, "version"),
        "ended_on": day(form, "ended_on"),
        "end_reason": text(form, "end_reason"),
        "end_note": text(form, "end_note"),
    }
    if data["version"] is None:  # the form always carries the version it was made against
        form.add(None, translate(request, N_("The form is out of date; reload the page and try again.")))
    ended = submit(form, lang, EpisodeEnd, data, lambda d: episodes.end_episode(session, actor, episode_id, d))
    if ended is None:
        session.rollback()
        return _end_page(request, session, actor, episode, form, 422)
    session.commit()
    flash(request, translate(request, N_("The episode is ended.")))
    return see_other(f"/persons/{episode.person_id}")
