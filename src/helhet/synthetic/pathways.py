"""Pathways of a chunk of persons: referrals (and re-referrals), assessments and episodes.

Rounds: every person gets a first referral; when a pathway closes, a new referral may follow after a gap whose
chance and length depend on how it ended (``calibration.REREFERRAL``). Each round is computed for all persons in
it at once (``referrals.draw`` then ``episodes.run``), so the cost grows with rows, not with Python loops.
Tables: ``referral``, ``assessment``, ``episode``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from helhet.assessments.models import Outcome as AssessmentOutcome
from helhet.pathways.models import EndReason
from helhet.referrals.models import ReferrerKind
from helhet.synthetic import calibration as cal
from helhet.synthetic import columns as col
from helhet.synthetic import texts
from helhet.synthetic.context import Context
from helhet.synthetic.episodes import END_REASONS, NEXT_KINDS, NO_NEXT, STATUSES, EpisodeRows, Outcome, run
from helhet.synthetic.persons import SUBSTANCES, Persons
from helhet.synthetic.referrals import (
    CONDITION_VALUES,
    HEARD,
    HEARD_NEEDS_NOTE,
    LEVELS,
    REFERRER_KINDS,
    REFERRER_UNIT_SUFFIX,
    RISKS,
    WISH_REASONS,
    Round,
    deadline_texts,
    draw,
    wish_note_texts,
)

TABLES = ("referral", "assessment", "episode")
T = TypeVar("T", bound=Any)
LEVEL_VALUES = tuple(level.value for level in LEVELS)


@dataclass
class Pathways:
    """Referrals (sorted by person and date) and episodes of a chunk, with what later tables need."""

    referral_id: npt.NDArray[np.int64]
    r: Round  # all rounds concatenated, in referral_id order
    outcome: Outcome
    receiving_unit: npt.NDArray[np.int64]
    registered_us: npt.NDArray[np.int64]
    episode_id: npt.NDArray[np.int64]
    e: EpisodeRows  # referral: index into the referral arrays


def _concat(items: list[T]) -> T:
    """Dataclasses of arrays, joined field by field."""
    cls = type(items[0])
    return cls(**{f.name: np.concatenate([getattr(i, f.name) for i in items]) for f in fields(cls)})


def _take(item: T, order: npt.NDArray[np.int64]) -> T:
    return type(item)(**{f.name: getattr(item, f.name)[order] for f in fields(item)})


def generate(ctx: Context, rng: np.random.Generator, p: Persons) -> tuple[Pathways, dict[str, pa.Table]]:
    rounds: list[Round] = []
    outcomes: list[Outcome] = []
    episode_parts: list[EpisodeRows] = []
    offset = 0
    who = np.arange(p.n)
    received = p.first_referral.copy()
    prior = np.zeros(p.n, dtype=np.int64)
    rerefer = np.array([cal.REREFERRAL[k] for k in NEXT_KINDS])
    gap_mean = np.array([cal.REREFERRAL_GAP_DAYS[k] for k in NEXT_KINDS])
    for number in range(cal.MAX_REFERRALS_PER_PERSON):
        if who.size == 0:
            break
        r = draw(ctx, rng, p, who, received, prior[who], first_round=number == 0)
        outcome, eps = run(ctx, rng, p, r)
        rounds.append(r)
        outcomes.append(outcome)
        eps.referral = eps.referral + offset
        episode_parts.append(eps)
        offset += r.n
        prior[who] += outcome.episodes
        kind = outcome.next_kind
        again = (kind != NO_NEXT) & (rng.random(r.n) < rerefer[np.maximum(kind, 0)])
        gap = 14 + rng.exponential(gap_mean[np.maximum(kind, 0)]).astype(np.int64)
        nxt = ctx.calendar.on_or_after(
            np.where(outcome.closed >= 0, np.minimum(outcome.closed + gap, ctx.today + 30), ctx.today + 30)
        )
        again &= nxt <= ctx.today
        who, received = who[again], nxt[again]

    r, outcome, e = _concat(rounds), _concat(outcomes), _concat(episode_parts)
    order = np.lexsort((r.received, r.person))
    r, outcome = _take(r, order), _take(outcome, order)
    position = np.empty_like(order)
    position[order] = np.arange(order.size)
    e.referral = position[e.referral]
    e_order = np.lexsort((e.seq, e.referral))
    e = _take(e, e_order)

    ids = ctx.ids.take("referral", r.n)
    registered = ctx.stamp(rng, r.received)
    first = np.r_[True, r.person[1:] != r.person[:-1]]
    registered = np.where(first, np.maximum(registered, p.created_us[r.person]), registered)
    path = Pathways(
        referral_id=ids,
        r=r,
        outcome=outcome,
        receiving_unit=ctx.units.hf["vurd"][p.hf[r.person]],
        registered_us=registered,
        episode_id=ctx.ids.take("episode", e.referral.size),
        e=e,
    )
    return path, {
        "referral": _referral_table(ctx, rng, p, path, first),
        "assessment": _assessment_table(ctx, rng, p, path),
        "episode": _episode_table(ctx, rng, p, path),
    }


def _referral_table(
    ctx: Context, rng: np.random.Generator, p: Persons, path: Pathways, first: npt.NDArray[np.bool_]
) -> pa.Table:
    r, n = path.r, path.r.n
    kinds = np.array(REFERRER_KINDS)[r.referrer]
    referrer_unit = np.full(n, -1, dtype=np.int64)
    for kind, suffix in REFERRER_UNIT_SUFFIX.items():
        mask = kinds == kind
        referrer_unit[mask] = ctx.units.municipal[suffix][p.municipality[r.person[mask]]]
    specialist = kinds == ReferrerKind.SPECIALIST
    referrer_unit[specialist] = ctx.units.hf["poli"][p.hf[r.person[specialist]]]
    referrer_unit = np.where(referrer_unit == path.receiving_unit, -1, referrer_unit)
    reasons = tuple(t for s in SUBSTANCES for t in texts.REASONS[s])
    reason_offset = np.cumsum([0] + [len(texts.REASONS[s]) for s in SUBSTANCES])[:-1]
    secondary = rng.integers(0, len(SUBSTANCES), size=n)
    has_second = (rng.random(n) < 0.35) & (secondary != r.substance)
    combo = np.where(has_second, r.substance * len(SUBSTANCES) + secondary, r.substance * len(SUBSTANCES) + r.substance)
    combos = [[a.value] if a == b else [a.value, b.value] for a in SUBSTANCES for b in SUBSTANCES]
    previous = np.where(first, -1, np.r_[-1, path.referral_id[:-1]])
    return col.conform(
        "referral",
        {
            "id": col.ints(path.referral_id),
            "person_id": col.ints(p.id[r.person]),
            "receiving_unit_id": col.ints(path.receiving_unit),
            "referrer_kind": col.pick(tuple(k.value for k in REFERRER_KINDS), r.referrer),
            "referrer_unit_id": col.ints(referrer_unit, mask=referrer_unit < 0),
            "referrer_name": col.nulls(n, pa.string()),
            "received_on": col.dates(r.received),
            "reason": col.pick(reasons, reason_offset[r.substance] + r.reason),
            "substances": col.lists(combos, combo),
            "primary_substance": col.pick(tuple(s.value for s in SUBSTANCES), r.substance),
            "rop": col.bools(p.rop[r.person]),
            "pregnant": col.bools(r.pregnant),
            "injecting": col.bools(r.injecting),
            "under_23": col.bools(r.age < 23),
            "wished_level": col.pick(LEVEL_VALUES, np.maximum(r.wish, 0), mask=r.wish < 0),
            "what_matters": col.pick(texts.WHAT_MATTERS, np.maximum(r.what_matters, 0), mask=r.what_matters < 0),
            "previous_referral_id": col.ints(previous, mask=previous < 0),
            "status": col.pick(tuple(s.value for s in STATUSES), path.outcome.status),
            "assessment_due": col.dates(r.due),
            "closed_on": col.dates(path.outcome.closed, mask=path.outcome.closed < 0),
            "registered_at": col.timestamps(path.registered_us),
            "registered_by": col.nulls(n, pa.int64()),
            "version": col.ints(np.ones(n)),
        },
    )


def _assessment_table(ctx: Context, rng: np.random.Generator, p: Persons, path: Pathways) -> pa.Table:
    r, today = path.r, ctx.today
    returned_row = r.returned & (r.first_assessed <= today)
    final_row = r.assessed <= today
    ref = np.concatenate([np.flatnonzero(returned_row), np.flatnonzero(final_row)])
    is_return = np.r_[np.ones(int(returned_row.sum()), dtype=bool), np.zeros(int(final_row.sum()), dtype=bool)]
    order = np.lexsort((~is_return, ref))
    ref, is_return = ref[order], is_return[order]
    m = ref.size
    outcome_values = (
        AssessmentOutcome.GRANTED.value,
        AssessmentOutcome.REJECTED.value,
        AssessmentOutcome.RETURNED.value,
    )
    rejected = r.rejected[ref] & ~is_return
    granted = ~rejected & ~is_return
    outcome = np.where(is_return, 2, np.where(rejected, 1, 0))
    assessed = np.where(is_return, r.first_assessed[ref], r.assessed[ref])
    heard = r.heard[ref]
    dims = r.dimensions[ref]
    notes = wish_note_texts()
    deadline_reason = np.where(granted, r.deadline_reason[ref], -1)
    wish_reason = np.where(granted, r.wish_reason[ref], -1)
    wish_note = np.where(granted, r.wish_note[ref], -1)
    return col.conform(
        "assessment",
        {
            "id": col.ints(ctx.ids.take("assessment", m)),
            "referral_id": col.ints(path.referral_id[ref]),
            "person_id": col.ints(p.id[r.person[ref]]),
            "unit_id": col.ints(path.receiving_unit[ref]),
            "assessed_by": col.nulls(m, pa.int64()),
            "assessed_on": col.dates(assessed),
            "outcome": col.pick(outcome_values, outcome),
            "condition": col.pick(CONDITION_VALUES, r.condition[ref], mask=is_return),
            "assigned_level": col.pick(LEVEL_VALUES, r.assigned[ref], mask=~granted),
            "guideline_deadline": col.dates(r.guideline[ref], mask=~granted),
            "start_deadline": col.dates(r.deadline[ref], mask=~granted),
            "deadline_reason": col.pick(deadline_texts(), np.maximum(deadline_reason, 0), mask=deadline_reason < 0),
            "rejection_reason": col.pick(texts.REJECTION_REASONS, ref % len(texts.REJECTION_REASONS), mask=~rejected),
            "advice_to_referrer": col.pick(
                (*texts.REJECTION_ADVICE, *texts.RETURN_ADVICE),
                np.where(is_return, len(texts.REJECTION_ADVICE), 0) + ref % 2,
                mask=granted,
            ),
            "withdrawal_risk": col.ints(dims[:, 0]),
            "somatic_health": col.ints(dims[:, 1]),
            "mental_health": col.ints(dims[:, 2]),
            "readiness": col.ints(dims[:, 3]),
            "relapse_risk": col.ints(dims[:, 4]),
            "living_situation": col.ints(dims[:, 5]),
            "overdose_risk": col.pick(tuple(x.value for x in RISKS), r.overdose[ref]),
            "suicide_risk": col.pick(tuple(x.value for x in RISKS), r.suicide[ref]),
            "heard_how": col.pick(tuple(h.value for h in HEARD), heard),
            "heard_note": col.pick(texts.NOT_HEARD_NOTES, ref % 2, mask=~HEARD_NEEDS_NOTE[heard]),
            "wished_level": col.pick(LEVEL_VALUES, np.maximum(r.wish[ref], 0), mask=r.wish[ref] < 0),
            "wish_difference_reason": col.pick(
                tuple(w.value for w in WISH_REASONS), np.maximum(wish_reason, 0), mask=wish_reason < 0
            ),
            "wish_difference_note": col.pick(tuple(t for _, t in notes), np.maximum(wish_note, 0), mask=wish_note < 0),
            "recorded_at": col.timestamps(ctx.stamp(rng, assessed)),
            "version": col.ints(np.ones(m)),
        },
    )


def _episode_table(ctx: Context, rng: np.random.Generator, p: Persons, path: Pathways) -> pa.Table:
    e, m = path.e, path.e.referral.size
    person = path.r.person[e.referral]
    rule_breach = e.reason == END_REASONS.index(EndReason.RULE_BREACH)
    needs_note = rule_breach | (e.reason == END_REASONS.index(EndReason.OTHER))
    note = np.where(rule_breach, 0, 1 + np.arange(m) % (len(texts.END_NOTES) - 1))
    owners = np.where(e.end < 0, ctx.owners(e.unit, 0.5), -1)
    return col.conform(
        "episode",
        {
            "id": col.ints(path.episode_id),
            "referral_id": col.ints(path.referral_id[e.referral]),
            "person_id": col.ints(p.id[person]),
            "unit_id": col.ints(e.unit),
            "level": col.pick(LEVEL_VALUES, e.level),
            "started_on": col.dates(e.start),
            "ended_on": col.dates(e.end, mask=e.end < 0),
            "end_reason": col.pick(tuple(x.value for x in END_REASONS), np.maximum(e.reason, 0), mask=e.reason < 0),
            "end_note": col.pick(texts.END_NOTES, note, mask=~needs_note),
            "responsible_user_id": col.ints(owners, mask=owners < 0),
            "recorded_at": col.timestamps(ctx.stamp(rng, e.start)),
            "version": col.ints(np.ones(m)),
        },
    )
