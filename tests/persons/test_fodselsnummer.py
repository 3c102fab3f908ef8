"""Fødselsnummer, D-nummer, H-nummer and synthetic numbers: every kind of invalid number is refused with why.

No real person's number appears here. Literal numbers are synthetic (month + 80) with check digits worked out
by hand; for example 17858512387 (17 May 1985 + 80 on the month, individnummer 123):

    k1: 3*1 + 7*7 + 6*8 + 1*5 + 8*8 + 9*5 + 4*1 + 5*2 + 2*3 = 234 = 11*21 + 3    -> 11 - 3 = 8
    k2: 5*1 + 4*7 + 3*8 + 2*5 + 7*8 + 6*5 + 5*1 + 4*2 + 3*3 + 2*8 = 191 = 11*17 + 4 -> 11 - 4 = 7

Numbers in the classic, D and H formats are built by ``make`` below, which computes the check digits with the
formulas of DOMAIN.md §10.1 written out again here (not taken from the module, so a wrong module cannot agree
with itself), and use birth years 1854-1899, so they cannot be a living person's number.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Literal

import pytest

from helhet import clock
from helhet.persons import fodselsnummer as fnr
from helhet.persons.fodselsnummer import IdKind, InvalidId

TODAY = date(2026, 6, 1)
K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


@pytest.fixture(autouse=True)
def _frozen_today() -> Iterator[None]:
    """A fixed today: "in the future" and the 2032 rule's default both depend on it."""
    with clock.freeze(datetime(TODAY.year, TODAY.month, TODAY.day, 10, 0, tzinfo=UTC)):
        yield


def _weighted(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True))


def checked(nine: str) -> str | None:
    """Nine digits with both check digits appended; None when a check digit would be 10 (no such number)."""
    k1 = (11 - _weighted(nine, K1) % 11) % 11
    if k1 == 10:
        return None
    k2 = (11 - _weighted(nine + str(k1), K2) % 11) % 11
    return None if k2 == 10 else f"{nine}{k1}{k2}"


def make(dd: int, mm: int, yy: int, individ: int, *, keep: Literal["date", "individnummer"] = "date") -> str:
    """A number with valid check digits for the given (offset) day and month, year digits and individnummer.

    When no check digit exists, ``keep="date"`` steps the individnummer's middle digit (same sex, and the same
    century row for the values used here) and ``keep="individnummer"`` steps the day instead.
    """
    for step in range(10):
        if keep == "date":
            nine = f"{dd:02d}{mm:02d}{yy:02d}{individ // 100}{(individ // 10 + step) % 10}{individ % 10}"
        else:
            nine = f"{dd + step:02d}{mm:02d}{yy:02d}{individ:03d}"
        value = checked(nine)
        if value is not None:
            return value
    raise AssertionError(f"no valid number near {dd:02d}{mm:02d}{yy:02d} {individ:03d}")  # pragma: no cover


def under_2032_rule(nine: str) -> str:
    """Nine digits with check digits that fail the classic check but leave remainders 1-3 in both sums."""
    for r1 in (1, 2, 3):
        k1 = (r1 - _weighted(nine, K1)) % 11
        for r2 in (1, 2, 3):
            k2 = (r2 - _weighted(nine + str(k1), K2)) % 11
            if k1 <= 9 and k2 <= 9:
                return f"{nine}{k1}{k2}"
    raise AssertionError(f"no 2032-rule number for {nine}")  # pragma: no cover


def reason(value: str, *, allow_2032_rule: bool | None = None) -> str:
    """Why ``parse`` refuses ``value`` (failing the test when it accepts it)."""
    with pytest.raises(InvalidId) as err:
        fnr.parse(value, allow_2032_rule=allow_2032_rule)
    return err.value.reason


# --- valid numbers --------------------------------------------------------------------------------


def test_hand_worked_synthetic_number() -> None:
    parsed = fnr.parse("17858512387")
    assert parsed == fnr.ParsedId(
        value="17858512387",
        kind=IdKind.SYNTHETIC,
        birth_date=date(1985, 5, 17),
        sex="male",
        synthetic=True,
        d_number=False,
    )


def test_helper_agrees_with_the_hand_worked_check_digits() -> None:
    assert checked("178585123") == "17858512387"


@pytest.mark.parametrize("typed", ["178585 12387", " 17858512387 ", "17 85 85 123 87", "178585\t12387"])
def test_spaces_are_ignored(typed: str) -> None:
    assert fnr.parse(typed).value == "17858512387"


