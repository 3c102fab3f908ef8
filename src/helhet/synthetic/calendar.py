"""Norwegian working days for whole arrays of dates at once.

Dates are ``int`` days since 1970-01-01 (numpy ``int64``), the unit Arrow's ``date32`` uses, so columns go to
Parquet and the database without conversion. The working-day rule is ``helhet.clock``'s (Monday to Friday that
are not Norwegian public holidays); ``add`` gives exactly what ``clock.add_working_days`` gives, for every day
in the calendar's span (tests/synthetic/test_calendar.py checks it).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from helhet import clock

EPOCH = date(1970, 1, 1)
EPOCH_ORDINAL = EPOCH.toordinal()

Days = npt.NDArray[np.int64]


def to_days(d: date) -> int:
    return d.toordinal() - EPOCH_ORDINAL


def from_days(n: int) -> date:
    return date.fromordinal(int(n) + EPOCH_ORDINAL)


class WorkingDays:
    """Working days from ``first`` to ``last`` (inclusive), with vectorised arithmetic on day numbers."""

    def __init__(self, first: date, last: date) -> None:
        self.first, self.last = to_days(first), to_days(last)
        span = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        flags = np.fromiter((clock.is_working_day(d) for d in span), dtype=bool, count=len(span))
        self.is_working = flags
        self.days: Days = np.flatnonzero(flags).astype(np.int64) + self.first

    def _check(self, days: Days) -> None:
        if days.size and (days.min() < self.first or days.max() > self.last):
            raise ValueError(f"dates outside the calendar {from_days(self.first)}..{from_days(self.last)}")

    def add(self, days: Days, n: npt.ArrayLike) -> Days:
        """The date ``n`` working days after each date (``n = 0`` gives the date itself)."""
        days = np.asarray(days, dtype=np.int64)
        n = np.broadcast_to(np.asarray(n, dtype=np.int64), days.shape)
        self._check(days)
        position = np.searchsorted(self.days, days, side="right") + n - 1
        if position.size and position.max() >= self.days.size:
            raise ValueError("working-day arithmetic ran past the end of the calendar")
        return np.where(n == 0, days, self.days[np.clip(position, 0, self.days.size - 1)])

    def on_or_after(self, days: Days) -> Days:
        """Each date itself when it is a working day, else the next working day."""
        days = np.asarray(days, dtype=np.int64)
        self._check(days)
        return self.days[np.searchsorted(self.days, days, side="left")]

    def on_or_before(self, days: Days) -> Days:
        """Each date itself when it is a working day, else the working day before it."""
        days = np.asarray(days, dtype=np.int64)
        self._check(days)
        return self.days[np.maximum(np.searchsorted(self.days, days, side="right") - 1, 0)]

    def between(self, start: Days, end: Days) -> Days:
        """Working days in (start, end] (``end >= start``), as ``clock.working_days_between`` counts them."""
        return np.searchsorted(self.days, end, side="right") - np.searchsorted(self.days, start, side="right")

    def draw(self, rng: np.random.Generator, start: int, end: int, size: int) -> Days:
        """``size`` working days drawn uniformly from [start, end]."""
        lo = np.searchsorted(self.days, start, side="left")
        hi = np.searchsorted(self.days, end, side="right")
        if hi <= lo:
            raise ValueError("no working day in the range")
        return self.days[rng.integers(lo, hi, size=size)]


def years_and_months(days: Days) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Year, month (1-12) and day of month of each date."""
    as_date = np.asarray(days, dtype="datetime64[D]")
    months = as_date.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (as_date - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def age_on(birth: Days, on: Days) -> npt.NDArray[np.int64]:
    """Completed years on ``on``, as ``referrals.deadlines.age_on`` counts them."""
    by, bm, bd = years_and_months(birth)
    oy, om, od = years_and_months(on)
    return oy - by - ((om * 100 + od) < (bm * 100 + bd)).astype(np.int64)
