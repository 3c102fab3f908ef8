"""The gap-check loaders of mapping and vedtak: the facts they fill, in a constant number of statements."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from helhet.gaps.rules import PersonFacts
from helhet.mapping import children
from helhet.mapping import service as mapping
from helhet.mapping.facts import load_mapping_facts
from helhet.mapping.models import Activity, ChildrenAnswer, Examiner, Income, MappingArea, Network, ScreeningStatus
from helhet.mapping.schemas import (
    ChildrenCreate,
    DeclinedCreate,
    FollowUpTask,
    ScreeningCreate,
    SituationCreate,
    SomaticCheckCreate,
)
from helhet.persons import service as persons
from helhet.persons.models import HousingStatus, Person
from helhet.persons.schemas import HousingIn
from helhet.users.actor import Actor
from helhet.vedtak.facts import load_vedtak_facts, window_start
from helhet.vedtak.models import ServiceType, VolumeUnit
from tests.mapping.builders import record_questionnaire, served_person
from tests.personas import Units
from tests.vedtak.builders import deliver, make_vedtak

TODAY = date(2025, 4, 10)


def load(session: Session, person_ids: list[int], *, housing_known: bool = True) -> dict[int, PersonFacts]:
    facts = {pid: PersonFacts(person_id=pid, today=TODAY, housing_known=housing_known) for pid in person_ids}
    ids = select(Person.id).where(Person.id.in_(person_ids))
    load_mapping_facts(session, ids, TODAY, facts)
    load_vedtak_facts(session, ids, TODAY, facts)
    return facts


@contextmanager
def statements(session: Session) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    connection = session.connection()
    event.listen(connection, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", count)


def map_everything(session: Session, units: Units, actor: Actor, person: Person) -> None:
    unit = units.kommune.id
    record_questionnaire(session, actor, person, unit, "AUDIT", 12, done_on=date(2025, 3, 20))
    record_questionnaire(session, actor, person, unit, "DUDIT", 2, done_on=date(2025, 4, 2))
    mapping.record_screening(
        session,
        actor,
        person.id,
        ScreeningCreate(
            status=ScreeningStatus.SCREENED_NO_FINDINGS, instrument="SCL-10", screened_on=date(2025, 4, 1), unit_id=unit
        ),
    )
    mapping.record_somatic_check(
        session,
        actor,
        person.id,
        SomaticCheckCreate(
            checked_on=date(2025, 4, 3),
            examiner=Examiner.GP,
            unit_id=unit,
            findings="Sår",
            follow_up_needed=True,
            follow_up=FollowUpTask(unit_id=unit, to_unit_queue=True),
        ),
    )
    mapping.record_situation(
        session,
        actor,
        person.id,
        SituationCreate(
            recorded_on=date(2025, 4, 3),
            unit_id=unit,
            income=Income.NONE,
            activity=Activity.NONE,
            network=Network.FRIENDS,
        ),
    )
    children.record_children(
        session,
        actor,
        person.id,
        ChildrenCreate(asked_on=date(2025, 4, 3), unit_id=unit, answer=ChildrenAnswer.YES, number_of_children=1),
    )


def test_mapping_facts_fill_what_the_gap_rules_read(session: Session, units: Units, coordinator: Actor) -> None:
    mapped, unmapped = served_person(session, units), served_person(session, units)
    map_everything(session, units, coordinator, mapped)
    facts = load(session, [mapped.id, unmapped.id])
    f = facts[mapped.id]
    assert (f.first_substance_mapping, f.last_substance_mapping) == (date(2025, 3, 20), date(2025, 4, 2))
    assert (f.mental_screening_on, f.last_somatic_check, f.unowned_followups) == (
        date(2025, 4, 1),
        date(2025, 4, 3),
        1,
    )
    assert f.situation_complete and f.financial_or_housing_problem
    assert (f.children_asked, f.has_minor_children, f.children_needs_assessed) == (True, True, False)
    assert not f.mapping_declined and not f.somatic_declined
    g = facts[unmapped.id]
    assert g.first_substance_mapping is None and not g.children_asked and not g.situation_complete
    assert load(session, [mapped.id], housing_known=False)[mapped.id].situation_complete is False


def test_a_decline_after_the_last_mapping_excludes_the_person(
    session: Session, units: Units, coordinator: Actor
) -> None:
    person = served_person(session, units)
    record_questionnaire(session, coordinator, person, units.kommune.id, done_on=date(2025, 3, 1))
    for area in (MappingArea.SUBSTANCE_USE, MappingArea.SOMATIC):
        data = DeclinedCreate(area=area, declined_on=date(2025, 4, 1), unit_id=units.kommune.id)
        mapping.record_declined(session, coordinator, person.id, data)
    f = load(session, [person.id])[person.id]
    assert f.mapping_declined and f.somatic_declined


def test_vedtak_facts_count_recent_short_weeks_missing_starts_and_housing_assistance(
    session: Session, units: Units, coordinator: Actor
) -> None:
    assert window_start(TODAY) == date(2025, 3, 10)
    person = served_person(session, units)
    practical = make_vedtak(session, coordinator, person.id, units, start_on=date(2025, 1, 6))
    for day in (date(2025, 3, 11), date(2025, 3, 18), date(2025, 3, 25), date(2025, 4, 1)):
        deliver(session, coordinator, practical, day, 6.0 if day.day in (11, 25) else 10.0)
    make_vedtak(
        session,
        coordinator,
        person.id,
        units,
        service_type=ServiceType.HOUSING_ASSISTANCE,
        legal_basis="boligsosial lov § 6",
        volume=1,
        volume_unit=VolumeUnit.UNITS_PER_WEEK,
        start_on=date(2025, 3, 24),
    )
    f = load(session, [person.id])[person.id]
    # practical help: weeks 11 and 13 at 60 %; housing assistance: nothing in weeks 13 and 14, and not started
    assert (f.vedtak_shortfall_weeks, f.vedtak_not_started) == (4, 1)
    assert f.housing_assistance and f.details["has_vedtak"] == "yes"


def test_the_loaders_cost_the_same_statements_for_one_person_and_for_many(
    session: Session, units: Units, coordinator: Actor
) -> None:
    people = [served_person(session, units) for _ in range(3)]
    for person in people:
        map_everything(session, units, coordinator, person)
        row = make_vedtak(session, coordinator, person.id, units)
        deliver(session, coordinator, row, date(2025, 3, 20), 4)
    persons.record_housing(
        session, coordinator, people[0].id, HousingIn(status=HousingStatus.RENTED, from_date=date(2025, 1, 1))
    )
    session.flush()
    with statements(session) as one:
        load(session, [people[0].id])
    with statements(session) as many:
        load(session, [p.id for p in people])
    assert len(one) == len(many) == 10
