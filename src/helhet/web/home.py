"""The home page: the actor's worklists, one section each.

The page context is a list of ``Section``s, so a new worklist is one more section with its own fragment
(``templates/home/_<key>.html``), without touching the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from helhet.audit import policy
from helhet.i18n import N_
from helhet.pathways import views
from helhet.users.actor import Actor
from helhet.web.deps import PageActor, PageSession
from helhet.web.forms import csrf_guard
from helhet.web.render import render
from helhet.worklists import core as worklists

router = APIRouter(dependencies=[Depends(csrf_guard)], include_in_schema=False)


@dataclass(frozen=True)
class Section:
    key: str  # names the fragment templates/home/_<key>.html and the heading's id
    title: str  # English source text; the template translates it
    items: Sequence[Any]
    empty: str  # shown when there are no items

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items if getattr(item, "overdue", False))


@dataclass(frozen=True)
class HomePage:
    unit_name: str | None
    sections: list[Section]
    needs_unit: bool  # several units and none chosen
    sees_persons: bool


def home_page(session: PageSession, actor: Actor, unit_names: dict[int, str]) -> HomePage:
    sees = policy.sees_person_data(actor)
    if not sees or actor.active_unit_id is None:
        return HomePage(None, [], needs_unit=sees and len(actor.unit_ids) > 1, sees_persons=sees)
    sections = [
        Section(
            "assessments_due",
            N_("Referrals awaiting assessment"),
            worklists.assessments_due(session, actor),
            N_("No referrals are waiting for assessment in this unit."),
        ),
        Section(
            "recent_persons",
            N_("Persons you follow"),
            views.recent_persons(session, actor),
            N_("You have no persons in your care yet."),
        ),
    ]
    return HomePage(unit_names.get(actor.active_unit_id), sections, needs_unit=False, sees_persons=True)


@router.get("/")
def home(request: Request, session: PageSession, actor: PageActor) -> Response:
    names = {u.id: u.name for u in request.state.units}
    page = home_page(session, actor, names)
    session.commit()  # the worklist views are logged
    return render(request, "home/index.html", page=page)
