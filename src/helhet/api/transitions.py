"""JSON API: handovers between units (create, accept, decline, cancel, checklist), the units' handover lists,
who is responsible for a person now, discharge, and follow-up after discharge."""

from __future__ import annotations

from fastapi import APIRouter, Query, Response

from helhet.api.common import require_version, set_etag
from helhet.deps import ApiActor, DbSession, IfMatch
from helhet.transitions import discharge as discharges
from helhet.transitions import queries
from helhet.transitions import service as handovers
from helhet.transitions.models import ChecklistItem, Handover
from helhet.transitions.schemas import (
    ChecklistTick,
    DischargeCreate,
    DischargeRead,
    FollowUpAfterDischarge,
    HandoverAccept,
    HandoverCreate,
    HandoverDecline,
    HandoverRead,
    HandoverRow,
    ReceiverName,
    Responsibility,
)

router = APIRouter(tags=["handovers"])

Limit = Query(50, ge=1, le=queries.MAX_PAGE)
Offset = Query(0, ge=0)


def _done(session: DbSession, response: Response, handover: Handover) -> HandoverRead:
    result = handovers.handover_read(session, handover)
    session.commit()
    set_etag(response, result.version)
    return result


@router.post("/handovers", status_code=201, response_model=HandoverRead)
def create_handover(data: HandoverCreate, session: DbSession, actor: ApiActor, response: Response) -> HandoverRead:
    """The sending unit hands the person over; it stays responsible until the receiver accepts."""
    result = _done(session, response, handovers.create_handover(session, actor, data))
    response.headers["Location"] = f"/api/v1/handovers/{result.id}"
    return result


@router.get("/handovers/{handover_id}", response_model=HandoverRead)
def get_handover(handover_id: int, session: DbSession, actor: ApiActor, response: Response) -> HandoverRead:
    return _done(session, response, handovers.get_handover(session, actor, handover_id))


@router.post("/handovers/{handover_id}/accept", response_model=HandoverRead)
def accept_handover(
    handover_id: int,
    session: DbSession,
    actor: ApiActor,
    if_match: IfMatch,
    response: Response,
    data: HandoverAccept | None = None,
) -> HandoverRead:
    data = data or HandoverAccept()
    data.version = require_version(if_match, data.version)
    return _done(session, response, handovers.accept_handover(session, actor, handover_id, data))


@router.post("/handovers/{handover_id}/decline", response_model=HandoverRead)
def decline_handover(
    handover_id: int, data: HandoverDecline, session: DbSession, actor: ApiActor, if_match: IfMatch, response: Response
) -> HandoverRead:
    data.version = require_version(if_match, data.version)
    return _done(session, response, handovers.decline_handover(session, actor, handover_id, data))


@router.post("/handovers/{handover_id}/cancel", response_model=HandoverRead)
def cancel_handover(
    handover_id: int, data: HandoverDecline, session: DbSession, actor: ApiActor, if_match: IfMatch, response: Response
) -> HandoverRead:
    data.version = require_version(if_match, data.version)
    return _done(session, response, handovers.cancel_handover(session, actor, handover_id, data))


@router.put("/handovers/{handover_id}/receiver", response_model=HandoverRead)
def name_receiver(
    handover_id: int, data: ReceiverName, session: DbSession, actor: ApiActor, if_match: IfMatch, response: Response
) -> HandoverRead:
    """Name or change the receiver in the receiving unit (ROP-13); send the handover's ETag."""
    data.version = require_version(if_match, data.version)
    return _done(session, response, handovers.name_receiver(session, actor, handover_id, data))


@router.put("/handovers/{handover_id}/checklist/{item}", response_model=HandoverRead)
def tick_checklist_item(
    handover_id: int,
    item: ChecklistItem,
    data: ChecklistTick,
    session: DbSession,
    actor: ApiActor,
    if_match: IfMatch,
    response: Response,
) -> HandoverRead:
    """Tick (``done: true``) or untick one item; send the handover's ETag."""
    data.version = require_version(if_match, data.version)
    return _done(session, response, handovers.tick_checklist_item(session, actor, handover_id, item, data))


@router.get("/units/{unit_id}/handovers/incoming", response_model=list[HandoverRow])
def incoming_handovers(
    unit_id: int, session: DbSession, actor: ApiActor, limit: int = Limit, offset: int = Offset
) -> list[HandoverRow]:
    rows = queries.incoming_handovers(session, actor, unit_id, limit, offset)
    session.commit()
    return rows


@router.get("/units/{unit_id}/handovers/outgoing", response_model=list[HandoverRow])
def outgoing_handovers(
    unit_id: int, session: DbSession, actor: ApiActor, limit: int = Limit, offset: int = Offset
) -> list[HandoverRow]:
    rows = queries.outgoing_handovers(session, actor, unit_id, limit, offset)
    session.commit()
    return rows


@router.get("/persons/{person_id}/handovers", response_model=list[HandoverRead])
def handovers_of_person(person_id: int, session: DbSession, actor: ApiActor) -> list[HandoverRead]:
    result = handovers.handover_reads(session, handovers.handovers_of_person(session, actor, person_id))
    session.commit()
    return result


@router.get("/persons/{person_id}/responsibility", response_model=Responsibility)
def responsibility_now(person_id: int, session: DbSession, actor: ApiActor) -> Responsibility:
    """Which unit holds responsibility for the person now (the sender until a handover is accepted)."""
    result = handovers.responsibility_now(session, actor, person_id)
    session.commit()
    return result


@router.post("/episodes/{episode_id}/discharge", status_code=201, response_model=DischargeRead)
def discharge(
    episode_id: int, data: DischargeCreate, session: DbSession, actor: ApiActor, if_match: IfMatch
) -> DischargeRead:
    """End the episode with an accepted handover, or without one for a recorded reason (flagged). Send the
    episode's ETag."""
    version = require_version(if_match, data.version)
    row = discharges.discharge(
        session,
        actor,
        episode_id,
        data.ended_on,
        data.end_reason,
        data.handover_id,
        data.reason_without_handover,
        end_note=data.end_note,
        version=version,
    )
    result = DischargeRead.model_validate(row)
    session.commit()
    return result


@router.get("/persons/{person_id}/discharges", response_model=list[DischargeRead])
def discharges_of_person(person_id: int, session: DbSession, actor: ApiActor) -> list[DischargeRead]:
    result = [DischargeRead.model_validate(d) for d in discharges.discharges_of_person(session, actor, person_id)]
    session.commit()
    return result


@router.get("/persons/{person_id}/followup-after-discharge", response_model=list[FollowUpAfterDischarge])
def followup_after_discharge(person_id: int, session: DbSession, actor: ApiActor) -> list[FollowUpAfterDischarge]:
    """For each discharge from inpatient care: the first attended appointment after it, and whether it was in time."""
    result = discharges.followup_after_discharge(session, actor, person_id)
    session.commit()
    return result
