"""Care plans with goals, measures and evaluations, and the individual plan (tables ``care_plan``,
``care_plan_goal``, ``care_plan_measure``, ``care_plan_evaluation``, ``individual_plan_status``): ROP-05, ROP-06,
ROP-07 and ROP-12.

A share of the persons the municipality follows up (``followup.Service``) gets a plan some weeks after the start,
a few decline one; each plan has one or two goals in the person's words and one to three measures, owned by the
ROP unit, to be evaluated some months on. Most measures are evaluated around their date, when the next date is
set (``evaluate_by`` moves on, ``last_evaluated_on`` is the evaluation's day), so some are overdue on the
reference date, as in practice. Persons with a municipal coordinator on the care team are mostly offered an
individual plan, which most accept and some decline; a share is still only offered.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from helhet.careplans.models import EvaluationOutcome, IpStatus, OfferAnswer, Participation, PlanStatus
from helhet.synthetic import columns as col
from helhet.synthetic import municipal_shares as cal
from helhet.synthetic.care import CareTeam
from helhet.synthetic.context import Context, choice
from helhet.synthetic.followup import Service
from helhet.synthetic.persons import Persons

TABLES = ("care_plan", "care_plan_goal", "care_plan_measure", "care_plan_evaluation", "individual_plan_status")
GOALS = ("Ha et trygt sted å bo", "Få en meningsfull hverdag", "Bli rusfri", "Ha mer kontakt med barna")
MEASURES = ("Samtaler hver uke", "Hjelp til å søke bolig", "Arbeidstrening via NAV", "Oppfølging hos fastlegen")
OUTCOMES = tuple(EvaluationOutcome)
IP_STATUSES = tuple(IpStatus)


def _repeat(counts: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Row indexes repeated ``counts`` times (a child table's parent index)."""
    return np.repeat(np.arange(counts.size), counts)


def generate(ctx: Context, rng: np.random.Generator, p: Persons, s: Service, team: CareTeam) -> dict[str, pa.Table]:
    today = ctx.today
    started = s.start + rng.integers(14, 91, s.n)
    take = np.flatnonzero((rng.random(s.n) < cal.CARE_PLAN_SHARE) & (started <= today))
    declined = rng.random(take.size) < cal.CARE_PLAN_DECLINED
    n = take.size
    plan_ids = ctx.ids.take("care_plan", n)
    day = started[take]
    person_ids = p.id[s.person[take]]
    participation = choice(rng, [0.5, 0.3, 0.2], n)
    plans = col.conform(
        "care_plan",
        {
            "id": col.ints(plan_ids),
            "person_id": col.ints(person_ids),
            "status": col.pick((PlanStatus.ACTIVE.value, PlanStatus.DECLINED.value), declined.astype(np.int64)),
            "started_on": col.dates(day),
            "closed_on": col.nulls(n, pa.date32()),
            "declined_reason": col.pick((None, "Ønsker ikke plan nå."), declined.astype(np.int64)),
            "participation": col.pick(tuple(x.value for x in Participation), participation, mask=declined),
            "participation_on": col.dates(day, mask=declined),
            "created_at": col.timestamps(ctx.stamp(rng, day)),
            "created_by": col.nulls(n, pa.int64()),
            "version": col.ints(np.ones(n)),
        },
    )
    active = np.flatnonzero(~declined)
    goal_of = active[_repeat(rng.integers(1, 3, active.size))]  # plan row of each goal
    g = goal_of.size
    goal_ids = ctx.ids.take("care_plan_goal", g)
    goals = col.conform(
        "care_plan_goal",
        {
            "id": col.ints(goal_ids),
            "plan_id": col.ints(plan_ids[goal_of]),
            "person_id": col.ints(person_ids[goal_of]),
            "text": col.pick(GOALS, rng.integers(0, len(GOALS), g)),
            "own_words": col.bools(rng.random(g) < 0.85),
            "what_matters_referral_id": col.nulls(g, pa.int64()),
            "status": col.constant("active", g),
            "created_at": col.timestamps(ctx.stamp(rng, day[goal_of])),
            "created_by": col.nulls(g, pa.int64()),
            "version": col.ints(np.ones(g)),
        },
    )
    measure_of_goal = _repeat(rng.integers(1, 3, g))
    plan_row = goal_of[measure_of_goal]
    return {
        "care_plan": plans,
        "care_plan_goal": goals,
        **_measures(
            ctx,
            rng,
            s.unit[take][plan_row],
            plan_ids[plan_row],
            goal_ids[measure_of_goal],
            person_ids[plan_row],
            day[plan_row],
        ),
        "individual_plan_status": _ip(ctx, rng, p, team),
    }


