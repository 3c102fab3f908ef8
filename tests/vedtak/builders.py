"""Builders for vedtak tests: plain functions through the real services."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from helhet.users.actor import Actor
from helhet.vedtak import service as vedtak
from helhet.vedtak.models import ServiceDelivery, ServiceType, Vedtak, VolumeUnit
from helhet.vedtak.schemas import DeliveryCreate, VedtakCreate
from tests.personas import Units


def vedtak_data(units: Units, **changes: Any) -> VedtakCreate:
    data: dict[str, Any] = {
        "unit_id": units.kommune.id,
        "service_type": ServiceType.PRACTICAL_HELP,
        "legal_basis": "hol § 3-2 første ledd nr. 6 b",
        "volume": 10.0,
        "volume_unit": VolumeUnit.HOURS_PER_WEEK,
        "decided_on": date(2025, 2, 28),
        "start_on": date(2025, 3, 3),  # a Monday, ISO week 10
        "end_on": date(2025, 8, 31),
        "review_on": date(2025, 6, 1),
    }
    data.update(changes)
    return VedtakCreate(**data)


def make_vedtak(session: Session, actor: Actor, person_id: int, units: Units, **changes: Any) -> Vedtak:
    return vedtak.create_vedtak(session, actor, person_id, vedtak_data(units, **changes))


def deliver(session: Session, actor: Actor, row: Vedtak, on: date, amount: float, **changes: Any) -> ServiceDelivery:
    return vedtak.record_delivery(session, actor, row.id, DeliveryCreate(delivered_on=on, amount=amount, **changes))
