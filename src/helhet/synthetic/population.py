"""Who is referred: residence, age and sex drawn from the population, weighted by how often each group uses TSB.

The cells are SSB's population on 1 January by municipality (and city district where the file has districts),
sex and 5-year age group (reference/data/befolkning_kjonn_5arsgrupper_2015_2026.csv, read with pyarrow). Each
cell's weight is its population times the TSB-use rate of its age and sex (``calibration.AGE_RATE``,
``MALE_RATE_RATIO``) times the scenario's ``referral_rate_multiplier`` for its referral area. Residents of a
municipality with districts whose district is unknown (the municipality total minus its districts) get no
district; in Oslo they belong to the OUS area, as ``reference.geography.referral_area_for`` says.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from helhet import reference
from helhet.synthetic import calibration as cal
from helhet.synthetic.scenario import AreaEffects

POPULATION_FILE = "befolkning_kjonn_5arsgrupper_2015_2026.csv"
FIRST_YEAR, LAST_YEAR = 2015, 2026


@dataclass(frozen=True)
class Geography:
    """Referral areas, health trusts and regions as index arrays, so persons carry small integers."""

    area_codes: tuple[str, ...]
    hf_codes: tuple[str, ...]
    area_hf: npt.NDArray[np.int64]  # area index → hf index
    area_region: tuple[str, ...]  # area index → region code


@cache
def geography() -> Geography:
    areas = reference.referral_areas()
    hf_codes = tuple(dict.fromkeys(a.hf_code for a in areas))
    return Geography(
        area_codes=tuple(a.code for a in areas),
        hf_codes=hf_codes,
        area_hf=np.array([hf_codes.index(a.hf_code) for a in areas], dtype=np.int64),
        area_region=tuple(a.rhf_code for a in areas),
    )


@dataclass(frozen=True)
class Cells:
    """One row per (residence, sex, age group) with its population."""

    municipality: tuple[str, ...]  # per residence
    district: tuple[str | None, ...]  # per residence
    residence_area: npt.NDArray[np.int64]  # per residence
    residence: npt.NDArray[np.int64]  # per cell → residence index
    male: npt.NDArray[np.bool_]
    age_low: npt.NDArray[np.int64]
    population: npt.NDArray[np.float64]


@cache
def _table(year: int) -> pa.Table:
    with resources.files("helhet.reference").joinpath("data", POPULATION_FILE).open("rb") as fh:
        table = pa_csv.read_csv(
            fh, convert_options=pa_csv.ConvertOptions(column_types={"kode": pa.string(), "aar": pa.int32()})
        )
    return table.filter(pc.equal(table["aar"], year))


@cache
def cells(year: int) -> Cells:
    """The population cells of one year (clipped to the years in the file)."""
    table = _table(min(max(year, FIRST_YEAR), LAST_YEAR))
    level = table["nivaa"].to_numpy(zero_copy_only=False)
    code = table["kode"].to_numpy(zero_copy_only=False)
    male = table["kjonn"].to_numpy(zero_copy_only=False) == "mann"
    group = table["aldersgruppe"].to_numpy(zero_copy_only=False)
    age_low = np.array([int(g[:3]) for g in group], dtype=np.int64)
    count = table["personer_1jan"].to_numpy().astype(np.float64)
    municipalities = reference.municipalities()
    district_area = {d.number: d.referral_area_code for d in reference.city_districts()}
    geo = geography()
    area_index = {c: i for i, c in enumerate(geo.area_codes)}

    residences: dict[tuple[str, str | None], int] = {}
    res_muni: list[str] = []
    res_district: list[str | None] = []
    res_area: list[int] = []

    def residence(muni: str, district: str | None) -> int:
        key = (muni, district)
        if key not in residences:
            residences[key] = len(res_muni)
            res_muni.append(muni)
            res_district.append(district)
            area = reference.referral_area_for(muni, district).code
            res_area.append(area_index[area])
        return residences[key]

    out_res: list[int] = []
    out_male: list[bool] = []
    out_age: list[int] = []
    out_pop: list[float] = []
    district_sum: dict[tuple[str, bool, int], float] = {}
    for i in np.flatnonzero(level == "bydel"):
        muni = code[i][:4]
        if code[i] not in district_area or muni not in municipalities:
            continue
        out_res.append(residence(muni, code[i]))
        out_male.append(bool(male[i]))
        out_age.append(int(age_low[i]))
        out_pop.append(count[i])
        key = (muni, bool(male[i]), int(age_low[i]))
        district_sum[key] = district_sum.get(key, 0.0) + count[i]
    for i in np.flatnonzero(level == "kommune"):
        muni = code[i]
        if muni not in municipalities:
            continue
        rest = count[i] - district_sum.get((muni, bool(male[i]), int(age_low[i])), 0.0)
        if rest <= 0:
            continue
        out_res.append(residence(muni, None))
        out_male.append(bool(male[i]))
        out_age.append(int(age_low[i]))
        out_pop.append(rest)
    return Cells(
        municipality=tuple(res_muni),
        district=tuple(res_district),
        residence_area=np.array(res_area, dtype=np.int64),
        residence=np.array(out_res, dtype=np.int64),
        male=np.array(out_male, dtype=bool),
        age_low=np.array(out_age, dtype=np.int64),
        population=np.array(out_pop, dtype=np.float64),
    )


@dataclass(frozen=True)
class Sampler:
    cells: Cells
    probability: npt.NDArray[np.float64]
    cumulative: npt.NDArray[np.float64]

    def draw(self, rng: np.random.Generator, n: int) -> npt.NDArray[np.int64]:
        """Cell indices of ``n`` persons."""
        return np.searchsorted(self.cumulative, rng.random(n) * self.cumulative[-1], side="right")


def sampler(year: int, region: str | None, effects: AreaEffects) -> Sampler:
    """Cell probabilities for persons referred to TSB, restricted to a region (None: all Norway)."""
    c = cells(year)
    geo = geography()
    ages = sorted(cal.AGE_RATE)
    rate_by_age = np.array([cal.AGE_RATE[a] for a in ages])
    age_rate = np.zeros(c.age_low.size)
    known = np.isin(c.age_low, ages)
    age_rate[known] = rate_by_age[np.searchsorted(ages, c.age_low[known])]
    sex_rate = np.where(c.male, cal.MALE_RATE_RATIO, 1.0)
    area = c.residence_area[c.residence]
    multiplier = effects.values["referral_rate_multiplier"][area]
    weight = c.population * age_rate * sex_rate * multiplier
    if region is not None:
        in_region = np.array([geo.area_region[a] == region for a in range(len(geo.area_codes))])
        weight = weight * in_region[area]
    if weight.sum() <= 0:
        raise ValueError(f"no population to draw from in region {region!r}")
    return Sampler(c, weight / weight.sum(), np.cumsum(weight))