def _measures(
    ctx: Context,
    rng: np.random.Generator,
    unit: npt.NDArray[np.int64],
    plan: npt.NDArray[np.int64],
    goal: npt.NDArray[np.int64],
    person: npt.NDArray[np.int64],
    made: npt.NDArray[np.int64],
) -> dict[str, pa.Table]:
    """Measures evaluated every few months while their evaluation comes on time; the first missed one stops it."""
    m = plan.size
    ids = ctx.ids.take("care_plan_measure", m)
    due = made + rng.integers(60, 181, m)
    last = np.full(m, -1)
    rows: list[npt.NDArray[np.int64]] = []
    days: list[npt.NDArray[np.int64]] = []
    nexts: list[npt.NDArray[np.int64]] = []
    alive = np.arange(m)
    while alive.size:
        on = due[alive] - rng.integers(0, 15, alive.size)
        alive_on = (rng.random(alive.size) < cal.MEASURE_EVALUATED_ON_TIME) & (on <= ctx.today) & (on > made[alive])
        alive, on = alive[alive_on], on[alive_on]
        following = on + rng.integers(90, 181, alive.size)
        rows.append(alive)
        days.append(on)
        nexts.append(following)
        last[alive], due[alive] = on, following
    who, on, following = np.concatenate(rows), np.concatenate(days), np.concatenate(nexts)
    order = np.lexsort((on, who))
    who, on, following = who[order], on[order], following[order]
    e = who.size
    measures = col.conform(
        "care_plan_measure",
        {
            "id": col.ints(ids),
            "goal_id": col.ints(goal),
            "plan_id": col.ints(plan),
            "person_id": col.ints(person),
            "description": col.pick(MEASURES, rng.integers(0, len(MEASURES), m)),
            "owner_unit_id": col.ints(unit),
            "owner_user_id": col.nulls(m, pa.int64()),
            "evaluate_by": col.dates(due),
            "status": col.constant("active", m),
            "last_evaluated_on": col.dates(last, mask=last < 0),
            "task_id": col.nulls(m, pa.int64()),
            "created_at": col.timestamps(ctx.stamp(rng, made)),
            "created_by": col.nulls(m, pa.int64()),
            "version": col.ints(np.ones(m)),
        },
    )
    outcome = np.where(rng.random(e) < 0.7, OUTCOMES.index(EvaluationOutcome.PROGRESSING), 2)
    evaluations = col.conform(
        "care_plan_evaluation",
        {
            "id": col.ints(ctx.ids.take("care_plan_evaluation", e)),
            "measure_id": col.ints(ids[who]),
            "person_id": col.ints(person[who]),
            "evaluated_on": col.dates(on),
            "evaluated_by": col.nulls(e, pa.int64()),
            "outcome": col.pick(tuple(x.value for x in OUTCOMES), outcome),
            "note": col.constant("Evaluert sammen med personen.", e),
            "next_evaluate_by": col.dates(following),
            "recorded_at": col.timestamps(ctx.stamp(rng, on)),
        },
    )
    return {"care_plan_measure": measures, "care_plan_evaluation": evaluations}


def _ip(ctx: Context, rng: np.random.Generator, p: Persons, team: CareTeam) -> pa.Table:
    """One IP status row per person with a municipal coordinator: offered, then mostly answered."""
    rows = team.coordinators
    person, first = np.unique(team.person[rows], return_index=True)
    since = team.since[rows][first]
    offered = since + rng.integers(0, 61, person.size)
    take = np.flatnonzero((rng.random(person.size) < cal.IP_OFFERED) & (offered <= ctx.today))
    person, offered = person[take], offered[take]
    n = person.size
    answered = offered + rng.integers(0, 31, n)
    status = choice(rng, cal.IP_ANSWER, n) + IP_STATUSES.index(IpStatus.OFFERED)  # offered, accepted, declined
    status = np.where(answered > ctx.today, IP_STATUSES.index(IpStatus.OFFERED), status)
    open_ = status == IP_STATUSES.index(IpStatus.OFFERED)
    return col.conform(
        "individual_plan_status",
        {
            "id": col.ints(ctx.ids.take("individual_plan_status", n)),
            "person_id": col.ints(p.id[person]),
            "version": col.ints(np.ones(n)),
            "status": col.pick(tuple(x.value for x in IP_STATUSES), status),
            "offered_on": col.dates(offered),
            "answered_on": col.dates(answered, mask=open_),
            "reviewed_on": col.nulls(n, pa.date32()),
            "coordinator_offered_on": col.dates(offered),
            "coordinator_answer": col.constant(OfferAnswer.ACCEPTED.value, n),
            "note": col.nulls(n, pa.string()),
            "recorded_at": col.timestamps(ctx.stamp(rng, np.where(open_, offered, answered))),
            "recorded_by": col.nulls(n, pa.int64()),
        },
    )
