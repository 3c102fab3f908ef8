"""JSON API: documented cooperation contacts (GP, specialist service, NAV, ansvarsgruppe)."""

from __future__ import annotations

from fastapi import APIRouter

from helhet.collaboration import service as collaboration
from helhet.collaboration.schemas import ContactCreate, ContactRead
from helhet.deps import ApiActor, DbSession

router = APIRouter(tags=["collaboration"])


@router.post("/persons/{person_id}/contacts", status_code=201, response_model=ContactRead)
def record_contact(person_id: int, data: ContactCreate, session: DbSession, actor: ApiActor) -> ContactRead:
    result = ContactRead.model_validate(collaboration.record_contact(session, actor, person_id, data))
    session.commit()
    return result


@router.get("/persons/{person_id}/contacts", response_model=list[ContactRead])
def contacts_of(person_id: int, session: DbSession, actor: ApiActor) -> list[ContactRead]:
    result = [ContactRead.model_validate(c) for c in collaboration.contacts_of(session, actor, person_id)]
    session.commit()
    return result
