"""Making, ending and withdrawing vedtak; logging delivered service; delivered against decided per week.

Who may do what: a vedtak is made, changed, ended or withdrawn by a member of its responsible unit (a municipal
unit, ``reference.units.MUNICIPAL_KINDS``); a delivery is logged by a member of the delivering unit or of the
responsible unit. Anyone who may see the person may read them. Bad input is refused with every problem found
(field, value, reason) before anything is written.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.audit import log as audit
from helhet.audit import policy
from helhet.config import get_settings
from helhet.errors import Conflict, Forbidden, Invalid, InvalidMany, NotFound, Problem, check_version
from helhet.persons import service as persons
from helhet.reference.units import MUNICIPAL_KINDS
from helhet.referrals import service as referrals
from helhet.units.models import Unit
from helhet.users.actor import Actor
from helhet.vedtak import delivery
from helhet.vedtak.delivery import NO_DELIVERY_START_DAYS, WeekDelivery
from helhet.vedtak.models import ServiceDelivery, Vedtak, VedtakStatus, VolumeUnit
from helhet.vedtak.schemas import (
    DeliveryCreate,
    DeliveryReport,
    VedtakCreate,
    VedtakEnd,
    VedtakRead,
    VedtakUpdate,
    VedtakWithdraw,
    WeekRead,
)

MAX_HOURS_PER_WEEK = 168
MAX_HOURS_PER_DAY = 24


def _refuse(problems: list[Problem]) -> None:
    if len(problems) == 1:
        p = problems[0]
        raise Invalid(p.field, p.value, p.reason)
    if problems:
        raise InvalidMany(problems)


def _check_member(actor: Actor, *unit_ids: int, what: str) -> None:
    if not actor.is_system and not actor.unit_ids.intersection(unit_ids):
        raise Forbidden(what)


def create_vedtak(session: Session, actor: Actor, person_id: int, data: VedtakCreate) -> Vedtak:
    persons.get_person(session, actor, person_id, what="vedtak")
    unit = referrals.get_unit(session, data.unit_id)
    if unit.kind not in MUNICIPAL_KINDS:
        raise Invalid("unit_id", data.unit_id, f"the responsible unit must be municipal, not {unit.kind.value}")
    _check_member(actor, unit.id, what="vedtak are made by a member of the responsible unit")
    problems: list[Problem] = []
    if not data.legal_basis.strip():
        problems.append(Problem("legal_basis", data.legal_basis, "name the legal basis, e.g. 'hol § 3-2'"))
    problems += _volume_problems(data.volume, data.volume_unit)
    if data.decided_on > clock.today():
        problems.append(Problem("decided_on", data.decided_on.isoformat(), "cannot be later than today"))
    if data.end_on is not None and data.end_on < data.start_on:
        reason = f"cannot be before start_on ({data.start_on.isoformat()})"
        problems.append(Problem("end_on", data.end_on.isoformat(), reason))
    if data.review_on is not None and data.review_on < data.decided_on:
        reason = f"cannot be before the decision ({data.decided_on.isoformat()})"
        problems.append(Problem("review_on", data.review_on.isoformat(), reason))
    _refuse(problems)
    vedtak = Vedtak(
        person_id=person_id,
        unit_id=unit.id,
        service_type=data.service_type,
        legal_basis=data.legal_basis.strip(),
        volume=data.volume,
        volume_unit=data.volume_unit,
        decided_on=data.decided_on,
        start_on=data.start_on,
        end_on=data.end_on,
        review_on=data.review_on,
        note=data.note,
        created_at=clock.now(),
        created_by=actor.user_id,
    )
    session.add(vedtak)
    session.flush()
    detail = {"service_type": data.service_type.value, "unit_id": unit.id, "volume": data.volume}
    audit.record_change(session, actor, "vedtak.created", "vedtak", vedtak.id, person_id=person_id, detail=detail)
    return vedtak


def _volume_problems(volume: float | None, unit: VolumeUnit | None) -> list[Problem]:
    if volume is None:
        return [Problem("volume", None, f"give the volume for {unit.value}")] if unit is not None else []
    if unit is None:
        return [Problem("volume_unit", None, "say whether the volume is hours or units per week")]
    if volume <= 0:
        return [Problem("volume", volume, "must be more than 0 per week")]
    if unit == VolumeUnit.HOURS_PER_WEEK and volume > MAX_HOURS_PER_WEEK:
        return [Problem("volume", volume, f"a week has {MAX_HOURS_PER_WEEK} hours")]
    return []


def responsible_units(session: Session, actor: Actor) -> list[Unit]:
    """The actor's active municipal units, by name: the units that may make a vedtak (the new-vedtak form)."""
    stmt = (
        select(Unit)
        .where(Unit.id.in_(sorted(actor.unit_ids)), Unit.active.is_(True), Unit.kind.in_(list(MUNICIPAL_KINDS)))
        .order_by(Unit.name)
    )
    return list(session.scalars(stmt))


