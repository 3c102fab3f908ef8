"""JSON API: municipal decisions (vedtak), the log of delivered service, and delivered against decided per week."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Response

from helhet.api.common import require_version, set_etag
from helhet.deps import ApiActor, DbSession, IfMatch
from helhet.vedtak import service as vedtak
from helhet.vedtak.schemas import (
    DeliveryCreate,
    DeliveryRead,
    DeliveryReport,
    VedtakCreate,
    VedtakEnd,
    VedtakRead,
    VedtakUpdate,
    VedtakWithdraw,
)

router = APIRouter(tags=["vedtak"])


@router.post("/persons/{person_id}/vedtak", status_code=201, response_model=VedtakRead)
def create_vedtak(
    person_id: int, data: VedtakCreate, session: DbSession, actor: ApiActor, response: Response
) -> VedtakRead:
    row = vedtak.create_vedtak(session, actor, person_id, data)
    result = VedtakRead.model_validate(row)
    session.commit()
    set_etag(response, result.version)
    response.headers["Location"] = f"/api/v1/vedtak/{row.id}"
    return result


@router.get("/persons/{person_id}/vedtak", response_model=list[VedtakRead])
def vedtak_of(person_id: int, session: DbSession, actor: ApiActor) -> list[VedtakRead]:
    result = [VedtakRead.model_validate(v) for v in vedtak.vedtak_of(session, actor, person_id)]
    session.commit()
    return result


@router.get("/vedtak/{vedtak_id}", response_model=VedtakRead)
def get_vedtak(vedtak_id: int, session: DbSession, actor: ApiActor, response: Response) -> VedtakRead:
    result = VedtakRead.model_validate(vedtak.get_vedtak(session, actor, vedtak_id))
    session.commit()
    set_etag(response, result.version)
    return result


@router.patch("/vedtak/{vedtak_id}", response_model=VedtakRead)
def update_vedtak(
    vedtak_id: int, data: VedtakUpdate, session: DbSession, actor: ApiActor, if_match: IfMatch, response: Response
) -> VedtakRead:
    data.version = require_version(if_match, data.version)
    result = VedtakRead.model_validate(vedtak.update_vedtak(session, actor, vedtak_id, data))
    session.commit()
    set_etag(response, result.version)
    return result


@router.post("/vedtak/{vedtak_id}/end", response_model=VedtakRead)
def end_vedtak(
    vedtak_id: int, data: VedtakEnd, session: DbSession, actor: ApiActor, if_match: IfMatch, response: Response
) -> VedtakRead:
    data.version = require_version(if_match, data.version)
    result = VedtakRead.model_validate(vedtak.end_vedtak(session, actor, vedtak_id, data))
    session.commit()
    set_etag(response, result.version)
    return result


@router.post("/vedtak/{vedtak_id}/withdraw", response_model=VedtakRead)
def withdraw_vedtak(
    vedtak_id: int, data: VedtakWithdraw, session: DbSession, actor: ApiActor, if_match: IfMatch, response: Response
) -> VedtakRead:
    data.version = require_version(if_match, data.version)
    result = VedtakRead.model_validate(vedtak.withdraw_vedtak(session, actor, vedtak_id, data))
    session.commit()
    set_etag(response, result.version)
    return result


@router.post("/vedtak/{vedtak_id}/deliveries", status_code=201, response_model=DeliveryRead)
def record_delivery(vedtak_id: int, data: DeliveryCreate, session: DbSession, actor: ApiActor) -> DeliveryRead:
    result = DeliveryRead.model_validate(vedtak.record_delivery(session, actor, vedtak_id, data))
    session.commit()
    return result


@router.get("/vedtak/{vedtak_id}/deliveries", response_model=list[DeliveryRead])
def deliveries_of(vedtak_id: int, session: DbSession, actor: ApiActor) -> list[DeliveryRead]:
    result = [DeliveryRead.model_validate(d) for d in vedtak.deliveries_of(session, actor, vedtak_id)]
    session.commit()
    return result


@router.get("/vedtak/{vedtak_id}/report", response_model=DeliveryReport)
def delivery_report(vedtak_id: int, session: DbSession, actor: ApiActor, until: date | None = None) -> DeliveryReport:
    """Delivered against decided per ISO week up to ``until`` (default today), shortfall weeks and delivery start."""
    result = vedtak.delivery_report(session, actor, vedtak_id, until)
    session.commit()
    return result
