"""JSON API: units (reference, readable by every signed-in user) and review of emergency access."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from helhet.deps import ApiActor, DbSession
from helhet.persons import service as persons
from helhet.units.models import Unit

router = APIRouter(tags=["units"])


class UnitRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    kind: str
    health_trust_code: str | None
    region_code: str | None
    municipality_number: str | None
    levels: list[str]


class GrantRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    user_id: int
    person_id: int
    reason: str
    granted_at: object
    expires_at: object


class ReviewIn(BaseModel):
    note: str = Field(min_length=1, max_length=2000)


@router.get("/units", response_model=list[UnitRead])
def list_units(session: DbSession, _actor: ApiActor, kind: str | None = None) -> list[UnitRead]:
    stmt = select(Unit).where(Unit.active.is_(True)).order_by(Unit.code)
    if kind:
        stmt = stmt.where(Unit.kind == kind)
    return [UnitRead.model_validate(u) for u in session.scalars(stmt)]


@router.get("/emergency-access/to-review", response_model=list[GrantRead])
def grants_to_review(session: DbSession, actor: ApiActor) -> list[GrantRead]:
    return [GrantRead.model_validate(g) for g in persons.emergency_grants_to_review(session, actor)]


@router.post("/emergency-access/{grant_id}/review", response_model=GrantRead)
def review_grant(grant_id: int, data: ReviewIn, session: DbSession, actor: ApiActor) -> GrantRead:
    result = GrantRead.model_validate(persons.review_emergency_access(session, actor, grant_id, data.note))
    session.commit()
    return result
