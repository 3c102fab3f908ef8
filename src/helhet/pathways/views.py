"""Reads shaped for the staff pages: the pathway page, the home page's recent persons, and unit choices.

Every function that shows a person's data goes through the door first (``timeline.read_pathway`` checks
access and logs the read) or lists only persons the actor may see (``policy.visible_person_ids``) and logs the
list view. The pathway page's coordination summary comes from ``pathways.coordination``, read through each
domain's own service. Statement counts do not grow with the size of the pathway.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Executable, bindparam, func, select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.assessments.models import Assessment
from helhet.audit import policy
from helhet.pathways import coordination, timeline
from helhet.pathways.derived import referral_facts
from helhet.pathways.models import Episode
from helhet.pathways.schemas import PathwayEvent, ReferralFacts
from helhet.persons.models import Person
from helhet.reference.units import CareLevel
from helhet.referrals import deadlines
from helhet.referrals.models import Referral
from helhet.referrals.service import RECEIVING_KINDS
from helhet.units.models import HealthTrust, Municipality, Region, Unit
from helhet.users.actor import Actor
from helhet.users.models import User
from helhet.worklists.core import log_list_view

RECENT_LIMIT = 10


@dataclass(frozen=True)
class UnitOption:
    id: int
    name: str
    levels: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnitGroup:
    label: str
    units: list[UnitOption]


@dataclass(frozen=True)
class PersonRow:
    id: int
    name: str
    birth_date: date
    last_referral_on: date | None


@dataclass(frozen=True)
class ReferralView:
    """One referral with its latest assessment, its episodes and the facts derived from them."""

    referral: Referral
    receiving_unit: str
    referrer_unit: str | None
    assessment: Assessment | None
    episodes: list[Episode]
    facts: ReferralFacts

    @property
    def open_episodes(self) -> list[Episode]:
        return [e for e in self.episodes if e.ended_on is None]


@dataclass(frozen=True)
class PathwayPage:
    person: dict[str, Any]
    age: int
    municipality: str
    events: list[PathwayEvent]
    referrals: list[ReferralView]
    assessments: dict[int, Assessment] = field(default_factory=dict)
    episodes: dict[int, Episode] = field(default_factory=dict)
    unit_names: dict[int, str] = field(default_factory=dict)
    user_names: dict[int, str] = field(default_factory=dict)
    coordination: coordination.Coordination | None = None
    today: date = field(default_factory=clock.today)
    unit_options: list[UnitOption] = field(default_factory=list)  # every unit named on the page, by name

    def referral(self, referral_id: int | None) -> ReferralView | None:
        return next((r for r in self.referrals if r.referral.id == referral_id), None)


def unit_names(session: Session, ids: Iterable[int]) -> list[UnitOption]:
    """The named units of ``ids``, by name (the unit switcher)."""
    wanted = list(ids)
    if not wanted:
        return []
    rows = session.execute(_unit_names_statement(), {"unit_ids": wanted})
    return [UnitOption(r.id, r.name, tuple(r.levels or ())) for r in rows]


@cache
def _unit_names_statement() -> Executable:
    """Built once (every page names the actor's units), the ids bound at each call."""
    return (
        select(Unit.id, Unit.name, Unit.levels)
        .where(Unit.id.in_(bindparam("unit_ids", expanding=True)))
        .order_by(Unit.name, Unit.id)
    )


def receiving_units(session: Session) -> list[UnitGroup]:
    """Units that receive TSB referrals, grouped by health trust (private providers by region)."""
    stmt = (
        select(Unit.id, Unit.name, HealthTrust.name.label("trust"), Region.name.label("region"))
        .outerjoin(HealthTrust, HealthTrust.code == Unit.health_trust_code)
        .outerjoin(Region, Region.code == Unit.region_code)
        .where(Unit.active.is_(True), Unit.kind.in_(list(RECEIVING_KINDS)))
        .order_by(HealthTrust.name, Region.name, Unit.name)
    )
    groups: dict[str, list[UnitOption]] = {}
    for row in session.execute(stmt):
        groups.setdefault(row.trust or row.region or "", []).append(UnitOption(row.id, row.name))
    return [UnitGroup(label, units) for label, units in groups.items()]


def recent_persons(session: Session, actor: Actor, limit: int = RECENT_LIMIT) -> list[PersonRow]:
    """Persons the actor may see, most recently referred first; the view is logged like a worklist."""
    if not policy.sees_person_data(actor) or actor.active_unit_id is None:
        return []
    if policy.audience(actor) != policy.RELATED:  # only care relationships list persons here
        return []
    params = {**policy.relation_params(actor), "page_limit": limit}
    rows = [PersonRow(r[0], f"{r[1]} {r[2]}", r[3], r[4]) for r in session.execute(_recent_statement(), params)]
    log_list_view(session, actor, "recent_persons", actor.active_unit_id, [r.id for r in rows])
    return rows


@cache
def _recent_statement() -> Executable:
    """Built once; the actor's relationships (``policy.relation_params``) and the limit bound at each call."""
    visible = policy.visible_person_ids_bound()
    latest = (
        select(Referral.person_id, func.max(Referral.received_on).label("last"))
        .where(Referral.person_id.in_(visible))
        .group_by(Referral.person_id)
        .subquery()
    )
    return (
        select(Person.id, Person.given_name, Person.family_name, Person.birth_date, latest.c.last)
        .outerjoin(latest, latest.c.person_id == Person.id)
        .where(Person.id.in_(visible))
        .order_by(latest.c.last.desc().nulls_last(), Person.id.desc())
        .limit(bindparam("page_limit"))
    )


def pathway_page(session: Session, actor: Actor, person_id: int) -> PathwayPage:
    """Everything the pathway page shows; ``read_pathway`` is the door (not found for outsiders, logged)."""
    pathway = timeline.read_pathway(session, actor, person_id)
    person_param = {"person_id": person_id}
    referrals = list(session.scalars(_person_rows(Referral, "received_on"), person_param))
    assessments = list(session.scalars(_person_rows(Assessment, "assessed_on", "id"), person_param))
    episodes = list(session.scalars(_person_rows(Episode, "started_on", "id"), person_param))
    today = clock.today()
    views = [_referral_view(r, assessments, episodes, today) for r in referrals]
    targets = {
        "start_referral": next(
            (v.referral.id for v in views if v.referral.status == "granted" and not v.episodes), None
        ),
        "assess_referral": next((v.referral.id for v in views if v.referral.status in {"received", "returned"}), None),
    }
    summary = coordination.coordination(session, actor, person_id, targets, today, episodes)
    unit_ids = {r.receiving_unit_id for r in referrals} | {r.referrer_unit_id for r in referrals if r.referrer_unit_id}
    unit_ids |= {e.unit_id for e in episodes} | {a.unit_id for a in assessments}
    unit_ids |= {e.other_unit_id for e in pathway.events if e.other_unit_id is not None}
    user_ids = {a.assessed_by for a in assessments} | {e.responsible_user_id for e in episodes}
    user_ids |= {r.registered_by for r in referrals} | {e.owner_id for e in pathway.events}
    more_units, more_users = coordination.owners(summary)
    # the actor's own units too: the unit switcher takes them from this read (``web.deps.UnitSwitcher``)
    options = unit_names(session, unit_ids | more_units | actor.unit_ids)
    units = {u.id: u.name for u in options}
    users = _user_names(session, {i for i in user_ids | more_users if i is not None})
    person = pathway.person
    municipality = session.scalar(_municipality_statement(), {"number": person["municipality_number"]})
    return PathwayPage(
        person=person,
        age=deadlines.age_on(person["birth_date"], today),
        municipality=municipality or person["municipality_number"],
        events=pathway.events,
        referrals=[_named(v, units) for v in views],
        assessments={a.id: a for a in assessments},
        episodes={e.id: e for e in episodes},
        unit_names=units,
        user_names=users,
        coordination=coordination.named(summary, units),
        today=today,
        unit_options=options,
    )


@cache
def _person_rows(model: type[Referral | Assessment | Episode], *order: str) -> Executable:
    """The person's rows of ``model`` in ``order``: built once, the person bound at each call (the page's reads
    are neither built nor keyed again per request)."""
    return select(model).where(model.person_id == bindparam("person_id")).order_by(*(getattr(model, c) for c in order))


@cache
def _municipality_statement() -> Executable:
    return select(Municipality.name).where(Municipality.number == bindparam("number"))


def _referral_view(
    referral: Referral,
    assessments: list[Assessment],
    episodes: list[Episode],
    today: date,
) -> ReferralView:
    own = [a for a in assessments if a.referral_id == referral.id]
    latest = own[-1] if own else None
    eps = [e for e in episodes if e.referral_id == referral.id]
    first = eps[0] if eps else None
    facts = referral_facts(
        referral_id=referral.id,
        received_on=referral.received_on,
        assessment_due=referral.assessment_due,
        assessed_on=latest.assessed_on if latest else None,
        start_deadline=latest.start_deadline if latest else None,
        first_start=first.started_on if first else None,
        wished_level=referral.wished_level,
        assigned_level=latest.assigned_level if latest else None,
        delivered_level=CareLevel(first.level) if first else None,
        today=today,
    )
    return ReferralView(
        referral=referral,
        receiving_unit="",  # named once every unit on the page is known
        referrer_unit=None,
        assessment=latest,
        episodes=eps,
        facts=facts,
    )


def _named(view: ReferralView, units: dict[int, str]) -> ReferralView:
    referrer = view.referral.referrer_unit_id
    return replace(
        view,
        receiving_unit=units.get(view.referral.receiving_unit_id, ""),
        referrer_unit=units.get(referrer) if referrer else None,
    )


def _user_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {r.id: r.full_name for r in session.execute(_user_names_statement(), {"user_ids": sorted(ids)})}


@cache
def _user_names_statement() -> Executable:
    return select(User.id, User.full_name).where(User.id.in_(bindparam("user_ids", expanding=True)))


__all__ = ["PathwayPage", "pathway_page", "receiving_units", "recent_persons", "unit_names"]
