"""Now, today, and Norwegian working days.

"Now" is timezone-aware UTC; "today" is the date in Europe/Oslo. Working days are Monday to Friday that are
not Norwegian public holidays (the ``holidays`` package, country NO). Legal deadlines count working days
*after* a start date: the start (e.g. the day a referral is received) is day 0, so the deadline for "within
10 working days" is the 10th working day after it. DOMAIN.md §1.2 marks the day-0 convention as unconfirmed,
so ``count_from="same_day"`` counts the start itself as day 1 when it is a working day.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo

import holidays

OSLO = ZoneInfo("Europe/Oslo")
_frozen: datetime | None = None


def now() -> datetime:
    return _frozen if _frozen is not None else datetime.now(UTC)


def today() -> date:
    return now().astimezone(OSLO).date()


@contextmanager
def freeze(at: datetime | None) -> Iterator[None]:
    """Fix ``now()`` (and so ``today()``) for tests and reproducible generation."""
    global _frozen
    if at is not None and at.tzinfo is None:
        raise ValueError("freeze() needs a timezone-aware datetime")
    before, _frozen = _frozen, at
    try:
        yield
    finally:
        _frozen = before


@cache
def _holidays(year: int) -> frozenset[date]:
    # include_sundays=False: the NO calendar otherwise lists every Sunday as a holiday
    calendar = holidays.country_holidays("NO", years=year, include_sundays=False)
    return frozenset(calendar.keys())


def is_holiday(d: date) -> bool:
    return d in _holidays(d.year)


def is_working_day(d: date) -> bool:
    return d.weekday() < 5 and not is_holiday(d)


def next_working_day(d: date) -> date:
    """The first working day after ``d``."""
    d += timedelta(days=1)
    while not is_working_day(d):
        d += timedelta(days=1)
    return d


def add_working_days(start: date, n: int, count_from: Literal["next_day", "same_day"] = "next_day") -> date:
    """The date ``n`` working days after ``start`` (``n=0`` gives ``start``)."""
    if n < 0:
        raise ValueError("n must be zero or more")
    if n == 0:
        return start
    if count_from == "same_day" and is_working_day(start):
        n -= 1
        if n == 0:
            return start
    d = start
    for _ in range(n):
        d = next_working_day(d)
    return d


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end]; negative when ``end`` is before ``start``."""
    if end < start:
        return -working_days_between(end, start)
    count, d = 0, start
    while d < end:
        d += timedelta(days=1)
        if is_working_day(d):
            count += 1
    return count
