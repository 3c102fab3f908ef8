"""Municipal decisions on services (vedtak) and the service delivered against them (tables ``vedtak`` and
``service_delivery``; DOMAIN.md §4.3, ROP-09, ROP-10).

Persons in treatment get a vedtak with chance ``VEDTAK_BASE`` + ``VEDTAK_ROP`` (ROP) + ``VEDTAK_HOMELESS``
(homeless or temporary housing at referral): housing assistance or temporary accommodation when homeless,
otherwise practical help, training in daily tasks, home health care or day activity, with a weekly volume.
Delivery is logged once per ISO week (on a day inside the period, never after the as-of day): the week's decided
volume (pro-rated in part weeks, as ``vedtak.delivery`` computes it) times the vedtak's delivery level, which
is ``VEDTAK_DELIVERY_SHARE`` or the scenario's ``vedtak_delivery_share`` of the person's municipality, with
week-to-week noise; some weeks get nothing and some vedtak start late.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from helhet.synthetic import calibration as cal
from helhet.synthetic import columns as col
from helhet.synthetic import scenario as scenarios
from helhet.synthetic.context import Context, choice
from helhet.synthetic.pathways import Pathways
from helhet.synthetic.persons import Persons
from helhet.vedtak.models import ServiceType, VedtakStatus, VolumeUnit

TABLES = ("vedtak", "service_delivery")
S = ServiceType
#: service → (weight when housed, weight when homeless, unit suffix, legal basis, volume unit, volume low/high)
SERVICES = {
    S.PRACTICAL_HELP: (0.3, 0.0, "rus", "hol § 3-2 første ledd nr. 6 b", VolumeUnit.HOURS_PER_WEEK, 2, 8),
    S.DAILY_LIFE_TRAINING: (0.2, 0.0, "rus", "hol § 3-2 første ledd nr. 6 b", VolumeUnit.HOURS_PER_WEEK, 2, 6),
    S.HOME_HEALTH_CARE: (0.25, 0.0, "rus", "hol § 3-2 første ledd nr. 6 a", VolumeUnit.HOURS_PER_WEEK, 1, 5),
    S.DAY_ACTIVITY: (0.25, 0.0, "rus", "hol § 3-1", VolumeUnit.UNITS_PER_WEEK, 1, 4),
    S.HOUSING_ASSISTANCE: (0.0, 0.6, "bolig", "boligsosial lov § 6", VolumeUnit.HOURS_PER_WEEK, 1, 3),
    S.TEMPORARY_ACCOMMODATION: (0.0, 0.4, "nav", "stjl § 27", VolumeUnit.UNITS_PER_WEEK, 7, 7),
}
TYPES = tuple(SERVICES)
VOLUME_UNITS = tuple(VolumeUnit)
STATUSES = tuple(VedtakStatus)
NO_END = np.iinfo(np.int64).max // 4


def delivery_levels(ctx: Context, municipality: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """The mean share delivered in each row's municipality: planted, or the calibrated one."""
    shares = scenarios.municipal_values(
        ctx.scenario, "vedtak_delivery_share", ctx.units.municipalities, cal.VEDTAK_DELIVERY_SHARE
    )
    return shares[municipality]