@pytest.mark.parametrize(
    ("value", "sex"),
    [
        ("17858512034", "female"),  # individnummer 120: third digit 0 is even
        ("17858512115", "male"),  # 121
        ("17858512468", "female"),  # 124
        ("17858512549", "male"),  # 125
        ("17858512700", "male"),  # 127; both sums divisible by 11, so both check digits are 0
        ("17858512891", "female"),  # 128
        ("17858512972", "male"),  # 129
    ],
)
def test_sex_from_the_third_individnummer_digit(value: str, sex: str) -> None:
    assert fnr.parse(value).sex == sex


def test_synthetic_d_number_has_day_plus_40_and_month_plus_80() -> None:
    # 57 85 85 123: k1 sum 246 = 11*22 + 4 -> 7; k2 sum 209 = 11*19 -> 0
    parsed = fnr.parse("57858512370")
    assert parsed.kind == IdKind.SYNTHETIC and parsed.synthetic and parsed.d_number
    assert parsed.birth_date == date(1985, 5, 17) and parsed.sex == "male"


def test_classic_fodselsnummer() -> None:
    parsed = fnr.parse(make(17, 5, 85, 623))
    assert parsed.kind == IdKind.FODSELSNUMMER and not parsed.synthetic and not parsed.d_number
    assert parsed.birth_date == date(1885, 5, 17)


def test_d_nummer_has_day_plus_40() -> None:
    parsed = fnr.parse(make(57, 5, 85, 624))
    assert parsed.kind == IdKind.D_NUMMER and parsed.d_number and not parsed.synthetic
    assert parsed.birth_date == date(1885, 5, 17) and parsed.sex == "female"


@pytest.mark.parametrize(("dd", "day"), [(41, 1), (71, 31)])
def test_d_nummer_day_range(dd: int, day: int) -> None:
    assert fnr.parse(make(dd, 5, 85, 623)).birth_date == date(1885, 5, day)


def test_h_nummer_has_month_plus_40() -> None:
    parsed = fnr.parse(make(17, 45, 85, 623))
    assert parsed.kind == IdKind.H_NUMMER and not parsed.d_number and not parsed.synthetic
    assert parsed.birth_date == date(1885, 5, 17)


@pytest.mark.parametrize(("mm", "month"), [(81, 1), (92, 12)])
def test_synthetic_month_range(mm: int, month: int) -> None:
    assert fnr.parse(make(17, mm, 85, 123)).birth_date == date(1985, month, 17)


@pytest.mark.parametrize(
    ("yy", "individ", "year"),
    [
        (54, 500, 1854),  # 500-749 with 54-99
        (99, 749, 1899),
        (0, 0, 1900),  # 000-499 with any year
        (99, 499, 1999),
        (40, 900, 1940),  # 900-999 with 40-99
        (99, 999, 1999),
        (0, 500, 2000),  # 500-999 with 00-39
        (20, 999, 2020),
        (26, 750, 2026),
    ],
)
def test_century_from_individnummer(yy: int, individ: int, year: int) -> None:
    value = make(1, 81, yy, individ, keep="individnummer")
    assert fnr.parse(value).birth_date.year == year


@pytest.mark.parametrize(("yy", "individ", "year"), [(84, 123, 1984), (0, 623, 2000)])
def test_29_february_in_leap_years(yy: int, individ: int, year: int) -> None:
    assert fnr.parse(make(29, 82, yy, individ)).birth_date == date(year, 2, 29)


def test_born_today_is_accepted() -> None:
    assert fnr.parse(make(TODAY.day, TODAY.month + 80, TODAY.year % 100, 523)).birth_date == TODAY


# --- invalid numbers, each with its reason --------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "",
        "1785851238",  # 10 digits
        "178585123870",  # 12 digits
        "1785851238a",  # a letter
        "17858512-87",  # a hyphen
        "１７８５８５１２３８７",  # full-width digits
        "1785851238²",  # a superscript two: str.isdigit() says yes, int() says no
    ],
)
def test_shape_errors(value: str) -> None:
    assert reason(value) == "must be 11 digits"


def test_wrong_check_digit_1_names_the_expected_digit() -> None:
    assert reason("17858512397") == "check digit 1 should be 8"


def test_wrong_check_digit_2_names_the_expected_digit() -> None:
    assert reason("17858512380") == "check digit 2 should be 7"


def test_individnummer_with_no_possible_check_digit_1() -> None:
    # 178585122: k1 sum 232 = 11*21 + 1, so k1 would be 10, whatever the last two digits
    assert reason("17858512200") == "no valid check digit 1 exists for this number"


