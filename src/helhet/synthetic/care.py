"""The person's care team across organisations (table ``care_team_member``).

Each referral that led to treatment has a pathway coordinator in the treating TSB unit (and a LAR doctor in LAR);
the municipality contributes a GP, a coordinator (more often with ROP, LAR or homelessness: long-term
coordinated needs), a NAV contact, a housing contact for the homeless, and some have a peer worker. Members
without a user account carry a synthetic name.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from helhet.pathways.models import TeamRole
from helhet.reference.units import CareLevel
from helhet.synthetic import calibration as cal
from helhet.synthetic import columns as col
from helhet.synthetic import identity
from helhet.synthetic.context import Context
from helhet.synthetic.pathways import Pathways
from helhet.synthetic.persons import Persons
from helhet.synthetic.referrals import LV

TABLES = ("care_team_member",)
ROLES = tuple(TeamRole)


@dataclass
class CareTeam:
    """Care team rows (person index, unit id, dates; ``until`` -1 while current) for the tables that follow."""

    person: npt.NDArray[np.int64]
    unit: npt.NDArray[np.int64]
    role: npt.NDArray[np.int64]
    since: npt.NDArray[np.int64]
    until: npt.NDArray[np.int64]

    @property
    def coordinators(self) -> npt.NDArray[np.int64]:
        """Rows of municipal coordinators."""
        return np.flatnonzero(self.role == ROLES.index(TeamRole.COORDINATOR))


def generate(
    ctx: Context, rng: np.random.Generator, p: Persons, path: Pathways
) -> tuple[CareTeam, dict[str, pa.Table]]:
    e, r, out = path.e, path.r, path.outcome
    person: list[npt.NDArray[np.int64]] = []
    unit: list[npt.NDArray[np.int64]] = []
    role: list[npt.NDArray[np.int64]] = []
    since: list[npt.NDArray[np.int64]] = []
    until: list[npt.NDArray[np.int64]] = []

    def add(
        who: npt.NDArray[np.int64],
        units: npt.NDArray[np.int64],
        r_: TeamRole,
        a: npt.NDArray[np.int64],
        b: npt.NDArray[np.int64],
    ) -> None:
        keep = units >= 0
        person.append(who[keep])
        unit.append(units[keep])
        role.append(np.full(int(keep.sum()), ROLES.index(r_)))
        since.append(a[keep])
        until.append(b[keep])

    first = e.seq == 0
    ref = e.referral[first]
    add(r.person[ref], e.unit[first], TeamRole.PATHWAY_COORDINATOR, e.start[first], out.closed[ref])
    lar = e.level == LV[CareLevel.LAR]
    add(r.person[e.referral[lar]], e.unit[lar], TeamRole.LAR_DOCTOR, e.start[lar], e.end[lar])

    treated = np.zeros(p.n, dtype=bool)
    treated[r.person[e.referral]] = True
    start = np.full(p.n, np.iinfo(np.int64).max)
    np.minimum.at(start, r.person[e.referral], e.start)
    ever_lar = np.zeros(p.n, dtype=bool)
    ever_lar[r.person[e.referral[lar]]] = True
    homeless = p.unstable_on(np.arange(p.n), p.first_referral)
    who = np.flatnonzero(treated)
    n = who.size
    since_m = np.minimum(start[who] + rng.integers(0, 61, n), ctx.today)
    ended = np.where(rng.random(n) < 0.1, np.minimum(since_m + rng.integers(90, 700, n), ctx.today), -1)
    muni = p.municipality[who]
    need = np.where(p.rop[who] | ever_lar[who] | homeless[who], 1.6, 1.0)
    picks = [
        ("lege", TeamRole.GP, cal.GP_SHARE),
        ("rus", TeamRole.COORDINATOR, cal.COORDINATOR_SHARE),
        ("nav", TeamRole.NAV_CONTACT, cal.NAV_SHARE),
    ]
    for suffix, r_, share in picks:
        chosen = rng.random(n) < np.minimum(share * (need if r_ != TeamRole.GP else 1.0), 0.95)
        add(who[chosen], ctx.units.municipal[suffix][muni[chosen]], r_, since_m[chosen], ended[chosen])
    chosen = homeless[who] & (rng.random(n) < cal.HOUSING_CONTACT_IF_HOMELESS)
    add(
        who[chosen],
        ctx.units.municipal["bolig"][muni[chosen]],
        TeamRole.HOUSING_CONTACT,
        since_m[chosen],
        ended[chosen],
    )
    chosen = rng.random(n) < cal.PEER_WORKER_SHARE
    add(who[chosen], ctx.units.hf["poli"][p.hf[who[chosen]]], TeamRole.PEER_WORKER, since_m[chosen], ended[chosen])

    who_all = np.concatenate(person)
    order = np.lexsort((np.concatenate(since), who_all))
    who_all = who_all[order]
    units = np.concatenate(unit)[order]
    roles = np.concatenate(role)[order]
    from_date = np.concatenate(since)[order]
    to_date = np.concatenate(until)[order]
    m = who_all.size
    users = np.where(to_date < 0, ctx.owners(units, 0.5), -1)
    return CareTeam(who_all, units, roles, from_date, to_date), {
        "care_team_member": col.conform(
            "care_team_member",
            {
                "id": col.ints(ctx.ids.take("care_team_member", m)),
                "person_id": col.ints(p.id[who_all]),
                "unit_id": col.ints(units),
                "user_id": col.ints(users, mask=users < 0),
                "name": identity.full_names(rng, m),
                "role": col.pick(tuple(x.value for x in ROLES), roles),
                "from_date": col.dates(from_date),
                "to_date": col.dates(to_date, mask=to_date < 0),
                "note": col.nulls(m, pa.string()),
                "version": col.ints(np.ones(m)),
            },
        )
    }