def generate(ctx: Context, rng: np.random.Generator, p: Persons, path: Pathways) -> dict[str, pa.Table]:
    e, r, today = path.e, path.r, ctx.today
    first = np.flatnonzero((e.seq == 0) & (e.start <= today))
    ref = e.referral[first]
    person = r.person[ref]
    homeless = r.homeless[ref]
    chance = cal.VEDTAK_BASE + cal.VEDTAK_ROP * p.rop[person] + cal.VEDTAK_HOMELESS * homeless
    decided = e.start[first] + rng.integers(0, 61, first.size)
    take = np.flatnonzero((rng.random(first.size) < chance) & (decided <= today))
    person, homeless, decided = person[take], homeless[take], decided[take]
    n = take.size
    housed_w = [v[0] for v in SERVICES.values()]
    homeless_w = [v[1] for v in SERVICES.values()]
    kind = np.where(homeless, choice(rng, homeless_w, n), choice(rng, housed_w, n))
    spec = [SERVICES[t] for t in TYPES]
    muni = p.municipality[person]
    unit = np.full(n, -1, dtype=np.int64)
    for i, (_, _, suffix, *_rest) in enumerate(spec):
        unit = np.where(kind == i, ctx.units.municipal[suffix][muni], unit)
    keep = unit >= 0
    person, decided, kind, muni, unit = person[keep], decided[keep], kind[keep], muni[keep], unit[keep]
    n = person.size
    low = np.array([s[5] for s in spec])[kind]
    high = np.array([s[6] for s in spec])[kind]
    hours = np.array([s[4] == VolumeUnit.HOURS_PER_WEEK for s in spec])[kind]
    volume = np.where(hours, np.rint((low + rng.random(n) * (high - low)) * 2) / 2, rng.integers(low, high + 1))
    start = decided + rng.integers(0, 15, n)
    # until further notice: only vedtak of the last year (older ones have been reviewed and given an end)
    until_notice = (rng.random(n) < cal.VEDTAK_UNTIL_FURTHER_NOTICE) & (decided > today - 365)
    low_w, high_w = cal.VEDTAK_WEEKS
    end = np.where(until_notice, NO_END, start + rng.integers(low_w, high_w + 1, n) * 7 - 1)
    status = np.where(end < today, STATUSES.index(VedtakStatus.ENDED), STATUSES.index(VedtakStatus.ACTIVE))
    ids = ctx.ids.take("vedtak", n)
    vedtak = col.conform(
        "vedtak",
        {
            "id": col.ints(ids),
            "person_id": col.ints(p.id[person]),
            "unit_id": col.ints(unit),
            "service_type": col.pick(tuple(t.value for t in TYPES), kind),
            "legal_basis": col.pick(tuple(s[3] for s in spec), kind),
            "volume": col.floats(volume),
            "volume_unit": col.pick(tuple(s[4].value for s in spec), kind),
            "decided_on": col.dates(decided),
            "start_on": col.dates(start),
            "end_on": col.dates(np.where(until_notice, 0, end), mask=until_notice),
            "review_on": col.dates(start + 182, mask=~until_notice),
            "status": col.pick(tuple(s.value for s in STATUSES), status),
            "status_reason": col.nulls(n, pa.string()),
            "note": col.nulls(n, pa.string()),
            "created_at": col.timestamps(ctx.stamp(rng, decided)),
            "created_by": col.nulls(n, pa.int64()),
            "version": col.ints(np.ones(n)),
        },
    )
    return {
        "vedtak": vedtak,
        "service_delivery": _deliveries(ctx, rng, p, person, ids, unit, muni, volume, hours, start, end),
    }


def _deliveries(
    ctx: Context,
    rng: np.random.Generator,
    p: Persons,
    person: npt.NDArray[np.int64],
    ids: npt.NDArray[np.int64],
    unit: npt.NDArray[np.int64],
    muni: npt.NDArray[np.int64],
    volume: npt.NDArray[np.float64],
    hours: npt.NDArray[np.bool_],
    start: npt.NDArray[np.int64],
    end: npt.NDArray[np.int64],
) -> pa.Table:
    today = ctx.today
    last = np.minimum(end, today)
    # day numbers count from 1970-01-01, a Thursday: Monday of the week = day - (day + 3) % 7
    first_monday = start - (start + 3) % 7
    weeks = np.where(last >= start, (last - first_monday) // 7 + 1, 0)
    row = np.repeat(np.arange(ids.size), weeks)
    week = np.arange(row.size) - np.repeat(np.cumsum(weeks) - weeks, weeks)
    monday = first_monday[row] + 7 * week
    first_day = np.maximum(monday, start[row])
    last_day = np.minimum(monday + 6, end[row])
    decided = volume[row] * (last_day - first_day + 1) / 7
    level = np.clip(delivery_levels(ctx, muni) + 0.05 * rng.standard_normal(ids.size), 0.0, 1.2)
    amount = decided * level[row] * np.exp(0.1 * rng.standard_normal(row.size) - 0.005)
    amount = np.where(hours[row], np.rint(amount * 2) / 2, np.rint(amount))
    late = rng.random(ids.size) < cal.VEDTAK_LATE_START
    missed = (rng.random(row.size) < cal.VEDTAK_MISSED_WEEK) | (late[row] & (week < 3))
    on = first_day + (rng.random(row.size) * (np.minimum(last_day, today) - first_day + 1)).astype(np.int64)
    keep = np.flatnonzero(~missed & (amount > 0))
    m = keep.size
    row = row[keep]
    return col.conform(
        "service_delivery",
        {
            "id": col.ints(ctx.ids.take("service_delivery", m)),
            "vedtak_id": col.ints(ids[row]),
            "person_id": col.ints(p.id[person[row]]),
            "delivered_on": col.dates(on[keep]),
            "amount": col.floats(amount[keep]),
            "unit_id": col.ints(unit[row]),
            "note": col.nulls(m, pa.string()),
            "recorded_at": col.timestamps(ctx.stamp(rng, on[keep])),
            "recorded_by": col.nulls(m, pa.int64()),
        },
    )
