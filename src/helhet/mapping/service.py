"""Recording kartlegging (AUDIT/DUDIT, mental-health screening, somatic checks, the overall situation, a declined
mapping) and reading a person's mapping status. Minor children are in ``mapping/children.py``.

Records are made by a member of the recording unit, for a person the actor may see; each is dated and cannot be
later than today. Bad input is refused before anything is written.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Executable, bindparam, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.types import Date, Integer

from helhet import clock
from helhet.audit import log as audit
from helhet.config import get_settings
from helhet.errors import Forbidden, Invalid, NotFound
from helhet.mapping import instruments, rules
from helhet.mapping.instruments import InvalidAnswer
from helhet.mapping.models import (
    SCREENED,
    ChildrenRecord,
    MappingArea,
    MappingDeclined,
    MentalHealthScreening,
    QuestionnaireResult,
    Situation,
    SomaticCheck,
)
from helhet.mapping.schemas import (
    ChildrenRead,
    DeclinedCreate,
    DeclinedRead,
    FollowUpTask,
    MappingRecords,
    MappingStatusRead,
    QuestionnaireCreate,
    QuestionnaireRead,
    ScreeningCreate,
    ScreeningRead,
    SituationCreate,
    SituationRead,
    SomaticCheckCreate,
    SomaticCheckRead,
)
from helhet.pathways.models import Episode
from helhet.persons import service as persons
from helhet.persons.models import Person, Sex
from helhet.referrals import service as referrals
from helhet.tasks import service as tasks
from helhet.tasks.models import OPEN_TASK_STATUSES, Task, TaskKind
from helhet.tasks.schemas import TaskCreate
from helhet.units.models import Unit
from helhet.users.actor import Actor
from helhet.users.models import Membership, User
from helhet.vedtak import service as vedtak

# ---------------------------------------------------------------- shared checks (also used by mapping/children.py)


def recording_unit(session: Session, actor: Actor, unit_id: int) -> Unit:
    unit = referrals.get_unit(session, unit_id)
    if not actor.is_system and unit.id not in actor.unit_ids:
        raise Forbidden("record mapping for one of your own units")
    return unit


def check_not_future(field: str, day: date) -> None:
    if day > clock.today():
        raise Invalid(field, day.isoformat(), "cannot be later than today")


def check_task(session: Session, spec: FollowUpTask, prefix: str) -> None:
    """Check a task to be made with a record before anything is written."""
    referrals.get_unit(session, spec.unit_id, f"{prefix}.unit_id")
    tasks.check_owner(session, spec.unit_id, spec.owner_user_id, spec.to_unit_queue, prefix=f"{prefix}.")
    if spec.due_on is not None and spec.due_on < clock.today():
        raise Invalid(f"{prefix}.due_on", spec.due_on.isoformat(), "cannot be earlier than today")


def create_linked_task(
    session: Session,
    actor: Actor,
    person_id: int,
    spec: FollowUpTask,
    kind: TaskKind,
    title: str,
    source: tuple[str, int],
    description: str | None = None,
) -> Task:
    data = TaskCreate(
        person_id=person_id,
        unit_id=spec.unit_id,
        owner_user_id=spec.owner_user_id,
        to_unit_queue=spec.to_unit_queue,
        kind=kind,
        title=(spec.title or title).strip() or title,
        description=description,
        due_on=spec.due_on or clock.today() + timedelta(days=rules.FOLLOW_UP_DAYS),
        source_type=source[0],
        source_id=source[1],
    )
    return tasks.create_task(session, actor, data)


def _check_user_in_unit(session: Session, unit_id: int, user_id: int, field: str) -> None:
    member = session.scalar(
        select(Membership.id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.user_id == user_id, Membership.unit_id == unit_id, User.active.is_(True))
    )
    if member is None:
        raise Invalid(field, user_id, "must be an active member of the unit")


def _record(session: Session, actor: Actor, action: str, row: Any, detail: dict[str, Any] | None = None) -> None:
    session.add(row)
    session.flush()
    audit.record_change(session, actor, action, str(row.__tablename__), row.id, person_id=row.person_id, detail=detail)


# ---------------------------------------------------------------- recording


def _sex(person: Person) -> instruments.Sex | None:
    if person.sex == Sex.FEMALE:
        return "female"
    if person.sex == Sex.MALE:
        return "male"
    return None


def _answers(raw: dict[str, Any]) -> dict[int, Any]:
    """Keys "3" or "item_3" → 3; a key that is no item number, or an item given twice, is refused."""
    answers: dict[int, Any] = {}
    for key, value in raw.items():
        text = key.removeprefix("item_")
        if not text.isdigit():
            raise InvalidAnswer(text, value, "answers are keyed by item number, e.g. '3' or 'item_3'")
        if int(text) in answers:
            raise InvalidAnswer(int(text), value, "answered twice")
        answers[int(text)] = value
    return answers


def record_questionnaire(
    session: Session, actor: Actor, person_id: int, data: QuestionnaireCreate
) -> QuestionnaireResult:
    """An AUDIT or DUDIT answered item by item; total, band and positive come from ``instruments.score`` with the
    person's sex (DUDIT's cut-offs differ; unknown sex uses the lower one)."""
    person = persons.get_person(session, actor, person_id, what="mapping")
    try:
        instrument = instruments.get_instrument(data.instrument)
    except NotFound:
        raise Invalid("instrument", data.instrument, f"use one of {', '.join(instruments.INSTRUMENTS)}") from None
    recording_unit(session, actor, data.unit_id)
    check_not_future("done_on", data.done_on)
    if data.done_by_user_id is not None:
        _check_user_in_unit(session, data.unit_id, data.done_by_user_id, "done_by_user_id")
    answers = _answers(data.answers)
    sex = _sex(person)
    result = instruments.score(instrument.code, answers, sex)
    row = QuestionnaireResult(
        person_id=person_id,
        instrument=instrument.code,
        answers={str(k): answers[k] for k in sorted(answers)},
        total=result.total,
        band=result.band,
        positive=result.positive,
        scored_with_sex=sex,
        done_on=data.done_on,
        unit_id=data.unit_id,
        done_by_user_id=data.done_by_user_id if data.done_by_user_id is not None else actor.user_id,
        note=data.note,
        recorded_at=clock.now(),
        recorded_by=actor.user_id,
    )
    detail = {"instrument": instrument.code, "total": result.total, "band": result.band.value}
    _record(session, actor, "mapping.questionnaire_recorded", row, detail)
    return row


def record_screening(session: Session, actor: Actor, person_id: int, data: ScreeningCreate) -> MentalHealthScreening:
    persons.get_person(session, actor, person_id, what="mapping")
    recording_unit(session, actor, data.unit_id)
    check_not_future("screened_on", data.screened_on)
    if data.status in SCREENED and not (data.instrument or "").strip():
        raise Invalid("instrument", data.instrument, "name the instrument or method, e.g. 'SCL-10' or 'MINI'")
    row = MentalHealthScreening(
        person_id=person_id,
        status=data.status,
        instrument=(data.instrument or "").strip() or None,
        screened_on=data.screened_on,
        unit_id=data.unit_id,
        note=data.note,
        recorded_at=clock.now(),
        recorded_by=actor.user_id,
    )
    _record(session, actor, "mapping.screening_recorded", row, {"status": data.status.value})
    return row


def record_somatic_check(session: Session, actor: Actor, person_id: int, data: SomaticCheckCreate) -> SomaticCheck:
    """A somatic health check; when findings need follow-up, a SOMATIC_FOLLOW_UP task with a named owner (or in a
    unit's queue, said explicitly) is created with it."""
    persons.get_person(session, actor, person_id, what="mapping")
    recording_unit(session, actor, data.unit_id)
    check_not_future("checked_on", data.checked_on)
    if data.follow_up_needed and data.follow_up is None:
        raise Invalid("follow_up", None, "findings that need follow-up need a task with an owner or a unit's queue")
    if data.follow_up is not None and not data.follow_up_needed:
        raise Invalid("follow_up_needed", False, "set follow_up_needed when a follow-up task is given")
    if data.follow_up_needed and not (data.findings or "").strip():
        raise Invalid("findings", data.findings, "say which findings need follow-up")
    if data.follow_up is not None:
        check_task(session, data.follow_up, "follow_up")
    row = SomaticCheck(
        person_id=person_id,
        checked_on=data.checked_on,
        examiner=data.examiner,
        examiner_name=data.examiner_name,
        unit_id=data.unit_id,
        findings=data.findings,
        injecting=data.injecting,
        infection_status_checked=data.infection_status_checked,
        follow_up_needed=data.follow_up_needed,
        recorded_at=clock.now(),
        recorded_by=actor.user_id,
    )
    _record(session, actor, "mapping.somatic_recorded", row, {"follow_up_needed": data.follow_up_needed})
    if data.follow_up is not None:
        task = create_linked_task(
            session,
            actor,
            person_id,
            data.follow_up,
            TaskKind.SOMATIC_FOLLOW_UP,
            "Følge opp funn fra somatisk helsesjekk",
            ("somatic_check", row.id),
            description=data.findings,
        )
        row.follow_up_task_id = task.id
        session.flush()
    return row


def record_situation(session: Session, actor: Actor, person_id: int, data: SituationCreate) -> Situation:
    persons.get_person(session, actor, person_id, what="mapping")
    recording_unit(session, actor, data.unit_id)
    check_not_future("recorded_on", data.recorded_on)
    row = Situation(
        person_id=person_id,
        recorded_on=data.recorded_on,
        unit_id=data.unit_id,
        income=data.income,
        nav_contact=data.nav_contact,
        financial_problems=data.financial_problems,
        activity=data.activity,
        network=data.network,
        note=data.note,
        recorded_at=clock.now(),
        recorded_by=actor.user_id,
    )
    _record(session, actor, "mapping.situation_recorded", row)
    return row


def record_declined(session: Session, actor: Actor, person_id: int, data: DeclinedCreate) -> MappingDeclined:
    """The person declined a kind of mapping: the gap checks show it as an exclusion, not a gap."""
    persons.get_person(session, actor, person_id, what="mapping")
    recording_unit(session, actor, data.unit_id)
    check_not_future("declined_on", data.declined_on)
    row = MappingDeclined(
        person_id=person_id,
        area=data.area,
        declined_on=data.declined_on,
        unit_id=data.unit_id,
        reason=data.reason,
        recorded_at=clock.now(),
        recorded_by=actor.user_id,
    )
    _record(session, actor, "mapping.declined", row, {"area": data.area.value})
    return row


# ---------------------------------------------------------------- reading


def situation_read(person: Person, row: Situation) -> SituationRead:
    """The record with the person's housing on its date, from the housing history."""
    result = SituationRead.model_validate(row)
    result.housing = person.housing_on(row.recorded_on)
    return result


def recorded_situation_read(session: Session, row: Situation) -> SituationRead:
    """``situation_read`` for a record just made through ``record_situation`` (which opened the person)."""
    return situation_read(session.get_one(Person, row.person_id), row)


def mapping_records(session: Session, actor: Actor, person_id: int) -> MappingRecords:
    person = persons.get_person(session, actor, person_id, what="mapping")

    def newest(model: Any, on: InstrumentedAttribute[date]) -> list[Any]:
        return list(
            session.scalars(select(model).where(model.person_id == person_id).order_by(on.desc(), model.id.desc()))
        )

    return MappingRecords(
        questionnaires=[
            QuestionnaireRead.model_validate(r) for r in newest(QuestionnaireResult, QuestionnaireResult.done_on)
        ],
        screenings=[
            ScreeningRead.model_validate(r) for r in newest(MentalHealthScreening, MentalHealthScreening.screened_on)
        ],
        somatic_checks=[SomaticCheckRead.model_validate(r) for r in newest(SomaticCheck, SomaticCheck.checked_on)],
        situations=[situation_read(person, r) for r in newest(Situation, Situation.recorded_on)],
        children=[ChildrenRead.model_validate(r) for r in newest(ChildrenRecord, ChildrenRecord.asked_on)],
        declined=[DeclinedRead.model_validate(r) for r in newest(MappingDeclined, MappingDeclined.declined_on)],
    )


def _latest(
    session: Session,
    model: Any,
    day: InstrumentedAttribute[date],
    person_id: int,
    on: date,
    instrument: str | None = None,
) -> Any:
    params: dict[str, Any] = {"person_id": person_id, "on": on}
    if instrument is not None:
        params["instrument"] = instrument
    return session.scalar(_latest_statement(model, day.key, instrument is not None), params)


# mapping_status's statements are built once and bound per call (the pathway page reads them on every request):
# neither the statement nor its cache key is made again (the compiled SQL is SQLAlchemy's cache)
@cache
def _latest_statement(model: Any, day_key: str, by_instrument: bool) -> Executable:
    """The person's latest ``model`` row on or before the day (of one instrument, ``by_instrument``)."""
    day = getattr(model, day_key)
    where = [model.person_id == bindparam("person_id"), day <= bindparam("on")]
    if by_instrument:
        where.append(model.instrument == bindparam("instrument"))
    return select(model).where(*where).order_by(day.desc(), model.id.desc()).limit(1)


@cache
def _status_statements() -> dict[str, Executable]:
    q = QuestionnaireResult
    person, on = bindparam("person_id", type_=Integer), bindparam("on", type_=Date)
    return {
        "first_episode": select(func.min(Episode.started_on)).where(Episode.person_id == person),
        "substance_span": select(func.min(q.done_on), func.max(q.done_on)).where(
            q.person_id == person, q.done_on <= on
        ),
        "follow_ups": select(func.count(), func.count(Task.id).filter(Task.owner_user_id.is_(None))).where(
            Task.person_id == person,
            Task.kind == TaskKind.SOMATIC_FOLLOW_UP,
            Task.status.in_(OPEN_TASK_STATUSES),
        ),
        "declined": select(MappingDeclined.area, func.max(MappingDeclined.declined_on))
        .where(MappingDeclined.person_id == person, MappingDeclined.declined_on <= on)
        .group_by(MappingDeclined.area),
    }


def mapping_status(session: Session, actor: Actor, person_id: int, on: date | None = None) -> MappingStatusRead:
    """The latest record of each kind on ``on`` (default today), and whether each was done in time."""
    person = persons.get_person(session, actor, person_id, what="mapping")
    on = on or clock.today()
    settings = get_settings()
    kept, params = _status_statements(), {"person_id": person_id, "on": on}
    first_episode = session.scalar(kept["first_episode"], params)
    start = rules.service_start(first_episode, vedtak.first_vedtak_start(session, person_id))

    q = QuestionnaireResult
    audit_row = _latest(session, q, q.done_on, person_id, on, instruments.AUDIT.code)
    dudit_row = _latest(session, q, q.done_on, person_id, on, instruments.DUDIT.code)
    first, last = session.execute(kept["substance_span"], params).one()
    timeliness = rules.substance_timeliness(
        start, first, last, on, settings.mapping_within_days, settings.remapping_months
    )
    screening = _latest(session, MentalHealthScreening, MentalHealthScreening.screened_on, person_id, on)
    somatic = _latest(session, SomaticCheck, SomaticCheck.checked_on, person_id, on)
    somatic_due = rules.somatic_due(somatic.checked_on if somatic else None, settings.somatic_check_months)
    open_follow_ups, unowned = session.execute(kept["follow_ups"], params).one()
    situation = _latest(session, Situation, Situation.recorded_on, person_id, on)
    housing_now = person.housing_on(on)
    children = _latest(session, ChildrenRecord, ChildrenRecord.asked_on, person_id, on)
    declined_rows = session.execute(kept["declined"], params).all()
    latest_by_area = {
        MappingArea.SUBSTANCE_USE: last,
        MappingArea.MENTAL_HEALTH: screening.screened_on if screening else None,
        MappingArea.SOMATIC: somatic.checked_on if somatic else None,
        MappingArea.SITUATION: situation.recorded_on if situation else None,
    }
    declined = rules.declined_areas({MappingArea(a): d for a, d in declined_rows}, latest_by_area)
    return MappingStatusRead(
        person_id=person_id,
        on=on,
        service_start=start,
        audit=QuestionnaireRead.model_validate(audit_row) if audit_row else None,
        dudit=QuestionnaireRead.model_validate(dudit_row) if dudit_row else None,
        first_substance_mapping=first,
        last_substance_mapping=last,
        substance_mapping_due=timeliness.due,
        substance_mapped_in_time=timeliness.in_time,
        remapping_due=timeliness.remapping_due,
        remapping_overdue=timeliness.remapping_overdue,
        mental_health=ScreeningRead.model_validate(screening) if screening else None,
        mental_health_screened=screening is not None and screening.status in SCREENED,
        somatic=SomaticCheckRead.model_validate(somatic) if somatic else None,
        somatic_due=somatic_due,
        somatic_current=somatic_due is not None and on <= somatic_due,
        infection_check_missing=somatic is not None
        and rules.infection_check_missing(somatic.injecting, somatic.infection_status_checked),
        open_follow_ups=int(open_follow_ups),
        follow_ups_without_owner=int(unowned),
        situation=situation_read(person, situation) if situation else None,
        housing_now=housing_now,
        situation_complete=situation is not None
        and rules.situation_complete(housing_now, situation.income, situation.activity, situation.network),
        financial_or_housing_problem=rules.financial_or_housing_problem(
            housing_now,
            situation.income if situation else None,
            situation.financial_problems if situation else None,
        ),
        children=ChildrenRead.model_validate(children) if children else None,
        children_asked=children is not None,
        children_needs_assessed=children is not None
        and rules.children_needs_assessed(children.answer, children.needs_assessed_on),
        declined=declined,
    )
