"""JSON API: kartlegging (AUDIT/DUDIT, mental-health screening, somatic checks, overall situation, minor children,
declined mapping) and a person's mapping status."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Response

from helhet.api.common import require_version, set_etag
from helhet.deps import ApiActor, DbSession, IfMatch
from helhet.mapping import children, instruments
from helhet.mapping import service as mapping
from helhet.mapping.schemas import (
    ChildrenCreate,
    ChildrenRead,
    DeclinedCreate,
    DeclinedRead,
    FollowUpTask,
    MappingRecords,
    MappingStatusRead,
    NeedsAssessment,
    QuestionnaireCreate,
    QuestionnaireRead,
    ScreeningCreate,
    ScreeningRead,
    SituationCreate,
    SituationRead,
    SomaticCheckCreate,
    SomaticCheckRead,
)
from helhet.tasks.schemas import TaskRead

router = APIRouter(tags=["mapping"])


@router.get("/mapping/instruments/{code}")
def read_instrument(code: str, _actor: ApiActor, lang: Literal["nb", "en"] = "nb") -> dict[str, Any]:
    """Items, answer options with scores and the bands, for a form that scores as the person answers."""
    return instruments.as_dict(instruments.get_instrument(code), lang)


@router.get("/persons/{person_id}/mapping", response_model=MappingStatusRead)
def mapping_status(person_id: int, session: DbSession, actor: ApiActor, on: date | None = None) -> MappingStatusRead:
    result = mapping.mapping_status(session, actor, person_id, on)
    session.commit()
    return result


@router.get("/persons/{person_id}/mapping/records", response_model=MappingRecords)
def mapping_records(person_id: int, session: DbSession, actor: ApiActor) -> MappingRecords:
    result = mapping.mapping_records(session, actor, person_id)
    session.commit()
    return result


@router.post("/persons/{person_id}/mapping/questionnaires", status_code=201, response_model=QuestionnaireRead)
def record_questionnaire(
    person_id: int, data: QuestionnaireCreate, session: DbSession, actor: ApiActor
) -> QuestionnaireRead:
    result = QuestionnaireRead.model_validate(mapping.record_questionnaire(session, actor, person_id, data))
    session.commit()
    return result


@router.post("/persons/{person_id}/mapping/mental-health", status_code=201, response_model=ScreeningRead)
def record_screening(person_id: int, data: ScreeningCreate, session: DbSession, actor: ApiActor) -> ScreeningRead:
    result = ScreeningRead.model_validate(mapping.record_screening(session, actor, person_id, data))
    session.commit()
    return result


@router.post("/persons/{person_id}/mapping/somatic-checks", status_code=201, response_model=SomaticCheckRead)
def record_somatic_check(
    person_id: int, data: SomaticCheckCreate, session: DbSession, actor: ApiActor
) -> SomaticCheckRead:
    result = SomaticCheckRead.model_validate(mapping.record_somatic_check(session, actor, person_id, data))
    session.commit()
    return result


@router.post("/persons/{person_id}/mapping/situations", status_code=201, response_model=SituationRead)
def record_situation(person_id: int, data: SituationCreate, session: DbSession, actor: ApiActor) -> SituationRead:
    row = mapping.record_situation(session, actor, person_id, data)
    result = mapping.recorded_situation_read(session, row)
    session.commit()
    return result


@router.post("/persons/{person_id}/mapping/declined", status_code=201, response_model=DeclinedRead)
def record_declined(person_id: int, data: DeclinedCreate, session: DbSession, actor: ApiActor) -> DeclinedRead:
    result = DeclinedRead.model_validate(mapping.record_declined(session, actor, person_id, data))
    session.commit()
    return result


@router.post("/persons/{person_id}/mapping/children", status_code=201, response_model=ChildrenRead)
def record_children(
    person_id: int, data: ChildrenCreate, session: DbSession, actor: ApiActor, response: Response
) -> ChildrenRead:
    result = ChildrenRead.model_validate(children.record_children(session, actor, person_id, data))
    session.commit()
    set_etag(response, result.version)
    return result


@router.get("/mapping/children/{record_id}", response_model=ChildrenRead)
def get_children_record(record_id: int, session: DbSession, actor: ApiActor, response: Response) -> ChildrenRead:
    result = ChildrenRead.model_validate(children.get_children_record(session, actor, record_id))
    session.commit()
    set_etag(response, result.version)
    return result


@router.post("/mapping/children/{record_id}/assessment", response_model=ChildrenRead)
def record_needs_assessment(
    record_id: int,
    data: NeedsAssessment,
    session: DbSession,
    actor: ApiActor,
    if_match: IfMatch,
    response: Response,
) -> ChildrenRead:
    data.version = require_version(if_match, data.version)
    result = ChildrenRead.model_validate(children.record_needs_assessment(session, actor, record_id, data))
    session.commit()
    set_etag(response, result.version)
    return result


@router.post("/mapping/children/{record_id}/task", status_code=201, response_model=TaskRead)
def create_children_task(record_id: int, data: FollowUpTask, session: DbSession, actor: ApiActor) -> TaskRead:
    result = TaskRead.model_validate(children.create_children_task(session, actor, record_id, data))
    session.commit()
    return result
