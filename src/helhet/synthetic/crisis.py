"""Crisis plans (table ``crisis_plan``): made during inpatient stays, and early in outpatient-type care when the
assessment found moderate or high overdose or suicide risk (DOMAIN.md §4.2, ROP-11).

Each plan is a version of the person's plan (``version_no`` 1, 2 ... in the order they were made), reviewed by
``calibration.CRISIS_PLAN_REVIEW_DAYS`` after it was made. The wording is short first-person phrases; the overdose
risk is the assessment's. No plan has a user-controlled admission agreement (all four fields empty, as allowed).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from helhet.assessments.models import RiskLevel
from helhet.crisis_plans.models import OverdoseFactor
from helhet.reference.units import INPATIENT_LEVELS, CareLevel
from helhet.referrals.models import Substance
from helhet.synthetic import calibration as cal
from helhet.synthetic import columns as col
from helhet.synthetic import texts
from helhet.synthetic.context import Context
from helhet.synthetic.pathways import Pathways
from helhet.synthetic.persons import Persons
from helhet.synthetic.referrals import LV, RISKS, SUB

TABLES = ("crisis_plan",)
INPATIENT = np.array([LV[level] for level in sorted(INPATIENT_LEVELS)])
AT_RISK = np.array([RISKS.index(RiskLevel.MODERATE), RISKS.index(RiskLevel.HIGH)])


def _phrases(rng: np.random.Generator, pool: tuple[str, ...], n: int) -> pa.Array:
    """One or two phrases of ``pool`` per row, as list columns."""
    first = rng.integers(0, len(pool), n)
    second = (first + 1 + rng.integers(0, len(pool) - 1, n)) % len(pool)
    combos = [(a,) for a in pool] + [(a, b) for a in pool for b in pool]
    index = np.where(rng.random(n) < 0.5, first, len(pool) + first * len(pool) + second)
    return col.lists(combos, index)


def generate(ctx: Context, rng: np.random.Generator, p: Persons, path: Pathways) -> dict[str, pa.Table]:
    e, r, today = path.e, path.r, ctx.today
    ref = e.referral
    risk = np.isin(r.overdose[ref], AT_RISK) | np.isin(r.suicide[ref], AT_RISK)
    inpatient = np.isin(e.level, INPATIENT) & (e.level != LV[CareLevel.USER_CONTROLLED_BED])
    chance = np.where(
        inpatient,
        np.minimum(cal.CRISIS_PLAN_INPATIENT * np.where(risk, cal.CRISIS_PLAN_RISK_RATIO, 1.0), 0.95),
        np.where(risk & (e.seq == 0), cal.CRISIS_PLAN_OUTPATIENT_AT_RISK, 0.0),
    )
    end = np.where(e.end >= 0, e.end, today)
    made = e.start + (rng.random(e.start.size) * np.minimum(end - e.start + 1, np.where(inpatient, 21, 31))).astype(
        np.int64
    )
    take = np.flatnonzero((rng.random(e.start.size) < chance) & (made <= today))
    person = r.person[ref[take]]
    made = made[take]
    order = np.lexsort((made, person))
    take, person, made = take[order], person[order], made[order]
    n = take.size
    new_person = np.r_[True, person[1:] != person[:-1]] if n else np.zeros(0, dtype=bool)
    starts = np.flatnonzero(new_person)
    version = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n])) + 1
    opioid = r.substance[ref[take]] == SUB[Substance.OPIOIDS]
    factor_sets = (
        (),
        (OverdoseFactor.LOWERED_TOLERANCE_AFTER_INPATIENT.value,),
        (OverdoseFactor.MIXING_SUBSTANCES.value,),
    )
    factors = np.where(opioid & inpatient[take], 1, np.where(opioid, 2, 0))
    return {
        "crisis_plan": col.conform(
            "crisis_plan",
            {
                "id": col.ints(ctx.ids.take("crisis_plan", n)),
                "person_id": col.ints(p.id[person]),
                "version_no": col.ints(version),
                "made_on": col.dates(made),
                "review_by": col.dates(made + cal.CRISIS_PLAN_REVIEW_DAYS),
                "warning_signs": _phrases(rng, texts.WARNING_SIGNS, n),
                "what_helps": _phrases(rng, texts.WHAT_HELPS, n),
                "what_to_avoid": _phrases(rng, texts.WHAT_TO_AVOID, n),
                "overdose_risk": col.pick(tuple(x.value for x in RISKS), r.overdose[ref[take]]),
                "overdose_factors": col.lists(factor_sets, factors),
                "overdose_note": col.nulls(n, pa.string()),
                "admission_unit_id": col.nulls(n, pa.int64()),
                "admission_max_days_per_stay": col.nulls(n, pa.int64()),
                "admission_min_days_between": col.nulls(n, pa.int64()),
                "admission_valid_until": col.nulls(n, pa.date32()),
                "note": col.nulls(n, pa.string()),
                "created_at": col.timestamps(ctx.stamp(rng, made)),
                "created_by": col.nulls(n, pa.int64()),
            },
        )
    }
