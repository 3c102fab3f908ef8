"""Synthetic numbers when many persons share a birth date: every valid individnummer range, then D-nummer form."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from helhet.persons import fodselsnummer
from helhet.persons.fodselsnummer import W1, W2, _check_digit, _individ_candidates
from helhet.synthetic import identity
from helhet.synthetic.calendar import to_days
from helhet.synthetic.identity import Registry, synthetic_numbers


def _space(born: date, male: bool, d_form: bool) -> int:
    """How many valid synthetic numbers one birth date and sex have in one form, counted the parser's way."""
    day = born.day + (40 if d_form else 0)
    head = f"{day:02d}{born.month + 80:02d}{born.year % 100:02d}"
    count = 0
    for individ in _individ_candidates(born.year, male):
        nine = [int(c) for c in f"{head}{individ:03d}"]
        k1 = _check_digit(nine, W1)
        count += k1 is not None and _check_digit([*nine, k1], W2) is not None
    return count


def _make(born: date, n: int, male: bool, registry: Registry, seed: int = 7) -> list[str]:
    rng = np.random.default_rng(seed)
    birth = np.full(n, to_days(born))
    return synthetic_numbers(rng, birth, np.full(n, male), registry).to_pylist()


def _assert_valid(numbers: list[str], born: date, male: bool) -> list[fodselsnummer.ParsedId]:
    parsed = [fodselsnummer.parse(n, allow_2032_rule=False) for n in numbers]
    assert all(p.synthetic and p.birth_date == born for p in parsed)
    assert {p.sex for p in parsed} == {"male" if male else "female"}
    assert len(set(numbers)) == len(numbers)
    return parsed


def test_two_thousand_persons_of_one_sex_on_a_few_crowded_days_get_unique_valid_numbers() -> None:
    # One day holds at most ~495 persons of one sex in both forms (1940-1999), so 2,000 need at least five days;
    # 400 women a day is more than the fødselsnummer form holds, so each day also gives D-numbers
    days = [date(1985, 5, d) for d in range(13, 18)]
    birth = np.repeat([to_days(d) for d in days], 400)
    numbers = synthetic_numbers(np.random.default_rng(1), birth, np.zeros(birth.size, dtype=bool), Registry())
    values = numbers.to_pylist()
    assert len(values) == 2_000 and len(set(values)) == 2_000
    for i, born in enumerate(days):
        parsed = _assert_valid(values[i * 400 : (i + 1) * 400], born, male=False)
        assert sum(p.d_number for p in parsed) == 400 - _space(born, False, d_form=False)


def test_a_date_filled_to_the_last_number_in_both_forms_then_a_clear_error() -> None:
    born = date(1985, 5, 17)
    full = _space(born, True, False) + _space(born, True, True)
    registry = Registry()
    _assert_valid(_make(born, full, True, registry), born, male=True)
    with pytest.raises(RuntimeError, match="1985-05-17, sex male: 1 persons, 0 free"):
        _make(born, 1, True, registry)


def test_1940_1999_use_900_999_too_and_other_years_only_their_own_range() -> None:
    for born, low, high, extra in [
        (date(1985, 3, 3), 0, 499, True),
        (date(1935, 3, 3), 0, 499, False),
        (date(2010, 3, 3), 500, 999, True),
    ]:
        n = _space(born, False, False)
        parsed = _assert_valid(_make(born, n, False, Registry()), born, male=False)
        individ = {int(p.value[6:9]) for p in parsed}
        assert not any(p.d_number for p in parsed)  # the whole fødselsnummer form is used before any D-nummer
        assert all(low <= i <= high or (extra and i >= 900) for i in individ)
        assert any(i >= 900 for i in individ) == extra


def test_d_nummer_form_only_when_the_date_is_full() -> None:
    born = date(1990, 1, 1)
    space = _space(born, True, False)
    registry = Registry()
    first = _assert_valid(_make(born, space - 1, True, registry), born, male=True)
    assert not any(p.d_number for p in first)
    second = _assert_valid(_make(born, 2, True, registry, seed=8), born, male=True)
    assert [p.d_number for p in second] == [False, True]
    assert second[1].value[0] in "4567" and second[1].kind == fodselsnummer.IdKind.SYNTHETIC


