"""The home page: the actor's worklists, one section each, and each list in full on a page of its own.

A worklist is a ``Worklist`` (its key, words and the one-query loader of its domain); the home page shows the
first ``HOME_ROWS`` rows of each list the actor's role has, with a "show all" link to ``/worklists/<key>``
(paginated). Each section has its own fragment (``templates/home/_<key>.html``). Every list read is logged by its
domain's loader (one audit event naming the persons shown).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from helhet.appointments import outreach
from helhet.audit import policy
from helhet.errors import NotFound
from helhet.gaps import service as gaps
from helhet.i18n import N_
from helhet.pathways import views
from helhet.tasks import queries as tasks
from helhet.transitions import queries as handovers
from helhet.users.actor import Actor
from helhet.users.models import Role
from helhet.web.deps import PageActor, PageSession
from helhet.web.forms import csrf_guard
from helhet.web.render import render
from helhet.worklists import core as worklists

router = APIRouter(dependencies=[Depends(csrf_guard)], include_in_schema=False)

HOME_ROWS = 10  # rows per list on the home page; the rest is one "show all" away
PAGE_ROWS = 50  # rows per page of a full list

Loader = Callable[[Session, Actor, int, int, int], Sequence[Any]]  # session, actor, unit, limit, offset


@dataclass(frozen=True)
class Worklist:
    key: str  # names the fragment templates/home/_<key>.html, the heading's id and /worklists/<key>
    title: str  # English source text; the template translates it
    empty: str  # shown when the list is empty
    load: Loader


WORKLISTS: dict[str, Worklist] = {
    w.key: w
    for w in (
        Worklist(
            "escalated_tasks",
            N_("Escalated tasks"),
            N_("No task is escalated in the units you lead."),
            lambda s, a, u, n, o: tasks.escalated_tasks_for_leader(s, a, n, o),
        ),
        Worklist(
            "my_tasks",
            N_("My tasks"),
            N_("You have no open tasks."),
            lambda s, a, u, n, o: tasks.my_tasks(s, a, n, o),
        ),
        Worklist(
            "unit_queue",
            N_("Unowned tasks in the unit"),
            N_("The unit's queue is empty."),
            lambda s, a, u, n, o: tasks.unit_queue(s, a, u, n, o),
        ),
        Worklist(
            "incoming_handovers",
            N_("Incoming handovers awaiting acceptance"),
            N_("No handovers to this unit are awaiting acceptance."),
            lambda s, a, u, n, o: handovers.incoming_handovers(s, a, u, n, o),
        ),
        Worklist(
            "outgoing_handovers",
            N_("Outgoing handovers awaiting acceptance"),
            N_("No handovers from this unit are awaiting acceptance."),
            lambda s, a, u, n, o: handovers.outgoing_handovers(s, a, u, n, o),
        ),
        Worklist(
            "assessments_due",
            N_("Referrals awaiting assessment"),
            N_("No referrals are waiting for assessment in this unit."),
            lambda s, a, u, n, o: worklists.assessments_due(s, a, u, worklists.Page(n, o)),
        ),
        Worklist(
            "deadlines_at_risk",
            N_("Start deadlines at risk"),
            N_("No granted referral in this unit is close to its start deadline."),
            lambda s, a, u, n, o: worklists.deadlines_at_risk(s, a, u, worklists.Page(n, o)),
        ),
        Worklist(
            "no_shows",
            N_("No-shows awaiting outreach"),
            N_("No missed appointments are awaiting outreach."),
            lambda s, a, u, n, o: outreach.no_shows_awaiting_outreach(s, a, u, n, o),
        ),
        Worklist(
            "unit_gaps",
            N_("Persons with gaps"),
            N_("No person served by this unit has a gap."),
            lambda s, a, u, n, o: gaps.unit_gaps(s, a, u, worklists.Page(n, o)),
        ),
    )
}

#: the order of the lists per role: the leader's escalations, queue and handovers first
LEADER_ORDER = (
    "escalated_tasks",
    "unit_queue",
    "incoming_handovers",
    "outgoing_handovers",
    "my_tasks",
    "assessments_due",
    "deadlines_at_risk",
    "no_shows",
    "unit_gaps",
)
STAFF_ORDER = (
    "my_tasks",
    "unit_queue",
    "incoming_handovers",
    "outgoing_handovers",
    "assessments_due",
    "deadlines_at_risk",
    "no_shows",
    "unit_gaps",
)


def lists_for(actor: Actor) -> tuple[str, ...]:
    return LEADER_ORDER if actor.role == Role.UNIT_LEADER else STAFF_ORDER


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    items: Sequence[Any]
    empty: str
    more: bool = False  # there may be more rows than shown: link to the full list

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items if getattr(item, "overdue", False))

    @property
    def escalated(self) -> int:
        return sum(1 for item in self.items if getattr(item, "escalated_at", None) is not None)


@dataclass(frozen=True)
class HomePage:
    unit_name: str | None
    sections: list[Section]
    needs_unit: bool  # several units and none chosen
    sees_persons: bool
    role: str | None = None


def home_page(session: Session, actor: Actor, unit_names: dict[int, str]) -> HomePage:
    sees = policy.sees_person_data(actor)
    role = actor.role.value if actor.role else None
    if not sees or actor.active_unit_id is None:
        return HomePage(None, [], needs_unit=sees and len(actor.unit_ids) > 1, sees_persons=sees, role=role)
    unit = actor.active_unit_id
    sections = []
    for key in lists_for(actor):
        worklist = WORKLISTS[key]
        items = worklist.load(session, actor, unit, HOME_ROWS, 0)
        sections.append(Section(key, worklist.title, items, worklist.empty, more=len(items) >= HOME_ROWS))
    sections.append(
        Section(
            "recent_persons",
            N_("Persons you follow"),
            views.recent_persons(session, actor),
            N_("You have no persons in your care yet."),
        )
    )
    return HomePage(unit_names.get(unit), sections, needs_unit=False, sees_persons=True, role=role)


@dataclass(frozen=True)
class ListPage:
    unit_name: str | None
    section: Section
    offset: int
    limit: int

    @property
    def previous_offset(self) -> int | None:
        return max(self.offset - self.limit, 0) if self.offset > 0 else None

    @property
    def next_offset(self) -> int | None:
        return self.offset + self.limit if self.section.more else None

    @property
    def first(self) -> int:
        return self.offset + 1


def list_page(session: Session, actor: Actor, key: str, offset: int, unit_names: dict[int, str]) -> ListPage:
    """One worklist in full, a page at a time. A list the role does not have, or no unit, is "not found"."""
    if key not in lists_for(actor) or not policy.sees_person_data(actor) or actor.active_unit_id is None:
        raise NotFound("worklist", key)
    worklist = WORKLISTS[key]
    items = worklist.load(session, actor, actor.active_unit_id, PAGE_ROWS, offset)
    section = Section(key, worklist.title, items, worklist.empty, more=len(items) >= PAGE_ROWS)
    return ListPage(unit_names.get(actor.active_unit_id), section, offset, PAGE_ROWS)


@router.get("/")
def home(request: Request, session: PageSession, actor: PageActor) -> Response:
    names = {u.id: u.name for u in request.state.units}
    page = home_page(session, actor, names)
    session.commit()  # the worklist views are logged
    return render(request, "home/index.html", page=page)


@router.get("/worklists/{key}")
def full_list(
    request: Request, key: str, session: PageSession, actor: PageActor, offset: int = Query(0, ge=0, le=100_000)
) -> Response:
    names = {u.id: u.name for u in request.state.units}
    page = list_page(session, actor, key, offset, names)
    session.commit()  # the list view is logged
    return render(request, "home/list.html", page=page)
