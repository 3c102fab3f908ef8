"""Recording AUDIT/DUDIT, screening, somatic checks and the overall situation: scores, refusals and tasks."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet.audit import log as audit
from helhet.audit.models import AuditEvent
from helhet.errors import Forbidden, Invalid, NotFound
from helhet.mapping import instruments
from helhet.mapping import service as mapping
from helhet.mapping.instruments import BandCode, InvalidAnswer
from helhet.mapping.models import (
    Activity,
    Examiner,
    Income,
    MentalHealthScreening,
    Network,
    QuestionnaireResult,
    ScreeningStatus,
    Situation,
    SomaticCheck,
)
from helhet.mapping.schemas import (
    FollowUpTask,
    QuestionnaireCreate,
    ScreeningCreate,
    SituationCreate,
    SomaticCheckCreate,
)
from helhet.persons import service as persons
from helhet.persons.models import HousingStatus, Sex
from helhet.persons.schemas import HousingIn
from helhet.tasks.models import Task, TaskKind
from helhet.users.actor import Actor
from tests.mapping.builders import answers_totalling, count, record_questionnaire, served_person
from tests.personas import Units


def test_audit_is_stored_with_the_total_and_band_its_answers_give(
    session: Session, units: Units, coordinator: Actor
) -> None:
    person = served_person(session, units)
    row = record_questionnaire(session, coordinator, person, units.kommune.id, "audit", 17)
    session.expire_all()
    stored = session.get_one(QuestionnaireResult, row.id)
    assert (stored.instrument, stored.total, stored.band, stored.positive) == ("AUDIT", 17, BandCode.HARMFUL, True)
    assert len(stored.answers) == 10
    rescored = instruments.score("AUDIT", {int(k): v for k, v in stored.answers.items()}, "female")
    assert (rescored.total, rescored.band) == (stored.total, stored.band)
    assert stored.done_by_user_id == coordinator.user_id


def test_dudit_uses_the_persons_sex_and_the_lower_cut_off_when_it_is_unknown(
    session: Session, units: Units, coordinator: Actor
) -> None:
    woman = served_person(session, units)  # the builders' people are women
    female = record_questionnaire(session, coordinator, woman, units.kommune.id, "DUDIT", 4)
    assert (female.band, female.positive, female.scored_with_sex) == (BandCode.DRUG_PROBLEMS, True, "female")
    woman.sex = Sex.MALE
    session.flush()
    male = record_questionnaire(session, coordinator, woman, units.kommune.id, "DUDIT", 4)
    assert (male.band, male.positive, male.scored_with_sex) == (BandCode.NO_DRUG_PROBLEMS, False, "male")
    woman.sex = Sex.UNKNOWN
    session.flush()
    unknown = record_questionnaire(session, coordinator, woman, units.kommune.id, "DUDIT", 4)
    assert (unknown.band, unknown.scored_with_sex) == (BandCode.DRUG_PROBLEMS, None)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"9": 1}, "item_9"),  # items 9-10 allow 0, 2 or 4
        ({"3": 5}, "item_3"),
        ({"3": 2.0}, "item_3"),
        ({"11": 0}, "item_11"),  # AUDIT has 10 items
        ({"x": 0}, "item_x"),
    ],
)
def test_an_invalid_answer_is_refused_and_nothing_is_written(
    session: Session, units: Units, coordinator: Actor, change: dict[str, object], field: str
) -> None:
    person = served_person(session, units)
    answers: dict[str, object] = {**answers_totalling("AUDIT", 10), **change}
    before = count(session, QuestionnaireResult)
    data = QuestionnaireCreate(instrument="AUDIT", answers=answers, done_on=date(2025, 4, 1), unit_id=units.kommune.id)
    with pytest.raises(InvalidAnswer) as refused:
        mapping.record_questionnaire(session, coordinator, person.id, data)
    assert isinstance(refused.value, Invalid)
    assert refused.value.field == field and refused.value.reason
    assert count(session, QuestionnaireResult) == before


def test_a_missing_answer_is_refused(session: Session, units: Units, coordinator: Actor) -> None:
    person = served_person(session, units)
    answers = answers_totalling("DUDIT", 3)
    del answers["11"]
    data = QuestionnaireCreate(instrument="DUDIT", answers=answers, done_on=date(2025, 4, 1), unit_id=units.kommune.id)
    with pytest.raises(Invalid) as refused:
        mapping.record_questionnaire(session, coordinator, person.id, data)
    assert (refused.value.field, refused.value.value) == ("item_11", None)


def test_answers_keyed_by_the_form_fields_are_accepted(session: Session, units: Units, coordinator: Actor) -> None:
    person = served_person(session, units)
    answers = {f"item_{k}": v for k, v in answers_totalling("AUDIT", 8).items()}
    data = QuestionnaireCreate(instrument="AUDIT", answers=answers, done_on=date(2025, 4, 1), unit_id=units.kommune.id)
    row = mapping.record_questionnaire(session, coordinator, person.id, data)
    assert (row.total, row.band) == (8, BandCode.HAZARDOUS)
    assert sorted(row.answers, key=int) == [str(n) for n in range(1, 11)]


def test_an_unknown_instrument_a_future_date_or_another_units_record_is_refused(
    session: Session, units: Units, coordinator: Actor
) -> None:
    person = served_person(session, units)
    answers = answers_totalling("AUDIT", 5)
    with pytest.raises(Invalid) as unknown:
        record_questionnaire(session, coordinator, person, units.kommune.id, instrument="CAGE", answers=answers)
    assert unknown.value.field == "instrument"
    with pytest.raises(Invalid) as future:
        record_questionnaire(session, coordinator, person, units.kommune.id, done_on=date(2025, 4, 11))
    assert future.value.field == "done_on"
    with pytest.raises(Forbidden):
        record_questionnaire(session, coordinator, person, units.poli.id)
    assert count(session, QuestionnaireResult) == 0


def test_a_screening_with_findings_names_its_instrument(session: Session, units: Units, coordinator: Actor) -> None:
    person = served_person(session, units)
    data = ScreeningCreate(
        status=ScreeningStatus.SCREENED_FINDINGS_REFERRED, screened_on=date(2025, 4, 2), unit_id=units.kommune.id
    )
    with pytest.raises(Invalid) as refused:
        mapping.record_screening(session, coordinator, person.id, data)
    assert refused.value.field == "instrument"
    assert count(session, MentalHealthScreening) == 0
    data.instrument = "SCL-10"
    row = mapping.record_screening(session, coordinator, person.id, data)
    assert row.status == ScreeningStatus.SCREENED_FINDINGS_REFERRED and row.instrument == "SCL-10"


def somatic(units: Units, **changes: object) -> SomaticCheckCreate:
    data: dict[str, object] = {
        "checked_on": date(2025, 4, 3),
        "examiner": Examiner.GP,
        "unit_id": units.kommune.id,
        "findings": "Sår på underarm, hepatitt C-test positiv",
        "injecting": True,
        "infection_status_checked": True,
        "follow_up_needed": True,
    }
    data.update(changes)
    return SomaticCheckCreate.model_validate(data)


def test_somatic_findings_create_a_follow_up_task_with_a_named_owner(
    session: Session, units: Units, coordinator: Actor
) -> None:
    person = served_person(session, units)
    follow_up = FollowUpTask(unit_id=units.kommune.id, owner_user_id=coordinator.user_id, due_on=date(2025, 4, 24))
    check = mapping.record_somatic_check(session, coordinator, person.id, somatic(units, follow_up=follow_up))
    task = session.get_one(Task, check.follow_up_task_id)
    assert (task.kind, task.owner_user_id, task.unit_id, task.due_on) == (
        TaskKind.SOMATIC_FOLLOW_UP,
        coordinator.user_id,
        units.kommune.id,
        date(2025, 4, 24),
    )
    assert (task.source_type, task.source_id, task.person_id) == ("somatic_check", check.id, person.id)
    status = mapping.mapping_status(session, coordinator, person.id)
    assert (status.open_follow_ups, status.follow_ups_without_owner) == (1, 0)
    assert status.somatic_current and not status.infection_check_missing


def test_a_follow_up_in_the_units_queue_counts_as_without_an_owner(
    session: Session, units: Units, coordinator: Actor
) -> None:
    person = served_person(session, units)
    follow_up = FollowUpTask(unit_id=units.kommune.id, to_unit_queue=True)
    check = mapping.record_somatic_check(session, coordinator, person.id, somatic(units, follow_up=follow_up))
    task = session.get_one(Task, check.follow_up_task_id)
    assert task.owner_user_id is None and task.due_on == date(2025, 4, 24)  # 14 days by default
    status = mapping.mapping_status(session, coordinator, person.id)
    assert (status.open_follow_ups, status.follow_ups_without_owner) == (1, 1)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"follow_up": None}, "follow_up"),
        ({"follow_up": {"unit_id": -1, "to_unit_queue": True}}, "follow_up.unit_id"),
        ({"follow_up": {"to_unit_queue": True, "due_on": date(2025, 4, 9)}}, "follow_up.due_on"),
        ({"follow_up_needed": False, "follow_up": {"to_unit_queue": True}}, "follow_up_needed"),
        ({"findings": None, "follow_up": {"to_unit_queue": True}}, "findings"),
        ({"checked_on": date(2025, 4, 11), "follow_up": {"to_unit_queue": True}}, "checked_on"),
    ],
)
def test_a_somatic_check_with_bad_follow_up_is_refused_and_nothing_is_written(
    session: Session, units: Units, coordinator: Actor, changes: dict[str, object], field: str
) -> None:
    person = served_person(session, units)
    changes = dict(changes)
    if isinstance(changes.get("follow_up"), dict):
        changes["follow_up"] = {"unit_id": units.kommune.id, **changes["follow_up"]}  # type: ignore[dict-item]
    checks, task_count = count(session, SomaticCheck), count(session, Task)
    with pytest.raises(Invalid) as refused:
        mapping.record_somatic_check(session, coordinator, person.id, somatic(units, **changes))
    assert refused.value.field == field
    assert (count(session, SomaticCheck), count(session, Task)) == (checks, task_count)


def test_a_follow_up_needs_an_owner_or_the_units_queue(session: Session, units: Units, coordinator: Actor) -> None:
    person = served_person(session, units)
    nobody = FollowUpTask(unit_id=units.kommune.id)
    with pytest.raises(Invalid) as refused:
        mapping.record_somatic_check(session, coordinator, person.id, somatic(units, follow_up=nobody))
    assert refused.value.field == "follow_up.owner_user_id"
    stranger = FollowUpTask(unit_id=units.nav.id, owner_user_id=coordinator.user_id)
    with pytest.raises(Invalid) as not_member:
        mapping.record_somatic_check(session, coordinator, person.id, somatic(units, follow_up=stranger))
    assert not_member.value.field == "follow_up.owner_user_id"
    assert count(session, SomaticCheck) == 0 and count(session, Task) == 0


def test_injecting_without_an_infection_check_is_shown(session: Session, units: Units, coordinator: Actor) -> None:
    person = served_person(session, units)
    changes = {"infection_status_checked": False, "follow_up_needed": False, "findings": None}
    mapping.record_somatic_check(session, coordinator, person.id, somatic(units, **changes))
    assert mapping.mapping_status(session, coordinator, person.id).infection_check_missing


def test_the_situation_shows_housing_from_the_housing_history(
    session: Session, units: Units, coordinator: Actor
) -> None:
    person = served_person(session, units)
    data = SituationCreate(
        recorded_on=date(2025, 4, 2),
        unit_id=units.kommune.id,
        income=Income.SOCIAL_ASSISTANCE,
        activity=Activity.DAY_ACTIVITY,
        network=Network.RELATIVES,
    )
    row = mapping.record_situation(session, coordinator, person.id, data)
    assert mapping.recorded_situation_read(session, row).housing is None
    status = mapping.mapping_status(session, coordinator, person.id)
    assert not status.situation_complete  # housing not known
    assert status.financial_or_housing_problem  # social assistance
    persons.record_housing(
        session, coordinator, person.id, HousingIn(status=HousingStatus.TEMPORARY, from_date=date(2025, 1, 1))
    )
    session.expire(person)
    status = mapping.mapping_status(session, coordinator, person.id)
    assert status.situation_complete and status.housing_now == HousingStatus.TEMPORARY
    assert status.situation is not None and status.situation.housing == HousingStatus.TEMPORARY
    unknown = data.model_copy(update={"network": Network.UNKNOWN, "recorded_on": date(2025, 4, 9)})
    mapping.record_situation(session, coordinator, person.id, unknown)
    assert not mapping.mapping_status(session, coordinator, person.id).situation_complete
    assert count(session, Situation) == 2


def test_outsider_gets_not_found_for_mapping(
    session: Session, units: Units, coordinator: Actor, outsider: Actor
) -> None:
    person = served_person(session, units)
    record_questionnaire(session, coordinator, person, units.kommune.id)
    with pytest.raises(NotFound):
        mapping.mapping_status(session, outsider, person.id)
    with pytest.raises(NotFound):
        mapping.mapping_records(session, outsider, person.id)
    with pytest.raises(NotFound):
        record_questionnaire(session, outsider, person, units.other.id)
    assert len(session.scalars(select(QuestionnaireResult)).all()) == 1


def test_the_one_who_did_the_questionnaire_must_work_in_the_unit(
    session: Session, units: Units, coordinator: Actor, clinician: Actor
) -> None:
    person = served_person(session, units)
    with pytest.raises(Invalid) as refused:
        record_questionnaire(session, coordinator, person, units.kommune.id, done_by_user_id=clinician.user_id)
    assert (refused.value.field, refused.value.value) == ("done_by_user_id", clinician.user_id)
    assert count(session, QuestionnaireResult) == 0


def test_every_mapping_record_writes_an_audit_event_with_the_person(
    session: Session, units: Units, coordinator: Actor
) -> None:
    person = served_person(session, units)
    row = record_questionnaire(session, coordinator, person, units.kommune.id, "DUDIT", 30)
    audit.flush_pending(session)
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "mapping.questionnaire_recorded"))
    assert event is not None
    assert (event.person_id, event.entity, event.entity_id) == (person.id, "mapping_questionnaire", str(row.id))
    assert event.detail == {"instrument": "DUDIT", "total": 30, "band": "probable_dependence"}
