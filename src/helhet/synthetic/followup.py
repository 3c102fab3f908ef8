"""The municipality's mapping of the person's health and situation (tables ``mapping_mental_health``,
``mapping_somatic_check``, ``mapping_situation``, ``mapping_children``): ROP-02, ROP-03, ROP-04 and ROP-15.

Every treated person (an episode started by the reference date) is followed up by the ROP service of their
municipality (``kom-<number>-rus``) from their first start (``Service``). A share is screened for mental health
early on (more with ROP); a share gets a somatic check (``calibration.SOMATIC_CHECK_SHARE``, or the scenario's
``somatic_check_share`` of the municipality) soon after the start and again about yearly while in service; a
share has the overall situation recorded, and a share is asked about minor children, whose needs are then
assessed for most of those with children. Nothing is dated after the reference date.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from helhet.mapping.models import Activity, ChildrenAnswer, Examiner, Income, Network, ScreeningStatus
from helhet.synthetic import columns as col
from helhet.synthetic import municipal_shares as cal
from helhet.synthetic import scenario as scenarios
from helhet.synthetic.context import Context, choice
from helhet.synthetic.pathways import Pathways
from helhet.synthetic.persons import Persons

TABLES = ("mapping_mental_health", "mapping_somatic_check", "mapping_situation", "mapping_children")
STATUSES = tuple(ScreeningStatus)
INCOMES = tuple(Income)
ACTIVITIES = tuple(Activity)
NETWORKS = tuple(Network)
ANSWERS = tuple(ChildrenAnswer)
EXAMINERS = tuple(Examiner)


@dataclass
class Service:
    """Treated persons followed up by their municipality: person index, first start, last day in service (the
    reference date while an episode is open), the municipal ROP unit, and the first treating unit."""

    person: npt.NDArray[np.int64]
    start: npt.NDArray[np.int64]
    last: npt.NDArray[np.int64]
    unit: npt.NDArray[np.int64]
    tsb_unit: npt.NDArray[np.int64]

    @property
    def n(self) -> int:
        return int(self.person.size)

    def take(self, rows: npt.NDArray[np.int64]) -> Service:
        return Service(self.person[rows], self.start[rows], self.last[rows], self.unit[rows], self.tsb_unit[rows])


def service(ctx: Context, p: Persons, path: Pathways) -> Service:
    e, r, today = path.e, path.r, ctx.today
    started = np.flatnonzero(e.start <= today)
    person = r.person[e.referral[started]]
    start = np.full(p.n, np.iinfo(np.int64).max)
    np.minimum.at(start, person, e.start[started])
    last = np.full(p.n, -1)
    np.maximum.at(last, person, np.where(e.end[started] >= 0, np.minimum(e.end[started], today), today))
    tsb = np.full(p.n, -1)
    first = started[np.argsort(e.start[started], kind="stable")[::-1]]  # the earliest start written last
    tsb[r.person[e.referral[first]]] = e.unit[first]
    who = np.flatnonzero(last >= 0)
    unit = ctx.units.municipal["rus"][p.municipality[who]]
    keep = unit >= 0
    who = who[keep]
    return Service(who, start[who], last[who], unit[keep], tsb[who])


def somatic_shares(ctx: Context, municipality: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """The share of persons the municipality gives somatic checks: planted, or the calibrated one."""
    shares = scenarios.municipal_values(
        ctx.scenario, "somatic_check_share", ctx.units.municipalities, cal.SOMATIC_CHECK_SHARE
    )
    return shares[municipality]


def _days_after(rng: np.random.Generator, start: npt.NDArray[np.int64], low: int, high: int) -> npt.NDArray[np.int64]:
    return start + rng.integers(low, high + 1, start.size)


def _records(
    ctx: Context,
    rng: np.random.Generator,
    p: Persons,
    s: Service,
    table: str,
    day_column: str,
    share: float | npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], dict[str, pa.Array]]:
    """Who of ``s`` gets one ``table`` record early in the follow-up (about ``share`` of them), its day, and the
    columns every such record has (id, person, day, the recording unit, note, when and by whom recorded)."""
    day = _days_after(rng, s.start, 0, cal.FOLLOW_UP_MAPPING_DAYS)
    take = np.flatnonzero((rng.random(s.n) < share) & (day <= ctx.today))
    n, day = take.size, day[take]
    return (
        take,
        day,
        {
            "id": col.ints(ctx.ids.take(table, n)),
            "person_id": col.ints(p.id[s.person[take]]),
            day_column: col.dates(day),
            "unit_id": col.ints(s.unit[take]),
            "note": col.nulls(n, pa.string()),
            "recorded_at": col.timestamps(ctx.stamp(rng, day)),
            "recorded_by": col.nulls(n, pa.int64()),
        },
    )


def generate(ctx: Context, rng: np.random.Generator, p: Persons, s: Service) -> dict[str, pa.Table]:
    rop = p.rop[s.person]
    # ROP-02: screened early in the follow-up; findings for most persons with ROP
    share = np.where(rop, cal.MENTAL_SCREENING_ROP, cal.MENTAL_SCREENING)
    take, _, common = _records(ctx, rng, p, s, "mapping_mental_health", "screened_on", share)
    n = take.size
    findings = rop[take] & (rng.random(n) < 0.8)
    status = np.where(
        findings,
        choice(rng, [0, 0, 0.35, 0.35, 0.3], n),
        np.where(rng.random(n) < 0.9, STATUSES.index(ScreeningStatus.SCREENED_NO_FINDINGS), 0),
    )
    screening = col.conform(
        "mapping_mental_health",
        {
            **common,
            "status": col.pick(tuple(x.value for x in STATUSES), status),
            "instrument": col.pick(("SCL-10", "ROP-Screen", "MINI"), rng.integers(0, 3, n)),
        },
    )
    return {
        "mapping_mental_health": screening,
        "mapping_somatic_check": _somatic(ctx, rng, p, s),
        "mapping_situation": _situation(ctx, rng, p, s),
        "mapping_children": _children(ctx, rng, p, s),
    }


def _somatic(ctx: Context, rng: np.random.Generator, p: Persons, s: Service) -> pa.Table:
    """A first check soon after the start, then about yearly while in service, for the municipality's share."""
    checked = np.flatnonzero(rng.random(s.n) < somatic_shares(ctx, p.municipality[s.person]))
    rows: list[npt.NDArray[np.int64]] = []
    days: list[npt.NDArray[np.int64]] = []
    day = _days_after(rng, s.start[checked], 0, cal.FOLLOW_UP_MAPPING_DAYS)
    alive = np.arange(checked.size)
    while alive.size:
        alive = alive[day[alive] <= np.minimum(s.last[checked[alive]], ctx.today)]
        rows.append(checked[alive])
        days.append(day[alive])
        alive = alive[rng.random(alive.size) < cal.SOMATIC_RECHECK]
        day[alive] += rng.integers(300, 400, alive.size)
    who, on = np.concatenate(rows), np.concatenate(days)
    order = np.lexsort((on, who))
    who, on = who[order], on[order]
    n = who.size
    injecting = p.injecting[s.person[who]]
    return col.conform(
        "mapping_somatic_check",
        {
            "id": col.ints(ctx.ids.take("mapping_somatic_check", n)),
            "person_id": col.ints(p.id[s.person[who]]),
            "checked_on": col.dates(on),
            "examiner": col.pick(tuple(x.value for x in EXAMINERS), choice(rng, [0.7, 0.15, 0.05, 0.1], n)),
            "examiner_name": col.nulls(n, pa.string()),
            "unit_id": col.ints(s.unit[who]),
            "findings": col.nulls(n, pa.string()),
            "injecting": col.bools(injecting),
            "infection_status_checked": col.bools(injecting & (rng.random(n) < 0.8)),
            "follow_up_needed": col.bools(np.zeros(n, dtype=bool)),
            "follow_up_task_id": col.nulls(n, pa.int64()),
            "recorded_at": col.timestamps(ctx.stamp(rng, on)),
            "recorded_by": col.nulls(n, pa.int64()),
        },
    )


