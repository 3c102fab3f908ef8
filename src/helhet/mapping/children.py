"""Minor children (hpl § 10 a, DOMAIN.md §6): the duty to ask whether the person has minor children (or minor
siblings), and to help meet the children's needs for information and follow-up (ROP-15).

Asking is a dated record. When the person has children and their needs are not yet assessed, a CHILDREN task can
be made with the record or later; recording the assessment completes that task.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from helhet import clock
from helhet.audit import log as audit
from helhet.audit import policy
from helhet.errors import Conflict, Invalid, NotFound, check_version
from helhet.mapping.models import ChildrenAnswer, ChildrenRecord
from helhet.mapping.schemas import ChildrenCreate, FollowUpTask, NeedsAssessment
from helhet.mapping.service import check_not_future, check_task, create_linked_task, recording_unit
from helhet.persons import service as persons
from helhet.tasks import service as tasks
from helhet.tasks.models import Task, TaskKind, TaskStatus
from helhet.users.actor import Actor

TASK_TITLE = "Kartlegge barnas behov for informasjon og oppfølging (hpl § 10 a)"


def _check_counts(data: ChildrenCreate) -> None:
    if data.answer == ChildrenAnswer.YES:
        if data.number_of_children is None or data.number_of_children < 1:
            raise Invalid("number_of_children", data.number_of_children, "say how many minor children (1 or more)")
        if data.living_with_person is not None and not 0 <= data.living_with_person <= data.number_of_children:
            reason = f"between 0 and the number of children ({data.number_of_children})"
            raise Invalid("living_with_person", data.living_with_person, reason)
        return
    if data.number_of_children:
        raise Invalid("number_of_children", data.number_of_children, f"the answer is {data.answer.value}")
    if data.living_with_person:
        raise Invalid("living_with_person", data.living_with_person, f"the answer is {data.answer.value}")
    if data.assessment_task is not None:
        raise Invalid("assessment_task", "given", "a children's task is for a person who has minor children")


def record_children(session: Session, actor: Actor, person_id: int, data: ChildrenCreate) -> ChildrenRecord:
    persons.get_person(session, actor, person_id, what="mapping")
    recording_unit(session, actor, data.unit_id)
    check_not_future("asked_on", data.asked_on)
    _check_counts(data)
    if data.assessment_task is not None:
        check_task(session, data.assessment_task, "assessment_task")
    record = ChildrenRecord(
        person_id=person_id,
        asked_on=data.asked_on,
        unit_id=data.unit_id,
        answer=data.answer,
        number_of_children=data.number_of_children if data.answer == ChildrenAnswer.YES else None,
        living_with_person=data.living_with_person if data.answer == ChildrenAnswer.YES else None,
        minor_siblings=data.minor_siblings,
        note=data.note,
        recorded_at=clock.now(),
        recorded_by=actor.user_id,
    )
    session.add(record)
    session.flush()
    audit.record_change(
        session,
        actor,
        "mapping.children_recorded",
        "mapping_children",
        record.id,
        person_id=person_id,
        detail={"answer": data.answer.value},
    )
    if data.assessment_task is not None:
        _link_task(session, actor, record, data.assessment_task)
    return record


def get_children_record(session: Session, actor: Actor, record_id: int) -> ChildrenRecord:
    """The door to a children record: not found unless the actor may see the person; the read is logged."""
    record = session.get(ChildrenRecord, record_id)
    if record is None or not policy.may_see(session, actor, record.person_id):
        raise NotFound("children record", record_id)
    audit.record_access(session, actor, record.person_id, "mapping_children", entity_id=record.id)
    return record


def create_children_task(session: Session, actor: Actor, record_id: int, spec: FollowUpTask) -> Task:
    """A CHILDREN task to assess the children's needs, when the person has children and they are not assessed."""
    record = get_children_record(session, actor, record_id)
    if record.answer != ChildrenAnswer.YES:
        raise Conflict(f"the person's answer is {record.answer.value}: there are no known children to assess")
    if record.needs_assessed:
        raise Conflict("the children's needs are already assessed")
    if record.task_id is not None:
        current = session.get(Task, record.task_id)
        if current is not None and current.status in (TaskStatus.OPEN, TaskStatus.IN_PROGRESS):
            raise Conflict(f"task {current.id} for the children is already open")
    check_task(session, spec, "task")
    return _link_task(session, actor, record, spec)


def _link_task(session: Session, actor: Actor, record: ChildrenRecord, spec: FollowUpTask) -> Task:
    task = create_linked_task(
        session, actor, record.person_id, spec, TaskKind.CHILDREN, TASK_TITLE, ("children_record", record.id)
    )
    record.task_id = task.id
    session.flush()
    return task


def record_needs_assessment(session: Session, actor: Actor, record_id: int, data: NeedsAssessment) -> ChildrenRecord:
    """The children's needs are assessed (on, by the actor, note); an open CHILDREN task is completed."""
    record = get_children_record(session, actor, record_id)
    check_version("children record", record.version, data.version)
    if record.answer != ChildrenAnswer.YES:
        raise Conflict(f"the person's answer is {record.answer.value}: there are no known children to assess")
    check_not_future("assessed_on", data.assessed_on)
    if data.assessed_on < record.asked_on:
        raise Invalid("assessed_on", data.assessed_on.isoformat(), f"before the person was asked ({record.asked_on})")
    record.needs_assessed_on = data.assessed_on
    record.needs_assessed_by = actor.user_id
    record.needs_note = data.note
    session.flush()
    audit.record_change(
        session,
        actor,
        "mapping.children_assessed",
        "mapping_children",
        record.id,
        person_id=record.person_id,
        detail={"assessed_on": data.assessed_on.isoformat()},
    )
    if record.task_id is not None:
        task = session.get(Task, record.task_id)
        if task is not None:
            tasks.close_task_for_source(session, actor, task, TaskStatus.DONE, "the children's needs are assessed")
    return record