def test_individnummer_with_no_possible_check_digit_2() -> None:
    # 178585126: k1 sum 240 = 11*21 + 9 -> 2; k2 sum 188 = 11*17 + 1, so k2 would be 10
    assert reason("17858512620") == "no valid check digit 2 exists for this number"


@pytest.mark.parametrize(
    ("dd", "mm", "yy", "individ", "why"),
    [
        (0, 85, 85, 123, "day 00 is not a valid day in 1985-05"),
        (32, 85, 85, 123, "day 32 is not a valid day in 1985-05"),
        (31, 86, 85, 123, "day 31 is not a valid day in 1985-06"),
        (29, 82, 85, 123, "day 29 is not a valid day in 1985-02"),  # not a leap year
        (29, 82, 0, 123, "day 29 is not a valid day in 1900-02"),  # 1900 was not a leap year, 2000 was
        (40, 85, 85, 123, "day 40 is not a valid day in 1985-05"),  # neither a date nor a D-number day
        (72, 85, 85, 123, "day 72 (D-nummer day 32) is not a valid day in 1985-05"),
        (71, 6, 85, 623, "day 71 (D-nummer day 31) is not a valid day in 1885-06"),
    ],
)
def test_impossible_days(dd: int, mm: int, yy: int, individ: int, why: str) -> None:
    assert reason(make(dd, mm, yy, individ)) == why


@pytest.mark.parametrize(
    ("mm", "yy", "individ", "why"),
    [
        (0, 85, 623, "month 00 is not a valid month"),
        (13, 85, 623, "month 13 is not a valid month"),
        (53, 85, 623, "month 53 (H-nummer month 13) is not a valid month"),
        (80, 85, 623, "month 80 (H-nummer month 40) is not a valid month"),
        (93, 85, 123, "month 93 (synthetic month 13) is not a valid month"),
    ],
)
def test_impossible_months(mm: int, yy: int, individ: int, why: str) -> None:
    assert reason(make(17, mm, yy, individ)) == why


@pytest.mark.parametrize(
    ("yy", "individ"),
    [
        (45, 512),  # 500-749 is 1854-1899 only from year 54
        (53, 749),
        (45, 800),  # 750-899 is only 2000-2039
        (99, 750),
        (50, 899),
    ],
)
def test_individnummer_and_year_with_no_century(yy: int, individ: int) -> None:
    value = make(1, 81, yy, individ, keep="individnummer")
    assert reason(value) == f"individnummer {individ:03d} with year {yy:02d} gives no valid century"


def test_birth_date_in_the_future() -> None:
    tomorrow = TODAY + timedelta(days=1)
    value = make(tomorrow.day, tomorrow.month + 80, 26, 523)
    assert reason(value) == "birth date 2026-06-02 is in the future"
    assert reason(make(1, 81, 39, 999)) == "birth date 2039-01-01 is in the future"


def test_invalid_id_keeps_value_and_reason_but_leaves_the_number_out_of_its_message() -> None:
    with pytest.raises(InvalidId) as err:
        fnr.parse("178585 12380")
    assert isinstance(err.value, ValueError)
    assert err.value.value == "178585 12380" and err.value.reason == "check digit 2 should be 7"
    assert "12380" not in str(err.value) and "check digit 2 should be 7" in str(err.value)


# --- the 2032 rule (project assumption: both sums may leave 0-3) ----------------------------------


@pytest.mark.parametrize(
    ("value", "classic_reason"),
    [
        ("17858512396", "check digit 1 should be 8"),  # remainders 1 and 1
        ("17858512389", "check digit 2 should be 7"),  # classic check digit 1, remainder 2 in the second sum
        ("17858512204", "no valid check digit 1 exists for this number"),  # remainders 1 and 0
    ],
)
def test_2032_rule_accepts_remainders_up_to_3_only_when_on(value: str, classic_reason: str) -> None:
    assert reason(value) == classic_reason  # off by default before 2032
    assert reason(value, allow_2032_rule=False) == classic_reason
    parsed = fnr.parse(value, allow_2032_rule=True)
    assert parsed.sex is None  # numbers issued under the 2032 rule are sex-neutral
    assert parsed.birth_date == date(1985, 5, 17) and parsed.synthetic


