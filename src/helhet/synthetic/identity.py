"""Synthetic identities for whole arrays of persons: test fødselsnummer (month + 80) and made-up names.

``helhet.persons.fodselsnummer.generate_synthetic`` makes one number at a time in Python; millions of persons
need the same mod-11 rule over arrays (DOMAIN.md §10.1). Every number made here passes ``fodselsnummer.parse``
as a synthetic number with the person's birth date and sex (tests/synthetic/test_identity*.py), and no number is
handed out twice in a run.

Space per birth date and sex: the individnummer ranges valid for the birth year (000-499 for 1900-1939, 000-499
and 900-999 for 1940-1999, 500-999 from 2000), of the sex's parity, less the ~17 % whose check digit would be
10: about 207 numbers (248 for 1940-1999). A few random draws place nearly everyone; the rest get a seeded
random pick among the free numbers of their date and sex, and only when the fødselsnummer form of a date is
full a synthetic D-nummer (day + 40 as well as month + 80), which has a space of its own. All numbers follow
the classic (pre-2032) check, which the parser accepts for every year, so sex can be read back from them.

Both forms together hold about 410 persons of one sex a date (495 for 1940-1999), while 8 M persons put
about 430 men a day on the busiest years around 1990, and over 500 on single days. ``spread_births`` therefore
moves a person whose date and sex is full to the nearest date with a free number (a day earlier, a day later,
two days earlier ...) before numbers are drawn, so a run is limited by the space of a stretch of dates rather
than by its busiest day. It draws nothing at random, so runs whose dates all have room are unchanged.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from helhet.persons.fodselsnummer import W1, W2
from helhet.synthetic.calendar import Days, from_days, years_and_months

RANDOM_ROUNDS = 6  # random draws before the rest are placed among the free numbers of their date
CELLS_PER_CHUNK = 2_048  # (birth date, sex) cells placed at a time: bounds the free-number matrix (~40 MB)

FIRST_BIRTH_DAY = -25_567  # 1900-01-01 as days since 1970-01-01
LAST_BIRTH_DAY = 25_202  # 2038-12-31
FORMS = 2  # 0: fødselsnummer form, 1: D-nummer form (day + 40); both with month + 80
SLOTS = 1_000  # individnummer 000-999
MAX_PICKS = 300  # individnummer of one parity valid for a birth year (300 for 1940-1999, else 250)
DAYS = LAST_BIRTH_DAY - FIRST_BIRTH_DAY + 1  # birth dates a registry covers
MAX_SHIFT_DAYS = 183  # how far spread_births may move a birth date: half a year keeps the age group nearly always
Ints = npt.NDArray[np.int64]


class Registry:
    """The numbers already handed out, one flag per (birth date, form, individnummer), so none is handed out twice.

    Only synthetic numbers (month + 80) can collide with the ones made here; real numbers have other months.
    The D-nummer form (day + 40) has its own flags: 01.81.90 and 41.81.90 with the same individnummer differ.
    """

    def __init__(self) -> None:
        self.taken = np.zeros(DAYS * FORMS * SLOTS, dtype=bool)
        self.used = np.zeros((DAYS, 2), dtype=np.int32)  # numbers handed out per (birth date, sex), both forms

    def key(
        self, birth: Days, individ: npt.NDArray[np.int64], d_form: npt.NDArray[np.bool_] | bool = False
    ) -> npt.NDArray[np.int64]:
        form = np.asarray(d_form, dtype=np.int64)
        return ((np.asarray(birth) - FIRST_BIRTH_DAY) * FORMS + form) * SLOTS + individ

    def add_numbers(self, numbers: list[str]) -> None:
        """Mark synthetic numbers already registered (a database being added to), in both forms."""
        synthetic = [n for n in numbers if len(n) == 11 and n.isascii() and n.isdigit() and n[2] in "89"]
        if not synthetic:
            return
        digits = np.frombuffer("".join(synthetic).encode("ascii"), dtype=np.uint8).reshape(-1, 11).astype(np.int64)
        digits -= ord("0")
        raw_day = digits[:, 0] * 10 + digits[:, 1]
        d_form = raw_day > 40
        day = raw_day - 40 * d_form
        month = digits[:, 2] * 10 + digits[:, 3] - 80
        yy = digits[:, 4] * 10 + digits[:, 5]
        individ = digits[:, 6] * 100 + digits[:, 7] * 10 + digits[:, 8]
        century = np.select(
            [individ <= 499, (individ <= 749) & (yy >= 54), (individ >= 900) & (yy >= 40), yy <= 39],
            [1900, 1800, 1900, 2000],
            -1,
        )
        valid = (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31) & (century > 0)
        months = (century + yy - 1970) * 12 + month - 1
        born = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) + day - 1
        valid &= (born >= FIRST_BIRTH_DAY) & (born <= LAST_BIRTH_DAY)
        valid &= years_and_months(born)[2] == day  # not 31 February rolled into March
        self.taken[self.key(born[valid], individ[valid], d_form[valid])] = True
        days = np.unique(born[valid] - FIRST_BIRTH_DAY)  # counted from the flags, so a number given twice counts once
        by_parity = self.taken.reshape(DAYS, FORMS, SLOTS // 2, 2)[days]
        self.used[days] = by_parity.sum(axis=(1, 2), dtype=np.int32)

    def count(self, birth: Days, male: npt.NDArray[np.int64]) -> None:
        np.add.at(self.used, (np.asarray(birth) - FIRST_BIRTH_DAY, male), 1)


@cache
def capacity() -> npt.NDArray[np.int32]:
    """Valid synthetic numbers per (birth date, sex) in both forms, shape (DAYS, 2): women in column 0.

    Whether an individnummer gets two check digits depends on the date only through the date digits' weighted
    sums mod 11, so one table of (sum 1, sum 2, range of the year, sex) counts serves every date.
    """
    individ = np.arange(SLOTS)
    r1, r2 = np.arange(11)[:, None, None], np.arange(11)[None, :, None]
    digits = [individ // 100, individ // 10 % 10, individ % 10]
    p1 = sum(w * d for w, d in zip(W1[6:], digits, strict=True))
    p2 = sum(w * d for w, d in zip(W2[6:9], digits, strict=True))
    k1 = (11 - (r1 + p1) % 11) % 11
    k2 = (11 - (r2 + p2 + W2[9] * k1) % 11) % 11
    valid = (k1 < 10) & (k2 < 10)  # (11, 11, SLOTS)
    ranges = [individ < 500, (individ < 500) | (individ >= 900), individ >= 500]  # 1900-39, 1940-99, 2000-
    table = np.stack(
        [np.stack([(valid & r & (individ % 2 == sex)).sum(axis=2) for sex in (0, 1)], axis=-1) for r in ranges],
        axis=2,
    )  # (11, 11, 3, 2)
    days = np.arange(FIRST_BIRTH_DAY, LAST_BIRTH_DAY + 1)
    year, month, day = years_and_months(days)
    era = np.select([year < 1940, year < 2000], [0, 1], 2)
    total = np.zeros((DAYS, 2), dtype=np.int32)
    for form in range(FORMS):
        h1, h2 = _date_sums(day + 40 * form, month, year)
        total += table[h1, h2, era].astype(np.int32)
    return total


def _date_digits(day: Ints, month: Ints, year: Ints) -> list[Ints]:
    """The six date digits of a synthetic number (month + 80); ``day`` includes any D offset."""
    synthetic_month, yy = month + 80, year % 100
    return [day // 10, day % 10, synthetic_month // 10, synthetic_month % 10, yy // 10, yy % 10]


def _date_sums(day: Ints, month: Ints, year: Ints) -> tuple[Ints, Ints]:
    """The date digits' parts of the two weighted sums, mod 11."""
    parts = _date_digits(day, month, year)
    s1 = sum((w * p for w, p in zip(W1[:6], parts, strict=True)), np.zeros((), dtype=np.int64))
    s2 = sum((w * p for w, p in zip(W2[:6], parts, strict=True)), np.zeros((), dtype=np.int64))
    return s1 % 11, s2 % 11


