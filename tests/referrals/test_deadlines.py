"""Assessment and start deadlines of a referral, with dates worked out by hand on a calendar.

Most cases start on Monday 3 March 2025. Counting 65 working days from it: 20 in March (4-31), 19 in April
(1-16, 22-30; Easter 17, 18 and 21 April skipped), 20 in May (2-28, 30; 1 and 29 May skipped), then 2-6 and
10 June (Whit Monday 9 June skipped): the ceiling is Tuesday 10 June 2025.
"""

from __future__ import annotations

from datetime import date

import pytest

from helhet.referrals import deadlines
from helhet.referrals.deadlines import (
    PRIORITERINGSVEILEDER_TSB_2024,
    Condition,
    DeadlineInput,
    GuidelineRule,
    GuidelineTable,
    Modifier,
)

MONDAY = date(2025, 3, 3)
ALCOHOL, OPIOID = Condition.ALCOHOL_DEPENDENCE, Condition.OPIOID_DEPENDENCE

# --- assessment: 10 working days after receipt ----------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2025, 3, 3), date(2025, 3, 17)),  # 4-7, 10-14, 17 March
        (date(2025, 3, 8), date(2025, 3, 21)),  # received on a Saturday: 10-14, 17-21 March
        (date(2025, 4, 11), date(2025, 4, 30)),  # 14-16 April | Easter | 22-25, 28-30 April
        (date(2025, 4, 17), date(2025, 5, 6)),  # received on Maundy Thursday; 1 May skipped too
        (date(2026, 3, 27), date(2026, 4, 15)),  # 30, 31 Mar, 1 Apr | Easter 2-6 Apr 2026 | 7-10, 13-15 Apr
        (date(2025, 5, 22), date(2025, 6, 6)),  # Ascension Day 29 May skipped
        (date(2025, 12, 19), date(2026, 1, 7)),  # 22-24, 29-31 Dec, 2, 5-7 Jan
    ],
)
def test_assessment_due_counts_10_working_days_after_receipt(received: date, due: date) -> None:
    assert deadlines.assessment_due(received) == due


# --- the legal ceiling for persons under 23: 65 working days --------------------------------------


@pytest.mark.parametrize(
    ("received", "ceiling"),
    [
        (date(2025, 3, 3), date(2025, 6, 10)),  # see the module docstring
        (date(2025, 2, 25), date(2025, 6, 3)),  # 26-28 Feb are 3 more, so 4 working days earlier: 3 June
        # 22-24, 29-31 Dec (6), 2 Jan (7), the 20 weekdays of January after it (27), 20 in February (47),
        # 2-20 March (62), 23, 24, 25 March
        (date(2025, 12, 19), date(2026, 3, 25)),
        # 21 in March, 19 in April (Easter 2-6 April), 18 in May (1, 14, 25 May skipped), 1-5, 8, 9 June
        (date(2026, 3, 2), date(2026, 6, 9)),
    ],
)
def test_under23_ceiling_is_65_working_days_after_receipt(received: date, ceiling: date) -> None:
    assert deadlines.under23_ceiling(received) == ceiling


# --- the guideline table --------------------------------------------------------------------------


def test_the_table_holds_the_guide_s_weeks() -> None:
    weeks = {rule.id: rule.weeks for rule in PRIORITERINGSVEILEDER_TSB_2024.rules}
    assert weeks == {
        "alcohol.base": 6,
        "alcohol.heavy": 2,
        "opioid.base": 12,
        "opioid.injecting": 4,
        "opioid.groin_neck": 2,
        "other.base": 12,
        "under23": 4,
    }


def test_every_condition_has_a_base_rule_and_only_the_other_default_is_an_assumption() -> None:
    rules = PRIORITERINGSVEILEDER_TSB_2024.rules
    assert {rule.condition for rule in rules if rule.modifier is None} == set(Condition)
    assert [rule.id for rule in rules if rule.assumption] == ["other.base"]
    assert len({rule.id for rule in rules}) == len(rules)


