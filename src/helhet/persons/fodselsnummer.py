"""Fødselsnummer, D-nummer, H-nummer and synthetic test numbers (DOMAIN.md §10.1).

Layout ``DDMMYY iii kk``: birth date, individnummer (whose range and the year give the century) and two
mod-11 check digits. D-nummer adds 40 to the day, H-nummer 40 to the month, and Skatteetaten's synthetic test
numbers (Tenor) add 80 to the month (and may be D-numbers as well). Helhet generates only synthetic numbers.

From 2032 new numbers are sex-neutral and the check accepts remainders 0-3 (DOMAIN.md §10.1, partly
unconfirmed). Project assumption: when the classic check fails, a number whose two weighted sums both leave a
remainder of 0-3 is accepted under that rule, and its sex is not derived. The rule is off before 1 January 2032
(no such number exists yet, and it would let about one typo in eight through).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

from helhet import clock

W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
Sex = Literal["female", "male"]


class IdKind(StrEnum):
    FODSELSNUMMER = "fodselsnummer"
    D_NUMMER = "d_nummer"
    H_NUMMER = "h_nummer"
    SYNTHETIC = "synthetic"


class InvalidId(ValueError):
    def __init__(self, value: str, reason: str) -> None:
        super().__init__(f"{value!r}: {reason}")
        self.value, self.reason = value, reason


@dataclass(frozen=True)
class ParsedId:
    value: str
    kind: IdKind
    birth_date: date
    sex: Sex | None
    synthetic: bool
    d_number: bool


def _check_digit(digits: list[int], weights: tuple[int, ...]) -> int | None:
    """The check digit for ``digits``; None when the remainder makes no digit possible (result 10)."""
    result = 11 - sum(d * w for d, w in zip(digits, weights, strict=False)) % 11
    if result == 11:
        return 0
    return None if result == 10 else result


def _century(individ: int, yy: int) -> int | None:
    if individ <= 499:
        return 1900
    if individ <= 749 and yy >= 54:
        return 1800
    if individ >= 900 and yy >= 40:
        return 1900
    if individ >= 500 and yy <= 39:
        return 2000
    return None


def _checks_2032(digits: list[int]) -> bool:
    r1 = sum(d * w for d, w in zip(digits[:10], (*W1, 1), strict=True)) % 11
    r2 = sum(d * w for d, w in zip(digits, (*W2, 1), strict=True)) % 11
    return r1 <= 3 and r2 <= 3


RULE_2032_FROM = date(2032, 1, 1)


def parse(value: str, *, allow_2032_rule: bool | None = None) -> ParsedId:
    """Validate a Norwegian identity number; raise ``InvalidId`` with the specific reason."""
    if allow_2032_rule is None:
        allow_2032_rule = clock.today() >= RULE_2032_FROM
    raw = value
    value = value.replace(" ", "")
    if len(value) != 11 or not value.isdigit():
        raise InvalidId(raw, "must be 11 digits")
    digits = [int(c) for c in value]
    post_2032 = False
    k1 = _check_digit(digits[:9], W1)
    if k1 is None or k1 != digits[9]:
        if allow_2032_rule and _checks_2032(digits):
            post_2032 = True
        elif k1 is None:
            raise InvalidId(raw, "no valid check digit 1 exists for this number")
        else:
            raise InvalidId(raw, f"check digit 1 should be {k1}")
    if not post_2032:
        k2 = _check_digit(digits[:10], W2)
        if k2 is None:
            raise InvalidId(raw, "no valid check digit 2 exists for this number")
        if k2 != digits[10]:
            raise InvalidId(raw, f"check digit 2 should be {k2}")

    day, month, yy, individ = int(value[0:2]), int(value[2:4]), int(value[4:6]), int(value[6:9])
    d_number = day > 40
    if d_number:
        day -= 40
    kind = IdKind.D_NUMMER if d_number else IdKind.FODSELSNUMMER
    synthetic = False
    if month > 80:
        month -= 80
        synthetic = True
        kind = IdKind.SYNTHETIC
    elif month > 40:
        month -= 40
        kind = IdKind.H_NUMMER
    if not 1 <= month <= 12:
        raise InvalidId(raw, f"month {value[2:4]} is not a valid month")
    century = _century(individ, yy)
    if century is None:
        raise InvalidId(raw, f"individnummer {individ:03d} with year {yy:02d} gives no valid century")
    try:
        born = date(century + yy, month, day)
    except ValueError:
        raise InvalidId(raw, f"day {value[0:2]} is not a valid day in {century + yy}-{month:02d}") from None
    if born > clock.today():
        raise InvalidId(raw, f"birth date {born.isoformat()} is in the future")
    sex: Sex | None = None if post_2032 else ("male" if digits[8] % 2 else "female")
    return ParsedId(value=value, kind=kind, birth_date=born, sex=sex, synthetic=synthetic, d_number=d_number)


def is_synthetic(value: str) -> bool:
    try:
        return parse(value).synthetic
    except InvalidId:
        return False


def _individ_range(year: int) -> range:
    if 1854 <= year <= 1899:
        return range(500, 750)
    if 1900 <= year <= 1999:
        return range(0, 500)
    if 2000 <= year <= 2039:
        return range(500, 1000)
    raise ValueError(f"no individnummer range for birth year {year}")


def generate_synthetic(rng: random.Random, birth_date: date, sex: Sex, *, d_number: bool = False) -> str:
    """A valid synthetic test number (month + 80) for the birth date and sex, never a real person's number."""
    candidates = _individ_range(birth_date.year)
    day = birth_date.day + (40 if d_number else 0)
    head = f"{day:02d}{birth_date.month + 80:02d}{birth_date.year % 100:02d}"
    want_odd = sex == "male"
    for _ in range(1000):
        individ = rng.choice(candidates)
        if (individ % 10) % 2 != want_odd:
            individ = individ + 1 if individ + 1 in candidates else individ - 1
        digits = [int(c) for c in f"{head}{individ:03d}"]
        k1 = _check_digit(digits, W1)
        if k1 is None:
            continue
        k2 = _check_digit([*digits, k1], W2)
        if k2 is None:
            continue
        return f"{head}{individ:03d}{k1}{k2}"
    raise RuntimeError("could not generate a synthetic number")  # pragma: no cover