def get_vedtak(session: Session, actor: Actor, vedtak_id: int) -> Vedtak:
    """The door to a vedtak: not found unless the actor may see its person; the read is logged."""
    vedtak = session.get(Vedtak, vedtak_id)
    if vedtak is None or not policy.may_see(session, actor, vedtak.person_id):
        raise NotFound("vedtak", vedtak_id)
    audit.record_access(session, actor, vedtak.person_id, "vedtak", entity_id=vedtak.id)
    return vedtak


def vedtak_of(session: Session, actor: Actor, person_id: int) -> list[Vedtak]:
    persons.get_person(session, actor, person_id, what="vedtak")
    stmt = select(Vedtak).where(Vedtak.person_id == person_id).order_by(Vedtak.start_on.desc(), Vedtak.id.desc())
    return list(session.scalars(stmt))


def _to_change(session: Session, actor: Actor, vedtak_id: int, version: int | None) -> Vedtak:
    vedtak = get_vedtak(session, actor, vedtak_id)
    check_version("vedtak", vedtak.version, version)
    _check_member(actor, vedtak.unit_id, what="a vedtak is changed by a member of its responsible unit")
    if vedtak.status != VedtakStatus.ACTIVE:
        raise Conflict(f"the vedtak is {vedtak.status.value}")
    return vedtak


def update_vedtak(session: Session, actor: Actor, vedtak_id: int, data: VedtakUpdate) -> Vedtak:
    vedtak = _to_change(session, actor, vedtak_id, data.version)
    if data.review_on is not None and data.review_on < vedtak.decided_on:
        reason = f"cannot be before the decision ({vedtak.decided_on.isoformat()})"
        raise Invalid("review_on", data.review_on.isoformat(), reason)
    fields = data.model_dump(exclude_unset=True, exclude={"version"})
    for name, value in fields.items():
        setattr(vedtak, name, value)
    session.flush()
    detail = {k: str(v) for k, v in fields.items() if k != "note"}
    audit.record_change(
        session, actor, "vedtak.updated", "vedtak", vedtak.id, person_id=vedtak.person_id, detail=detail
    )
    return vedtak


def end_vedtak(session: Session, actor: Actor, vedtak_id: int, data: VedtakEnd) -> Vedtak:
    """End the service on ``end_on`` (default today). Extending the period is a new vedtak."""
    vedtak = _to_change(session, actor, vedtak_id, data.version)
    end_on = data.end_on or clock.today()
    last_delivery = session.scalar(select(func.max(ServiceDelivery.delivered_on)).where(_deliveries(vedtak.id)))
    if end_on < vedtak.start_on:
        reason = f"cannot be before start_on ({vedtak.start_on.isoformat()}); withdraw a vedtak that never began"
        raise Invalid("end_on", end_on.isoformat(), reason)
    if vedtak.end_on is not None and end_on > vedtak.end_on:
        raise Invalid("end_on", end_on.isoformat(), f"after the decided end ({vedtak.end_on}); make a new vedtak")
    if last_delivery is not None and end_on < last_delivery:
        raise Invalid("end_on", end_on.isoformat(), f"service is logged as delivered on {last_delivery.isoformat()}")
    vedtak.end_on, vedtak.status, vedtak.status_reason = end_on, VedtakStatus.ENDED, data.reason
    session.flush()
    audit.record_change(
        session,
        actor,
        "vedtak.ended",
        "vedtak",
        vedtak.id,
        person_id=vedtak.person_id,
        reason=data.reason,
        detail={"end_on": end_on.isoformat()},
    )
    return vedtak


def withdraw_vedtak(session: Session, actor: Actor, vedtak_id: int, data: VedtakWithdraw) -> Vedtak:
    """Annul a vedtak made in error, or one the person said no to before it began. It never counts after this."""
    vedtak = _to_change(session, actor, vedtak_id, data.version)
    if not data.reason.strip():
        raise Invalid("reason", data.reason, "say why the vedtak is withdrawn")
    if session.scalar(select(ServiceDelivery.id).where(_deliveries(vedtak.id)).limit(1)) is not None:
        raise Conflict("service is logged as delivered against this vedtak; end it instead")
    vedtak.status, vedtak.status_reason = VedtakStatus.WITHDRAWN, data.reason.strip()
    session.flush()
    audit.record_change(
        session, actor, "vedtak.withdrawn", "vedtak", vedtak.id, person_id=vedtak.person_id, reason=vedtak.status_reason
    )
    return vedtak


def _deliveries(vedtak_id: int) -> ColumnElement[bool]:
    return ServiceDelivery.vedtak_id == vedtak_id


