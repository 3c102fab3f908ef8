"""What every table module of a run shares: dates, the calendar, units, the scenario, ids and random streams.

Random numbers come from one ``numpy.random.Generator`` per chunk *and* table group, seeded from
``SeedSequence(seed, spawn_key=(chunk, stream))``: the same seed gives the same data whatever writes it, and
adding a table group (a new stream) leaves the other tables as they were.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from helhet.synthetic.calendar import WorkingDays, to_days
from helhet.synthetic.catalogue import UnitIndex
from helhet.synthetic.columns import US_PER_DAY
from helhet.synthetic.identity import Registry
from helhet.synthetic.population import Sampler
from helhet.synthetic.scenario import AreaEffects, Scenario

#: one random stream per table group; never renumber (it would change every run's output)
STREAMS = {
    "persons": 1,
    "pathways": 2,
    "care": 3,
    "relatives": 4,
    "appointments": 5,
    "outreach": 6,
    "owners": 9,
    "mapping": 10,
    "crisis": 11,
    "handovers": 12,
    "vedtak": 13,
    "followup": 14,
    "plans": 15,
    "cooperation": 16,
}


def choice(rng: np.random.Generator, weights: Mapping[Any, float] | Sequence[float], n: int) -> npt.NDArray[np.int64]:
    """``n`` draws of an index, with the given weights (a mapping's values, in its order)."""
    p = np.array(list(weights.values()) if isinstance(weights, Mapping) else weights, dtype=np.float64)
    return np.minimum(np.searchsorted(np.cumsum(p / p.sum()), rng.random(n), side="right"), p.size - 1)


@dataclass
class Ids:
    """The next id per table: above the ids already in the target, assigned in generation order."""

    next: dict[str, int] = field(default_factory=dict)

    def take(self, table: str, n: int) -> npt.NDArray[np.int64]:
        start = self.next.get(table, 1)
        self.next[table] = start + n
        return np.arange(start, start + n, dtype=np.int64)


@dataclass
class Members:
    """Users of each unit (from ``membership``), so some tasks and appointments land in real worklists."""

    offsets: npt.NDArray[np.int64]  # unit id → start in ``users``; offsets[id + 1] - offsets[id] users
    users: npt.NDArray[np.int64]

    @classmethod
    def from_pairs(cls, pairs: list[tuple[int, int]]) -> Members:
        if not pairs:
            return cls(np.zeros(2, dtype=np.int64), np.empty(0, dtype=np.int64))
        ordered = sorted(pairs, key=lambda p: (p[1], p[0]))  # (user_id, unit_id) by unit
        units = np.array([p[1] for p in ordered], dtype=np.int64)
        counts = np.bincount(units, minlength=units.max() + 1)
        offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return cls(offsets, np.array([p[0] for p in ordered], dtype=np.int64))

    def pick(self, rng: np.random.Generator, unit_ids: npt.NDArray[np.int64], share: float) -> npt.NDArray[np.int64]:
        """A member of each unit for about ``share`` of the rows; -1 (nobody) otherwise."""
        n = unit_ids.size
        if self.users.size == 0:
            return np.full(n, -1, dtype=np.int64)
        u = rng.random(n)
        choice = rng.random(n)
        inside = unit_ids < self.offsets.size - 1
        safe = np.where(inside, unit_ids, 0)
        start = self.offsets[safe]
        count = np.where(inside, self.offsets[np.minimum(safe + 1, self.offsets.size - 1)] - start, 0)
        chosen = (u < share) & (count > 0)
        index = start + (choice * np.maximum(count, 1)).astype(np.int64)
        return np.where(chosen, self.users[np.minimum(index, self.users.size - 1)], -1)


@dataclass
class Context:
    seed: int
    as_of: date
    years: int
    scenario: Scenario
    area_effects: AreaEffects
    units: UnitIndex
    sampler: Sampler
    calendar: WorkingDays
    registry: Registry
    ids: Ids
    now_us: int  # no timestamp later than this
    members: Members | None = None
    never_books: npt.NDArray[np.int64] = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    owner_rng: np.random.Generator | None = None  # the chunk's "owners" stream, set by the generator

    def owners(self, unit_ids: npt.NDArray[np.int64], share: float) -> npt.NDArray[np.int64]:
        """A user of each unit as owner for about ``share`` of the rows (databases with members); -1: none."""
        if self.members is None or self.owner_rng is None:
            return np.full(unit_ids.size, -1, dtype=np.int64)
        return self.members.pick(self.owner_rng, unit_ids, share)

    @property
    def today(self) -> int:
        return to_days(self.as_of)

    @property
    def window_start(self) -> int:
        start = self.as_of.replace(day=28) if (self.as_of.month, self.as_of.day) == (2, 29) else self.as_of
        return to_days(start.replace(year=start.year - self.years)) + 1

    def rng(self, chunk: int, stream: str) -> np.random.Generator:
        return np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(chunk, STREAMS[stream])))

    def stamp(self, rng: np.random.Generator, days: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """A UTC timestamp in working hours (06:00-14:00 UTC) on each day, never later than ``now_us``."""
        minutes = rng.integers(6 * 60, 14 * 60, size=days.size)
        return np.minimum(days * US_PER_DAY + minutes * 60_000_000, self.now_us)
