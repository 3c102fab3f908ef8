"""Norwegian working days and the deadlines built on them, with hand-worked dates."""

from __future__ import annotations

from datetime import date

import pytest

from helhet import clock
from helhet.referrals import deadlines
from helhet.referrals.deadlines import Condition, DeadlineInput


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 4, 17), False),  # Maundy Thursday
        (date(2025, 4, 18), False),  # Good Friday
        (date(2025, 4, 21), False),  # Easter Monday
        (date(2025, 5, 1), False),  # Labour Day
        (date(2025, 5, 17), False),  # Constitution Day (a Saturday in 2025)
        (date(2027, 5, 17), False),  # Constitution Day on a Monday
        (date(2025, 5, 29), False),  # Ascension Day
        (date(2025, 6, 9), False),  # Whit Monday
        (date(2025, 12, 24), True),  # Christmas Eve is not a public holiday
        (date(2025, 12, 25), False),
        (date(2025, 12, 26), False),
        (date(2026, 1, 1), False),
        (date(2025, 4, 22), True),
        (date(2025, 4, 19), False),  # Saturday
    ],
)
def test_working_days(day: date, working: bool) -> None:
    assert clock.is_working_day(day) is working


def test_assessment_deadline_skips_easter() -> None:
    # Fri 11 April 2025: 14-16 April, 22-25 April, 28-30 April = 10 working days
    assert deadlines.assessment_due(date(2025, 4, 11)) == date(2025, 4, 30)


def test_assessment_deadline_skips_christmas_and_new_year() -> None:
    # Fri 19 Dec 2025: 22, 23, 24, 29, 30, 31 Dec, 2, 5, 6, 7 Jan
    assert deadlines.assessment_due(date(2025, 12, 19)) == date(2026, 1, 7)


def test_assessment_deadline_skips_17_may_and_ascension() -> None:
    # Mon 10 May 2027: 11-14 May, (17 May: Constitution Day and Whit Monday), 18-21, 24, 25 May
    assert deadlines.assessment_due(date(2027, 5, 10)) == date(2027, 5, 25)
    # Thu 22 May 2025: 23, 26, 27, 28, (29 Ascension), 30 May, 2-6 June
    assert deadlines.assessment_due(date(2025, 5, 22)) == date(2025, 6, 6)


def test_receipt_day_can_count_as_day_one() -> None:
    assert clock.add_working_days(date(2025, 3, 3), 10, count_from="same_day") == date(2025, 3, 14)
    assert clock.add_working_days(date(2025, 3, 3), 10) == date(2025, 3, 17)


def test_working_days_between() -> None:
    assert clock.working_days_between(date(2025, 4, 16), date(2025, 4, 22)) == 1  # Easter in between
    assert clock.working_days_between(date(2025, 4, 22), date(2025, 4, 16)) == -1
    assert clock.working_days_between(date(2025, 3, 3), date(2025, 3, 3)) == 0


def test_frozen_clock() -> None:
    from datetime import UTC, datetime

    with clock.freeze(datetime(2025, 12, 31, 23, 30, tzinfo=UTC)):
        assert clock.today() == date(2026, 1, 1)  # already New Year's Day in Oslo
    with pytest.raises(ValueError), clock.freeze(datetime(2025, 1, 1)):
        pass


@pytest.mark.parametrize(
    ("inp", "weeks", "rules"),
    [
        (DeadlineInput(date(2025, 3, 3), Condition.ALCOHOL_DEPENDENCE, 40), 6, ("alcohol.base",)),
        (
            DeadlineInput(date(2025, 3, 3), Condition.ALCOHOL_DEPENDENCE, 40, heavy_daily_alcohol=True),
            2,
            ("alcohol.base", "alcohol.heavy"),
        ),
        (DeadlineInput(date(2025, 3, 3), Condition.OPIOID_DEPENDENCE, 40), 12, ("opioid.base",)),
        (
            DeadlineInput(date(2025, 3, 3), Condition.OPIOID_DEPENDENCE, 40, injecting=True),
            4,
            ("opioid.base", "opioid.injecting"),
        ),
        (
            DeadlineInput(
                date(2025, 3, 3), Condition.OPIOID_DEPENDENCE, 40, injecting=True, groin_or_neck_injection=True
            ),
            2,
            ("opioid.base", "opioid.injecting", "opioid.groin_neck"),
        ),
        (DeadlineInput(date(2025, 3, 3), Condition.OPIOID_DEPENDENCE, 19), 4, ("opioid.base", "under23")),
    ],
)
def test_guideline_deadlines(inp: DeadlineInput, weeks: int, rules: tuple[str, ...]) -> None:
    result = deadlines.guideline_start_deadline(inp)
    assert result.weeks == weeks
    assert result.rules == rules
    assert (result.deadline - inp.received_on).days == 7 * weeks


def test_under_23_ceiling_is_65_working_days() -> None:
    # from Mon 3 March 2025, 65 working days, skipping Easter (3 days), 1 May, Ascension and Whit Monday
    assert deadlines.under23_ceiling(date(2025, 3, 3)) == date(2025, 6, 10)
    deadlines.validate_chosen_deadline(date(2025, 3, 3), date(2025, 6, 10), 22)
    with pytest.raises(ValueError, match="65-working-day ceiling 2025-06-10"):
        deadlines.validate_chosen_deadline(date(2025, 3, 3), date(2025, 6, 11), 22)
    deadlines.validate_chosen_deadline(date(2025, 3, 3), date(2025, 9, 1), 23)  # no ceiling from 23 on
    with pytest.raises(ValueError, match="before the referral"):
        deadlines.validate_chosen_deadline(date(2025, 3, 3), date(2025, 3, 1), 40)


def test_age_on() -> None:
    assert deadlines.age_on(date(2002, 3, 4), date(2025, 3, 3)) == 22
    assert deadlines.age_on(date(2002, 3, 3), date(2025, 3, 3)) == 23
