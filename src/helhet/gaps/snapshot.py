"""The per-person gap snapshot (``person_gap_state``): read it, and recompute the rows that are not current.

A row is current for a day when it was computed for that Oslo day with the rules and thresholds in force
(``rules_key``) and no change marked it since (``gaps/changes.py``). ``refresh`` finds the stale rows among a
list of persons in one statement, recomputes just those with the fact loaders (a constant number of statements,
and none at all when every row is current) and writes them back, each only if its ``facts_version`` is still
the one read: a write that raced with the recomputation leaves its row stale for the next reader.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import CompoundSelect, Integer, Select, bindparam, func, literal, null, or_, select, text, union_all
from sqlalchemy.orm import Session

from helhet import clock
from helhet.config import get_settings
from helhet.gaps import combined
from helhet.gaps import facts as fact_loaders
from helhet.gaps.catalogue import BY_CODE
from helhet.gaps.changes import STATE, forget_marks, upsert_for
from helhet.gaps.models import PersonGapState
from helhet.gaps.rules import RULES, Outcome, RuleResult, evaluate
from helhet.persons.models import Person

_HIGH = frozenset(code for code, check in BY_CODE.items() if check.severity == "high")
_PAGE_SIZE = 4000  # rows per write-back statement: 8 parameters each stays below both backends' limits


def rules_key() -> str:
    """Fingerprint of what the results depend on besides the facts and the day: the rules, their severities and
    the numeric settings (thresholds); a change makes every snapshot stale."""
    settings = get_settings()
    if _key_memo and _key_memo[0] is settings:
        return _key_memo[1]
    numbers = sorted((k, v) for k, v in settings.model_dump().items() if isinstance(v, int | float))
    rules = [(code, BY_CODE[code].severity.value if code in BY_CODE else "") for code in RULES]
    key = hashlib.sha256(repr((numbers, rules)).encode()).hexdigest()[:16]
    _key_memo[:] = [settings, key]
    return key


_key_memo: list[Any] = []  # the settings object and its key: get_settings() is cached


def list_statement(ids: Select[Any], today: date, key: str) -> CompoundSelect[Any]:
    """One statement for a list of persons: its page of persons with gaps (kind 1: id, names, kept results and
    rank, most high gaps first, then most gaps, then name), and every person whose snapshot is not current (kind
    0: id and the version read); both with the high gaps and gaps counted in the row (columns 7 and 8, zero
    without a row), which order the page. The id list is read once (a CTE); ``page_limit`` and ``page_offset``
    are bind parameters, so one kept object serves every page."""
    listed = ids.cte("listed")
    pid, state = listed.c[0], STATE.c
    order = (state.high.desc(), state.gaps.desc(), Person.given_name, Person.family_name, Person.id)
    # rank on the narrow columns, then fetch the kept results of the page's rows only
    ranked = (
        select(pid.label("pid"), func.row_number().over(order_by=order).label("rank"))
        .select_from(listed)
        .join(STATE, state.person_id == pid)
        .join(Person, Person.id == pid)
        .where(state.gaps > 0)
        .order_by(*order)
        .limit(bindparam("page_limit", type_=Integer))
        .offset(bindparam("page_offset", type_=Integer))
        .subquery("ranked")
    )
    page = (
        select(
            literal(1).label("kind"),
            ranked.c.pid,
            literal(0).label("version"),
            Person.given_name,
            Person.family_name,
            state.results,
            ranked.c.rank,
            state.high,
            state.gaps,
        )
        .select_from(ranked)
        .join(Person, Person.id == ranked.c.pid)
        .join(STATE, state.person_id == ranked.c.pid)
    )
    not_current = (
        select(
            literal(0),
            pid,
            func.coalesce(state.facts_version, 0),
            null(),
            null(),
            null(),
            literal(0),
            func.coalesce(state.high, 0),
            func.coalesce(state.gaps, 0),
        )
        .select_from(listed)
        .outerjoin(STATE, state.person_id == pid)
        .where(stale_clause(today, key))
    )
    return union_all(page, not_current)


def stale_clause(today: date, key: str) -> Any:
    state = STATE.c
    return or_(
        state.person_id.is_(None), state.computed_for.is_(None), state.computed_for != today, state.rules_key != key
    )


def stale(session: Session, ids: Select[Any], today: date, key: str) -> dict[int, int]:
    """Person id → facts version read (0 without a row) of each person in ``ids`` whose snapshot is not current."""
    listed = ids.subquery("listed")
    stmt = (
        select(listed.c[0], func.coalesce(STATE.c.facts_version, 0))
        .select_from(listed)
        .outerjoin(STATE, STATE.c.person_id == listed.c[0])
        .where(stale_clause(today, key))
    )
    return {pid: version for pid, version in session.connection().execute(stmt)}


_PERSON_STATE = select(
    PersonGapState.facts_version, PersonGapState.computed_for, PersonGapState.rules_key, PersonGapState.results
).where(PersonGapState.person_id == bindparam("gap_person_id", type_=Integer))


def person_results(session: Session, person_id: int, today: date) -> list[RuleResult]:
    """One person's results for ``today``: the snapshot's when current, else recomputed and written back. An ORM
    read, so pending changes are flushed (and their marks made) first."""
    key = rules_key()
    row = session.execute(_PERSON_STATE, {"gap_person_id": person_id}).first()
    if row is not None and row.computed_for == today and row.rules_key == key:
        return restored(row.results)
    return recompute(session, {person_id: row.facts_version if row is not None else 0}, today, key)[person_id]


def refresh(session: Session, ids: Select[Any], today: date | None = None) -> dict[int, list[RuleResult]]:
    """Recompute and write back the snapshots of the persons in ``ids`` that are not current for ``today``;
    returns the results computed (empty when every snapshot was current)."""
    today = today or clock.today()
    key = rules_key()
    versions = stale(session, ids, today, key)
    if not versions:
        return {}
    return recompute(session, versions, today, key)


def recompute(session: Session, versions: dict[int, int], today: date, key: str) -> dict[int, list[RuleResult]]:
    person_ids = sorted(versions)
    if len(person_ids) <= combined.MAX_PERSONS:  # a few persons: every fact in one kept statement
        loaded = combined.load(session, person_ids, today, key)
    else:
        loaded = fact_loaders.load(session, _id_select(session, person_ids), person_ids, today)
    settings = get_settings()
    results = {pid: evaluate(f, settings) for pid, f in loaded.items()}
    now = clock.now()
    rows = []
    for pid in person_ids:
        high, gaps = counts(results[pid])
        rows.append(
            {
                "person_id": pid,
                "facts_version": versions[pid],
                "computed_for": today,
                "rules_key": key,
                "results": stored(results[pid]),
                "gaps": gaps,
                "high": high,
                "computed_at": now,
            }
        )
    stmt = _write_back(session.get_bind().dialect.name)
    for start in range(0, len(rows), _PAGE_SIZE):  # executemany: a multi-row VALUES compiles far slower
        session.connection().execute(stmt, rows[start : start + _PAGE_SIZE])
    forget_marks(session)  # fresh rows: a later change in this transaction must mark them again
    return results


@lru_cache(maxsize=2)
def _write_back(dialect_name: str) -> Any:
    """The write-back upsert, built once per backend (a kept object remembers its cache key)."""
    insert = upsert_for(dialect_name)
    columns = ("computed_for", "rules_key", "results", "gaps", "high", "computed_at")
    return insert.on_conflict_do_update(
        index_elements=[STATE.c.person_id],
        set_={name: insert.excluded[name] for name in columns},
        # only over the version read: a change marked meanwhile wins, and the row stays stale
        where=STATE.c.facts_version == insert.excluded.facts_version,
    )


def _id_select(session: Session, person_ids: list[int]) -> Select[Any]:
    """The ids as a statement the loaders embed: one array parameter on PostgreSQL, a plain IN on SQLite."""
    array = fact_loaders.id_array(session, person_ids)
    return select(Person.id).where(Person.id.in_(person_ids)) if array is None else array


def counts(results: list[RuleResult]) -> tuple[int, int]:
    """High-severity gaps and gaps among the results, as a snapshot row keeps them."""
    gaps = [r.code for r in results if r.outcome is Outcome.GAP]
    return sum(1 for code in gaps if code in _HIGH), len(gaps)


def stored(results: list[RuleResult]) -> list[list[str]]:
    """What a snapshot keeps of the results: every one that is not a bare pass (passes are put back on reading)."""
    return [[r.code, r.outcome.value, r.detail] for r in results if r.outcome is not Outcome.PASS or r.detail]


def restored(kept: list[list[str]] | None) -> list[RuleResult]:
    """The full result list, in rule order, from a snapshot's ``results``."""
    found = {code: RuleResult(code, Outcome(outcome), detail) for code, outcome, detail in kept or ()}
    return [found.get(code) or RuleResult(code, Outcome.PASS) for code in RULES]