def record_delivery(session: Session, actor: Actor, vedtak_id: int, data: DeliveryCreate) -> ServiceDelivery:
    vedtak = get_vedtak(session, actor, vedtak_id)
    if vedtak.status == VedtakStatus.WITHDRAWN:
        raise Conflict("the vedtak is withdrawn: nothing is delivered against it")
    unit_id = data.unit_id if data.unit_id is not None else vedtak.unit_id
    referrals.get_unit(session, unit_id)
    _check_member(actor, unit_id, vedtak.unit_id, what="deliveries are logged by the delivering or responsible unit")
    problems: list[Problem] = []
    day = data.delivered_on.isoformat()
    if data.delivered_on > clock.today():
        problems.append(Problem("delivered_on", day, "cannot be later than today"))
    elif data.delivered_on < vedtak.start_on or (vedtak.end_on is not None and data.delivered_on > vedtak.end_on):
        period = f"{vedtak.start_on.isoformat()} to {vedtak.end_on.isoformat() if vedtak.end_on else 'further notice'}"
        problems.append(Problem("delivered_on", day, f"outside the vedtak's period ({period})"))
    if data.amount <= 0:
        problems.append(Problem("amount", data.amount, "must be more than 0"))
    elif vedtak.volume_unit == VolumeUnit.HOURS_PER_WEEK and data.amount > MAX_HOURS_PER_DAY:
        problems.append(Problem("amount", data.amount, f"a day has {MAX_HOURS_PER_DAY} hours"))
    _refuse(problems)
    row = ServiceDelivery(
        vedtak_id=vedtak.id,
        person_id=vedtak.person_id,
        delivered_on=data.delivered_on,
        amount=data.amount,
        unit_id=unit_id,
        note=data.note,
        recorded_at=clock.now(),
        recorded_by=actor.user_id,
    )
    session.add(row)
    session.flush()
    audit.record_change(
        session,
        actor,
        "vedtak.delivered",
        "service_delivery",
        row.id,
        person_id=vedtak.person_id,
        detail={"vedtak_id": vedtak.id, "delivered_on": day, "amount": data.amount},
    )
    return row


def deliveries_of(session: Session, actor: Actor, vedtak_id: int) -> list[ServiceDelivery]:
    vedtak = get_vedtak(session, actor, vedtak_id)
    stmt = (
        select(ServiceDelivery).where(_deliveries(vedtak.id)).order_by(ServiceDelivery.delivered_on, ServiceDelivery.id)
    )
    return list(session.scalars(stmt))


def _weeks(session: Session, vedtak: Vedtak, until: date) -> list[WeekDelivery]:
    if vedtak.status == VedtakStatus.WITHDRAWN:
        return []  # nothing was decided
    stmt = select(ServiceDelivery.delivered_on, ServiceDelivery.amount).where(
        _deliveries(vedtak.id), ServiceDelivery.delivered_on <= until
    )
    rows = [(day, amount) for day, amount in session.execute(stmt)]
    threshold = get_settings().vedtak_shortfall_threshold
    return delivery.by_week(vedtak.volume, vedtak.start_on, vedtak.end_on, until, rows, threshold)


def delivery_by_week(session: Session, actor: Actor, vedtak_id: int, until: date) -> list[WeekDelivery]:
    """Decided and delivered per ISO week of the period up to ``until``, with the ratio."""
    return _weeks(session, get_vedtak(session, actor, vedtak_id), until)


def shortfall_weeks(session: Session, actor: Actor, vedtak_id: int, until: date) -> list[WeekDelivery]:
    """Complete weeks where delivered < (1 − settings.vedtak_shortfall_threshold) × decided."""
    return delivery.shortfalls(delivery_by_week(session, actor, vedtak_id, until))


def delivery_report(session: Session, actor: Actor, vedtak_id: int, until: date | None = None) -> DeliveryReport:
    vedtak = get_vedtak(session, actor, vedtak_id)
    until = until or clock.today()
    weeks = _weeks(session, vedtak, until)
    first = session.scalar(select(func.min(ServiceDelivery.delivered_on)).where(_deliveries(vedtak.id)))
    active = vedtak.status == VedtakStatus.ACTIVE
    week_rows = [WeekRead.model_validate(w) for w in weeks]
    return DeliveryReport(
        vedtak=VedtakRead.model_validate(vedtak),
        until=until,
        threshold=get_settings().vedtak_shortfall_threshold,
        weeks=week_rows,
        shortfall_weeks=[w for w in week_rows if w.shortfall],
        first_delivery_on=first,
        no_delivery_start_days=NO_DELIVERY_START_DAYS,
        not_started=active and delivery.not_started(vedtak.start_on, first, until),
        started_late=vedtak.status != VedtakStatus.WITHDRAWN and delivery.started_late(vedtak.start_on, first),
    )


def first_vedtak_start(session: Session, person_id: int) -> date | None:
    """The start of the person's first vedtak that was not withdrawn (a service start for the mapping checks).
    No access check: for callers that have opened the person."""
    stmt = select(func.min(Vedtak.start_on)).where(
        Vedtak.person_id == person_id, Vedtak.status != VedtakStatus.WITHDRAWN
    )
    return session.scalar(stmt)
