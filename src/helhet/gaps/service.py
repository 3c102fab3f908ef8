"""Each person's gaps, and the gap list of a unit or municipality: a constant number of queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import CompoundSelect, Row, Select, or_, select
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
    there are some, they are recomputed (one combined statement for a few, the loaders for many) and the
    statement is read again, unless the new counts cannot change the page (``_same_page``)."""
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
        was = {row[1]: (row[7], row[8]) for row in rows if row[0] == 0}
        moved = [(was[pid], now) for pid, results in fresh.items() if (now := snapshot.counts(results)) != was[pid]]
        if not _same_page([(r[7], r[8]) for r in _page_rows(rows)], page, moved):
            rows = session.connection().execute(stmt, params).all()
    shown = []
    for _, pid, _, given, family, kept, _, _, _ in _page_rows(rows):
        # results just computed win over the row: its write-back is skipped when a change raced with it
        results = fresh.get(pid) or snapshot.restored(kept)
        shown.append(PersonGaps(pid, f"{given} {family}", _gaps(results), results))
    log_list_view(session, actor, "unit_gaps", unit, [r.person_id for r in shown])
    return shown


def _page_rows(rows: Sequence[Row[Any]]) -> list[Any]:
    return sorted((r for r in rows if r[0] == 1), key=lambda r: r[6])


Counts = tuple[int, int]  # high gaps, gaps


def _same_page(on_page: list[Counts], page: Page, moved: list[tuple[Counts, Counts]]) -> bool:
    """Whether the page read over the old counts is still the page once the persons in ``moved`` (old counts,
    new counts) have their new ones. It is when none of them crosses the page: each stays strictly before its
    first row or strictly after its last (by counts alone, so no name is compared outside SQL), or off the list
    (no gaps). Persons whose counts did not change keep their place and are not in ``moved``."""
    if not moved:
        return True

    def rank(c: Counts) -> tuple[int, int] | None:  # the list's order; None: not listed
        return (-c[0], -c[1]) if c[1] > 0 else None

    if not on_page:  # past the end: the page stays empty while no one joins or leaves the list
        return all((rank(o) is None) == (rank(n) is None) for o, n in moved)
    first, last = rank(on_page[0]), rank(on_page[-1])
    assert first is not None and last is not None
    full = len(on_page) == page.limit

    def after(r: tuple[int, int] | None) -> bool:
        return r is None or (full and r > last)

    def before(r: tuple[int, int] | None) -> bool:
        return r is not None and page.offset > 0 and r < first

    return all((after(rank(o)) and after(rank(n))) or (before(rank(o)) and before(rank(n))) for o, n in moved)
