"""Synthetic identities: valid test fødselsnummer (month + 80) for whole arrays, never handed out twice."""

from __future__ import annotations

import random
from datetime import date

import numpy as np

from helhet.persons import fodselsnummer
from helhet.synthetic.calendar import from_days, to_days
from helhet.synthetic.identity import Registry, full_names, names, synthetic_numbers


def _births(n: int, rng: np.random.Generator) -> np.ndarray:
    return rng.integers(to_days(date(1920, 1, 1)), to_days(date(2012, 12, 31)), size=n)


def test_every_generated_number_passes_the_services_parser_as_synthetic_with_birth_date_and_sex() -> None:
    rng = np.random.default_rng(1)
    birth = _births(20_000, rng)
    male = rng.random(birth.size) < 0.7
    numbers = synthetic_numbers(rng, birth, male, Registry()).to_pylist()
    for number, born, is_male in zip(numbers, birth, male, strict=True):
        parsed = fodselsnummer.parse(number, allow_2032_rule=False)
        assert parsed.synthetic and parsed.kind == fodselsnummer.IdKind.SYNTHETIC
        assert parsed.birth_date == from_days(int(born))
        assert parsed.sex == ("male" if is_male else "female")
    assert len(set(numbers)) == len(numbers)


def test_many_persons_born_on_one_day_still_get_distinct_numbers() -> None:
    rng = np.random.default_rng(2)
    birth = np.full(150, to_days(date(1985, 5, 17)))
    numbers = synthetic_numbers(rng, birth, np.ones(150, dtype=bool), Registry()).to_pylist()
    assert len(set(numbers)) == 150


def test_numbers_already_registered_are_not_handed_out_again() -> None:
    taken = [fodselsnummer.generate_synthetic(random.Random(i), date(1990, 1, 1), "female") for i in range(60)]
    registry = Registry()
    registry.add_numbers(taken)
    rng = np.random.default_rng(3)
    made = synthetic_numbers(rng, np.full(100, to_days(date(1990, 1, 1))), np.zeros(100, dtype=bool), registry)
    assert not set(made.to_pylist()) & set(taken)
    again = synthetic_numbers(rng, np.full(20, to_days(date(1990, 1, 1))), np.zeros(20, dtype=bool), registry)
    assert not set(again.to_pylist()) & set(made.to_pylist())


def test_names_are_made_up_combinations_with_a_name_for_everyone() -> None:
    rng = np.random.default_rng(4)
    given, family = names(rng, rng.random(1000) < 0.5, rng.random(1000) < 0.1)
    assert given.null_count == 0 and family.null_count == 0
    assert all(g.strip() and f.strip() for g, f in zip(given.to_pylist(), family.to_pylist(), strict=True))
    assert full_names(rng, 10).null_count == 0