def test_2032_rule_is_on_by_default_from_1_january_2032() -> None:
    with clock.freeze(datetime(2031, 12, 31, 22, 59, tzinfo=UTC)):  # 23:59 in Oslo
        assert reason("17858512396") == "check digit 1 should be 8"
    with clock.freeze(datetime(2031, 12, 31, 23, 0, tzinfo=UTC)):  # midnight in Oslo
        assert fnr.parse("17858512396").sex is None
        assert reason("17858512396", allow_2032_rule=False) == "check digit 1 should be 8"


def test_2032_rule_still_refuses_remainders_above_3() -> None:
    # 17858512385: second sum 196 = 11*17 + 9
    assert reason("17858512385", allow_2032_rule=True) == "check digit 2 should be 7"


def test_classic_numbers_keep_their_sex_when_the_2032_rule_is_on() -> None:
    assert fnr.parse("17858512387", allow_2032_rule=True).sex == "male"


def test_2032_rule_still_checks_the_date() -> None:
    day_32 = under_2032_rule("328585123")
    assert reason(day_32, allow_2032_rule=True) == "day 32 is not a valid day in 1985-05"
    future = under_2032_rule("018130999")
    assert reason(future, allow_2032_rule=True) == "birth date 2030-01-01 is in the future"


# --- synthetic numbers ----------------------------------------------------------------------------


def test_generated_numbers_round_trip_across_all_centuries() -> None:
    rng = random.Random(2025)
    first = date(1854, 1, 1)
    rows: Counter[tuple[int, int]] = Counter()
    for _ in range(2000):
        born = first + timedelta(days=rng.randrange((TODAY - first).days + 1))
        sex: Literal["female", "male"] = rng.choice(("female", "male"))
        d_number = rng.random() < 0.25
        value = fnr.generate_synthetic(rng, born, sex, d_number=d_number)
        parsed = fnr.parse(value, allow_2032_rule=False)
        assert parsed == fnr.ParsedId(value, IdKind.SYNTHETIC, born, sex, True, d_number)
        assert 81 <= int(value[2:4]) <= 92
        individ = int(value[6:9])
        rows[(born.year // 100, individ // 100)] += 1
    # every row of the century table was used: 1800s with 500-749, 1900s with 000-499 and with 900-999, 2000s
    assert {century for century, _ in rows} == {18, 19, 20}
    assert {hundreds for century, hundreds in rows if century == 19} == {0, 1, 2, 3, 4, 9}


@pytest.mark.parametrize(
    ("born", "low", "high"),
    [
        (date(1860, 1, 1), 500, 749),
        (date(1939, 12, 31), 0, 499),
        (date(2005, 1, 1), 500, 999),
    ],
)
def test_generated_individnummer_gives_the_right_century(born: date, low: int, high: int) -> None:
    rng = random.Random(1)
    for _ in range(200):
        assert low <= int(fnr.generate_synthetic(rng, born, "female")[6:9]) <= high


def test_generated_number_has_the_sex_in_the_third_individnummer_digit() -> None:
    rng = random.Random(7)
    for _ in range(200):
        assert int(fnr.generate_synthetic(rng, date(1990, 1, 1), "male")[8]) % 2 == 1
        assert int(fnr.generate_synthetic(rng, date(1990, 1, 1), "female")[8]) % 2 == 0


def test_generation_is_reproducible_from_the_seed() -> None:
    one = [fnr.generate_synthetic(random.Random(5), date(1970, 3, 1), "female") for _ in range(3)]
    assert len(set(one)) == 1


def test_generated_d_number_form() -> None:
    value = fnr.generate_synthetic(random.Random(3), date(1985, 5, 17), "male", d_number=True)
    assert value[:6] == "578585"


@pytest.mark.parametrize("born", [date(1853, 12, 31), date(2040, 1, 1)])
def test_generation_refuses_birth_years_without_an_individnummer_range(born: date) -> None:
    with pytest.raises(ValueError, match="no individnummer range"):
        fnr.generate_synthetic(random.Random(1), born, "female")


def test_generation_refuses_an_unknown_sex() -> None:
    with pytest.raises(ValueError, match="sex"):
        fnr.generate_synthetic(random.Random(1), date(1985, 5, 17), "unknown")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "synthetic"),
    [
        ("17858512387", True),
        ("57858512370", True),
        ("17858512380", False),  # synthetic form, but check digit 2 is wrong
        ("not a number", False),
    ],
)
def test_is_synthetic(value: str, synthetic: bool) -> None:
    assert fnr.is_synthetic(value) is synthetic


@pytest.mark.parametrize("mm", [5, 45])
def test_classic_and_h_numbers_are_not_synthetic(mm: int) -> None:
    assert not fnr.is_synthetic(make(17, mm, 85, 623))