def _situation(ctx: Context, rng: np.random.Generator, p: Persons, s: Service) -> pa.Table:
    take, _, common = _records(ctx, rng, p, s, "mapping_situation", "recorded_on", cal.SITUATION_RECORDED)
    n = take.size
    income = choice(rng, cal.SITUATION_INCOME, n)
    strained = np.isin(income, [INCOMES.index(Income.SOCIAL_ASSISTANCE), INCOMES.index(Income.NONE)])
    return col.conform(
        "mapping_situation",
        {
            **common,
            "income": col.pick(tuple(x.value for x in INCOMES), income),
            "nav_contact": col.bools(rng.random(n) < np.where(strained, 0.7, 0.4)),
            "financial_problems": col.bools(rng.random(n) < np.where(strained, 0.6, cal.FINANCIAL_PROBLEMS)),
            "activity": col.pick(tuple(x.value for x in ACTIVITIES), choice(rng, cal.SITUATION_ACTIVITY, n)),
            "network": col.pick(tuple(x.value for x in NETWORKS), choice(rng, cal.SITUATION_NETWORK, n)),
        },
    )


def _children(ctx: Context, rng: np.random.Generator, p: Persons, s: Service) -> pa.Table:
    take, day, common = _records(ctx, rng, p, s, "mapping_children", "asked_on", cal.CHILDREN_ASKED)
    n = take.size
    answer = choice(rng, cal.CHILDREN_ANSWER, n)
    yes = answer == ANSWERS.index(ChildrenAnswer.YES)
    children = np.where(yes, rng.integers(1, 4, n), 0)
    assessed = day + rng.integers(0, 61, n)
    assessed_mask = ~(yes & (rng.random(n) < cal.CHILDREN_NEEDS_ASSESSED) & (assessed <= ctx.today))
    known = answer == ANSWERS.index(ChildrenAnswer.NO)
    return col.conform(
        "mapping_children",
        {
            **common,
            "answer": col.pick(tuple(x.value for x in ANSWERS), answer),
            "number_of_children": col.ints(children, mask=~(yes | known)),
            "living_with_person": col.ints(np.minimum(children, rng.integers(0, 2, n)), mask=~(yes | known)),
            "minor_siblings": pa.nulls(n, pa.bool_()),
            "needs_assessed_on": col.dates(assessed, mask=assessed_mask),
            "needs_assessed_by": col.nulls(n, pa.int64()),
            "needs_note": col.nulls(n, pa.string()),
            "task_id": col.nulls(n, pa.int64()),
            "version": col.ints(np.ones(n)),
        },
    )
