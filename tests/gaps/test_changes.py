"""Change tracking covers every table: each mapped class resolves to a person or is declared irrelevant; and the
unit's gap list matches ``person_gaps`` for many sample persons, after writes and after the day changes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock, samples
from helhet.gaps import service as gaps
from helhet.gaps import snapshot
from helhet.gaps.changes import IRRELEVANT, PARENTS, how_resolved
from helhet.gaps.models import PersonGapState
from helhet.mapping import service as mapping
from helhet.mapping.models import ScreeningStatus
from helhet.mapping.schemas import ScreeningCreate
from helhet.models import Base
from helhet.persons.models import Person
from helhet.tasks import service as tasks
from helhet.tasks.models import OPEN_TASK_STATUSES, Task
from helhet.tasks.schemas import TaskComplete
from helhet.transitions.models import HandoverChecklistItem
from helhet.units.models import Unit
from helhet.users import service as users
from helhet.users.actor import SYSTEM, Actor
from helhet.users.models import Role
from helhet.worklists.core import MAX_PAGE, Page
from tests.gaps.truth import rules_over_facts
from tests.personas import Units
from tests.transitions.builders import inpatient_person, make_handover

SAMPLE_DAY = date(2025, 4, 10)


def test_every_mapped_class_resolves_to_a_person_or_is_declared_irrelevant() -> None:
    undeclared = [m.class_.__name__ for m in Base.registry.mappers if how_resolved(m) == "unknown"]
    assert undeclared == [], f"declare these in gaps/changes.py (PARENTS or IRRELEVANT): {undeclared}"
    tables = set(Base.metadata.tables)
    assert set(PARENTS) | IRRELEVANT <= tables  # no declaration outlives its table
    for name, column in PARENTS.items():
        (fk,) = Base.metadata.tables[name].c[column].foreign_keys
        assert "person_id" in fk.column.table.c, f"{name}.{column} must point at a table with person_id"


@pytest.fixture
def sample_unit(session: Session) -> Iterator[tuple[Actor, int]]:
    with clock.freeze(datetime(2025, 4, 10, 10, 0, tzinfo=UTC)):
        samples.generate(session, persons=40, seed=5, kommuner=("4601",))
        unit = session.scalars(select(Unit).where(Unit.code == "kom-4601-rus")).one()
        user = users.add_user(
            session,
            SYSTEM,
            users.NewUser(username="gapleader", full_name="Gap Leader", role=Role.UNIT_LEADER, unit_codes=(unit.code,)),
        )
        yield users.actor_for(user, unit.id), unit.id


def _whole_list(session: Session, actor: Actor, unit_id: int, on: date) -> list[gaps.PersonGaps]:
    rows: list[gaps.PersonGaps] = []
    while True:
        page = gaps.unit_gaps(session, actor, unit_id, Page(MAX_PAGE, len(rows)), today=on)
        rows.extend(page)
        if len(page) < MAX_PAGE:
            return rows


def _check_against_person_gaps(session: Session, actor: Actor, unit_id: int, on: date) -> int:
    rows = _whole_list(session, actor, unit_id, on)
    served = session.scalars(gaps.unit_person_ids(unit_id, on)).all()
    truth = {pid: gaps.person_gaps(session, actor, pid, today=on) for pid in served}
    facts = rules_over_facts(session, list(served), on)
    assert {pid: t.results for pid, t in truth.items()} == facts  # person_gaps, snapshot or not, is the rules' word
    assert {r.person_id for r in rows} == {pid for pid, t in truth.items() if t.gaps}
    for row in rows:
        assert row.gaps == truth[row.person_id].gaps
        assert row.results == truth[row.person_id].results
    ranks = [(-r.high, -len(r.gaps)) for r in rows]
    assert ranks == sorted(ranks)  # most high gaps first, then most gaps
    return len(rows)


def test_gap_list_matches_person_gaps_for_sample_persons_after_writes_and_days(
    session: Session, sample_unit: tuple[Actor, int]
) -> None:
    actor, unit_id = sample_unit
    assert _check_against_person_gaps(session, actor, unit_id, SAMPLE_DAY) >= 20
    served = session.scalars(gaps.unit_person_ids(unit_id, SAMPLE_DAY)).all()
    open_tasks = session.scalars(
        select(Task).where(Task.person_id.in_(served), Task.status.in_(OPEN_TASK_STATUSES)).limit(10)
    ).all()
    assert open_tasks
    for task in open_tasks:
        tasks.complete_task(session, SYSTEM, task.id, TaskComplete(version=task.version))
    screened = ScreeningStatus.SCREENED_NO_FINDINGS
    for pid in served[:10]:
        data = ScreeningCreate(status=screened, instrument="SCL-10", screened_on=SAMPLE_DAY, unit_id=unit_id)
        mapping.record_screening(session, SYSTEM, pid, data)
    _check_against_person_gaps(session, actor, unit_id, SAMPLE_DAY)
    for later in (date(2025, 9, 1),):  # deadlines pass, mappings and contacts fall due
        _check_against_person_gaps(session, actor, unit_id, later)


def _state(session: Session, person_id: int) -> PersonGapState:
    state = session.scalars(select(PersonGapState).where(PersonGapState.person_id == person_id)).one()
    session.refresh(state)
    return state


def test_a_child_row_marks_its_person_through_its_parent_when_changed_or_deleted(
    session: Session, units: Units, inpatient_clinician: Actor
) -> None:
    with clock.freeze(datetime(2025, 4, 10, 10, 0, tzinfo=UTC)):
        person, _ = inpatient_person(session, units)
        handover = make_handover(session, inpatient_clinician, person, units.inpatient, units.kommune)
    items = select(HandoverChecklistItem).where(HandoverChecklistItem.handover_id == handover.id)
    item = session.scalars(items).first()
    assert item is not None
    ids = select(Person.id).where(Person.id == person.id)
    for change in (lambda: setattr(item, "note", "Ringt fastlegen"), lambda: session.delete(item)):
        snapshot.refresh(session, ids, SAMPLE_DAY)
        assert _state(session, person.id).computed_for == SAMPLE_DAY
        version = _state(session, person.id).facts_version
        change()
        session.flush()  # the handover itself is untouched: only the item's parent leads to the person
        state = _state(session, person.id)
        assert state.computed_for is None and state.facts_version == version + 1
