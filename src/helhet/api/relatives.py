"""JSON API: relatives, the nearest relative, involvement, consent, and what a relative may see."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Response

from helhet.api.common import require_version, set_etag
from helhet.deps import ApiActor, DbSession, IfMatch
from helhet.relatives import consent as consents
from helhet.relatives import service as relatives
from helhet.relatives import view
from helhet.relatives.schemas import (
    ConsentCreate,
    ConsentRead,
    ConsentWithdraw,
    InvolvementRecord,
    RelativeCreate,
    RelativeRead,
    RelativeUpdate,
    RelativeView,
    ScopeRead,
)

router = APIRouter(tags=["relatives"])


@router.post("/persons/{person_id}/relatives", status_code=201, response_model=RelativeRead)
def register_relative(
    person_id: int, data: RelativeCreate, session: DbSession, actor: ApiActor, response: Response
) -> RelativeRead:
    relative = relatives.register_relative(session, actor, person_id, data)
    result = relatives.describe(session, relative)
    session.commit()
    set_etag(response, result.version)
    response.headers["Location"] = f"/api/v1/relatives/{result.id}"
    return result


@router.get("/persons/{person_id}/relatives", response_model=list[RelativeRead])
def relatives_of(person_id: int, session: DbSession, actor: ApiActor) -> list[RelativeRead]:
    result = [relatives.describe(session, r) for r in relatives.relatives_of(session, actor, person_id)]
    session.commit()
    return result


@router.get("/relatives/{relative_id}", response_model=RelativeRead)
def get_relative(relative_id: int, session: DbSession, actor: ApiActor, response: Response) -> RelativeRead:
    result = relatives.describe(session, relatives.get_relative(session, actor, relative_id))
    session.commit()
    set_etag(response, result.version)
    return result


@router.patch("/relatives/{relative_id}", response_model=RelativeRead)
def update_relative(
    relative_id: int,
    data: RelativeUpdate,
    session: DbSession,
    actor: ApiActor,
    if_match: IfMatch,
    response: Response,
) -> RelativeRead:
    data.version = require_version(if_match, data.version)
    result = relatives.describe(session, relatives.update_relative(session, actor, relative_id, data))
    session.commit()
    set_etag(response, result.version)
    return result


@router.post("/relatives/{relative_id}/involvement", response_model=RelativeRead)
def record_involvement(
    relative_id: int,
    data: InvolvementRecord,
    session: DbSession,
    actor: ApiActor,
    if_match: IfMatch,
    response: Response,
) -> RelativeRead:
    data.version = require_version(if_match, data.version)
    result = relatives.describe(session, relatives.record_involvement(session, actor, relative_id, data))
    session.commit()
    set_etag(response, result.version)
    return result


@router.post("/relatives/{relative_id}/consents", status_code=201, response_model=ConsentRead)
def give_consent(relative_id: int, data: ConsentCreate, session: DbSession, actor: ApiActor) -> ConsentRead:
    result = ConsentRead.model_validate(consents.give_consent(session, actor, relative_id, data))
    session.commit()
    return result


@router.get("/relatives/{relative_id}/consents", response_model=list[ConsentRead])
def consents_of(relative_id: int, session: DbSession, actor: ApiActor) -> list[ConsentRead]:
    result = [ConsentRead.model_validate(c) for c in consents.consents_of(session, actor, relative_id)]
    session.commit()
    return result


@router.post("/consents/{consent_id}/withdraw", response_model=ConsentRead)
def withdraw_consent(consent_id: int, data: ConsentWithdraw, session: DbSession, actor: ApiActor) -> ConsentRead:
    """Withdrawal needs no version: it is allowed at any time, and a second one is refused as a conflict."""
    result = ConsentRead.model_validate(consents.withdraw_consent(session, actor, consent_id, data))
    session.commit()
    return result


@router.get("/relatives/{relative_id}/scope", response_model=ScopeRead)
def current_scope(relative_id: int, session: DbSession, actor: ApiActor, on: date | None = None) -> ScopeRead:
    result = consents.scope_of(session, actor, relative_id, on)
    session.commit()
    return result


@router.get("/relatives/{relative_id}/view", response_model=RelativeView)
def relative_view(relative_id: int, session: DbSession, actor: ApiActor) -> RelativeView:
    """What the relative sees today, cut to the current consent (a preview for staff)."""
    result = view.relative_view(session, relative_id, actor=actor)
    session.commit()
    return result
