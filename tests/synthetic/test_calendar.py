"""Working days for arrays give what ``helhet.clock`` gives one date at a time."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from helhet import clock
from helhet.referrals import deadlines
from helhet.synthetic.calendar import WorkingDays, age_on, from_days, to_days


def test_adding_working_days_matches_the_clock_across_easter_and_christmas() -> None:
    calendar = WorkingDays(date(2023, 1, 1), date(2026, 12, 31))
    days = np.arange(to_days(date(2024, 3, 1)), to_days(date(2025, 1, 10)))
    for n in (0, 1, 10, 65):
        got = calendar.add(days, n)
        assert [from_days(int(d)) for d in got] == [clock.add_working_days(from_days(int(d)), n) for d in days]


def test_working_days_between_and_snapping_match_the_clock() -> None:
    calendar = WorkingDays(date(2023, 1, 1), date(2026, 12, 31))
    start = date(2024, 12, 20)
    for offset in range(0, 30):
        end = start + timedelta(days=offset)
        a, b = np.array([to_days(start)]), np.array([to_days(end)])
        assert int(calendar.between(a, b)[0]) == clock.working_days_between(start, end)
        snapped = from_days(int(calendar.on_or_after(b)[0]))
        assert clock.is_working_day(snapped) and snapped >= end
        assert all(not clock.is_working_day(end + timedelta(days=i)) for i in range((snapped - end).days))


def test_age_in_completed_years_matches_the_deadline_rules() -> None:
    born = [date(2000, 2, 29), date(1990, 6, 30), date(1985, 12, 31)]
    on = [date(2023, 2, 28), date(2013, 6, 29), date(2008, 12, 31)]
    got = age_on(np.array([to_days(d) for d in born]), np.array([to_days(d) for d in on]))
    assert list(got) == [deadlines.age_on(b, o) for b, o in zip(born, on, strict=True)]