@pytest.mark.parametrize(
    ("inp", "weeks", "due", "rules"),
    [
        (DeadlineInput(MONDAY, Condition.ALCOHOL_DEPENDENCE, 40), 6, date(2025, 4, 14), ("alcohol.base",)),
        (
            DeadlineInput(MONDAY, Condition.ALCOHOL_DEPENDENCE, 40, heavy_daily_alcohol=True),
            2,
            date(2025, 3, 17),
            ("alcohol.base", "alcohol.heavy"),
        ),
        (DeadlineInput(MONDAY, Condition.OPIOID_DEPENDENCE, 40), 12, date(2025, 5, 26), ("opioid.base",)),
        (
            DeadlineInput(MONDAY, Condition.OPIOID_DEPENDENCE, 40, injecting=True),
            4,
            date(2025, 3, 31),
            ("opioid.base", "opioid.injecting"),
        ),
        (
            DeadlineInput(MONDAY, OPIOID, 40, injecting=True, groin_or_neck_injection=True),
            2,
            date(2025, 3, 17),
            ("opioid.base", "opioid.injecting", "opioid.groin_neck"),
        ),
        (  # groin or neck injection is injecting, whether or not the flag says so
            DeadlineInput(MONDAY, Condition.OPIOID_DEPENDENCE, 40, groin_or_neck_injection=True),
            2,
            date(2025, 3, 17),
            ("opioid.base", "opioid.injecting", "opioid.groin_neck"),
        ),
        (DeadlineInput(MONDAY, Condition.OTHER, 40), 12, date(2025, 5, 26), ("other.base",)),
        # a modifier that belongs to another condition does nothing
        (
            DeadlineInput(MONDAY, Condition.OPIOID_DEPENDENCE, 40, heavy_daily_alcohol=True),
            12,
            date(2025, 5, 26),
            ("opioid.base",),
        ),
        (
            DeadlineInput(MONDAY, Condition.ALCOHOL_DEPENDENCE, 40, injecting=True),
            6,
            date(2025, 4, 14),
            ("alcohol.base",),
        ),
    ],
)
def test_adult_guideline_deadline(inp: DeadlineInput, weeks: int, due: date, rules: tuple[str, ...]) -> None:
    result = deadlines.guideline_start_deadline(inp)
    assert (result.weeks, result.rules) == (weeks, rules)
    assert result.deadline == result.guideline == due
    assert result.ceiling is None


@pytest.mark.parametrize(
    ("condition", "flags", "weeks", "rules"),
    [
        (Condition.ALCOHOL_DEPENDENCE, {}, 4, ("alcohol.base", "under23")),
        (ALCOHOL, {"heavy_daily_alcohol": True}, 2, ("alcohol.base", "alcohol.heavy", "under23")),
        (Condition.OPIOID_DEPENDENCE, {}, 4, ("opioid.base", "under23")),
        (Condition.OPIOID_DEPENDENCE, {"injecting": True}, 4, ("opioid.base", "opioid.injecting", "under23")),
        (Condition.OTHER, {}, 4, ("other.base", "under23")),
    ],
)
def test_guideline_deadline_under_23(
    condition: Condition, flags: dict[str, bool], weeks: int, rules: tuple[str, ...]
) -> None:
    result = deadlines.guideline_start_deadline(DeadlineInput(MONDAY, condition, 22, **flags))
    assert (result.weeks, result.rules) == (weeks, rules)
    assert result.deadline == result.guideline == date(2025, 3, 31 if weeks == 4 else 17)
    assert result.ceiling == date(2025, 6, 10)  # the guide's weeks are well inside the legal ceiling


def test_under_23_ends_on_the_23rd_birthday() -> None:
    assert "under23" in deadlines.guideline_start_deadline(DeadlineInput(MONDAY, Condition.OTHER, 22)).rules
    at_23 = deadlines.guideline_start_deadline(DeadlineInput(MONDAY, Condition.OTHER, 23))
    assert at_23.rules == ("other.base",) and at_23.ceiling is None and at_23.weeks == 12


def test_guideline_weeks_are_calendar_weeks_even_across_easter() -> None:
    # Fri 4 April 2025 + 2 weeks is Good Friday: a calendar deadline, not moved to a working day
    heavy = DeadlineInput(date(2025, 4, 4), Condition.ALCOHOL_DEPENDENCE, 40, heavy_daily_alcohol=True)
    assert deadlines.guideline_start_deadline(heavy).deadline == date(2025, 4, 18)
    # Mon 14 April 2025 + 2 weeks: Easter inside does not lengthen it
    heavy = DeadlineInput(date(2025, 4, 14), Condition.ALCOHOL_DEPENDENCE, 40, heavy_daily_alcohol=True)
    assert deadlines.guideline_start_deadline(heavy).deadline == date(2025, 4, 28)


