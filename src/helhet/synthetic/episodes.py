"""From a granted referral to treatment: the wait, episodes at each level of care, and how they end.

The wait to start is gamma distributed around a mean per class of care (``calibration.WAIT_MEAN_*``) times the
scenario's ``waiting_time_multiplier`` for the person's area. When the wait would pass the start deadline most
services still start in time (``START_IN_TIME_WHEN_LATE``); the rest are deadline breaches. An episode ends as
planned, by dropout, transfer to the next level (up to ``MAX_EPISODES_PER_REFERRAL``), rule breach,
non-attendance or death; the referral closes when its last episode ends other than by transfer. Nothing is
dated after the as-of day: what has not happened yet is left open.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from helhet.pathways.models import EndReason
from helhet.reference.units import CareLevel
from helhet.referrals.models import ReferralStatus, Substance
from helhet.synthetic import calibration as cal
from helhet.synthetic.catalogue import LEVEL_SUFFIX
from helhet.synthetic.context import Context
from helhet.synthetic.persons import Persons
from helhet.synthetic.population import geography
from helhet.synthetic.referrals import INPATIENT, LEVELS, LV, SUB, Round

STATUSES = tuple(ReferralStatus)
ST = {s: i for i, s in enumerate(STATUSES)}
END_REASONS = tuple(EndReason)
ER = {r: i for i, r in enumerate(END_REASONS)}
DAYS_PER_YEAR = 365.25
#: why a pathway ended, for the chance and timing of a new referral (keys of calibration.REREFERRAL)
NEXT_KINDS = ("base", "dropout", "rule_breach", "rejected", "withdrawn")
NO_NEXT = -1


def _end_matrix() -> npt.NDArray[np.float64]:
    matrix = np.zeros((len(LEVELS), len(END_REASONS)))
    for level, reasons in cal.END_REASONS.items():
        for reason, share in reasons.items():
            matrix[LV[level], ER[EndReason(reason)]] = share
    return matrix


def _next_matrix() -> npt.NDArray[np.float64]:
    matrix = np.zeros((len(LEVELS), len(LEVELS)))
    for level, nxt in cal.NEXT_LEVEL.items():
        for target, share in nxt.items():
            matrix[LV[level], LV[target]] = share
    return matrix


END_MATRIX = _end_matrix()
NEXT_MATRIX = _next_matrix()


def _rows_choice(rng: np.random.Generator, probabilities: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    cumulative = np.cumsum(probabilities / probabilities.sum(axis=1, keepdims=True), axis=1)
    return np.minimum((cumulative < rng.random((probabilities.shape[0], 1))).sum(axis=1), probabilities.shape[1] - 1)


@dataclass
class Outcome:
    status: npt.NDArray[np.int64]  # index into STATUSES
    closed: npt.NDArray[np.int64]  # -1: open
    next_kind: npt.NDArray[np.int64]  # index into NEXT_KINDS, or NO_NEXT
    died: npt.NDArray[np.bool_]
    episodes: npt.NDArray[np.int64]
    first_start: npt.NDArray[np.int64]  # -1: not started


@dataclass
class EpisodeRows:
    referral: npt.NDArray[np.int64]  # index into the round
    level: npt.NDArray[np.int64]
    unit: npt.NDArray[np.int64]
    start: npt.NDArray[np.int64]
    end: npt.NDArray[np.int64]  # -1: open
    reason: npt.NDArray[np.int64]  # -1: open
    seq: npt.NDArray[np.int64]


def _durations(rng: np.random.Generator, level: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    median = np.ones(level.size)
    sigma = np.full(level.size, 0.5)
    for lv, (m, s) in cal.DURATION.items():
        median[level == LV[lv]] = m
        sigma[level == LV[lv]] = s
    days = np.exp(np.log(median) + sigma * rng.standard_normal(level.size))
    lar = level == LV[CareLevel.LAR]
    days = np.where(lar, rng.exponential(DAYS_PER_YEAR / cal.LAR_END_PER_YEAR, level.size), days)
    days = np.where(level == LV[CareLevel.USER_CONTROLLED_BED], np.minimum(days, 5), days)
    return np.maximum(np.rint(days), 1).astype(np.int64)


def _units(
    ctx: Context,
    rng: np.random.Generator,
    level: npt.NDArray[np.int64],
    hf: npt.NDArray[np.int64],
    area: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64]:
    unit = np.full(level.size, -1, dtype=np.int64)
    for lv, suffix in LEVEL_SUFFIX.items():
        mask = level == LV[lv]
        unit[mask] = ctx.units.hf[suffix][hf[mask]]
    regions = np.array(geography().area_region)[area]
    u = rng.random(level.size)
    pick = rng.random(level.size)
    for (region, lv), providers in ctx.units.private.items():
        share = cal.PRIVATE_SHARE.get(lv, 0.0)
        if not share:
            continue
        mask = (level == LV[lv]) & (regions == region) & (u < share)
        unit[mask] = providers[(pick[mask] * providers.size).astype(np.int64)]
    return unit


def run(ctx: Context, rng: np.random.Generator, p: Persons, r: Round) -> tuple[Outcome, EpisodeRows]:
    today, n = ctx.today, r.n
    first_known = r.first_assessed <= today
    final_known = r.assessed <= today
    status = np.full(n, ST[ReferralStatus.RECEIVED])
    status = np.where(first_known & r.returned, ST[ReferralStatus.RETURNED], status)
    status = np.where(
        final_known, np.where(r.rejected, ST[ReferralStatus.REJECTED], ST[ReferralStatus.GRANTED]), status
    )
    granted = status == ST[ReferralStatus.GRANTED]
    closed = np.where(final_known & r.rejected, r.assessed, -1)
    next_kind = np.where(final_known & r.rejected, NEXT_KINDS.index("rejected"), NO_NEXT)

    withdraws = granted & (rng.random(n) < cal.WITHDRAWN_BEFORE_START)
    withdrawn_on = r.assessed + rng.integers(7, 61, size=n)
    withdrawn = withdraws & (withdrawn_on <= today)
    closed = np.where(withdrawn, withdrawn_on, closed)
    status = np.where(withdrawn, ST[ReferralStatus.CLOSED], status)
    next_kind = np.where(withdrawn, NEXT_KINDS.index("withdrawn"), next_kind)

    area = p.area[r.person]
    inpatient = INPATIENT[r.assigned]
    mean = np.where(inpatient, cal.WAIT_MEAN_INPATIENT, cal.WAIT_MEAN_OUTPATIENT)
    mean = mean * ctx.area_effects.values["waiting_time_multiplier"][area] * np.where(r.pregnant, 0.4, 1.0)
    start = r.received + np.rint(rng.gamma(cal.WAIT_SHAPE, mean / cal.WAIT_SHAPE)).astype(np.int64)
    start = np.maximum(start, r.assessed)
    in_time = (start > r.deadline) & (rng.random(n) < cal.START_IN_TIME_WHEN_LATE)
    start = np.where(in_time, np.maximum(r.deadline - rng.integers(0, 6, size=n), r.assessed), start)
    start = np.maximum(ctx.calendar.on_or_before(np.minimum(start, today + 366)), r.assessed)
    starts = granted & ~withdraws & (start <= today)

    young = r.age < 23
    died = np.zeros(n, dtype=bool)
    episodes = np.zeros(n, dtype=np.int64)
    parts: list[tuple[npt.NDArray[np.int64], ...]] = []
    cur = np.flatnonzero(starts)
    level = r.assigned[cur]
    begin = start[cur]
    for seq in range(cal.MAX_EPISODES_PER_REFERRAL):
        if cur.size == 0:
            break
        m = cur.size
        end = begin + _durations(rng, level)
        probabilities = END_MATRIX[level].copy()
        dropout = ER[EndReason.DROPOUT]
        probabilities[:, dropout] *= np.where(young[cur], cal.DROPOUT_RATIO_YOUNG, 1.0)
        probabilities[:, dropout] *= np.where(r.homeless[cur], cal.DROPOUT_RATIO_HOMELESS, 1.0)
        if seq == cal.MAX_EPISODES_PER_REFERRAL - 1:
            probabilities[:, ER[EndReason.PLANNED_COMPLETION]] += probabilities[:, ER[EndReason.TRANSFERRED]]
            probabilities[:, ER[EndReason.TRANSFERRED]] = 0
        reason = _rows_choice(rng, probabilities)
        is_open = end > today
        unit = _units(ctx, rng, level, p.hf[r.person[cur]], area[cur])
        parts.append(
            (cur, level, unit, begin, np.where(is_open, -1, end), np.where(is_open, -1, reason), np.full(m, seq))
        )
        episodes[cur] += 1
        done = ~is_open & (reason != ER[EndReason.TRANSFERRED])
        closed[cur[done]] = end[done]
        status[cur[done]] = ST[ReferralStatus.CLOSED]
        kind = np.full(m, NEXT_KINDS.index("base"))
        kind = np.where(np.isin(reason, [ER[EndReason.DROPOUT], ER[EndReason.NON_ATTENDANCE]]), 1, kind)
        kind = np.where(reason == ER[EndReason.RULE_BREACH], 2, kind)
        next_kind[cur[done]] = kind[done]
        dead = done & (reason == ER[EndReason.DIED])
        died[cur[dead]] = True
        next_kind[cur[dead]] = NO_NEXT

        moves = ~is_open & (reason == ER[EndReason.TRANSFERRED])
        following = _rows_choice(rng, NEXT_MATRIX[level[moves]] + 1e-12)
        lar_instead = (r.substance[cur[moves]] == SUB[Substance.OPIOIDS]) & (rng.random(int(moves.sum())) < 0.25)
        following = np.where(lar_instead & ~INPATIENT[following], LV[CareLevel.LAR], following)
        from_bed = INPATIENT[level[moves]]
        gap = np.where(from_bed & (rng.random(following.size) < 0.6), 0, rng.integers(1, 15, size=following.size))
        next_begin = end[moves] + gap
        keep = next_begin <= today
        cur, level, begin = cur[moves][keep], following[keep], next_begin[keep]

    rows = EpisodeRows(
        *(np.concatenate([part[i] for part in parts]) if parts else np.empty(0, dtype=np.int64) for i in range(7))
    )
    first_start = np.where(starts, start, -1)
    return Outcome(status, closed, next_kind, died, episodes, first_start), rows
