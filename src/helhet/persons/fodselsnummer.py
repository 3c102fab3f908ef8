"""Fødselsnummer, D-nummer, H-nummer and synthetic test numbers (DOMAIN.md §10.1).

Layout ``DDMMYY iii kk``: birth date, individnummer (whose range, with the year, gives the century) and two
mod-11 check digits. D-nummer adds 40 to the day, H-nummer 40 to the month, and Skatteetaten's synthetic test
numbers (Tenor) add 80 to the month, and may be D-numbers as well (day + 40). Helhet generates only synthetic
numbers, so demo and test data can never hold a real person's number.

``parse`` names the first problem it finds, in this order: shape, check digits, month, century, day, future
date, so a clerk who mistyped one digit is told which check failed and what the digit should have been.

The 2032 rule (project assumption). From 1 January 2032 new numbers are sex-neutral and the check accepts
remainders 0, 1, 2 and 3 instead of only 0; which digit(s) that applies to is unconfirmed (DOMAIN.md §10.1,
§15 q17). Helhet assumes both checks: the weighted sums ``sum(w * d) mod 11`` over the first ten digits (k1
weights, then 1) and over all eleven (k2 weights, then 1) must both leave 0-3. The classic rule stays the
primary path; only a number that fails it is tried under the 2032 rule, and such a number gets no sex. A
post-2032 number that happens to pass the classic check cannot be told apart and is read the classic way. The
date part is read the classic way too, as the new date interpretation is not yet published.

The 2032 rule lets about one random typo in eight through, and before 2032 no number can have been issued
under it, so ``allow_2032_rule=None`` (the default) turns it on only when ``clock.today()`` is on or after 1
January 2032. ``True`` forces it on (tests, or a registry that already issues such numbers) and ``False`` off.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from typing import Literal

from helhet import clock

W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
RULE_2032_FROM = date(2032, 1, 1)
ACCEPTED_2032_REMAINDERS = frozenset({0, 1, 2, 3})
Sex = Literal["female", "male"]


class IdKind(StrEnum):
    FODSELSNUMMER = "fodselsnummer"
    D_NUMMER = "d_nummer"
    H_NUMMER = "h_nummer"  # month + 40
    SYNTHETIC = "synthetic"  # Tenor test number: month + 80 (``ParsedId.d_number`` says whether day + 40 too)


class InvalidId(ValueError):
    """A number that is not a valid identity number; ``reason`` says why, in English.

    The message leaves the number out, so an exception that reaches a log does not carry a fødselsnummer;
    the number is kept in ``value`` for the caller that shows it back to the person who typed it.
    """

    def __init__(self, value: str, reason: str) -> None:
        super().__init__(f"invalid identity number: {reason}")
        self.value, self.reason = value, reason


@dataclass(frozen=True)
class ParsedId:
    value: str  # the 11 digits, spaces removed
    kind: IdKind
    birth_date: date
    sex: Sex | None  # None for numbers accepted under the 2032 rule, which are sex-neutral
    synthetic: bool
    d_number: bool  # day + 40, also for synthetic numbers in D form


def parse(value: str, *, allow_2032_rule: bool | None = None) -> ParsedId:
    """Validate a Norwegian identity number and read its birth date and sex; raise ``InvalidId`` saying why.

    ``allow_2032_rule``: None (on from 1 January 2032), True or False; see the module docstring.
    """
    text = "".join(value.split())
    # isascii: str.isdigit() also accepts digits such as "²" or full-width "１", which are not a number here
    if len(text) != 11 or not (text.isascii() and text.isdigit()):
        raise InvalidId(value, "must be 11 digits")
    digits = [int(c) for c in text]
    post_2032 = False
    failure = _classic_check_failure(digits)
    if failure is not None:
        if not (_rule_2032_on(allow_2032_rule) and _passes_2032_rule(digits)):
            raise InvalidId(value, failure)
        post_2032 = True
    kind, d_number, born = _read_date(value, text)
    if born > clock.today():
        raise InvalidId(value, f"birth date {born.isoformat()} is in the future")
    sex: Sex | None = None if post_2032 else ("male" if digits[8] % 2 else "female")
    return ParsedId(
        value=text,
        kind=kind,
        birth_date=born,
        sex=sex,
        synthetic=kind == IdKind.SYNTHETIC,
        d_number=d_number,
    )


def is_synthetic(value: str) -> bool:
    """Whether ``value`` is a valid synthetic test number (month + 80); False for anything invalid."""
    try:
        return parse(value).synthetic
    except InvalidId:
        return False


def generate_synthetic(rng: random.Random, birth_date: date, sex: Sex, *, d_number: bool = False) -> str:
    """A valid Tenor-style synthetic number (month + 80) for the birth date and sex; never a real person's.

    The individnummer is drawn from the range that gives the birth year's century (for 1940-1999 both 000-499
    and 900-999), odd for men and even for women; one whose check digit would be 10 is skipped, as the
    registry does. The same ``rng`` state gives the same number.
    """
    if sex not in ("female", "male"):
        raise ValueError(f"sex must be 'female' or 'male', not {sex!r}")
    candidates = _individ_candidates(birth_date.year, sex == "male")
    day = birth_date.day + (40 if d_number else 0)
    head = f"{day:02d}{birth_date.month + 80:02d}{birth_date.year % 100:02d}"
    for _ in range(1000):
        nine = [int(c) for c in f"{head}{rng.choice(candidates):03d}"]
        k1 = _check_digit(nine, W1)
        k2 = None if k1 is None else _check_digit([*nine, k1], W2)
        if k1 is not None and k2 is not None:
            return "".join(map(str, [*nine, k1, k2]))
    # each try fails about 1 time in 5, so a thousand failures in a row does not happen
    raise RuntimeError("could not generate a synthetic number")  # pragma: no cover


def _remainder(digits: Sequence[int], weights: Sequence[int]) -> int:
    return sum(d * w for d, w in zip(digits, weights, strict=True)) % 11


def _check_digit(digits: Sequence[int], weights: Sequence[int]) -> int | None:
    """The check digit that makes the weighted sum divisible by 11; None when that would be 10."""
    result = (11 - _remainder(digits, weights)) % 11
    return None if result == 10 else result


def _classic_check_failure(digits: Sequence[int]) -> str | None:
    """Why the classic mod-11 check fails, naming the expected digit; None when it passes."""
    k1 = _check_digit(digits[:9], W1)
    if k1 is None:
        return "no valid check digit 1 exists for this number"
    if k1 != digits[9]:
        return f"check digit 1 should be {k1}"
    k2 = _check_digit(digits[:10], W2)
    if k2 is None:
        return "no valid check digit 2 exists for this number"
    if k2 != digits[10]:
        return f"check digit 2 should be {k2}"
    return None


def _rule_2032_on(allow: bool | None) -> bool:
    return allow if allow is not None else clock.today() >= RULE_2032_FROM


def _passes_2032_rule(digits: Sequence[int]) -> bool:
    """Both weighted sums, each check digit weighted 1, leave a remainder of 0-3 (project assumption)."""
    r1 = _remainder(digits[:10], (*W1, 1))
    r2 = _remainder(digits, (*W2, 1))
    return r1 in ACCEPTED_2032_REMAINDERS and r2 in ACCEPTED_2032_REMAINDERS


def _century(individ: int, yy: int) -> int | None:
    """The century from the individnummer table of DOMAIN.md §10.1; None when no row matches."""
    if individ <= 499:
        return 1900
    if individ <= 749 and yy >= 54:
        return 1800
    if individ >= 900 and yy >= 40:
        return 1900
    if yy <= 39:
        return 2000
    return None


def _read_date(raw: str, text: str) -> tuple[IdKind, bool, date]:
    """Kind, D-number flag and birth date from the first nine digits, undoing the day and month offsets."""
    day, month, yy, individ = int(text[0:2]), int(text[2:4]), int(text[4:6]), int(text[6:9])
    d_number = day > 40
    kind = IdKind.D_NUMMER if d_number else IdKind.FODSELSNUMMER
    if month > 80:
        kind, month = IdKind.SYNTHETIC, month - 80
        month_note = f" (synthetic month {month})"
    elif month > 40:
        kind, month = IdKind.H_NUMMER, month - 40
        month_note = f" (H-nummer month {month})"
    else:
        month_note = ""
    if not 1 <= month <= 12:
        raise InvalidId(raw, f"month {text[2:4]}{month_note} is not a valid month")
    century = _century(individ, yy)
    if century is None:
        raise InvalidId(raw, f"individnummer {individ:03d} with year {yy:02d} gives no valid century")
    day_note = ""
    if d_number:
        day -= 40
        day_note = f" (D-nummer day {day})"
    try:
        born = date(century + yy, month, day)
    except ValueError:
        reason = f"day {text[0:2]}{day_note} is not a valid day in {century + yy}-{month:02d}"
        raise InvalidId(raw, reason) from None
    return kind, d_number, born


@cache
def _individ_candidates(year: int, male: bool) -> tuple[int, ...]:
    """Individnummer that give ``year``'s century, with the sex's parity (9th digit odd for men)."""
    if 1854 <= year <= 1899:
        ranges = [range(500, 750)]
    elif 1900 <= year <= 1939:
        ranges = [range(0, 500)]
    elif 1940 <= year <= 1999:
        ranges = [range(0, 500), range(900, 1000)]
    elif 2000 <= year <= 2039:
        ranges = [range(500, 1000)]
    else:
        raise ValueError(f"no individnummer range for birth year {year} (numbers cover 1854-2039)")
    return tuple(i for r in ranges for i in r if i % 2 == male)
