"""One round of referrals and their assessment, for many persons at once.

The person's voice comes first: the wished level and "what matters to me" are drawn before any decision. The
assessment then follows the rules the services enforce (``referrals.deadlines``, ``assessments.wish``):
assessed within 10 working days (a few late), the right granted to most, the guideline start deadline from the
prioriteringsveileder with an individual deadline and a reason when it differs, the under-23 ceiling, and the
assigned level from a logistic model of case mix and the wish plus the scenario's area effects, with a coded
reason and a note whenever it differs from the wish.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from helhet.assessments.models import HeardHow, RiskLevel, WishDifferenceReason
from helhet.reference.units import CareLevel, is_inpatient
from helhet.referrals.deadlines import ASSESSMENT_WORKING_DAYS, UNDER_23_CEILING_WORKING_DAYS, Condition
from helhet.referrals.models import ReferrerKind, Substance
from helhet.synthetic import calibration as cal
from helhet.synthetic import texts
from helhet.synthetic.calendar import age_on
from helhet.synthetic.context import Context, choice
from helhet.synthetic.persons import SUBSTANCES, Persons

LEVELS = tuple(CareLevel)
LV = {level: i for i, level in enumerate(LEVELS)}
NO_LEVEL = -1
INPATIENT = np.array([is_inpatient(level) for level in LEVELS])
SUB = {s: i for i, s in enumerate(SUBSTANCES)}
REFERRER_KINDS = tuple(cal.REFERRER_KINDS)
CONDITIONS = tuple(Condition)
WISH_REASONS = tuple(WishDifferenceReason)
HEARD = tuple(HeardHow)
RISKS = tuple(RiskLevel)
FINAL_GRANTED, FINAL_REJECTED = 0, 1


def levels_index(levels: Mapping[Any, float]) -> npt.NDArray[np.int64]:
    return np.array([LV[level] if level is not None else NO_LEVEL for level in levels], dtype=np.int64)


@dataclass
class Round:
    """Referrals of one round (arrays of equal length) with their assessment decisions."""

    person: npt.NDArray[np.int64]  # index into Persons
    received: npt.NDArray[np.int64]
    age: npt.NDArray[np.int64]
    substance: npt.NDArray[np.int64]
    injecting: npt.NDArray[np.bool_]
    pregnant: npt.NDArray[np.bool_]
    homeless: npt.NDArray[np.bool_]
    prior: npt.NDArray[np.int64]
    wish: npt.NDArray[np.int64]  # level index or NO_LEVEL
    what_matters: npt.NDArray[np.int64]  # -1: none
    referrer: npt.NDArray[np.int64]
    reason: npt.NDArray[np.int64]
    due: npt.NDArray[np.int64]
    returned: npt.NDArray[np.bool_]
    first_assessed: npt.NDArray[np.int64]
    assessed: npt.NDArray[np.int64]  # final assessment
    rejected: npt.NDArray[np.bool_]
    condition: npt.NDArray[np.int64]
    guideline: npt.NDArray[np.int64]
    deadline: npt.NDArray[np.int64]
    deadline_reason: npt.NDArray[np.int64]  # -1 none, else index into deadline_texts()
    assigned: npt.NDArray[np.int64]
    wish_reason: npt.NDArray[np.int64]  # -1 none
    wish_note: npt.NDArray[np.int64]
    heard: npt.NDArray[np.int64]
    dimensions: npt.NDArray[np.int64]  # (n, 6): withdrawal, somatic, mental, readiness, relapse, living
    overdose: npt.NDArray[np.int64]
    suicide: npt.NDArray[np.int64]
    p_inpatient: npt.NDArray[np.float64]

    @property
    def n(self) -> int:
        return int(self.person.size)


def deadline_texts() -> tuple[str, ...]:
    return (*texts.SHORTER_DEADLINE_REASONS, *texts.LONGER_DEADLINE_REASONS, texts.LATE_ASSESSMENT_DEADLINE_REASON)


def wish_note_texts() -> tuple[tuple[int, str], ...]:
    """(reason index, note) pairs, flattened so a note is one index."""
    return tuple(
        (WISH_REASONS.index(WishDifferenceReason(k)), n) for k, v in texts.WISH_DIFFERENCE_NOTES.items() for n in v
    )


def _wish(
    rng: np.random.Generator, n: int, substance: npt.NDArray[np.int64], homeless: npt.NDArray[np.bool_]
) -> npt.NDArray[np.int64]:
    wish = levels_index(cal.WISH_BASE)[choice(rng, cal.WISH_BASE, n)]
    opioid = substance == SUB[Substance.OPIOIDS]
    wish = np.where(opioid & (rng.random(n) < cal.WISH_LAR_IF_OPIOIDS), LV[CareLevel.LAR], wish)
    base = sum(v for k, v in cal.WISH_BASE.items() if k is not None and is_inpatient(k))
    extra = base * (cal.WISH_INPATIENT_HOMELESS_RATIO - 1) / (1 - base)
    to_inpatient = homeless & (wish >= 0) & ~INPATIENT[np.maximum(wish, 0)] & (rng.random(n) < extra)
    return np.where(to_inpatient, LV[CareLevel.INPATIENT_SHORT], wish)


def draw(
    ctx: Context,
    rng: np.random.Generator,
    p: Persons,
    who: npt.NDArray[np.int64],
    received: npt.NDArray[np.int64],
    prior: npt.NDArray[np.int64],
    first_round: bool,
) -> Round:
    n = who.size
    age = age_on(p.birth[who], received)
    switch = (rng.random(n) < 0.15) & ~(first_round & p.prevalent_lar[who])
    substance = np.where(switch, choice(rng, cal.PRIMARY_SUBSTANCES, n), p.substance[who])
    inject_p = np.array([cal.INJECTING_BY_SUBSTANCE.get(s, cal.INJECTING_OTHERWISE) for s in SUBSTANCES])
    injecting = np.where(switch, rng.random(n) < inject_p[substance], p.injecting[who])
    pregnant = ~p.male[who] & (age >= 16) & (age <= 45) & (rng.random(n) < cal.PREGNANT_SHARE)
    homeless = p.unstable_on(who, received)
    wish = _wish(rng, n, substance, homeless)
    prevalent = first_round & p.prevalent_lar[who]
    wish = np.where(prevalent, LV[CareLevel.LAR], wish)
    what = rng.integers(0, len(texts.WHAT_MATTERS), size=n)
    what = np.where(rng.random(n) < np.where(wish == NO_LEVEL, 0.6, 0.08), -1, what)
    reason_counts = np.array([len(texts.REASONS[s]) for s in SUBSTANCES])
    reason = (rng.random(n) * reason_counts[substance]).astype(np.int64)
    r = Round(
        person=who,
        received=received,
        age=age,
        substance=substance,
        injecting=injecting,
        pregnant=pregnant,
        homeless=homeless,
        prior=prior,
        wish=wish,
        what_matters=what,
        referrer=choice(rng, cal.REFERRER_KINDS, n),
        reason=reason,
        **_assess(ctx, rng, p, who, received, age, substance, injecting, pregnant, homeless, prior, wish, prevalent),
    )
    return r


def _assess(
    ctx: Context,
    rng: np.random.Generator,
    p: Persons,
    who: npt.NDArray[np.int64],
    received: npt.NDArray[np.int64],
    age: npt.NDArray[np.int64],
    substance: npt.NDArray[np.int64],
    injecting: npt.NDArray[np.bool_],
    pregnant: npt.NDArray[np.bool_],
    homeless: npt.NDArray[np.bool_],
    prior: npt.NDArray[np.int64],
    wish: npt.NDArray[np.int64],
    prevalent: npt.NDArray[np.bool_],
) -> dict[str, Any]:
    n = who.size
    cal_ = ctx.calendar
    due = cal_.add(received, ASSESSMENT_WORKING_DAYS)
    late = (rng.random(n) < cal.LATE_ASSESSMENT_SHARE) & ~prevalent
    offset = np.where(late, rng.integers(11, 21, size=n), rng.integers(2, 11, size=n))
    first_assessed = cal_.add(received, offset)
    returned = (rng.random(n) < cal.RETURNED_SHARE) & ~prevalent
    assessed = np.where(returned, cal_.add(first_assessed, rng.integers(5, 16, size=n)), first_assessed)
    reject_p = cal.REJECTED_SHARE * np.where(substance == SUB[Substance.CANNABIS], 1.5, 1.0)
    rejected = (rng.random(n) < reject_p) & ~prevalent

    opioid = substance == SUB[Substance.OPIOIDS]
    alcohol = substance == SUB[Substance.ALCOHOL]
    condition = np.where(alcohol, 0, np.where(opioid, 1, 2))
    heavy = alcohol & (rng.random(n) < cal.HEAVY_ALCOHOL_SHARE)
    groin = opioid & injecting & (rng.random(n) < cal.GROIN_OR_NECK_SHARE)
    weeks = np.where(
        alcohol, np.where(heavy, 2, 6), np.where(opioid, np.where(groin, 2, np.where(injecting, 4, 12)), 12)
    )
    under23 = age < 23
    weeks = np.where(under23, np.minimum(weeks, 4), weeks)
    ceiling = np.where(under23, cal_.add(received, UNDER_23_CEILING_WORKING_DAYS), np.iinfo(np.int64).max)
    guideline = np.minimum(received + 7 * weeks, ceiling)

    n_short, n_long = len(texts.SHORTER_DEADLINE_REASONS), len(texts.LONGER_DEADLINE_REASONS)
    u = rng.random(n)
    shorter = (pregnant | (u < cal.DEADLINE_SHORTER_SHARE)) & (weeks > 2) & ~prevalent
    # where waits are long (waiting_time_multiplier m > 1) deadlines are more often set later: 1 - 1/m of them
    slow = ctx.area_effects.values["waiting_time_multiplier"][p.area[who]]
    longer_share = np.maximum(cal.DEADLINE_LONGER_SHARE, 1 - 1 / np.maximum(slow, 1.0))
    longer = ~shorter & (u > 1 - longer_share) & ~prevalent
    stretched = received + ((guideline - received) * np.maximum(slow, 1.0)).astype(np.int64) + rng.integers(14, 43, n)
    deadline = np.where(shorter, received + 14, guideline)
    deadline = np.where(longer, np.minimum(stretched, ceiling), deadline)
    reason = np.where(shorter, np.where(pregnant, 0, rng.integers(1, n_short, size=n)), -1)
    reason = np.where(longer, n_short + rng.integers(0, n_long, size=n), reason)
    too_early = deadline < assessed
    deadline = np.where(too_early, np.minimum(assessed + 14, ceiling), deadline)
    reason = np.where(too_early, n_short + n_long, reason)
    reason = np.where(deadline == guideline, -1, reason)

    assigned, p_inpatient = _assign(ctx, rng, p, who, age, substance, injecting, pregnant, homeless, prior, wish)
    assigned = np.where(prevalent, LV[CareLevel.LAR], assigned)
    differs = (wish != NO_LEVEL) & (assigned != wish)
    wish_reason = choice(rng, (0.55, 0.2, 0.15, 0.05, 0.05), n)  # clinical, not available, not feasible, changed, other
    note_reason = np.array([r for r, _ in wish_note_texts()])  # grouped by reason, in WISH_REASONS order
    counts = np.bincount(note_reason, minlength=len(WISH_REASONS))
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    wish_note = offsets[wish_reason] + (rng.random(n) * counts[wish_reason]).astype(np.int64)
    wish_reason = np.where(differs, wish_reason, -1)
    wish_note = np.where(differs, wish_note, -1)

    heard = choice(rng, (0.35, 0.1, 0.25, 0.28, 0.02), n)  # in person, video, phone, referral only, not heard
    severity = rng.normal(0, 1, size=n)
    dims = np.stack(
        [
            2 + severity + np.where(alcohol | opioid | (substance == SUB[Substance.BENZODIAZEPINES]), 0.8, -0.5),
            1.5 + 0.5 * severity + rng.normal(0, 0.8, n),
            1.5 + 0.5 * severity + np.where(p.rop[who], 1.2, 0) + rng.normal(0, 0.7, n),
            2 + rng.normal(0, 1, n),
            2 + 0.7 * severity + 0.3 * np.minimum(prior, 3) + rng.normal(0, 0.6, n),
            1 + np.where(homeless, 2.2, 0) + rng.normal(0, 0.7, n),
        ],
        axis=1,
    )
    dims = np.clip(np.rint(dims), 0, 4).astype(np.int64)
    od = np.clip(np.rint(0.3 + severity * 0.5 + np.where(opioid, 1.0, 0) + np.where(injecting, 0.6, 0)), 0, 2)
    sui = np.clip(np.rint(0.2 + severity * 0.4 + np.where(p.rop[who], 0.8, 0)), 0, 2)
    unknown = rng.random(n) < 0.1
    return {
        "due": due,
        "returned": returned,
        "first_assessed": first_assessed,
        "assessed": assessed,
        "rejected": rejected,
        "condition": condition,
        "guideline": guideline,
        "deadline": deadline,
        "deadline_reason": reason,
        "assigned": assigned,
        "wish_reason": wish_reason,
        "wish_note": wish_note,
        "heard": heard,
        "dimensions": dims,
        "overdose": np.where(unknown, 3, od).astype(np.int64),
        "suicide": np.where(unknown, 3, sui).astype(np.int64),
        "p_inpatient": p_inpatient,
    }


def _assign(
    ctx: Context,
    rng: np.random.Generator,
    p: Persons,
    who: npt.NDArray[np.int64],
    age: npt.NDArray[np.int64],
    substance: npt.NDArray[np.int64],
    injecting: npt.NDArray[np.bool_],
    pregnant: npt.NDArray[np.bool_],
    homeless: npt.NDArray[np.bool_],
    prior: npt.NDArray[np.int64],
    wish: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Inpatient or not from the logistic model, then the level within the class, near the wish."""
    n = who.size
    lo = cal.INPATIENT_LOG_ODDS
    wish_inpatient = (wish >= 0) & INPATIENT[np.maximum(wish, 0)]
    wish_lar = wish == LV[CareLevel.LAR]
    wish_out = (wish >= 0) & ~wish_inpatient & ~wish_lar
    by_substance = np.array([cal.INPATIENT_LOG_ODDS_SUBSTANCE.get(s, -0.3) for s in SUBSTANCES])
    area = p.area[who]
    x = (
        cal.INPATIENT_INTERCEPT
        + lo["age_under_23"] * (age < 23)
        + lo["age_50_plus"] * (age >= 50)
        + lo["male"] * p.male[who]
        + lo["homeless"] * homeless
        + lo["rop"] * p.rop[who]
        + lo["injecting"] * injecting
        + lo["prior_episode"] * np.minimum(prior, cal.PRIOR_EPISODES_CAP)
        + lo["pregnant"] * pregnant
        + lo["wish_inpatient"] * wish_inpatient
        + lo["wish_lar"] * wish_lar
        + lo["wish_outpatient"] * wish_out
        + by_substance[substance]
        + np.log(ctx.area_effects.values["inpatient_odds_ratio"][area])
    )
    p_in = 1 / (1 + np.exp(-x))
    inpatient = rng.random(n) < p_in
    # planted: the area overrides homeless persons' wish for inpatient care ``factor`` times as often
    factor = ctx.area_effects.values["homeless_inpatient_wish_override"][area]
    q0 = 1 - p_in
    q = np.minimum(1.0, factor * q0)
    u = rng.random(n)
    at_risk = homeless & wish_inpatient
    flip_out = at_risk & inpatient & (factor > 1) & (u < (q - q0) / np.maximum(p_in, 1e-12))
    flip_in = at_risk & ~inpatient & (factor < 1) & (u < (q0 - q) / np.maximum(q0, 1e-12))
    inpatient = (inpatient & ~flip_out) | flip_in

    in_levels = levels_index(cal.INPATIENT_LEVELS)[choice(rng, cal.INPATIENT_LEVELS, n)]
    out_levels = levels_index(cal.OUTPATIENT_LEVELS)[choice(rng, cal.OUTPATIENT_LEVELS, n)]
    keep = rng.random(n) < cal.WISH_KEPT_IN_CLASS
    assigned = np.where(inpatient, in_levels, out_levels)
    in_class = (wish >= 0) & (wish_inpatient == inpatient) & ~wish_lar
    assigned = np.where(in_class & keep, wish, assigned)
    opioid = substance == SUB[Substance.OPIOIDS]
    lar_p = np.where(wish_lar, cal.LAR_IF_OPIOIDS_WISHED, cal.LAR_IF_OPIOIDS)
    assigned = np.where(~inpatient & opioid & (rng.random(n) < lar_p), LV[CareLevel.LAR], assigned)
    return assigned, p_in


REFERRER_UNIT_SUFFIX = {
    ReferrerKind.GP: "lege",
    ReferrerKind.MUNICIPAL_SERVICE: "rus",
}
HEARD_NEEDS_NOTE = np.array([h in (HeardHow.NOT_HEARD, HeardHow.REFERRAL_ONLY) for h in HEARD])
CONDITION_VALUES = tuple(c.value for c in CONDITIONS)
assert CONDITIONS == (Condition.ALCOHOL_DEPENDENCE, Condition.OPIOID_DEPENDENCE, Condition.OTHER)
