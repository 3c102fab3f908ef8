"""Change tracking for the gap snapshot: every flush that changes a person's facts marks their snapshot stale.

``before_flush``/``after_flush`` run for every ``Session`` (registered on the class in ``helhet/db.py``). They
finds the person of each new, dirty or deleted object, directly (``person_id``, or the person itself) or through
its parent (a checklist item → its handover → the person, see ``PARENTS``), and bumps ``facts_version`` and
clears ``computed_for`` of those persons' ``person_gap_state`` rows in the same transaction. Tables that do not
feed gap facts are declared in ``IRRELEVANT``; a class that is neither (a new table nobody declared) marks every
snapshot stale, so nothing is silently missed (and ``tests/gaps/test_changes.py`` fails on it).

Bulk ``UPDATE``/``DELETE`` statements and raw SQL bypass the session: code that writes facts that way must call
``mark_stale`` itself (or a night run of ``helhet jobs gaps`` puts things right).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapper, Session, UOWTransaction, object_mapper
from sqlalchemy.orm.attributes import get_history

from helhet.gaps.models import PersonGapState

log = logging.getLogger(__name__)

#: tables whose rows are no gap fact: the audit trail, access, users and sessions, reference data, the snapshot
IRRELEVANT = frozenset(
    {
        "audit_event",
        "audit_head",
        "emergency_access",
        "app_user",
        "membership",
        "web_session",
        "api_token",
        "unit",
        "region",
        "health_trust",
        "referral_area",
        "county",
        "municipality",
        "city_district",
        "person_gap_state",
    }
)

#: tables without a person_id of their own: the column that names their parent row
PARENTS = {
    "appointment_attendance": "appointment_id",
    "appointment_relative": "appointment_id",
    "crisis_plan_sharing": "crisis_plan_id",
    "crisis_plan_contact": "crisis_plan_id",
    "relative_contact": "relative_id",
    "task_assignment": "task_id",
    "handover_checklist_item": "handover_id",
}

STATE = cast(Table, PersonGapState.__table__)
_MARKS = "helhet.gaps.deleted_persons"
_MARKED = "helhet.gaps.marked_persons"
_ALL = -1  # stands for "every person" among collected ids
_CHUNK = 5000  # rows per statement: 4 parameters each stays below both backends' limits


def how_resolved(mapper: Mapper[Any]) -> str:
    """'person', 'direct', 'parent', 'irrelevant' or 'unknown' for a mapped class."""
    name = _table(mapper).name
    if name == "person":
        return "person"
    if name in IRRELEVANT:
        return "irrelevant"
    if name in PARENTS:
        return "parent"
    if "person_id" in mapper.columns:
        return "direct"
    return "unknown"


def _table(mapper: Mapper[Any]) -> Table:
    return cast(Table, mapper.local_table)


def _parent_table(mapper: Mapper[Any]) -> Table:
    (fk,) = _table(mapper).c[PARENTS[_table(mapper).name]].foreign_keys
    return fk.column.table


def _persons(session: Session, objects: Iterable[object], with_old: bool) -> set[int]:
    """Person ids of ``objects``; those of parent rows are read with one statement per parent table."""
    found: set[int] = set()
    parent_ids: dict[Table, set[int]] = defaultdict(set)
    for obj in objects:
        mapper = object_mapper(obj)
        how = how_resolved(mapper)
        if how == "irrelevant":
            continue
        if how == "unknown":
            log.warning("gap snapshot: %s is not declared; marking every snapshot stale", mapper.class_.__name__)
            found.add(_ALL)
            continue
        key = {"person": "id", "direct": "person_id", "parent": PARENTS.get(_table(mapper).name, "")}[how]
        values = [getattr(obj, key)]
        if with_old:  # a row moved to another person (or parent) changes the old one's facts too
            values.extend(get_history(obj, key).deleted or ())
        for value in values:
            if value is None:
                continue
            if how == "parent":
                parent_ids[_parent_table(mapper)].add(value)
            else:
                found.add(value)
    for table, ids in parent_ids.items():
        column = table.c.id if table.name == "person" else table.c.person_id
        found.update(session.connection().scalars(select(column).where(table.c.id.in_(sorted(ids)))))
    return found


def before_flush(session: Session, _context: UOWTransaction, _instances: object) -> None:
    # deleted rows are resolved now, while they (and their parents) can still be read
    if session.deleted:
        session.info.setdefault(_MARKS, set()).update(_persons(session, session.deleted, with_old=True))


def after_flush(session: Session, _context: UOWTransaction) -> None:
    ids = session.info.pop(_MARKS, set())
    changed = [o for o in (*session.new, *session.dirty) if o not in session.deleted]
    if changed:
        ids |= _persons(session, changed, with_old=True)
    if not ids:
        return
    gone = {getattr(o, "id") for o in session.deleted if how_resolved(object_mapper(o)) == "person"}  # noqa: B009
    if _ALL in ids:
        mark_stale(session, None)
        return
    # once per person and transaction: the first mark holds the row (and its new version) until the commit, so
    # a reader cannot write back over it; later flushes of the same transaction need not mark again
    marked = session.info.setdefault(_MARKED, set())
    fresh = sorted(ids - gone - marked)
    mark_stale(session, fresh)
    marked.update(fresh)


def forget_marks(session: Session, *_args: object) -> None:
    """After a transaction or savepoint ends (a rolled-back mark is gone), and after this session wrote fresh
    snapshots back (they need marking again), every person is marked anew on the next change."""
    session.info.pop(_MARKED, None)


def mark_stale(session: Session, person_ids: list[int] | None) -> None:
    """Bump the facts version and clear the day of these persons' snapshots (``None``: of every snapshot).

    An upsert, not an update: a reader that found no row and is recomputing must not write its result back
    over a change made meanwhile, so the change leaves a row with a higher version for it to find."""
    state = STATE
    if person_ids is None:
        session.connection().execute(update(state).values(facts_version=state.c.facts_version + 1, computed_for=None))
        return
    if not person_ids:
        return
    stmt = upsert(session).on_conflict_do_update(
        index_elements=[state.c.person_id],
        set_={"facts_version": state.c.facts_version + 1, "computed_for": None},
    )
    for start in range(0, len(person_ids), _CHUNK):  # in sorted order: two writers never lock in opposite order
        rows = [
            {"person_id": pid, "facts_version": 1, "gaps": 0, "high": 0} for pid in person_ids[start : start + _CHUNK]
        ]
        session.connection().execute(stmt.values(rows))


def upsert(session: Session) -> Any:
    """``INSERT … ON CONFLICT`` into the snapshot table, for the session's backend (both have it)."""
    return upsert_for(session.get_bind().dialect.name)


def upsert_for(dialect_name: str) -> Any:
    return (postgresql if dialect_name == "postgresql" else sqlite).insert(STATE)
