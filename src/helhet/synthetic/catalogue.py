"""The units pathways run through, as index arrays: each health trust's TSB units and each municipality's services.

For Parquet output the units are the seed catalogue (``reference.units``), numbered 1.. in the order
``helhet init`` loads them, and written as ``unit.parquet`` so the atlas can read the folder on its own. For a
database the units are read from the ``unit`` table (ids as they are there); a unit that is missing or inactive
is left out and its work goes to the health trust's outpatient clinic (or is not generated, for municipal roles).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from helhet import reference
from helhet.reference import units as unit_catalogue
from helhet.reference.units import CareLevel, UnitKind
from helhet.synthetic.population import geography

#: TSB unit suffixes per health trust (``tsb-<hf>-<suffix>``)
HF_SUFFIXES = ("vurd", "poli", "avrus", "dogn", "lar", "fact")
#: municipal unit suffixes per municipality (``kom-<number>-<suffix>``)
MUNICIPAL_SUFFIXES = ("rus", "nav", "bolig", "ke", "lege")
LEVEL_SUFFIX = {
    CareLevel.DETOX: "avrus",
    CareLevel.OUTPATIENT: "poli",
    CareLevel.AMBULANT: "fact",
    CareLevel.DAY: "poli",
    CareLevel.INPATIENT_SHORT: "dogn",
    CareLevel.INPATIENT_LONG: "dogn",
    CareLevel.USER_CONTROLLED_BED: "dogn",
    CareLevel.LAR: "lar",
}


@dataclass(frozen=True)
class UnitRow:
    id: int
    code: str
    name: str
    kind: str
    health_trust_code: str | None
    region_code: str | None
    municipality_number: str | None
    levels: tuple[str, ...]


@dataclass
class UnitIndex:
    rows: list[UnitRow]
    municipalities: tuple[str, ...]
    by_code: dict[str, UnitRow] = field(init=False)
    hf: dict[str, npt.NDArray[np.int64]] = field(init=False)  # suffix → unit id per hf index (-1: none)
    municipal: dict[str, npt.NDArray[np.int64]] = field(init=False)  # suffix → unit id per municipality index
    private: dict[tuple[str, CareLevel], npt.NDArray[np.int64]] = field(init=False)  # (region, level) → ids

    def __post_init__(self) -> None:
        self.by_code = {r.code: r for r in self.rows}
        geo = geography()
        self.hf = {s: np.array([self._id(f"tsb-{hf}-{s}") for hf in geo.hf_codes], dtype=np.int64) for s in HF_SUFFIXES}
        # a trust without an ambulant team does ambulant work from its outpatient clinic
        self.hf["fact"] = np.where(self.hf["fact"] < 0, self.hf["poli"], self.hf["fact"])
        for suffix in ("avrus", "dogn", "lar"):
            self.hf[suffix] = np.where(self.hf[suffix] < 0, self.hf["poli"], self.hf[suffix])
        missing = [geo.hf_codes[i] for i in np.flatnonzero((self.hf["vurd"] < 0) | (self.hf["poli"] < 0))]
        if missing:
            raise ValueError(f"no active assessment unit or outpatient clinic for {', '.join(missing)}")
        self.municipal = {
            s: np.array([self._id(f"kom-{m}-{s}") for m in self.municipalities], dtype=np.int64)
            for s in MUNICIPAL_SUFFIXES
        }
        self.private = {}
        for row in self.rows:
            if row.kind != UnitKind.PRIVATE_PROVIDER or row.region_code is None:
                continue
            for level in row.levels:
                key = (row.region_code, CareLevel(level))
                self.private[key] = np.append(self.private.get(key, np.empty(0, dtype=np.int64)), row.id)

    def _id(self, code: str) -> int:
        row = self.by_code.get(code)
        return row.id if row is not None else -1

    def ids_of(self, codes: Iterable[str]) -> npt.NDArray[np.int64]:
        return np.array([self._id(c) for c in codes if self._id(c) >= 0], dtype=np.int64)

    def as_arrow(self) -> dict[str, pa.Array]:
        rows = self.rows
        return {
            "id": pa.array([r.id for r in rows], pa.int64()),
            "code": pa.array([r.code for r in rows]),
            "name": pa.array([r.name for r in rows]),
            "kind": pa.array([r.kind for r in rows]),
            "health_trust_code": pa.array([r.health_trust_code for r in rows], pa.string()),
            "region_code": pa.array([r.region_code for r in rows], pa.string()),
            "municipality_number": pa.array([r.municipality_number for r in rows], pa.string()),
            "levels": pa.array([list(r.levels) for r in rows], pa.list_(pa.string())),
            "active": pa.array([True] * len(rows)),
            "version": pa.array([1] * len(rows), pa.int64()),
        }


def municipality_numbers() -> tuple[str, ...]:
    return tuple(reference.municipalities())


def from_catalogue() -> UnitIndex:
    """The seed catalogue numbered as ``helhet init`` loads it into an empty database."""
    seeds = list(unit_catalogue.tsb_units())
    for number in municipality_numbers():
        seeds.extend(unit_catalogue.municipal_units(number))
    rows = [
        UnitRow(
            i + 1,
            s.code,
            s.name,
            s.kind.value,
            s.hf_code,
            s.rhf_code,
            s.kommunenummer,
            tuple(level.value for level in s.levels),
        )
        for i, s in enumerate(seeds)
    ]
    return UnitIndex(rows, municipality_numbers())


def from_rows(rows: Iterable[tuple[int, str, str, str, str | None, str | None, str | None, list[str]]]) -> UnitIndex:
    """Units read from the database: (id, code, name, kind, hf, region, municipality, levels)."""
    return UnitIndex(
        [UnitRow(r[0], r[1], r[2], str(r[3]), r[4], r[5], r[6], tuple(r[7] or ())) for r in rows],
        municipality_numbers(),
    )
