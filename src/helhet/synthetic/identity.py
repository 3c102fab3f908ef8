"""Synthetic identities for whole arrays of persons: test fødselsnummer (month + 80) and made-up names.

``helhet.persons.fodselsnummer.generate_synthetic`` makes one number at a time in Python; a million persons need
the same mod-11 rule over arrays (DOMAIN.md §10.1). Every number made here passes
``fodselsnummer.parse`` as a synthetic number with the person's birth date and sex
(tests/synthetic/test_identity.py), and no number is handed out twice in a run.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from helhet.persons.fodselsnummer import W1, W2
from helhet.synthetic.calendar import Days, years_and_months

MAX_ROUNDS = 200


FIRST_BIRTH_DAY = -25_567  # 1900-01-01 as days since 1970-01-01
LAST_BIRTH_DAY = 25_202  # 2038-12-31


class Registry:
    """The numbers already handed out, as one flag per (birth date, individnummer), so none is handed out twice.

    Only synthetic numbers (month + 80) can collide with the ones made here; real numbers have other months.
    """

    def __init__(self) -> None:
        self.taken = np.zeros((LAST_BIRTH_DAY - FIRST_BIRTH_DAY + 1) * 1000, dtype=bool)

    def key(self, birth: Days, individ: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        return (birth - FIRST_BIRTH_DAY) * 1000 + individ

    def add_numbers(self, numbers: list[str]) -> None:
        """Mark synthetic numbers already registered (a database being added to)."""
        synthetic = [n for n in numbers if len(n) == 11 and n.isdigit() and int(n[2:4]) > 80]
        if not synthetic:
            return
        digits = np.array([[int(c) for c in n[:9]] for n in synthetic], dtype=np.int64)
        day = (digits[:, 0] * 10 + digits[:, 1]) % 40
        month = digits[:, 2] * 10 + digits[:, 3] - 80
        yy = digits[:, 4] * 10 + digits[:, 5]
        individ = digits[:, 6] * 100 + digits[:, 7] * 10 + digits[:, 8]
        year = np.where(individ >= 500, np.where(yy <= 39, 2000, 1900), 1900) + yy
        valid = (month >= 1) & (month <= 12) & (day >= 1) & ((individ < 500) | (yy <= 39))
        born = (
            np.array(
                [np.datetime64(f"{y:04d}-{m:02d}-01") for y, m in zip(year[valid], month[valid], strict=True)],
                dtype="datetime64[D]",
            ).astype(np.int64)
            + day[valid]
            - 1
        )
        inside = (born >= FIRST_BIRTH_DAY) & (born <= LAST_BIRTH_DAY)
        self.taken[self.key(born[inside], individ[valid][inside])] = True


def _check_digit(digits: npt.NDArray[np.int64], weights: tuple[int, ...]) -> npt.NDArray[np.int64]:
    """Check digit per row; -1 where no digit is possible (the remainder gives 10)."""
    result = 11 - (digits @ np.array(weights, dtype=np.int64)) % 11
    result = np.where(result == 11, 0, result)
    return np.where(result == 10, -1, result)


def _individ(
    rng: np.random.Generator, year: npt.NDArray[np.int64], male: npt.NDArray[np.bool_]
) -> npt.NDArray[np.int64]:
    """An individnummer in the range that gives the birth year's century, odd for men and even for women."""
    low = np.where(year >= 2000, 500, 0)
    pick = rng.integers(0, 250, size=year.size)
    return low + 2 * pick + male.astype(np.int64)


