"""Now, today, and Norwegian working days.

Every "now" and "today" in Helhet comes from here, so a test (or a reproducible data generation) can move time
with ``freeze`` instead of patching ``datetime``. "Now" is timezone-aware UTC, so stored times never depend on
the server's zone; "today" is the date in Europe/Oslo, because deadlines and appointments are Norwegian dates
(23:30 UTC on 31 December is already New Year's Day in Oslo).

Working days (virkedager) are Monday to Friday that are not Norwegian public holidays, from the ``holidays``
package (country NO). Christmas Eve and New Year's Eve are ordinary working days: not public holidays.

Counting convention. The law's deadlines run "within N working days after" an event (DOMAIN.md §1.2): the
event day (say, the day a referral is received) is day 0 and counting starts the day after, so the deadline is
the N-th working day after it. Whether the receipt day is day 0 or day 1 is unconfirmed (DOMAIN.md §1.2, §15
q6), so ``add_working_days(..., count_from="same_day")`` counts the start itself as day 1 when it is a working
day, which gives a deadline one working day earlier.
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

CountFrom = Literal["next_day", "same_day"]

_frozen: datetime | None = None


def now() -> datetime:
    """The current instant, timezone-aware UTC (or the frozen one inside ``freeze``)."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def today() -> date:
    """Today's date in Oslo, which is the date every Norwegian deadline is counted from."""
    return now().astimezone(OSLO).date()


@contextmanager
def freeze(at: datetime | None) -> Iterator[None]:
    """Fix ``now()`` (and so ``today()``) to ``at`` for the block; ``None`` runs the block on the real clock.

    A naive datetime is refused: it would silently mean a different instant on each server. An aware one in
    any zone is stored as UTC, so ``now()`` keeps its promise. Blocks nest; leaving one restores the outer
    time.
    """
    global _frozen
    if at is not None and at.tzinfo is None:
        raise ValueError("freeze() needs a timezone-aware datetime")
    before, _frozen = _frozen, (at.astimezone(UTC) if at is not None else None)
    try:
        yield
    finally:
        _frozen = before


@cache
def _holidays(year: int) -> frozenset[date]:
    """The public holidays of one year, built once per year because building them is slow."""
    # include_sundays=False: by default the NO calendar also lists every Sunday as a holiday ("søndag")
    calendar = holidays.country_holidays("NO", years=year, include_sundays=False)
    return frozenset(calendar.keys())


def is_holiday(d: date) -> bool:
    """Whether ``d`` is a Norwegian public holiday (helligdag or 1 and 17 May), whatever the weekday."""
    return d in _holidays(d.year)


def is_working_day(d: date) -> bool:
    """Monday to Friday and not a public holiday."""
    return d.weekday() < 5 and not is_holiday(d)


def next_working_day(d: date) -> date:
    """The first working day strictly after ``d`` (so a working day's next is the following one)."""
    d += timedelta(days=1)
    while not is_working_day(d):
        d += timedelta(days=1)
    return d


def add_working_days(start: date, n: int, count_from: CountFrom = "next_day") -> date:
    """The date ``n`` working days after ``start``: the deadline for "within n working days after start".

    With ``count_from="next_day"`` (the default) ``start`` is day 0 and the answer is the n-th working day
    after it; ``n=0`` gives ``start`` itself, even on a weekend. With ``"same_day"`` a working-day ``start``
    is day 1, so the answer is one working day earlier; a ``start`` that is not a working day counts as with
    "next_day".
    Negative ``n`` is refused: counting backwards has no agreed meaning for a deadline.
    """
    if n < 0:
        raise ValueError(f"n must be zero or more, not {n}")
    if count_from not in ("next_day", "same_day"):
        raise ValueError(f"count_from must be 'next_day' or 'same_day', not {count_from!r}")
    if n == 0:
        return start
    if count_from == "same_day" and is_working_day(start):
        n -= 1
    d = start
    for _ in range(n):
        d = next_working_day(d)
    return d


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end]: how many working days have passed from ``start`` to ``end``.

    The inverse of ``add_working_days`` with the default counting: ``working_days_between(s,
    add_working_days(s, n)) == n``. Negative when ``end`` is before ``start`` (minus the working days in
    (end, start]), so "3 working days overdue" and "3 working days left" are told apart by the sign.
    """
    if end < start:
        return -working_days_between(end, start)
    count, d = 0, start
    while d < end:
        d += timedelta(days=1)
        if is_working_day(d):
            count += 1
    return count
