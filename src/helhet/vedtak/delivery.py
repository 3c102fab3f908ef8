"""Delivered against decided, per ISO week: pure functions, no database (ROP-09).

A week's decided volume is the weekly volume pro-rated by the days of the week that fall inside the vedtak's
period, so a vedtak that starts on a Thursday decides 4/7 of a week in its first week. A week counts for a
shortfall only when it is complete (its last day in the period is on or before the reference day): the service
may still come later in the current week.

A week is short when delivered < (1 − threshold) × decided; ``settings.vedtak_shortfall_threshold`` is the
threshold (0.2: less than 80 % delivered).

Delivery start: a vedtak whose period began more than ``NO_DELIVERY_START_DAYS`` days ago with nothing delivered
has not started. The 14 days are a project choice, not law (DOMAIN.md §5.4 leaves *N* to the project); it should
become a setting (``vedtak_delivery_start_days``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

NO_DELIVERY_START_DAYS = 14
#: how many complete weeks back a person's gap check looks for shortfalls; should become a setting too
SHORTFALL_LOOKBACK_WEEKS = 4
_EPSILON = 1e-9  # float sums of hours: 0.1 + 0.2 must still reach 0.3


@dataclass(frozen=True)
class WeekDelivery:
    year: int  # ISO year and week
    week: int
    first_day: date  # the week's first day inside the period (a Monday unless the period starts mid-week)
    last_day: date  # the week's last day inside the period (a Sunday unless the period ends mid-week)
    decided: float | None  # None: the vedtak has no weekly volume
    delivered: float
    ratio: float | None  # delivered / decided
    complete: bool  # the whole week (inside the period) is on or before the reference day
    shortfall: bool


def weeks(start_on: date, end_on: date | None, until: date) -> list[tuple[date, date, bool]]:
    """(first day, last day, complete) for each ISO week of the period that has begun by ``until``."""
    last = until if end_on is None else min(until, end_on)
    result = []
    monday = start_on - timedelta(days=start_on.weekday())
    while monday <= last:
        sunday = monday + timedelta(days=6)
        first_day = max(monday, start_on)
        last_day = sunday if end_on is None else min(sunday, end_on)
        result.append((first_day, last_day, last_day <= until))
        monday += timedelta(days=7)
    return result


def by_week(
    volume: float | None,
    start_on: date,
    end_on: date | None,
    until: date,
    deliveries: Iterable[tuple[date, float]],
    threshold: float,
) -> list[WeekDelivery]:
    """Decided and delivered for every week of the period up to ``until``; deliveries after ``until`` are left out."""
    delivered: dict[date, float] = {}
    for day, amount in deliveries:
        if day <= until:
            monday = day - timedelta(days=day.weekday())
            delivered[monday] = delivered.get(monday, 0.0) + amount
    result = []
    for first_day, last_day, complete in weeks(start_on, end_on, until):
        monday = first_day - timedelta(days=first_day.weekday())
        done = delivered.get(monday, 0.0)
        decided = None if volume is None else volume * ((last_day - first_day).days + 1) / 7
        ratio = done / decided if decided else None
        short = complete and bool(decided) and done < (1 - threshold) * (decided or 0) - _EPSILON
        year, week, _ = first_day.isocalendar()
        result.append(
            WeekDelivery(
                year=year,
                week=week,
                first_day=first_day,
                last_day=last_day,
                decided=None if decided is None else round(decided, 3),
                delivered=round(done, 3),
                ratio=None if ratio is None else round(ratio, 3),
                complete=complete,
                shortfall=short,
            )
        )
    return result


def shortfalls(weeks_: Iterable[WeekDelivery]) -> list[WeekDelivery]:
    return [w for w in weeks_ if w.shortfall]


def recent_shortfalls(weeks_: Iterable[WeekDelivery], on: date, lookback: int = SHORTFALL_LOOKBACK_WEEKS) -> int:
    """Short complete weeks that ended within the last ``lookback`` weeks before ``on`` (the gap check's window)."""
    since = on - timedelta(weeks=lookback)
    return sum(1 for w in weeks_ if w.shortfall and w.last_day >= since)


def not_started(start_on: date, first_delivery_on: date | None, on: date, days: int = NO_DELIVERY_START_DAYS) -> bool:
    """More than ``days`` days of the period have passed by ``on`` and nothing was delivered by then."""
    if on <= start_on + timedelta(days=days):
        return False
    return first_delivery_on is None or first_delivery_on > on


def started_late(start_on: date, first_delivery_on: date | None, days: int = NO_DELIVERY_START_DAYS) -> bool:
    """The first delivery came (or will come) more than ``days`` days after the start."""
    return first_delivery_on is not None and first_delivery_on > start_on + timedelta(days=days)