def synthetic_numbers(
    rng: np.random.Generator, birth: Days, male: npt.NDArray[np.bool_], registry: Registry
) -> pa.StringArray:
    """One valid synthetic fødselsnummer per person, unique within ``registry`` (which learns them)."""
    year, month, day = years_and_months(birth)
    if birth.size and (birth.min() < FIRST_BIRTH_DAY or birth.max() > LAST_BIRTH_DAY):
        raise ValueError("birth dates must be in 1900-2038 for synthetic numbers")
    n = birth.size
    head6 = np.stack([day // 10, day % 10, (month + 80) // 10, (month + 80) % 10, (year % 100) // 10, year % 10], 1)
    individ = np.zeros(n, dtype=np.int64)
    k1 = np.zeros(n, dtype=np.int64)
    k2 = np.zeros(n, dtype=np.int64)
    todo = np.arange(n)
    for _ in range(MAX_ROUNDS):
        individ[todo] = _individ(rng, year[todo], male[todo])
        digits = np.concatenate(
            [head6[todo], np.stack([individ[todo] // 100, individ[todo] // 10 % 10, individ[todo] % 10], 1)], 1
        )
        k1[todo] = _check_digit(digits, W1)
        k2[todo] = _check_digit(np.concatenate([digits, np.maximum(k1[todo], 0)[:, None]], 1), W2)
        candidates = todo[(k1[todo] >= 0) & (k2[todo] >= 0)]
        keys = registry.key(birth[candidates], individ[candidates])
        free = ~registry.taken[keys]
        candidates, keys = candidates[free], keys[free]
        _, first = np.unique(keys, return_index=True)  # the first holder of a number in this batch keeps it
        registry.taken[keys[first]] = True
        done = np.zeros(n, dtype=bool)
        done[candidates[first]] = True
        todo = todo[~done[todo]]
        if todo.size == 0:
            break
    else:  # pragma: no cover - needs hundreds of persons born on one day
        raise RuntimeError("could not find unused synthetic numbers; too many persons share a birth date")
    heads = (head6 @ (10 ** np.arange(5, -1, -1, dtype=np.int64))) * 1000 + individ
    return _as_strings(heads * 100 + k1 * 10 + k2, 11)


def _as_strings(values: npt.NDArray[np.int64], width: int) -> pa.StringArray:
    """Zero-padded decimal strings of a fixed width, built straight into an Arrow buffer."""
    n = values.size
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    chars = ((values[:, None] // powers) % 10 + ord("0")).astype(np.uint8)
    offsets = np.arange(0, width * n + 1, width, dtype=np.int32)
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(chars.tobytes())])


# Names are built from common Norwegian-looking given and family names, combined at random: never a real person.
GIVEN_FEMALE = (
    "Anne", "Inger", "Kari", "Marit", "Ingrid", "Liv", "Eva", "Berit", "Astrid", "Bjørg", "Hilde", "Anna",
    "Solveig", "Marianne", "Randi", "Ida", "Nina", "Maria", "Elisabeth", "Kristin", "Tone", "Silje", "Camilla",
    "Heidi", "Hanne", "Ragnhild", "Julie", "Stine", "Emma", "Nora", "Sara", "Thea", "Ingvild", "Tonje", "Mona",
    "Linda", "Siri", "Line", "Marte", "Maja", "Hege", "Guro", "Vilde", "Sofie", "Mari", "Trine", "Karoline",
    "Malin", "Lene", "Helene",
)  # fmt: skip
GIVEN_MALE = (
    "Jan", "Per", "Bjørn", "Ole", "Lars", "Kjell", "Knut", "Arne", "Svein", "Thomas", "Hans", "Geir", "Tor",
    "Morten", "Terje", "Odd", "Erik", "Martin", "Andreas", "John", "Anders", "Rune", "Trond", "Tore", "Jon",
    "Kristian", "Stian", "Espen", "Magnus", "Daniel", "Even", "Jonas", "Sindre", "Eirik", "Henrik", "Marius",
    "Kim", "Fredrik", "Håkon", "Sander", "Vegard", "Tommy", "Ørjan", "Kenneth", "Frode", "Roger", "Ståle",
    "Aksel", "Emil", "Sigurd",
)  # fmt: skip
FAMILY = (
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen", "Jensen",
    "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen", "Johannessen", "Andreassen",
    "Jacobsen", "Dahl", "Jørgensen", "Halvorsen", "Henriksen", "Lund", "Sørensen", "Jakobsen", "Moen",
    "Gundersen", "Iversen", "Strand", "Solberg", "Svendsen", "Eide", "Knutsen", "Martinsen", "Paulsen",
    "Bakken", "Kristoffersen", "Mathisen", "Lie", "Amundsen", "Rasmussen", "Lunde", "Solheim", "Berge", "Moe",
    "Nygård", "Bakke", "Fredriksen", "Holm", "Lien", "Hauge", "Knudsen", "Evensen", "Sæther", "Aas", "Myhre",
    "Haugland", "Thomassen", "Sivertsen", "Simonsen", "Danielsen", "Berntsen", "Sandvik", "Rønning",
    "Arnesen", "Næss", "Vik", "Haug", "Ellingsen", "Thorsen", "Birkeland", "Isaksen", "Ruud", "Strøm",
    "Tangen", "Ødegård", "Helland", "Bøe", "Aune", "Tveit", "Brekke",
)  # fmt: skip
#: for persons whose preferred language is not Norwegian: a few neutral given and family names
GIVEN_OTHER_FEMALE = ("Amina", "Fatima", "Leila", "Agnieszka", "Olena", "Hodan", "Sara", "Mariam", "Nadia", "Elena")
GIVEN_OTHER_MALE = ("Ahmed", "Omar", "Tomasz", "Andrii", "Yusuf", "Ali", "Piotr", "Dawit", "Hassan", "Mikael")
FAMILY_OTHER = ("Ali", "Hassan", "Nowak", "Kowalski", "Mohamed", "Ahmadi", "Bondarenko", "Tesfaye", "Yilmaz", "Haile")


def _draw(rng: np.random.Generator, male: npt.NDArray[np.bool_], n_female: int, n_male: int) -> npt.NDArray[np.int64]:
    u = rng.random(male.size)
    return np.where(male, (u * n_male).astype(np.int64), (u * n_female).astype(np.int64))


def names(
    rng: np.random.Generator, male: npt.NDArray[np.bool_], foreign: npt.NDArray[np.bool_]
) -> tuple[pa.StringArray, pa.StringArray]:
    """Given and family names; about one in four Norwegian-named persons has a double given name."""
    n = male.size
    female_names = pa.array(GIVEN_FEMALE + GIVEN_OTHER_FEMALE)
    male_names = pa.array(GIVEN_MALE + GIVEN_OTHER_MALE)
    own = _draw(rng, male, len(GIVEN_FEMALE), len(GIVEN_MALE))
    other = _draw(rng, male, len(GIVEN_OTHER_FEMALE), len(GIVEN_OTHER_MALE))
    other += np.where(male, len(GIVEN_MALE), len(GIVEN_FEMALE))
    first = np.where(foreign, other, own)
    second = _draw(rng, male, len(GIVEN_FEMALE), len(GIVEN_MALE))
    double = ~foreign & (rng.random(n) < 0.25) & (second != own)
    is_male = pa.array(male)

    def given_of(index: npt.NDArray[np.int64]) -> pa.StringArray:
        picked = pa.array(index)
        return pc.if_else(is_male, male_names.take(picked), female_names.take(picked))

    first_names = given_of(first)
    given = pc.if_else(pa.array(double), pc.binary_join_element_wise(first_names, given_of(second), " "), first_names)
    family_pick = np.where(
        foreign, len(FAMILY) + rng.integers(0, len(FAMILY_OTHER), size=n), rng.integers(0, len(FAMILY), size=n)
    )
    return given, pa.array(FAMILY + FAMILY_OTHER).take(pa.array(family_pick))


@cache
def _staff_pool() -> pa.StringArray:
    rng = np.random.default_rng(20_041)
    given, family = names(rng, rng.random(STAFF_POOL) < 0.4, np.zeros(STAFF_POOL, dtype=bool))
    return pc.binary_join_element_wise(given, family, " ")


STAFF_POOL = 4_000


def full_names(rng: np.random.Generator, n: int) -> pa.StringArray:
    """``Given Family`` names for staff without a user account, from a fixed pool of made-up names."""
    return _staff_pool().take(pa.array(rng.integers(0, STAFF_POOL, size=n)))
