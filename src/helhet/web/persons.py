"""Pages: person search, emergency access, and the person's pathway."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from helhet.assessments import service as assessments
from helhet.errors import Invalid, NotFound
from helhet.i18n import N_, format_datetime
from helhet.pathways import views
from helhet.pathways.models import Episode
from helhet.persons import service as persons
from helhet.persons.models import Person
from helhet.referrals.models import Referral, ReferralStatus
from helhet.users.actor import Actor
from helhet.vedtak import service as vedtak
from helhet.web.deps import PageActor, PageSession, offer_units
from helhet.web.forms import FormState, PostedForm, add_invalid, csrf_guard
from helhet.web.referrals import may_assess
from helhet.web.render import flash, lang_of, render, render_read, see_other, translate

router = APIRouter(dependencies=[Depends(csrf_guard)], include_in_schema=False)
MAX_QUERY = 100
MAX_REASON = 2000
NO_PERSON = 0  # no person has id 0: an unknown number goes through the same checks as a known one


@router.get("/persons/search")
def search(request: Request, session: PageSession, actor: PageActor, q: str | None = None) -> Response:
    form = FormState.of({"q": (q or "")[:MAX_QUERY]})
    found: list[Person] | None = None
    if q is not None:
        if len(q) > MAX_QUERY:
            form.add("q", translate(request, N_("Use at most %(n)s characters")) % {"n": MAX_QUERY})
        else:
            try:
                found = persons.search_persons(session, actor, q)
                session.commit()  # every person shown is logged
            except Invalid as exc:
                session.rollback()
                add_invalid(form, exc, lang_of(request))
    return render(request, "persons/search.html", form=form, found=found)


@router.get("/persons/emergency")
def emergency_page(request: Request, actor: PageActor) -> Response:
    return render(request, "persons/emergency.html", form=FormState())


@router.post("/persons/emergency")
def emergency(request: Request, session: PageSession, actor: PageActor, form: PostedForm) -> Response:
    """Break the glass: a deliberate step with a reason; the grant is logged and reviewed by a unit leader."""
    lang = lang_of(request)
    number = form.value("fodselsnummer").strip()
    reason = form.value("reason")
    if len(reason) > MAX_REASON:
        form.add("reason", translate(request, N_("Use at most %(n)s characters")) % {"n": MAX_REASON})
        return render(request, "persons/emergency.html", status_code=422, form=form)
    try:
        person = persons.find_by_fodselsnummer(session, number)
        grant = persons.break_glass(session, actor, person.id if person else NO_PERSON, reason)
        session.commit()
    except Invalid as exc:
        session.rollback()
        add_invalid(form, exc, lang)
        return render(request, "persons/emergency.html", status_code=422, form=form)
    except NotFound:
        session.rollback()
        # the same words whether the number is unknown or access cannot be given at all
        form.add(None, translate(request, N_("No record could be opened for this number.")))
        return render(request, "persons/emergency.html", status_code=404, form=form)
    flash(
        request,
        translate(request, N_("Emergency access granted until %(until)s. Your reason is logged and will be reviewed."))
        % {"until": format_datetime(grant.expires_at, lang)},
    )
    return see_other(f"/persons/{grant.person_id}")


@dataclass(frozen=True)
class Allowed:
    """Which actions the pathway page offers: the services' own rules, so a link is shown only to someone whose
    submit would not be refused for who they are (the services still decide)."""

    actor: Actor
    municipal_units: frozenset[int] = frozenset()  # the actor's active municipal units: the ones that make vedtak

    @property
    def in_a_unit(self) -> bool:
        """Handovers, tasks and appointments are made in one of the actor's own units."""
        return bool(self.actor.unit_ids)

    @property
    def new_vedtak(self) -> bool:
        return bool(self.municipal_units)

    def assess(self, referral: Referral) -> bool:
        return may_assess(self.actor, referral)

    def start_episode(self, referral: Referral) -> bool:
        """A granted referral is started by the clinical staff of the unit that received it."""
        return (
            referral.status == ReferralStatus.GRANTED
            and self.actor.role in assessments.ASSESSING_ROLES
            and referral.receiving_unit_id in self.actor.unit_ids
        )

    def end_episode(self, episode: Episode) -> bool:
        """Only the treating unit ends (or discharges from) an episode."""
        return episode.ended_on is None and episode.unit_id in self.actor.unit_ids


@router.get("/persons/{person_id}")
def pathway(request: Request, person_id: int, session: PageSession, actor: PageActor) -> Response:
    page = views.pathway_page(session, actor, person_id)
    offer_units(request, page.unit_options)
    municipal = frozenset(u.id for u in vedtak.responsible_units(session, actor))
    return render_read(request, session, "persons/pathway.html", page=page, can=Allowed(actor, municipal))