def test_ceiling_caps_a_longer_guideline_for_under_23s() -> None:
    table = GuidelineTable(
        name="a guide with long deadlines",
        version="test",
        valid_from=date(2020, 1, 1),
        rules=(GuidelineRule("alcohol.base", Condition.ALCOHOL_DEPENDENCE, None, 20, "alcohol dependence"),),
    )
    young = deadlines.guideline_start_deadline(DeadlineInput(MONDAY, Condition.ALCOHOL_DEPENDENCE, 19), table)
    assert young.guideline == date(2025, 7, 21)  # 20 weeks after 3 March
    assert young.ceiling == young.deadline == date(2025, 6, 10)
    older = deadlines.guideline_start_deadline(DeadlineInput(MONDAY, Condition.ALCOHOL_DEPENDENCE, 30), table)
    assert older.deadline == date(2025, 7, 21) and older.ceiling is None


def test_a_table_without_a_base_rule_for_the_condition_is_refused() -> None:
    table = GuidelineTable(
        "alcohol only",
        "test",
        date(2020, 1, 1),
        (GuidelineRule("alcohol.base", Condition.ALCOHOL_DEPENDENCE, None, 6, "alcohol dependence"),),
    )
    with pytest.raises(ValueError, match="no base rule for opioid_dependence"):
        deadlines.guideline_start_deadline(DeadlineInput(MONDAY, Condition.OPIOID_DEPENDENCE, 40), table)


def test_a_rule_for_every_condition_applies_to_each() -> None:
    table = GuidelineTable(
        "one rule for all",
        "test",
        date(2020, 1, 1),
        (
            GuidelineRule("any.base", None, None, 8, "any condition"),
            GuidelineRule("any.injecting", None, Modifier.INJECTING, 3, "injecting"),
        ),
    )
    inp = DeadlineInput(MONDAY, Condition.ALCOHOL_DEPENDENCE, 40, injecting=True)
    result = deadlines.guideline_start_deadline(inp, table)
    assert result.rules == ("any.base", "any.injecting") and result.weeks == 3


def test_negative_age_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        deadlines.guideline_start_deadline(DeadlineInput(MONDAY, Condition.OTHER, -1))


# --- a chosen start deadline ----------------------------------------------------------------------


def test_chosen_deadline_on_the_ceiling_is_accepted_and_the_day_after_refused() -> None:
    deadlines.validate_chosen_deadline(MONDAY, date(2025, 6, 10), 22)
    with pytest.raises(ValueError) as err:
        deadlines.validate_chosen_deadline(MONDAY, date(2025, 6, 11), 22)
    assert str(err.value) == (
        "start deadline 2025-06-11 is later than the 65-working-day ceiling 2025-06-10 for persons under 23"
    )


def test_chosen_deadline_beyond_the_ceiling_names_both_dates() -> None:
    with pytest.raises(ValueError) as err:
        deadlines.validate_chosen_deadline(date(2025, 2, 25), date(2025, 9, 1), 19)
    assert str(err.value) == (
        "start deadline 2025-09-01 is later than the 65-working-day ceiling 2025-06-03 for persons under 23"
    )


def test_ceiling_across_easter_2026() -> None:
    deadlines.validate_chosen_deadline(date(2026, 3, 2), date(2026, 6, 9), 17)
    with pytest.raises(ValueError, match="ceiling 2026-06-09"):
        deadlines.validate_chosen_deadline(date(2026, 3, 2), date(2026, 6, 10), 17)


def test_no_ceiling_from_23() -> None:
    deadlines.validate_chosen_deadline(MONDAY, date(2025, 9, 1), 23)
    deadlines.validate_chosen_deadline(MONDAY, date(2026, 3, 3), 60)


def test_chosen_deadline_before_receipt_is_refused() -> None:
    deadlines.validate_chosen_deadline(MONDAY, MONDAY, 40)  # the same day is allowed
    with pytest.raises(ValueError) as err:
        deadlines.validate_chosen_deadline(MONDAY, date(2025, 3, 1), 40)
    assert str(err.value) == "start deadline 2025-03-01 is before the referral was received on 2025-03-03"


# --- age ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(2002, 3, 4), date(2025, 3, 3), 22),  # the day before the 23rd birthday
        (date(2002, 3, 3), date(2025, 3, 3), 23),  # on the birthday
        (date(2002, 12, 31), date(2025, 1, 1), 22),
        (date(2025, 3, 3), date(2025, 3, 3), 0),
        (date(2004, 2, 29), date(2027, 2, 28), 22),  # born on 29 February: a year older on 1 March
        (date(2004, 2, 29), date(2027, 3, 1), 23),
        (date(2004, 2, 29), date(2028, 2, 29), 24),
    ],
)
def test_age_on(born: date, on: date, age: int) -> None:
    assert deadlines.age_on(born, on) == age
