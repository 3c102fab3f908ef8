"""The combined recompute (``gaps/combined.py``): one statement gives every person the facts the loaders give."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock, samples
from helhet.gaps import combined, snapshot
from helhet.gaps import facts as fact_loaders
from helhet.gaps.changes import mark_stale
from helhet.gaps.rules import PersonFacts
from helhet.persons.models import Person
from helhet.vedtak.models import Vedtak
from tests.gaps.counting import statements

SAMPLE_DAY = date(2025, 4, 10)


@pytest.fixture
def sample_ids(session: Session) -> Iterator[list[int]]:
    with clock.freeze(datetime(2025, 4, 10, 10, 0, tzinfo=UTC)):
        samples.generate(session, persons=40, seed=5, kommuner=("4601",))
        yield list(session.scalars(select(Person.id).order_by(Person.id)))


def _by_loaders(session: Session, person_ids: list[int], on: date) -> dict[int, PersonFacts]:
    array = fact_loaders.id_array(session, person_ids)
    ids = select(Person.id).where(Person.id.in_(person_ids)) if array is None else array
    return fact_loaders.load(session, ids, person_ids, on)


@pytest.mark.parametrize("on", [SAMPLE_DAY, date(2025, 9, 1)])
def test_combined_facts_are_the_loaders_facts_for_every_sample_person(
    session: Session, sample_ids: list[int], on: date
) -> None:
    key = snapshot.rules_key()
    kept = combined.combined(session.get_bind().dialect, on, key)
    for start in range(0, len(sample_ids), 7):  # a few persons at a time, as after a few writes
        chunk = sample_ids[start : start + 7]
        facts, live = kept.load(session, chunk, on)
        assert facts == _by_loaders(session, chunk, on)
        assert live == 0  # every statement of every loader was recorded
    assert len(kept.statement.selected_columns) == sum(len(each) for each in kept.recorded)


def test_the_sample_has_facts_of_every_kind(session: Session, sample_ids: list[int]) -> None:
    """The comparison above means something: the sample has vedtak, plans, mappings, gaps of many kinds."""
    facts = _by_loaders(session, sample_ids, SAMPLE_DAY)
    assert session.scalar(select(Vedtak.id).where(Vedtak.person_id.in_(sample_ids)).limit(1))
    assert any(f.details.get("has_vedtak") for f in facts.values())
    assert any(f.has_plan for f in facts.values())
    assert any(f.first_substance_mapping for f in facts.values())
    assert any(f.service_start for f in facts.values())
    assert any(f.crisis_plan_required for f in facts.values())


def test_a_few_stale_persons_are_recomputed_in_one_statement(session: Session, sample_ids: list[int]) -> None:
    ids = select(Person.id).where(Person.id.in_(sample_ids))
    snapshot.refresh(session, ids, SAMPLE_DAY)
    few = sample_ids[:3]
    mark_stale(session, few)
    key = snapshot.rules_key()
    versions = snapshot.stale(session, ids, SAMPLE_DAY, key)
    assert sorted(versions) == few
    combined.combined(session.get_bind().dialect, SAMPLE_DAY, key)  # recorded once per day, outside the count
    results: dict[int, object] = {}
    sent = statements(session, lambda: results.update(snapshot.recompute(session, versions, SAMPLE_DAY, key)))
    assert sent == 2  # the facts, and the write-back
    truth = _by_loaders(session, few, SAMPLE_DAY)
    assert results == {pid: snapshot.evaluate(f, snapshot.get_settings()) for pid, f in truth.items()}
    assert not snapshot.stale(session, ids, SAMPLE_DAY, key)


def test_a_statement_the_recording_did_not_see_runs_live(session: Session, sample_ids: list[int]) -> None:
    key = snapshot.rules_key()
    kept = combined.combined(session.get_bind().dialect, SAMPLE_DAY, key)
    short = combined.Combined.__new__(combined.Combined)
    short.recorded = [each[:-1] for each in kept.recorded]  # every loader's last statement unknown
    short.converters = [c for each, c in zip(_flat(kept.recorded), kept.converters, strict=True) if each[1]]
    short.statement = kept.statement.with_only_columns(
        *(c for (_, keep), c in zip(_flat(kept.recorded), kept.statement.selected_columns, strict=True) if keep)
    )
    facts, live = short.load(session, sample_ids, SAMPLE_DAY)
    assert live >= len(kept.recorded)
    assert facts == _by_loaders(session, sample_ids, SAMPLE_DAY)


def _flat(recorded: list[list[object]]) -> list[tuple[object, bool]]:
    """Each recorded statement, and whether it is kept when every loader's last one is dropped."""
    return [(stmt, i < len(each) - 1) for each in recorded for i, stmt in enumerate(each)]
