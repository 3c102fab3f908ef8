"""Now, today and Norwegian working days, with dates worked out by hand on a calendar.

Holidays used below: 2025 Maundy Thursday 17 Apr, Good Friday 18 Apr, Easter Monday 21 Apr, Labour Day Thu
1 May, Constitution Day Sat 17 May, Ascension Thu 29 May, Whit Monday 9 Jun, Christmas Thu 25 and Fri 26 Dec;
2026 New Year's Day Thu 1 Jan, Ascension Thu 14 May, Constitution Day Sun 17 May, Whit Monday 25 May;
2027 Constitution Day and Whit Monday both Mon 17 May.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from helhet import clock

# --- now, today and freeze ------------------------------------------------------------------------


def test_now_is_timezone_aware_utc() -> None:
    assert clock.now().utcoffset() == timedelta(0)


def test_frozen_now_and_today() -> None:
    at = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    with clock.freeze(at):
        assert clock.now() == at
        assert clock.today() == date(2025, 3, 3)


def test_today_is_the_date_in_oslo_not_utc() -> None:
    with clock.freeze(datetime(2025, 12, 31, 23, 30, tzinfo=UTC)):  # 00:30 on 1 January in Oslo (CET)
        assert clock.today() == date(2026, 1, 1)
    with clock.freeze(datetime(2025, 6, 30, 22, 30, tzinfo=UTC)):  # 00:30 on 1 July in Oslo (CEST)
        assert clock.today() == date(2025, 7, 1)
    with clock.freeze(datetime(2025, 6, 30, 21, 30, tzinfo=UTC)):  # 23:30 on 30 June in Oslo
        assert clock.today() == date(2025, 6, 30)


def test_freeze_stores_other_zones_as_utc() -> None:
    oslo_morning = datetime(2025, 3, 3, 9, 0, tzinfo=timezone(timedelta(hours=1)))
    with clock.freeze(oslo_morning):
        assert clock.now() == datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
        assert clock.now().tzinfo is UTC


def test_freeze_refuses_naive_datetime() -> None:
    with pytest.raises(ValueError, match="timezone-aware"), clock.freeze(datetime(2025, 1, 1)):
        pass  # pragma: no cover


def test_freeze_nests_and_restores() -> None:
    outer, inner = datetime(2025, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC)
    with clock.freeze(outer):
        with clock.freeze(inner):
            assert clock.now() == inner
        assert clock.now() == outer
        with clock.freeze(None):
            assert clock.now().year >= 2025 and clock.now() != outer  # the real clock
        assert clock.now() == outer


def test_freeze_restores_after_an_exception() -> None:
    at = datetime(2025, 1, 1, tzinfo=UTC)
    with pytest.raises(RuntimeError), clock.freeze(at):
        raise RuntimeError("boom")
    assert clock.now() != at


# --- working days ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 4, 16), True),  # Wednesday before Easter
        (date(2025, 4, 17), False),  # Maundy Thursday
        (date(2025, 4, 18), False),  # Good Friday
        (date(2025, 4, 19), False),  # Easter Saturday: a Saturday, not a holiday
        (date(2025, 4, 21), False),  # Easter Monday
        (date(2025, 4, 22), True),
        (date(2025, 5, 1), False),  # Labour Day
        (date(2025, 5, 16), True),  # Friday before 17 May
        (date(2025, 5, 29), False),  # Ascension Day
        (date(2025, 6, 9), False),  # Whit Monday
        (date(2026, 5, 14), False),  # Ascension Day 2026
        (date(2026, 5, 25), False),  # Whit Monday 2026
        (date(2027, 5, 17), False),  # Constitution Day on a Monday
        (date(2025, 12, 24), True),  # Christmas Eve is not a public holiday
        (date(2025, 12, 25), False),
        (date(2025, 12, 26), False),
        (date(2025, 12, 31), True),  # nor is New Year's Eve
        (date(2026, 1, 1), False),
        (date(2026, 1, 2), True),
        (date(2025, 3, 8), False),  # an ordinary Saturday
        (date(2025, 3, 9), False),  # an ordinary Sunday
        (date(2025, 3, 10), True),  # an ordinary Monday
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert clock.is_working_day(day) is working


def test_ordinary_sundays_are_weekend_not_holidays() -> None:
    # the holidays package lists every Sunday as a holiday unless told not to
    assert not clock.is_holiday(date(2025, 3, 9))
    assert clock.is_holiday(date(2025, 4, 20))  # Easter Sunday is a holiday in its own right
    assert clock.is_holiday(date(2025, 5, 17))  # a holiday even on a Saturday


@pytest.mark.parametrize(
    ("day", "following"),
    [
        (date(2025, 3, 3), date(2025, 3, 4)),  # Monday -> Tuesday
        (date(2025, 3, 7), date(2025, 3, 10)),  # Friday -> Monday
        (date(2025, 3, 8), date(2025, 3, 10)),  # Saturday -> Monday
        (date(2025, 4, 16), date(2025, 4, 22)),  # over Easter
        (date(2025, 5, 28), date(2025, 5, 30)),  # over Ascension
        (date(2025, 6, 6), date(2025, 6, 10)),  # over the weekend and Whit Monday
        (date(2025, 12, 24), date(2025, 12, 29)),  # over Christmas
        (date(2025, 12, 31), date(2026, 1, 2)),  # over New Year's Day
    ],
)
def test_next_working_day(day: date, following: date) -> None:
    assert clock.next_working_day(day) == following


# --- add_working_days: the receipt day is day 0 ---------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # Fri 11 Apr 2025: 14, 15, 16 | (17, 18, 21 Easter) | 22, 23, 24, 25, 28, 29, 30 Apr
        (date(2025, 4, 11), 10, date(2025, 4, 30)),
        # received on Maundy Thursday: 22, 23, 24, 25, 28, 29, 30 Apr | (1 May) | 2, 5, 6 May
        (date(2025, 4, 17), 10, date(2025, 5, 6)),
        (date(2025, 4, 16), 1, date(2025, 4, 22)),
        # Fri 19 Dec 2025: 22, 23, 24 | (25, 26) | 29, 30, 31 | (1 Jan) | 2, 5, 6, 7 Jan
        (date(2025, 12, 19), 10, date(2026, 1, 7)),
        # Tue 23 Dec 2025: 24, 29, 30, 31 Dec, 2 Jan
        (date(2025, 12, 23), 5, date(2026, 1, 2)),
        # Thu 22 May 2025: 23, 26, 27, 28 | (29 Ascension) | 30 May, 2, 3, 4, 5, 6 Jun
        (date(2025, 5, 22), 10, date(2025, 6, 6)),
        (date(2025, 6, 6), 1, date(2025, 6, 10)),  # Whit Monday skipped
        # Mon 11 May 2026: 12, 13 | (14 Ascension) | 15, 18, 19, 20, 21, 22 | (25 Whit Monday) | 26, 27
        (date(2026, 5, 11), 10, date(2026, 5, 27)),
        # Mon 10 May 2027: 11, 12, 13, 14 | (17 May = Whit Monday) | 18, 19, 20, 21, 24, 25
        (date(2027, 5, 10), 10, date(2027, 5, 25)),
        # plain weeks: Mon 3 Mar 2025: 4-7, 10-14, 17 Mar
        (date(2025, 3, 3), 10, date(2025, 3, 17)),
        (date(2025, 3, 7), 1, date(2025, 3, 10)),  # Friday + 1 = Monday
        (date(2025, 3, 8), 1, date(2025, 3, 10)),  # received on a Saturday
        (date(2025, 3, 9), 5, date(2025, 3, 14)),  # received on a Sunday
    ],
)
def test_add_working_days(start: date, n: int, due: date) -> None:
    assert clock.add_working_days(start, n) == due


def test_zero_working_days_is_the_start_itself_even_on_a_holiday() -> None:
    assert clock.add_working_days(date(2025, 3, 3), 0) == date(2025, 3, 3)
    assert clock.add_working_days(date(2025, 4, 18), 0) == date(2025, 4, 18)
    assert clock.add_working_days(date(2025, 4, 18), 0, count_from="same_day") == date(2025, 4, 18)


def test_negative_working_days_are_refused() -> None:
    with pytest.raises(ValueError, match="zero or more"):
        clock.add_working_days(date(2025, 3, 3), -1)


def test_unknown_counting_convention_is_refused() -> None:
    with pytest.raises(ValueError, match="count_from"):
        clock.add_working_days(date(2025, 3, 3), 1, count_from="day_after")  # type: ignore[arg-type]


# --- count_from="same_day": the receipt day is day 1 when it is a working day ---------------------


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (date(2025, 3, 3), 10, date(2025, 3, 14)),  # Mon 3 Mar is day 1: 3-7, 10-14 Mar
        (date(2025, 3, 3), 1, date(2025, 3, 3)),  # day 1 is the receipt day itself
        (date(2025, 4, 11), 10, date(2025, 4, 29)),  # one working day earlier than next_day's 30 Apr
        (date(2025, 12, 24), 2, date(2025, 12, 29)),  # Christmas Eve counts; 29 Dec is day 2
        # not a working day: counting is as with next_day
        (date(2025, 3, 8), 5, date(2025, 3, 14)),
        (date(2025, 4, 17), 10, date(2025, 5, 6)),
        (date(2025, 12, 25), 1, date(2025, 12, 29)),
    ],
)
def test_same_day_counting(start: date, n: int, due: date) -> None:
    assert clock.add_working_days(start, n, count_from="same_day") == due


def test_same_day_counting_is_one_working_day_earlier_on_working_days() -> None:
    start = date(2025, 1, 1)
    for offset in range(400):
        day = start + timedelta(days=offset)
        next_day, same_day = clock.add_working_days(day, 10), clock.add_working_days(day, 10, "same_day")
        if clock.is_working_day(day):
            assert clock.working_days_between(same_day, next_day) == 1
        else:
            assert same_day == next_day


# --- working_days_between: working days in (start, end] -------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (date(2025, 3, 3), date(2025, 3, 3), 0),
        (date(2025, 3, 3), date(2025, 3, 4), 1),
        (date(2025, 3, 7), date(2025, 3, 10), 1),  # Friday to Monday
        (date(2025, 3, 8), date(2025, 3, 9), 0),  # Saturday to Sunday
        (date(2025, 3, 3), date(2025, 3, 17), 10),
        (date(2025, 4, 16), date(2025, 4, 22), 1),  # Easter in between
        (date(2025, 4, 11), date(2025, 4, 30), 10),
        (date(2025, 12, 24), date(2026, 1, 2), 4),  # 29, 30, 31 Dec, 2 Jan
        (date(2025, 3, 17), date(2025, 3, 3), -10),
        (date(2025, 4, 22), date(2025, 4, 16), -1),
        (date(2025, 3, 9), date(2025, 3, 7), 0),  # Sunday back to Friday: (Fri, Sun] has none
    ],
)
def test_working_days_between(start: date, end: date, count: int) -> None:
    assert clock.working_days_between(start, end) == count


def test_working_days_between_undoes_add_working_days() -> None:
    # every start day of 2025 (weekends and holidays included) and 0-70 working days
    for offset in range(365):
        start = date(2025, 1, 1) + timedelta(days=offset)
        for n in (0, 1, 2, 5, 10, 23, 65, 70):
            due = clock.add_working_days(start, n)
            assert clock.working_days_between(start, due) == n
            assert clock.working_days_between(due, start) == -n
            if n:
                assert clock.is_working_day(due)
                # and it is the first such day: the day before has one working day fewer
                assert clock.working_days_between(start, due - timedelta(days=1)) == n - 1
