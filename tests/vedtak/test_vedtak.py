"""Vedtak: who makes them, period and volume checks, deliveries, ending and withdrawing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet.audit import log as audit
from helhet.audit.models import AuditEvent
from helhet.errors import Conflict, Forbidden, Invalid, InvalidMany, NotFound
from helhet.users.actor import Actor
from helhet.vedtak import service as vedtak
from helhet.vedtak.models import ServiceDelivery, ServiceType, Vedtak, VedtakStatus, VolumeUnit
from helhet.vedtak.schemas import VedtakEnd, VedtakUpdate, VedtakWithdraw
from tests.mapping.builders import count, served_person
from tests.personas import Units
from tests.vedtak.builders import deliver, make_vedtak


def test_a_vedtak_is_made_by_the_responsible_municipal_unit(
    session: Session, units: Units, coordinator: Actor, clinician: Actor
) -> None:
    person = served_person(session, units)
    row = make_vedtak(
        session,
        coordinator,
        person.id,
        units,
        service_type=ServiceType.HOUSING_ASSISTANCE,
        legal_basis="boligsosial lov § 6",
        volume=2,
        volume_unit=VolumeUnit.UNITS_PER_WEEK,
    )
    assert (row.status, row.unit_id, row.volume, row.version) == (VedtakStatus.ACTIVE, units.kommune.id, 2, 1)
    assert [v.id for v in vedtak.vedtak_of(session, clinician, person.id)] == [row.id]
    with pytest.raises(Invalid) as specialist:
        make_vedtak(session, clinician, person.id, units, unit_id=units.poli.id)
    assert specialist.value.field == "unit_id" and "municipal" in specialist.value.reason
    with pytest.raises(Forbidden):
        make_vedtak(session, clinician, person.id, units)  # the clinician is not in the kommune unit
    assert count(session, Vedtak) == 1


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"end_on": date(2025, 3, 2)}, ["end_on"]),
        ({"volume": -5.0}, ["volume"]),
        ({"volume": 0.0}, ["volume"]),
        ({"volume": 200.0}, ["volume"]),
        ({"volume_unit": None}, ["volume_unit"]),
        ({"volume": None}, ["volume"]),
        ({"legal_basis": "  "}, ["legal_basis"]),
        ({"decided_on": date(2025, 4, 11)}, ["decided_on"]),
        ({"review_on": date(2025, 2, 1)}, ["review_on"]),
        ({"end_on": date(2025, 3, 1), "volume": -1.0}, ["volume", "end_on"]),
    ],
)
def test_a_bad_period_or_volume_is_refused_and_nothing_is_written(
    session: Session, units: Units, coordinator: Actor, changes: dict[str, Any], fields: list[str]
) -> None:
    person = served_person(session, units)
    with pytest.raises(Invalid) as refused:
        make_vedtak(session, coordinator, person.id, units, **changes)
    assert [p.field for p in refused.value.problems] == fields
    assert all(p.reason for p in refused.value.problems)
    assert isinstance(refused.value, InvalidMany) == (len(fields) > 1)
    assert count(session, Vedtak) == 0


def test_a_vedtak_without_weekly_volume_is_allowed(session: Session, units: Units, coordinator: Actor) -> None:
    person = served_person(session, units)
    row = make_vedtak(
        session,
        coordinator,
        person.id,
        units,
        service_type=ServiceType.FINANCIAL_ASSISTANCE,
        legal_basis="stjl § 18",
        volume=None,
        volume_unit=None,
    )
    assert row.volume is None
    assert all(
        w.decided is None and not w.shortfall
        for w in vedtak.delivery_by_week(session, coordinator, row.id, date(2025, 4, 10))
    )


@pytest.mark.parametrize(
    ("on", "amount", "field"),
    [
        (date(2025, 4, 11), 2.0, "delivered_on"),  # tomorrow
        (date(2025, 3, 2), 2.0, "delivered_on"),  # the day before the period
        (date(2025, 3, 4), -1.0, "amount"),
        (date(2025, 3, 4), 0.0, "amount"),
        (date(2025, 3, 4), 25.0, "amount"),
    ],
)
def test_a_delivery_in_the_future_or_outside_the_period_is_refused(
    session: Session, units: Units, coordinator: Actor, on: date, amount: float, field: str
) -> None:
    person = served_person(session, units)
    row = make_vedtak(session, coordinator, person.id, units)
    with pytest.raises(Invalid) as refused:
        deliver(session, coordinator, row, on, amount)
    assert (refused.value.field, refused.value.value) == (field, on.isoformat() if field == "delivered_on" else amount)
    assert count(session, ServiceDelivery) == 0


def test_a_delivery_after_the_end_of_the_period_is_refused(session: Session, units: Units, coordinator: Actor) -> None:
    person = served_person(session, units)
    row = make_vedtak(session, coordinator, person.id, units, end_on=date(2025, 3, 31))
    with pytest.raises(Invalid) as refused:
        deliver(session, coordinator, row, date(2025, 4, 1), 2)
    assert refused.value.field == "delivered_on" and "2025-03-03 to 2025-03-31" in refused.value.reason
    assert deliver(session, coordinator, row, date(2025, 3, 31), 2).unit_id == units.kommune.id


def test_deliveries_are_logged_by_the_delivering_or_responsible_unit(
    session: Session, units: Units, coordinator: Actor, clinician: Actor
) -> None:
    person = served_person(session, units)
    row = make_vedtak(session, coordinator, person.id, units)
    with pytest.raises(Forbidden):
        deliver(session, clinician, row, date(2025, 3, 4), 2)
    by_nav = deliver(session, coordinator, row, date(2025, 3, 4), 2, unit_id=units.nav.id)
    assert (by_nav.unit_id, by_nav.person_id) == (units.nav.id, person.id)
    assert [d.id for d in vedtak.deliveries_of(session, clinician, row.id)] == [by_nav.id]


def test_ending_a_vedtak_checks_version_period_and_deliveries(
    session: Session, units: Units, coordinator: Actor
) -> None:
    person = served_person(session, units)
    row = make_vedtak(session, coordinator, person.id, units)
    deliver(session, coordinator, row, date(2025, 3, 20), 3)
    with pytest.raises(Conflict):
        vedtak.end_vedtak(session, coordinator, row.id, VedtakEnd(end_on=date(2025, 4, 1), version=9))
    for end_on in (date(2025, 3, 19), date(2025, 3, 1), date(2025, 9, 1)):
        with pytest.raises(Invalid) as refused:
            vedtak.end_vedtak(session, coordinator, row.id, VedtakEnd(end_on=end_on, version=row.version))
        assert refused.value.field == "end_on"
    ended = vedtak.end_vedtak(
        session, coordinator, row.id, VedtakEnd(end_on=date(2025, 4, 1), reason="Flyttet", version=row.version)
    )
    assert (ended.status, ended.end_on, ended.version) == (VedtakStatus.ENDED, date(2025, 4, 1), 2)
    with pytest.raises(Conflict):
        vedtak.end_vedtak(session, coordinator, row.id, VedtakEnd(version=ended.version))
    with pytest.raises(Invalid):
        deliver(session, coordinator, row, date(2025, 4, 2), 1)


def test_a_vedtak_with_deliveries_cannot_be_withdrawn_and_a_withdrawn_one_takes_none(
    session: Session, units: Units, coordinator: Actor
) -> None:
    person = served_person(session, units)
    delivered = make_vedtak(session, coordinator, person.id, units)
    deliver(session, coordinator, delivered, date(2025, 3, 4), 2)
    with pytest.raises(Conflict):
        vedtak.withdraw_vedtak(session, coordinator, delivered.id, VedtakWithdraw(reason="Feil"))
    other = make_vedtak(session, coordinator, person.id, units)
    with pytest.raises(Invalid) as no_reason:
        vedtak.withdraw_vedtak(session, coordinator, other.id, VedtakWithdraw(reason=" "))
    assert no_reason.value.field == "reason"
    withdrawn = vedtak.withdraw_vedtak(session, coordinator, other.id, VedtakWithdraw(reason="Personen takket nei"))
    assert withdrawn.status == VedtakStatus.WITHDRAWN
    with pytest.raises(Conflict):
        deliver(session, coordinator, withdrawn, date(2025, 3, 4), 2)
    assert vedtak.delivery_by_week(session, coordinator, withdrawn.id, date(2025, 4, 10)) == []


def test_the_review_date_can_be_changed_with_the_version(session: Session, units: Units, coordinator: Actor) -> None:
    person = served_person(session, units)
    row = make_vedtak(session, coordinator, person.id, units)
    changed = vedtak.update_vedtak(
        session, coordinator, row.id, VedtakUpdate(review_on=date(2025, 5, 15), version=row.version)
    )
    assert (changed.review_on, changed.version) == (date(2025, 5, 15), 2)
    with pytest.raises(Conflict):
        vedtak.update_vedtak(session, coordinator, row.id, VedtakUpdate(review_on=date(2025, 5, 1), version=1))
    with pytest.raises(Invalid) as early:
        vedtak.update_vedtak(session, coordinator, row.id, VedtakUpdate(review_on=date(2025, 1, 1), version=2))
    assert early.value.field == "review_on"


def test_outsider_gets_not_found_for_vedtak(
    session: Session, units: Units, coordinator: Actor, outsider: Actor
) -> None:
    person = served_person(session, units)
    row = make_vedtak(session, coordinator, person.id, units)
    for call in (
        lambda: vedtak.get_vedtak(session, outsider, row.id),
        lambda: vedtak.vedtak_of(session, outsider, person.id),
        lambda: vedtak.delivery_by_week(session, outsider, row.id, date(2025, 4, 10)),
        lambda: vedtak.delivery_report(session, outsider, row.id),
        lambda: deliver(session, outsider, row, date(2025, 3, 4), 2, unit_id=units.other.id),
        lambda: make_vedtak(session, outsider, person.id, units),
        lambda: vedtak.end_vedtak(session, outsider, row.id, VedtakEnd(version=row.version)),
    ):
        with pytest.raises(NotFound):
            call()
    assert count(session, ServiceDelivery) == 0


def test_making_and_ending_a_vedtak_are_audited(session: Session, units: Units, coordinator: Actor) -> None:
    person = served_person(session, units)
    row = make_vedtak(session, coordinator, person.id, units)
    vedtak.end_vedtak(session, coordinator, row.id, VedtakEnd(end_on=date(2025, 4, 1), reason="Flyttet"))
    audit.flush_pending(session)
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "vedtak", AuditEvent.entity_id == str(row.id))
    ).all()
    changes = [(e.action, e.person_id, e.reason) for e in events if e.action != "read"]
    assert changes == [("vedtak.created", person.id, None), ("vedtak.ended", person.id, "Flyttet")]
