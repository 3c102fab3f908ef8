"""Documented cooperation with the GP, the specialist service and NAV (table ``collaboration_contact``): ROP-08
and ROP-14.

The municipality's ROP unit documents contacts while the person is in service (``followup.Service``): with the
GP and with the treating TSB unit for most persons, and with NAV, more often for persons with ROP or unstable
housing. Contacts come every one to eight months (``calibration.COOPERATION_GAP_DAYS``), so some persons have
none in the last six months on a reference day. NAV contacts are information, advice and guidance (stjl § 17).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from helhet.collaboration.models import ContactKind, Counterpart
from helhet.synthetic import columns as col
from helhet.synthetic import municipal_shares as cal
from helhet.synthetic.context import Context
from helhet.synthetic.followup import Service
from helhet.synthetic.persons import Persons

TABLES = ("collaboration_contact",)
COUNTERPARTS = (Counterpart.GP, Counterpart.SPECIALIST, Counterpart.NAV)
KINDS = tuple(ContactKind)
MEETING_KINDS = (ContactKind.MEETING, ContactKind.ANSVARSGRUPPE, ContactKind.MESSAGE, ContactKind.PHONE)


def _contacts(
    rng: np.random.Generator, first: npt.NDArray[np.int64], last: npt.NDArray[np.int64], low: int, high: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Rows and days of contacts every ``low``-``high`` days from ``first`` up to ``last``."""
    rows: list[npt.NDArray[np.int64]] = []
    days: list[npt.NDArray[np.int64]] = []
    day = first + rng.integers(0, high + 1, first.size)
    alive = np.arange(first.size)
    while alive.size:
        alive = alive[day[alive] <= last[alive]]
        rows.append(alive)
        days.append(day[alive])
        day[alive] += rng.integers(low, high + 1, alive.size)
    return np.concatenate(rows), np.concatenate(days)


def generate(ctx: Context, rng: np.random.Generator, p: Persons, s: Service) -> dict[str, pa.Table]:
    low, high = cal.COOPERATION_GAP_DAYS
    unstable = p.unstable_on(s.person, np.minimum(s.last, ctx.today))
    need = np.where(p.rop[s.person] | unstable, 1.3, 1.0)
    parts = []
    for i, counterpart in enumerate(COUNTERPARTS):
        boost = need if counterpart == Counterpart.NAV else 1.0
        share = np.minimum(cal.COOPERATION_SHARE[counterpart.value] * boost, 0.95)
        chosen = np.flatnonzero(rng.random(s.n) < share)
        rows, days = _contacts(rng, s.start[chosen], s.last[chosen], low, high)
        parts.append((chosen[rows], days, np.full(rows.size, i)))
    who = np.concatenate([x[0] for x in parts])
    on = np.concatenate([x[1] for x in parts])
    which = np.concatenate([x[2] for x in parts])
    order = np.lexsort((which, on, who))
    who, on, which = who[order], on[order], which[order]
    n = who.size
    muni = p.municipality[s.person[who]]
    other = np.select(
        [which == 0, which == 1],
        [ctx.units.municipal["lege"][muni], s.tsb_unit[who]],
        ctx.units.municipal["nav"][muni],
    )
    kind = np.where(
        which == 2,
        KINDS.index(ContactKind.INFORMATION_ADVICE),
        rng.choice([KINDS.index(k) for k in MEETING_KINDS], n),
    )
    return {
        "collaboration_contact": col.conform(
            "collaboration_contact",
            {
                "id": col.ints(ctx.ids.take("collaboration_contact", n)),
                "person_id": col.ints(p.id[s.person[who]]),
                "unit_id": col.ints(s.unit[who]),
                "counterpart": col.pick(tuple(c.value for c in COUNTERPARTS), which),
                "counterpart_unit_id": col.ints(other, mask=other < 0),
                "kind": col.pick(tuple(k.value for k in KINDS), kind),
                "contact_on": col.dates(on),
                "topic": col.nulls(n, pa.string()),
                "note": col.nulls(n, pa.string()),
                "person_took_part": col.bools(rng.random(n) < 0.5),
                "recorded_at": col.timestamps(ctx.stamp(rng, on)),
                "recorded_by": col.nulls(n, pa.int64()),
            },
        )
    }
