"""Kartlegging of substance use (tables ``mapping_questionnaire`` and ``mapping_declined``).

At the start of treatment (a referral's first episode) the person answers AUDIT (alcohol as main substance) or
DUDIT (other substances), some both, within ``Settings.mapping_within_days`` (ROP-01), later, or never; a share of
the never-mapped declined. Answers are drawn item by item from each item's own answer scores
(``mapping.instruments``), from a severity that is high for the instrument of the main substance, so totals,
bands and the positive flag are what ``instruments.score`` gives for the stored answers.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from helhet.config import get_settings
from helhet.mapping import instruments
from helhet.mapping.models import MappingArea
from helhet.referrals.models import Substance
from helhet.synthetic import calibration as cal
from helhet.synthetic import columns as col
from helhet.synthetic.context import Context
from helhet.synthetic.pathways import Pathways
from helhet.synthetic.persons import Persons
from helhet.synthetic.referrals import SUB

TABLES = ("mapping_questionnaire", "mapping_declined")
INSTRUMENT_CODES = ("AUDIT", "DUDIT")
BANDS = tuple(instruments.BandCode)


def answers_and_scores(
    rng: np.random.Generator, code: str, severity: npt.NDArray[np.float64], male: npt.NDArray[np.bool_]
) -> tuple[pa.Array, npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Answers as JSON text, totals, band indexes into ``BANDS`` and the positive flag, for one instrument."""
    instrument = instruments.get_instrument(code)
    n = severity.size
    total = np.zeros(n, dtype=np.int64)
    parts: list[object] = ["{"]
    for i, item in enumerate(instrument.items):
        scores = np.array(item.scores, dtype=np.int64)
        level = np.clip(severity + 0.25 * rng.standard_normal(n), 0, 0.999)
        chosen = scores[(level * scores.size).astype(np.int64)]
        total += chosen
        parts += [f'"{item.number}": ' if i == 0 else f', "{item.number}": ', pa.array(chosen).cast(pa.string())]
    parts.append("}")
    text = pc.binary_join_element_wise(*parts, "")
    if code == "AUDIT":
        cuts = [b.low for b in instrument.bands[1:]]
        band = np.searchsorted(cuts, total, side="right")
        index = np.array([BANDS.index(b.code) for b in instrument.bands])[band]
        positive = total >= instrument.bands[1].low
    else:
        problems = np.where(male, instruments.DUDIT_PROBLEMS_FROM["male"], instruments.DUDIT_PROBLEMS_FROM["female"])
        band = np.where(total >= instruments.DUDIT_DEPENDENCE_FROM, 2, np.where(total >= problems, 1, 0))
        codes = (instruments.BandCode.NO_DRUG_PROBLEMS, instruments.BandCode.DRUG_PROBLEMS)
        index = np.array([BANDS.index(c) for c in (*codes, instruments.BandCode.PROBABLE_DEPENDENCE)])[band]
        positive = band > 0
    return text, total, index, positive


def generate(ctx: Context, rng: np.random.Generator, p: Persons, path: Pathways) -> dict[str, pa.Table]:
    e, r, today = path.e, path.r, ctx.today
    within = get_settings().mapping_within_days
    first = np.flatnonzero((e.seq == 0) & (e.start <= today))
    n = first.size
    person = r.person[e.referral[first]]
    start = e.start[first]
    u = rng.random(n)
    on_time = u < cal.MAPPING_ON_TIME
    late = ~on_time & (u < cal.MAPPING_ON_TIME + cal.MAPPING_LATE)
    done = np.where(on_time, start + rng.integers(0, within + 1, n), start + rng.integers(within + 1, 121, n))
    mapped = (on_time | late) & (done <= today)
    alcohol = r.substance[e.referral[first]] == SUB[Substance.ALCOHOL]
    second = rng.random(n) < cal.MAPPING_SECOND_INSTRUMENT
    rows = []
    for code, main in (("AUDIT", alcohol), ("DUDIT", ~alcohol)):
        take = np.flatnonzero(mapped & (main | second))
        k = take.size
        severity = np.where(main[take], rng.beta(4, 2, k), rng.beta(1.2, 4, k))
        male = p.male[person[take]]
        text, total, band, positive = answers_and_scores(rng, code, severity, male)
        rows.append((code, take, text, total, band, positive))
    take = np.concatenate([x[1] for x in rows])
    order = np.argsort(take, kind="stable")
    take = take[order]
    m = take.size
    code_index = np.concatenate([np.full(x[1].size, i) for i, x in enumerate(rows)])[order]
    male = p.male[person[take]]
    questionnaire = col.conform(
        "mapping_questionnaire",
        {
            "id": col.ints(ctx.ids.take("mapping_questionnaire", m)),
            "person_id": col.ints(p.id[person[take]]),
            "instrument": col.pick(INSTRUMENT_CODES, code_index),
            "answers": pa.concat_arrays([x[2] for x in rows]).take(pa.array(order)),
            "total": col.ints(np.concatenate([x[3] for x in rows])[order]),
            "band": col.pick(tuple(b.value for b in BANDS), np.concatenate([x[4] for x in rows])[order]),
            "positive": col.bools(np.concatenate([x[5] for x in rows])[order]),
            "scored_with_sex": col.pick(("female", "male"), male.astype(np.int64)),
            "done_on": col.dates(done[take]),
            "unit_id": col.ints(e.unit[first][take]),
            "done_by_user_id": col.nulls(m, pa.int64()),
            "note": col.nulls(m, pa.string()),
            "recorded_at": col.timestamps(ctx.stamp(rng, done[take])),
            "recorded_by": col.nulls(m, pa.int64()),
        },
    )
    never = np.flatnonzero(~on_time & ~late)
    declined = never[rng.random(never.size) < cal.MAPPING_DECLINED_OF_NEVER]
    day = np.minimum(start[declined] + rng.integers(0, 21, declined.size), today)
    k = declined.size
    return {
        "mapping_questionnaire": questionnaire,
        "mapping_declined": col.conform(
            "mapping_declined",
            {
                "id": col.ints(ctx.ids.take("mapping_declined", k)),
                "person_id": col.ints(p.id[person[declined]]),
                "area": col.constant(MappingArea.SUBSTANCE_USE.value, k),
                "declined_on": col.dates(day),
                "unit_id": col.ints(e.unit[first][declined]),
                "reason": col.constant("Ønsker ikke å fylle ut skjema nå.", k),
                "recorded_at": col.timestamps(ctx.stamp(rng, day)),
                "recorded_by": col.nulls(k, pa.int64()),
            },
        ),
    }
