"""Persons and their housing history (tables ``person`` and ``housing_period``).

A person is drawn from the population (``population.py``); the traits that shape their pathways are drawn
here once: main substance, injecting, co-occurring mental illness (ROP), interpreter need and housing. Housing
is one period from before the first referral and, for some, a second from a date in the window; homelessness is
more common with ROP and injecting (``calibration.HOMELESS_*``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from helhet.persons.fodselsnummer import IdKind
from helhet.persons.models import HousingStatus, Sex
from helhet.referrals.models import Substance
from helhet.synthetic import calibration as cal
from helhet.synthetic import columns as col
from helhet.synthetic import identity, texts
from helhet.synthetic.context import Context, choice
from helhet.synthetic.population import geography

TABLES = ("person", "housing_period")
SUBSTANCES = tuple(cal.PRIMARY_SUBSTANCES)
HOUSING = tuple(HousingStatus)
UNSTABLE = np.array([s in (HousingStatus.HOMELESS, HousingStatus.TEMPORARY) for s in HOUSING])
H = {s: i for i, s in enumerate(HOUSING)}
NEVER = np.iinfo(np.int64).max // 4
DAYS_PER_YEAR = 365.25


@dataclass
class Persons:
    n: int
    id: npt.NDArray[np.int64]
    male: npt.NDArray[np.bool_]
    birth: npt.NDArray[np.int64]
    area: npt.NDArray[np.int64]
    hf: npt.NDArray[np.int64]
    municipality: npt.NDArray[np.int64]  # index into UnitIndex.municipalities
    substance: npt.NDArray[np.int64]  # index into SUBSTANCES
    injecting: npt.NDArray[np.bool_]
    rop: npt.NDArray[np.bool_]
    interpreter: npt.NDArray[np.bool_]
    language: pa.Array  # preferred language code
    family_name: pa.Array
    first_referral: npt.NDArray[np.int64]
    created_us: npt.NDArray[np.int64]
    prevalent_lar: npt.NDArray[np.bool_]
    housing_first: npt.NDArray[np.int64]  # index into HOUSING
    housing_change_on: npt.NDArray[np.int64]  # NEVER when no change
    housing_then: npt.NDArray[np.int64]

    def unstable_on(self, person: npt.NDArray[np.int64], day: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        """Homeless or in temporary housing on the day (the atlas's ``homeless``)."""
        changed = day >= self.housing_change_on[person]
        status = np.where(changed, self.housing_then[person], self.housing_first[person])
        return UNSTABLE[status]


def _housing(
    rng: np.random.Generator, rop: npt.NDArray[np.bool_], injecting: npt.NDArray[np.bool_]
) -> npt.NDArray[np.int64]:
    n = rop.size
    homeless = cal.HOMELESS_BASE * np.where(rop, cal.HOMELESS_ROP_RATIO, 1.0)
    homeless = np.minimum(homeless * np.where(injecting, cal.HOMELESS_INJECTING_RATIO, 1.0), 0.4)
    u = rng.random(n)
    status = np.where(rng.random(n) < 0.3, H[HousingStatus.OWN_HOME], H[HousingStatus.RENTED])
    status = np.where(u < homeless * 2 + 0.03, H[HousingStatus.INSTITUTION], status)
    status = np.where(u < homeless * 2 + 0.015, H[HousingStatus.PRISON], status)
    status = np.where(u < homeless * 2, H[HousingStatus.TEMPORARY], status)
    return np.where(u < homeless, H[HousingStatus.HOMELESS], status)


def generate(ctx: Context, rng: np.random.Generator, n: int) -> tuple[Persons, dict[str, pa.Table]]:
    cells = ctx.sampler.cells
    cell = ctx.sampler.draw(rng, n)
    residence = cells.residence[cell]
    male = cells.male[cell]
    geo = geography()
    area = cells.residence_area[residence]

    prevalent = rng.random(n) < cal.PREVALENT_LAR_SHARE
    start = ctx.window_start
    first = ctx.calendar.draw(rng, start, ctx.today, n)
    early = ctx.calendar.draw(rng, start - int(cal.PREVALENT_LAR_YEARS_BEFORE * DAYS_PER_YEAR), start - 1, n)
    first = np.where(prevalent, early, first)
    age_days = ((cells.age_low[cell] + rng.random(n) * 5) * DAYS_PER_YEAR).astype(np.int64)
    birth = first - age_days

    substance = choice(rng, cal.PRIMARY_SUBSTANCES, n)
    substance = np.where(prevalent, SUBSTANCES.index(Substance.OPIOIDS), substance)
    inject_p = np.array([cal.INJECTING_BY_SUBSTANCE.get(s, cal.INJECTING_OTHERWISE) for s in SUBSTANCES])
    injecting = rng.random(n) < inject_p[substance]
    rop = rng.random(n) < cal.ROP_SHARE
    interpreter = rng.random(n) < cal.INTERPRETER_SHARE
    lang = choice(rng, dict(zip(cal.LANGUAGES, cal.LANGUAGE_WEIGHTS, strict=True)), n)
    language = col.pick(("nb", *cal.LANGUAGES), np.where(interpreter, lang + 1, 0))

    ids = ctx.ids.take("person", n)
    given, family = identity.names(rng, male, interpreter)
    birth = identity.spread_births(birth, male, ctx.registry)  # a full date moves a person a day or two
    fnr = identity.synthetic_numbers(rng, birth, male, ctx.registry)
    created = ctx.stamp(rng, first)
    municipality_index = {m: i for i, m in enumerate(ctx.units.municipalities)}
    muni = np.array([municipality_index[m] for m in cells.municipality], dtype=np.int64)[residence]
    district_codes = tuple(d for d in cells.district)

    housing_first = _housing(rng, rop, injecting)
    changes = rng.random(n) < cal.HOUSING_CHANGE_SHARE
    change_on = np.where(changes, first + (rng.random(n) * np.maximum(ctx.today - first, 1)).astype(np.int64), NEVER)
    changes &= change_on <= ctx.today
    change_on = np.where(changes, change_on, NEVER)
    stable_next = _housing(rng, np.ones(n, dtype=bool), injecting)  # a move made while in treatment: often unstable
    settled = np.where(rng.random(n) < 0.3, H[HousingStatus.OWN_HOME], H[HousingStatus.RENTED])
    housing_then = np.where(UNSTABLE[housing_first], np.where(rng.random(n) < 0.65, settled, stable_next), stable_next)
    housing_then = np.where(housing_then == housing_first, settled, housing_then)

    persons = Persons(
        n=n,
        id=ids,
        male=male,
        birth=birth,
        area=area,
        hf=geo.area_hf[area],
        municipality=muni,
        substance=substance,
        injecting=injecting,
        rop=rop,
        interpreter=interpreter,
        language=language,
        family_name=family,
        first_referral=first,
        created_us=created,
        prevalent_lar=prevalent,
        housing_first=housing_first,
        housing_change_on=change_on,
        housing_then=housing_then,
    )
    person = col.conform(
        "person",
        {
            "id": col.ints(ids),
            "fodselsnummer": fnr,
            "id_kind": col.constant(IdKind.SYNTHETIC.value, n),
            "birth_date": col.dates(birth),
            "sex": col.pick((Sex.FEMALE.value, Sex.MALE.value), male.astype(np.int32)),
            "given_name": given,
            "family_name": family,
            "municipality_number": col.pick(cells.municipality, residence),
            "city_district_number": col.pick(
                tuple(d or "" for d in district_codes),
                residence,
                mask=np.array([d is None for d in district_codes])[residence],
            ),
            "preferred_language": language,
            "interpreter_needed": col.bools(interpreter),
            "interpreter_language": col.pick(("", *cal.LANGUAGES), lang + 1, mask=~interpreter),
            "created_at": col.timestamps(created),
            "version": col.ints(np.ones(n)),
        },
    )
    return persons, {"person": person, "housing_period": _housing_table(ctx, rng, persons, changes)}


def _housing_table(ctx: Context, rng: np.random.Generator, p: Persons, changes: npt.NDArray[np.bool_]) -> pa.Table:
    since = p.first_referral - rng.integers(30, 1500, size=p.n)
    who = np.concatenate([np.arange(p.n), np.flatnonzero(changes)])
    status = np.concatenate([p.housing_first, p.housing_then[changes]])
    from_date = np.concatenate([since, p.housing_change_on[changes]])
    recorded_on = np.concatenate(
        [p.first_referral, np.minimum(p.housing_change_on[changes] + rng.integers(0, 15, changes.sum()), ctx.today)]
    )
    order = np.lexsort((from_date, who))
    who, status, from_date, recorded_on = who[order], status[order], from_date[order], recorded_on[order]
    m = who.size
    note = rng.integers(0, len(texts.HOUSING_NOTES), size=m)
    return col.conform(
        "housing_period",
        {
            "id": col.ints(ctx.ids.take("housing_period", m)),
            "person_id": col.ints(p.id[who]),
            "status": col.pick(tuple(s.value for s in HOUSING), status),
            "from_date": col.dates(from_date),
            "note": col.pick(texts.HOUSING_NOTES, note, mask=~(UNSTABLE[status] & (rng.random(m) < 0.4))),
            "recorded_at": col.timestamps(ctx.stamp(rng, recorded_on)),
        },
    )
