"""Minor children (hpl § 10 a): asking, the counts, the CHILDREN task and the needs assessment."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session

from helhet.errors import Conflict, Invalid, NotFound
from helhet.mapping import children
from helhet.mapping import service as mapping
from helhet.mapping.models import ChildrenAnswer, ChildrenRecord
from helhet.mapping.schemas import ChildrenCreate, FollowUpTask, NeedsAssessment
from helhet.tasks.models import Task, TaskKind, TaskStatus
from helhet.users.actor import Actor
from tests.mapping.builders import count, served_person
from tests.personas import Units


def asked(units: Units, **changes: Any) -> ChildrenCreate:
    data: dict[str, Any] = {
        "asked_on": date(2025, 4, 2),
        "unit_id": units.kommune.id,
        "answer": ChildrenAnswer.YES,
        "number_of_children": 2,
        "living_with_person": 1,
    }
    data.update(changes)
    return ChildrenCreate(**data)


def test_children_without_an_assessment_get_a_children_task_that_the_assessment_completes(
    session: Session, units: Units, coordinator: Actor
) -> None:
    person = served_person(session, units)
    task_spec = FollowUpTask(unit_id=units.kommune.id, owner_user_id=coordinator.user_id)
    record = children.record_children(session, coordinator, person.id, asked(units, assessment_task=task_spec))
    task = session.get_one(Task, record.task_id)
    assert (task.kind, task.owner_user_id, task.source_type, task.source_id) == (
        TaskKind.CHILDREN,
        coordinator.user_id,
        "children_record",
        record.id,
    )
    status = mapping.mapping_status(session, coordinator, person.id)
    assert status.children_asked and not status.children_needs_assessed
    assessed = children.record_needs_assessment(
        session,
        coordinator,
        record.id,
        NeedsAssessment(
            assessed_on=date(2025, 4, 9), note="Barna har kontakt med helsesykepleier", version=record.version
        ),
    )
    assert (assessed.needs_assessed_on, assessed.needs_assessed_by) == (date(2025, 4, 9), coordinator.user_id)
    assert task.status == TaskStatus.DONE
    assert mapping.mapping_status(session, coordinator, person.id).children_needs_assessed


def test_a_children_task_can_be_made_later_but_not_twice_nor_after_the_assessment(
    session: Session, units: Units, coordinator: Actor
) -> None:
    person = served_person(session, units)
    record = children.record_children(session, coordinator, person.id, asked(units))
    assert record.task_id is None
    spec = FollowUpTask(unit_id=units.kommune.id, to_unit_queue=True)
    task = children.create_children_task(session, coordinator, record.id, spec)
    assert task.kind == TaskKind.CHILDREN and record.task_id == task.id
    with pytest.raises(Conflict):
        children.create_children_task(session, coordinator, record.id, spec)
    children.record_needs_assessment(session, coordinator, record.id, NeedsAssessment(assessed_on=date(2025, 4, 10)))
    with pytest.raises(Conflict):
        children.create_children_task(session, coordinator, record.id, spec)


def test_no_children_task_when_the_person_has_no_children(session: Session, units: Units, coordinator: Actor) -> None:
    person = served_person(session, units)
    record = children.record_children(
        session,
        coordinator,
        person.id,
        asked(units, answer=ChildrenAnswer.NO, number_of_children=None, living_with_person=None),
    )
    with pytest.raises(Conflict):
        children.create_children_task(session, coordinator, record.id, FollowUpTask(unit_id=units.kommune.id))
    status = mapping.mapping_status(session, coordinator, person.id)
    assert status.children_asked and not status.children_needs_assessed


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"number_of_children": None}, "number_of_children"),
        ({"number_of_children": 0}, "number_of_children"),
        ({"living_with_person": 3}, "living_with_person"),
        ({"living_with_person": -1}, "living_with_person"),
        ({"answer": ChildrenAnswer.NO}, "number_of_children"),
        ({"answer": ChildrenAnswer.DECLINED_TO_ANSWER, "number_of_children": None}, "living_with_person"),
        (
            {
                "answer": ChildrenAnswer.NO,
                "number_of_children": None,
                "living_with_person": None,
                "assessment_task": {"unit_id": 1, "to_unit_queue": True},
            },
            "assessment_task",
        ),
        ({"asked_on": date(2025, 4, 11)}, "asked_on"),
        ({"assessment_task": {"unit_id": -1, "to_unit_queue": True}}, "assessment_task.unit_id"),
    ],
)
def test_children_records_with_inconsistent_answers_are_refused_and_nothing_is_written(
    session: Session, units: Units, coordinator: Actor, changes: dict[str, Any], field: str
) -> None:
    person = served_person(session, units)
    before = (count(session, ChildrenRecord), count(session, Task))
    with pytest.raises(Invalid) as refused:
        children.record_children(session, coordinator, person.id, asked(units, **changes))
    assert refused.value.field == field
    assert (count(session, ChildrenRecord), count(session, Task)) == before


def test_a_stale_assessment_or_one_before_asking_is_refused(session: Session, units: Units, coordinator: Actor) -> None:
    person = served_person(session, units)
    record = children.record_children(session, coordinator, person.id, asked(units))
    with pytest.raises(Invalid) as early:
        children.record_needs_assessment(session, coordinator, record.id, NeedsAssessment(assessed_on=date(2025, 4, 1)))
    assert early.value.field == "assessed_on"
    with pytest.raises(Conflict):
        children.record_needs_assessment(
            session, coordinator, record.id, NeedsAssessment(assessed_on=date(2025, 4, 9), version=7)
        )
    assert record.needs_assessed_on is None


def test_outsider_gets_not_found_for_children(
    session: Session, units: Units, coordinator: Actor, outsider: Actor
) -> None:
    person = served_person(session, units)
    record = children.record_children(session, coordinator, person.id, asked(units))
    with pytest.raises(NotFound):
        children.get_children_record(session, outsider, record.id)
    with pytest.raises(NotFound):
        children.record_needs_assessment(session, outsider, record.id, NeedsAssessment(assessed_on=date(2025, 4, 9)))
    with pytest.raises(NotFound):
        children.create_children_task(session, outsider, record.id, FollowUpTask(unit_id=units.other.id))
    with pytest.raises(NotFound):
        children.record_children(session, outsider, person.id, asked(units, unit_id=units.other.id))