def test_registered_numbers_of_both_forms_are_never_handed_out_again() -> None:
    born = date(1972, 11, 30)
    space = _space(born, False, False) + _space(born, False, True)
    made = _make(born, space - 5, False, Registry())
    registry = Registry()
    registry.add_numbers([*made, "not a number", "30117212345", "0"])  # the database holds them, and junk
    rest = _make(born, 5, False, registry, seed=9)
    _assert_valid(made + rest, born, male=False)
    assert any(fodselsnummer.parse(n).d_number for n in made)  # both forms were registered
    with pytest.raises(RuntimeError, match="no unused synthetic numbers left"):
        _make(born, 1, False, registry)


def test_the_same_seed_gives_the_same_numbers_and_another_seed_others() -> None:
    rng = np.random.default_rng(3)
    birth = np.concatenate([np.full(450, to_days(date(1988, 8, 8))), rng.integers(-5_000, 10_000, size=3_000)])
    male = rng.random(birth.size) < 0.5

    def run(seed: int) -> list[str]:
        return synthetic_numbers(np.random.default_rng(seed), birth, male, Registry()).to_pylist()

    assert run(11) == run(11)
    assert run(11) != run(12)


def test_capacity_counts_every_valid_number_of_a_date_and_sex_in_both_forms() -> None:
    capacity = identity.capacity()
    for born in [date(1900, 1, 1), date(1939, 12, 31), date(1940, 1, 1), date(1988, 8, 30), date(2000, 2, 29)]:
        for male in (False, True):
            expected = _space(born, male, d_form=False) + _space(born, male, d_form=True)
            assert capacity[to_days(born) - identity.FIRST_BIRTH_DAY, int(male)] == expected


def test_spread_births_moves_only_the_persons_a_full_date_cannot_hold_to_the_nearest_dates() -> None:
    born = date(1988, 8, 30)
    room = int(identity.capacity()[to_days(born) - identity.FIRST_BIRTH_DAY, 1])
    birth = np.full(room + 30, to_days(born))
    male = np.ones(birth.size, dtype=bool)
    registry = Registry()
    moved = identity.spread_births(birth, male, registry)
    assert (moved[:room] == birth[:room]).all()  # the first of the batch keep their date
    assert sorted(set((moved[room:] - to_days(born)).tolist())) == [-1]  # the day before has room for all 30
    numbers = synthetic_numbers(np.random.default_rng(5), moved, male, registry).to_pylist()
    _assert_valid(numbers[:room], born, male=True)
    _assert_valid(numbers[room:], date(1988, 8, 29), male=True)
    assert registry.used[to_days(born) - identity.FIRST_BIRTH_DAY, 1] == room


def test_spread_births_keeps_dates_with_room_and_counts_numbers_already_handed_out() -> None:
    rng = np.random.default_rng(6)
    birth = rng.integers(to_days(date(1950, 1, 1)), to_days(date(2005, 1, 1)), size=20_000)
    male = rng.random(birth.size) < 0.7
    registry = Registry()
    assert (identity.spread_births(birth, male, registry) == birth).all()
    born = date(2003, 3, 3)
    room = int(identity.capacity()[to_days(born) - identity.FIRST_BIRTH_DAY, 0])
    registry.add_numbers(_make(born, room - 2, False, Registry()))  # a database holding most of the date
    moved = identity.spread_births(np.full(5, to_days(born)), np.zeros(5, dtype=bool), registry)
    assert (moved - to_days(born)).tolist() == [0, 0, -1, -1, -1]


def test_spread_births_fails_clearly_when_no_date_near_enough_has_room(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(identity, "MAX_SHIFT_DAYS", 1)
    days = [to_days(date(1970, 6, d)) for d in (9, 10, 11)]
    room = identity.capacity()[np.array(days) - identity.FIRST_BIRTH_DAY, 0]
    birth = np.repeat(days, room)
    birth = np.concatenate([birth, [days[1]]])
    with pytest.raises(RuntimeError, match="within 1 days of birth date 1970-06-10"):
        identity.spread_births(birth, np.zeros(birth.size, dtype=bool), Registry())