def spread_births(birth: Days, male: npt.NDArray[np.bool_], registry: Registry) -> Days:
    """Birth dates with every person on a date and sex that has room; the others moved to the nearest that has.

    The persons a date cannot hold (the last of the batch on it) try one day earlier, one later, two earlier and
    so on up to ``MAX_SHIFT_DAYS``; no random draw, so the same batch and registry give the same dates. Raises
    ``RuntimeError`` when a person finds no room that close.
    """
    if birth.size and (birth.min() < FIRST_BIRTH_DAY or birth.max() > LAST_BIRTH_DAY):
        raise ValueError("birth dates must be in 1900-2038 for synthetic numbers")
    cell = (birth - FIRST_BIRTH_DAY) * 2 + male.astype(np.int64)
    room = (capacity() - registry.used).ravel().astype(np.int64)
    over = _beyond_room(cell, room)
    if not over.any():
        return birth
    room -= np.bincount(cell[~over], minlength=room.size)
    movers = np.flatnonzero(over)
    moved = birth.copy()
    for step in range(1, MAX_SHIFT_DAYS + 1):
        for shift in (-step, step):
            target = cell[movers] + 2 * shift
            inside = np.flatnonzero((target >= 0) & (target < room.size))
            placed = inside[~_beyond_room(target[inside], room)]
            room -= np.bincount(target[placed], minlength=room.size)
            moved[movers[placed]] += shift
            movers = np.delete(movers, placed)
            if movers.size == 0:
                return moved
    first = from_days(int(birth[movers[0]])).isoformat()
    raise RuntimeError(f"no synthetic numbers left within {MAX_SHIFT_DAYS} days of birth date {first}")


