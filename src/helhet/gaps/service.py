"""Each person's gaps, and the gap list of a unit or municipality: a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import CompoundSelect, Select, or_, select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.audit import policy
from helhet.errors import NotFound
from helhet.gaps import snapshot
from helhet.gaps.catalogue import BY_CODE, Check
from helhet.gaps.rules import Outcome, RuleResult
from helhet.pathways.models import CareTeamMember, Episode
from helhet.persons import service as persons
from helhet.referrals.models import OPEN_STATUSES, Referral, ReferralStatus
from helhet.users.actor import Actor
from helhet.worklists.core import Page, log_list_view, unit_of


class Gap(NamedTuple):
    check: Check
    result: RuleResult


@dataclass(frozen=True)
class PersonGaps:
    person_id: int
    person_name: str
    gaps: list[Gap]
    results: list[RuleResult]

    @property
    def high(self) -> int:
        return sum(1 for g in self.gaps if g.check.severity == "high")


_ORDER = {check.code: ({"high": 0, "medium": 1, "low": 2}[check.severity], check.code) for check in BY_CODE.values()}


def _gaps(results: list[RuleResult]) -> list[Gap]:
    gaps = [Gap(BY_CODE[r.code], r) for r in results if r.outcome is Outcome.GAP]
    return sorted(gaps, key=lambda g: _ORDER[g.check.code])


def person_gaps(session: Session, actor: Actor, person_id: int, today: date | None = None) -> PersonGaps:
    """The person's gaps on ``today``: read from their snapshot when it is current for the day (one statement),
    else recomputed (the combined facts statement) and stored, as the unit's list would."""
    person = persons.get_person(session, actor, person_id, what="gaps")
    results = snapshot.person_results(session, person_id, today or clock.today())
    return PersonGaps(person_id, person.name, _gaps(results), results)


def unit_person_ids(unit_id: int, today: date) -> CompoundSelect[Any]:
    """Persons the unit serves now: referrals it received that await assessment or a start, open referrals it
    sent, its open episodes, and persons it is on the care team of."""
    current_team = or_(CareTeamMember.to_date.is_(None), CareTeamMember.to_date >= today)
    started = select(Episode.id).where(Episode.referral_id == Referral.id).exists()
    waiting = or_(
        Referral.status.in_([ReferralStatus.RECEIVED, ReferralStatus.RETURNED]),
        (Referral.status == ReferralStatus.GRANTED) & ~started,
    )
    return (
        select(Referral.person_id)
        .where(Referral.receiving_unit_id == unit_id, waiting)
        .union(
            select(Referral.person_id).where(Referral.referrer_unit_id == unit_id, Referral.status.in_(OPEN_STATUSES)),
            select(Episode.person_id).where(Episode.unit_id == unit_id, Episode.ended_on.is_(None)),
            select(CareTeamMember.person_id).where(CareTeamMember.unit_id == unit_id, current_team),
        )
    )


@lru_cache(maxsize=256)
def _unit_ids(unit_id: int, today: date) -> Select[Any]:
    """The unit's person ids as one statement object per unit and day, kept: every loader embeds it, and a kept
    object remembers its cache key, so SQLAlchemy does not hash the union again for each statement."""
    ids_subquery = unit_person_ids(unit_id, today).subquery()
    return select(ids_subquery.c[0])


@lru_cache(maxsize=256)
def _list_statement(unit_id: int, today: date, key: str) -> CompoundSelect[Any]:
    return snapshot.list_statement(_unit_ids(unit_id, today), today, key)


def unit_gaps(
    session: Session, actor: Actor, unit_id: int | None = None, page: Page = Page(), today: date | None = None
) -> list[PersonGaps]:
    """Persons of a unit with at least one gap, most high-severity gaps first, then most gaps, then name;
    paginated in SQL over the unit's gap snapshots (``gaps/snapshot.py``). One statement reads the page and
    names the snapshots that are not current (none, once the night job or an earlier read made them); when
    there are some, the loaders recompute just those and the statement is read again."""
    unit = unit_of(actor, unit_id)
    if not policy.sees_person_data(actor):
        raise NotFound("unit", unit_id)
    today = today or clock.today()
    key = snapshot.rules_key()
    stmt = _list_statement(unit, today, key)
    params = {"page_limit": page.limit, "page_offset": page.offset}
    rows = session.connection().execute(stmt, params).all()
    versions = {row[1]: row[2] for row in rows if row[0] == 0}
    fresh: dict[int, list[RuleResult]] = {}
    if versions:
        fresh = snapshot.recompute(session, versions, today, key)
        rows = session.connection().execute(stmt, params).all()
    shown = []
    for _, pid, _, given, family, kept, _ in sorted((r for r in rows if r[0] == 1), key=lambda r: r[6]):
        # results just computed win over the row: its write-back is skipped when a change raced with it
        results = fresh.get(pid) or snapshot.restored(kept)
        shown.append(PersonGaps(pid, f"{given} {family}", _gaps(results), results))
    log_list_view(session, actor, "unit_gaps", unit, [r.person_id for r in shown])
    return shown