def refresh_chunk(session: Session, after: int, today: date, size: int = 1000) -> tuple[int, int, int] | None:
    """Refresh the snapshots of the next ``size`` persons by id after ``after`` (the night job walks them all):
    (last id, persons looked at, snapshots recomputed), or None past the last person."""
    person_ids = list(session.scalars(select(Person.id).where(Person.id > after).order_by(Person.id).limit(size)))
    if not person_ids:
        return None
    fresh = refresh(session, _id_select(session, person_ids), today)
    return person_ids[-1], len(person_ids), len(fresh)


def refresh_all(
    unit_of_work: Callable[[], AbstractContextManager[Session]],
    today: date,
    advance: Callable[[int], object] | None = None,
    size: int = 1000,
) -> int:
    """Refresh every person's snapshot for ``today``, chunk by chunk, each chunk in its own ``unit_of_work()``
    (the night job: never a long lock on the snapshot rows, and a stop loses at most one chunk; the demo passes
    its one session); then fresh planner statistics. ``advance`` hears the persons looked at per chunk. Returns
    the snapshots recomputed."""
    after = recomputed = 0
    while True:
        with unit_of_work() as session:
            step = refresh_chunk(session, after, today, size)
        if step is None:
            break
        after, seen, done = step
        recomputed += done
        if advance is not None:
            advance(seen)
    with unit_of_work() as session:
        analyze(session)
    return recomputed


def person_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Person)) or 0


def analyze(session: Session) -> None:
    """Fresh planner statistics for the snapshot table after a refresh of many rows (PostgreSQL): rows marked
    stale carry zero gaps, and statistics taken while many were marked make the list's join plan poor."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE person_gap_state"))