def _beyond_room(cell: Ints, room: Ints) -> npt.NDArray[np.bool_]:
    """Which persons their cell cannot hold: all after the first ``room[cell]`` of a cell, in batch order."""
    order = np.argsort(cell, kind="stable")
    in_order = cell[order]
    rank = np.empty(cell.size, dtype=np.int64)
    rank[order] = np.arange(cell.size) - np.searchsorted(in_order, in_order)
    return rank >= room[cell]


def _check_digits(day: Ints, month: Ints, year: Ints, individ: Ints) -> tuple[Ints, Ints]:
    """Both check digits (arrays broadcast); 10 where no digit is possible. ``day`` includes any D offset."""
    parts = [*_date_digits(day, month, year), individ // 100, individ // 10 % 10, individ % 10]
    s1: Ints = sum((w * p for w, p in zip(W1, parts, strict=True)), np.zeros((), dtype=np.int64))
    k1: Ints = (11 - s1 % 11) % 11
    s2: Ints = sum((w * p for w, p in zip(W2[:9], parts, strict=True)), W2[9] * k1)
    k2: Ints = (11 - s2 % 11) % 11
    return k1, k2


def _picks(year: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """How many individnummer of one parity give the birth year's century (DOMAIN.md §10.1)."""
    return np.where((year >= 1940) & (year <= 1999), 300, 250)


def _individ(
    pick: npt.NDArray[np.int64], year: npt.NDArray[np.int64], male: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """The ``pick``-th individnummer of the sex's parity (odd for men) in the ranges valid for the year:
    000-499 (1900-1999) or 500-999 (2000-), then 900-999 (1940-1999, picks 250-299)."""
    low = np.where(year >= 2000, 500, 0)
    return np.where(pick < 250, low + 2 * pick, 900 + 2 * (pick - 250)) + male


def synthetic_numbers(
    rng: np.random.Generator, birth: Days, male: npt.NDArray[np.bool_], registry: Registry
) -> pa.StringArray:
    """One valid synthetic fødselsnummer per person, unique within ``registry`` (which learns them).

    Raises ``RuntimeError`` naming the birth date and sex only when both forms of a date are full (about 410
    persons of one sex born on one day, or 495 for 1940-1999).
    """
    year, month, day = years_and_months(birth)
    if birth.size and (birth.min() < FIRST_BIRTH_DAY or birth.max() > LAST_BIRTH_DAY):
        raise ValueError("birth dates must be in 1900-2038 for synthetic numbers")
    n = birth.size
    sex = male.astype(np.int64)
    individ = np.zeros(n, dtype=np.int64)
    d_form = np.zeros(n, dtype=bool)
    todo = np.arange(n)
    for _ in range(RANDOM_ROUNDS):
        if todo.size == 0:
            break
        pick = (rng.random(todo.size) * _picks(year[todo])).astype(np.int64)
        drawn = _individ(pick, year[todo], sex[todo])
        k1, k2 = _check_digits(day[todo], month[todo], year[todo], drawn)
        keys = registry.key(birth[todo], drawn)
        usable = np.flatnonzero((k1 < 10) & (k2 < 10) & ~registry.taken[keys])
        _, first = np.unique(keys[usable], return_index=True)  # the first holder of a number in this batch keeps it
        won = usable[first]
        registry.taken[keys[won]] = True
        individ[todo[won]] = drawn[won]
        left = np.ones(todo.size, dtype=bool)
        left[won] = False
        todo = todo[left]
    if todo.size:
        _place_among_free(rng, todo, birth, sex, registry, individ, d_form)
    registry.count(birth, sex)
    shown_day = day + 40 * d_form
    k1, k2 = _check_digits(shown_day, month, year, individ)
    values = ((shown_day * 100 + month + 80) * 100 + year % 100) * 100_000 + individ * 100 + k1 * 10 + k2
    return _as_strings(values, 11)


def _place_among_free(
    rng: np.random.Generator,
    todo: npt.NDArray[np.int64],
    birth: Days,
    sex: npt.NDArray[np.int64],
    registry: Registry,
    individ: npt.NDArray[np.int64],
    d_form: npt.NDArray[np.bool_],
) -> None:
    """Give each person in ``todo`` a free number of their birth date and sex, filling ``individ``/``d_form``.

    Per (birth date, sex) cell, the free numbers of the fødselsnummer form come first in a seeded random order,
    then those of the D-nummer form; the persons of the cell take them in that order. Vectorised over cells.
    """
    cells, inverse, counts = np.unique(birth[todo] * 2 + sex[todo], return_inverse=True, return_counts=True)
    order = todo[np.argsort(inverse, kind="stable")]
    starts = np.concatenate([[0], np.cumsum(counts)])
    picks = np.arange(MAX_PICKS)
    for c0 in range(0, cells.size, CELLS_PER_CHUNK):
        chunk = cells[c0 : c0 + CELLS_PER_CHUNK]
        c_birth, c_sex = chunk // 2, chunk % 2
        c_year, c_month, c_day = (a[:, None] for a in years_and_months(c_birth))
        number = _individ(picks[None, :], c_year, c_sex[:, None])
        in_range = picks[None, :] < _picks(c_year)
        free, keys = [], []
        for form in (0, 1):
            k1, k2 = _check_digits(c_day + 40 * form, c_month, c_year, number)
            key = registry.key(c_birth[:, None], number, bool(form))
            free.append(in_range & (k1 < 10) & (k2 < 10) & ~registry.taken[key])
            keys.append(key)
        free_all, key_all = np.concatenate(free, axis=1), np.concatenate(keys, axis=1)
        # fødselsnummer form first (0-1), D-nummer form after (1-2), taken numbers last
        rank = rng.random(free_all.shape) + np.repeat([0.0, 1.0], MAX_PICKS)[None, :]
        by_rank = np.argsort(np.where(free_all, rank, np.inf), axis=1)
        need = counts[c0 : c0 + chunk.size]
        short = np.flatnonzero(need > free_all.sum(axis=1))
        if short.size:
            cell = short[0]
            raise RuntimeError(
                f"no unused synthetic numbers left for birth date {from_days(int(c_birth[cell])).isoformat()}, "
                f"sex {'male' if c_sex[cell] else 'female'}: {int(need[cell])} persons, "
                f"{int(free_all[cell].sum())} free numbers in both forms"
            )
        row = np.repeat(np.arange(chunk.size), need)
        within = np.arange(row.size) - np.repeat(starts[c0 : c0 + chunk.size] - starts[c0], need)
        column = by_rank[row, within]
        persons = order[starts[c0] : starts[c0] + row.size]
        individ[persons] = number[row, column % MAX_PICKS]
        d_form[persons] = column >= MAX_PICKS
        registry.taken[key_all[row, column]] = True


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
