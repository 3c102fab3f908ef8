"""The vedtak facts the gap checks need (ROP-09 services delivered as decided, ROP-10 housing assistance), for one
person or a whole unit.

``load_vedtak_facts`` has the signature of a ``gaps.facts`` loader: three statements whatever the number of
persons. Shortfalls are counted over the complete weeks of the last ``SHORTFALL_LOOKBACK_WEEKS`` weeks, so an old
shortfall that was made up for does not stay a gap for ever; the full history is in the weekly report.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from helhet.config import get_settings
from helhet.vedtak import delivery
from helhet.vedtak.models import HOUSING_SERVICES, ServiceDelivery, Vedtak, VedtakStatus

if TYPE_CHECKING:
    from helhet.gaps.rules import PersonFacts


def window_start(today: date, lookback: int = delivery.SHORTFALL_LOOKBACK_WEEKS) -> date:
    """The Monday ``lookback`` weeks before the current week."""
    return today - timedelta(days=today.weekday(), weeks=lookback)


def load_vedtak_facts(session: Session, ids: Select[Any], today: date, facts: dict[int, PersonFacts]) -> None:
    since = window_start(today)
    v = Vedtak
    stmt = select(v.id, v.person_id, v.service_type, v.volume, v.start_on, v.end_on, v.status).where(
        v.person_id.in_(ids),
        v.status != VedtakStatus.WITHDRAWN,
        v.start_on <= today,
        or_(v.end_on.is_(None), v.end_on >= since),
    )
    rows = session.execute(stmt).all()
    if not rows:
        return
    d = ServiceDelivery
    first = dict(
        session.execute(
            select(d.vedtak_id, func.min(d.delivered_on)).where(d.person_id.in_(ids)).group_by(d.vedtak_id)
        ).all()
    )
    recent: dict[int, list[tuple[date, float]]] = defaultdict(list)
    stmt_recent = (
        select(d.vedtak_id, d.delivered_on, func.sum(d.amount))
        .where(d.person_id.in_(ids), d.delivered_on >= since, d.delivered_on <= today)
        .group_by(d.vedtak_id, d.delivered_on)
    )
    for vedtak_id, day, amount in session.execute(stmt_recent):
        recent[vedtak_id].append((day, float(amount)))
    threshold = get_settings().vedtak_shortfall_threshold
    for vedtak_id, person_id, service_type, volume, start_on, end_on, status in rows:
        f = facts[person_id]
        f.details["has_vedtak"] = "yes"
        current = status == VedtakStatus.ACTIVE and (end_on is None or end_on >= today)
        if current and delivery.not_started(start_on, first.get(vedtak_id), today):
            f.vedtak_not_started += 1
        weeks = delivery.by_week(volume, max(start_on, since), end_on, today, recent[vedtak_id], threshold)
        f.vedtak_shortfall_weeks += delivery.recent_shortfalls(weeks, today)
        if current and service_type in HOUSING_SERVICES:
            f.housing_assistance = True
