"""Fødselsnummer, D-nummer, H-nummer and synthetic numbers: every kind of invalid number is refused with why."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from helhet import clock
from helhet.persons import fodselsnummer as fnr
from helhet.persons.fodselsnummer import IdKind, InvalidId

W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _checks(nine: str) -> str | None:
    digits = [int(c) for c in nine]
    k1 = (11 - sum(d * w for d, w in zip(digits, W1, strict=True)) % 11) % 11
    if k1 == 10:
        return None
    digits.append(k1)
    k2 = (11 - sum(d * w for d, w in zip(digits, W2, strict=True)) % 11) % 11
    return None if k2 == 10 else nine + str(k1) + str(k2)


def with_checks(nine: str) -> str:
    """Nine digits plus both check digits. When no check digit exists, the individnummer is stepped by 2 (same
    sex, same century range) until one does. Constructed test numbers, not real people's."""
    head, individ = nine[:6], int(nine[6:])
    for step in range(0, 100, 2):
        value = _checks(f"{head}{individ + step:03d}")
        if value is not None:
            return value
    raise AssertionError("no valid number near " + nine)


def test_synthetic_numbers_round_trip_across_centuries() -> None:
    rng = random.Random(11)
    for _ in range(2000):
        born = date(1860, 1, 1) + timedelta(days=rng.randrange((date(2024, 12, 31) - date(1860, 1, 1)).days))
        sex = rng.choice(("female", "male"))
        value = fnr.generate_synthetic(rng, born, sex, d_number=rng.random() < 0.2)  # type: ignore[arg-type]
        parsed = fnr.parse(value)
        assert parsed.birth_date == born and parsed.sex == sex and parsed.synthetic
        assert parsed.kind == IdKind.SYNTHETIC


def test_classic_number_gives_birth_date_and_sex() -> None:
    value = with_checks("170585" + "123")  # constructed: 17 May 1985, individnummer 123 (odd: male)
    parsed = fnr.parse(value)
    assert parsed.birth_date == date(1985, 5, 17) and parsed.sex == "male" and not parsed.synthetic
    assert parsed.kind == IdKind.FODSELSNUMMER


def test_d_number_has_day_plus_40() -> None:
    value = with_checks("570585" + "124")
    parsed = fnr.parse(value)
    assert parsed.kind == IdKind.D_NUMMER and parsed.birth_date == date(1985, 5, 17) and parsed.sex == "female"


def test_h_number_has_month_plus_40() -> None:
    parsed = fnr.parse(with_checks("174585" + "124"))
    assert parsed.kind == IdKind.H_NUMMER and parsed.birth_date == date(1985, 5, 17)


def test_synthetic_month_plus_80_is_recognised() -> None:
    assert fnr.is_synthetic(with_checks("178585" + "124"))
    assert not fnr.is_synthetic(with_checks("170585" + "124"))


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("1705851", "must be 11 digits"),
        ("17058512a45", "must be 11 digits"),
        ("", "must be 11 digits"),
    ],
)
def test_shape_errors(value: str, reason: str) -> None:
    with pytest.raises(InvalidId) as err:
        fnr.parse(value)
    assert err.value.reason == reason


def test_wrong_check_digit_1_names_the_right_one() -> None:
    good = with_checks("170585" + "123")
    bad = good[:9] + str((int(good[9]) + 1) % 10) + good[10]
    with pytest.raises(InvalidId) as err:
        fnr.parse(bad)
    assert err.value.reason == f"check digit 1 should be {good[9]}"


def test_wrong_check_digit_2_names_the_right_one() -> None:
    good = with_checks("170585" + "123")
    bad = good[:10] + str((int(good[10]) + 1) % 10)
    with pytest.raises(InvalidId) as err:
        fnr.parse(bad)
    assert err.value.reason == f"check digit 2 should be {good[10]}"


@pytest.mark.parametrize(
    ("nine", "reason"),
    [
        ("320585123", "day 32 is not a valid day in 1985-05"),
        ("300285123", "day 30 is not a valid day in 1985-02"),
        ("171385123", "month 13 is not a valid month"),
        ("170545" + "600", "gives no valid century"),
    ],
)
def test_impossible_dates_and_centuries(nine: str, reason: str) -> None:
    value = with_checks(nine)
    with pytest.raises(InvalidId) as err:
        fnr.parse(value)
    assert reason in err.value.reason


def test_birth_date_in_the_future_is_refused() -> None:
    tomorrow = clock.today() + timedelta(days=400)
    rng = random.Random(3)
    value = fnr.generate_synthetic(rng, tomorrow, "female")
    with pytest.raises(InvalidId) as err:
        fnr.parse(value)
    assert "in the future" in err.value.reason


def test_2032_rule_is_off_before_2032_and_on_after() -> None:
    # a number whose classic check fails but whose weighted sums leave remainders 0-3
    rng = random.Random(5)
    while True:
        nine = f"1705{rng.randrange(0, 100):02d}{rng.randrange(0, 500):03d}"
        for k in range(100):
            candidate = f"{nine}{k:02d}"
            digits = [int(c) for c in candidate]
            r1 = sum(d * w for d, w in zip(digits[:10], (*W1, 1), strict=True)) % 11
            r2 = sum(d * w for d, w in zip(digits, (*W2, 1), strict=True)) % 11
            if r1 in (1, 2, 3) and r2 in (1, 2, 3):
                break
        else:
            continue
        break
    with pytest.raises(InvalidId):
        fnr.parse(candidate)
    parsed = fnr.parse(candidate, allow_2032_rule=True)
    assert parsed.sex is None
