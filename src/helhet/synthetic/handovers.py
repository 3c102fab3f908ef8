"""Handovers between units with their checklist, and discharges from inpatient care (tables ``handover``,
``handover_checklist_item``, ``discharge``).

- **Admission**: a share of first inpatient stays is handed over from the municipal substance-use service
  (``kom-<n>-rus``) to the inpatient unit, planned for the day the stay starts.
- **Discharge / transfer**: most inpatient stays that end (not by death) are handed over to the municipal service,
  or, after a transfer, to the unit of the next episode; after a dropout or a rule breach the handover is made
  on the day it happened, as an afterthought, and less often.

The receiver accepts after a number of working days (``calibration.ACCEPT_WORKING_DAYS``) plus the scenario's
``handover_acceptance_delay_days`` of the receiving unit (calendar days); a few are declined with a reason; those
not decided by the as-of day are pending. ``acceptance_due`` is the services' own rule
(``transitions.service.acceptance_due``). A discharge links its handover when that was accepted on or before the
day of discharge; otherwise it is flagged with a reason (the rule ``transitions.discharge`` enforces).
Checklist: every handover has all items; the crisis-plan and relatives items are never ticked here (they need a
shared plan version and a consenting relative, which the generator does not link).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from helhet.config import get_settings
from helhet.pathways.models import EndReason
from helhet.reference.units import INPATIENT_LEVELS, CareLevel
from helhet.synthetic import calibration as cal
from helhet.synthetic import columns as col
from helhet.synthetic import texts
from helhet.synthetic.columns import US_PER_DAY
from helhet.synthetic.context import Context, choice
from helhet.synthetic.episodes import ER
from helhet.synthetic.pathways import Pathways
from helhet.synthetic.persons import Persons
from helhet.synthetic.referrals import LV
from helhet.transitions.models import ChecklistItem, HandoverKind, HandoverStatus

TABLES = ("handover", "handover_checklist_item", "discharge")
KINDS = tuple(HandoverKind)
STATUSES = tuple(HandoverStatus)
ITEMS = tuple(ChecklistItem)
INPATIENT = np.array([LV[level] for level in sorted(INPATIENT_LEVELS)])
#: chance each item is ticked on an accepted handover (never the crisis-plan and relatives items, see above)
TICKED = {
    ChecklistItem.DISCHARGE_SUMMARY_SENT: 0.9,
    ChecklistItem.MEDICATION_LIST_SENT: 0.85,
    ChecklistItem.FOLLOWUP_BOOKED: 0.7,
    ChecklistItem.HOUSING_ARRANGED: 0.45,
    ChecklistItem.INCOME_ARRANGED: 0.45,
}
UNPLANNED = np.array([ER[EndReason.DROPOUT], ER[EndReason.RULE_BREACH], ER[EndReason.NON_ATTENDANCE]])


def delays(ctx: Context, to_unit: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The scenario's planted acceptance delay (days) of each receiving unit."""
    planted = ctx.scenario.effects.get("handover_acceptance_delay_days", {})
    ids = {ctx.units.by_code[c].id: int(v) for c, v in planted.items() if c in ctx.units.by_code}
    if not ids or to_unit.size == 0:
        return np.zeros(to_unit.size, dtype=np.int64)
    table = np.zeros(max(max(ids), int(to_unit.max())) + 1, dtype=np.int64)
    for unit_id, days in ids.items():
        table[unit_id] = days
    return table[np.maximum(to_unit, 0)]


def generate(ctx: Context, rng: np.random.Generator, p: Persons, path: Pathways) -> dict[str, pa.Table]:
    e, r, today, cal_ = path.e, path.r, ctx.today, ctx.calendar
    person_of = r.person[e.referral]
    municipal = ctx.units.municipal["rus"][p.municipality[person_of]]
    inpatient = np.isin(e.level, INPATIENT) & (e.level != LV[CareLevel.USER_CONTROLLED_BED])

    # admissions: municipal service → the first inpatient stay of a referral
    adm = np.flatnonzero(
        inpatient & (e.seq == 0) & (municipal >= 0) & (rng.random(e.start.size) < cal.ADMISSION_HANDOVER_SHARE)
    )
    adm_created = np.maximum(e.start[adm] - rng.integers(1, 11, adm.size), r.assessed[e.referral[adm]])
    # discharges and transfers after inpatient stays that ended
    ended = inpatient & (e.end >= 0) & (e.end <= today) & (e.reason != ER[EndReason.DIED])
    unplanned = np.isin(e.reason, UNPLANNED)
    share = np.where(unplanned, cal.DISCHARGE_HANDOVER_SHARE["unplanned"], cal.DISCHARGE_HANDOVER_SHARE["planned"])
    key = e.referral * 16 + e.seq
    order = np.argsort(key)
    transfer = e.reason == ER[EndReason.TRANSFERRED]
    nxt = np.minimum(np.searchsorted(key[order], key + 1), key.size - 1)
    next_unit = np.where(key[order][nxt] == key + 1, e.unit[order][nxt], -1)
    # a transfer within the same unit needs no handover
    receiver = np.where(transfer, np.where(next_unit == e.unit, -1, next_unit), municipal)
    ended &= ~(transfer & (next_unit == e.unit))  # moving on within the unit is no discharge
    dis = np.flatnonzero(ended & (receiver >= 0) & (rng.random(e.start.size) < share))
    dis_created = np.where(
        unplanned[dis], e.end[dis], np.maximum(e.end[dis] - rng.integers(3, 16, dis.size), e.start[dis])
    )

    episode_row = np.concatenate([adm, dis])
    n = episode_row.size
    is_adm = np.r_[np.ones(adm.size, dtype=bool), np.zeros(dis.size, dtype=bool)]
    kind = np.where(
        is_adm,
        KINDS.index(HandoverKind.ADMISSION),
        np.where(transfer[episode_row], KINDS.index(HandoverKind.TRANSFER), KINDS.index(HandoverKind.DISCHARGE)),
    )
    from_unit = np.where(is_adm, municipal[episode_row], e.unit[episode_row])
    to_unit = np.where(is_adm, e.unit[episode_row], receiver[episode_row])
    planned = np.where(is_adm, e.start[episode_row], e.end[episode_row])
    created = np.minimum(np.r_[adm_created, dis_created], today)
    due = np.minimum(cal_.add(created, get_settings().handover_acceptance_working_days), np.maximum(planned, created))
    wait = choice(rng, cal.ACCEPT_WORKING_DAYS, n)
    decided = cal_.add(created, wait) + delays(ctx, to_unit)
    declined = rng.random(n) < cal.HANDOVER_DECLINED
    open_ = decided > today
    status = np.where(
        open_,
        STATUSES.index(HandoverStatus.PENDING),
        np.where(declined, STATUSES.index(HandoverStatus.DECLINED), STATUSES.index(HandoverStatus.ACCEPTED)),
    )
    created_us = ctx.stamp(rng, created)
    decided_us = np.maximum(ctx.stamp(rng, np.minimum(decided, today)), created_us + 60_000_000)
    decided_us = np.minimum(decided_us, ctx.now_us)
    ids = ctx.ids.take("handover", n)
    note = rng.integers(0, len(texts.HANDOVER_NOTES), n)
    reason = np.where(
        status == STATUSES.index(HandoverStatus.DECLINED), rng.integers(0, len(texts.HANDOVER_DECLINE_REASONS), n), -1
    )
    accepted = status == STATUSES.index(HandoverStatus.ACCEPTED)

    # checklist: every item for every handover, ticked on accepted ones
    m = n * len(ITEMS)
    item = np.tile(np.arange(len(ITEMS)), n)
    owner = np.repeat(np.arange(n), len(ITEMS))
    chance = np.array([TICKED.get(i, 0.0) for i in ITEMS])[item] * np.where(is_adm[owner], 0.6, 1.0)
    done = accepted[owner] & (rng.random(m) < chance)
    done_on = np.minimum(np.maximum(planned[owner], created[owner]), today)
    lar = np.zeros(p.n, dtype=bool)
    lar[person_of[e.level == LV[CareLevel.LAR]]] = True
    medication = done & (item == ITEMS.index(ChecklistItem.MEDICATION_LIST_SENT)) & lar[person_of[episode_row[owner]]]
    ticks = np.bincount(owner[done], minlength=n)
    updated_us = np.where(open_ | ~accepted, np.where(open_, created_us, decided_us), decided_us)
    updated_us = np.where(
        ticks > 0, np.maximum(updated_us, np.minimum(done_on[:: len(ITEMS)] * US_PER_DAY, ctx.now_us)), updated_us
    )
    updated_us = np.maximum(updated_us, created_us)
    tables = {
        "handover": col.conform(
            "handover",
            {
                "id": col.ints(ids),
                "person_id": col.ints(p.id[person_of[episode_row]]),
                "kind": col.pick(tuple(k.value for k in KINDS), kind),
                "from_unit_id": col.ints(from_unit),
                "to_unit_id": col.ints(to_unit),
                "episode_id": col.ints(path.episode_id[episode_row], mask=is_adm),
                "planned_on": col.dates(planned),
                "status": col.pick(tuple(s.value for s in STATUSES), status),
                "acceptance_due": col.dates(due),
                "receiver_user_id": col.nulls(n, pa.int64()),
                "note": col.pick(tuple(t or "" for t in texts.HANDOVER_NOTES), note, mask=note == 2),
                "decided_at": col.timestamps(decided_us, mask=open_),
                "decided_by": col.nulls(n, pa.int64()),
                "decision_reason": col.pick(texts.HANDOVER_DECLINE_REASONS, np.maximum(reason, 0), mask=reason < 0),
                "escalated_at": col.nulls(n, col.TIMESTAMP),
                "created_at": col.timestamps(created_us),
                "created_by": col.nulls(n, pa.int64()),
                "updated_at": col.timestamps(updated_us),
                "version": col.ints(1 + (~open_).astype(np.int64) + ticks),
            },
        ),
        "handover_checklist_item": col.conform(
            "handover_checklist_item",
            {
                "id": col.ints(ctx.ids.take("handover_checklist_item", m)),
                "handover_id": col.ints(ids[owner]),
                "item": col.pick(tuple(i.value for i in ITEMS), item),
                "done": col.bools(done),
                "done_on": col.dates(done_on, mask=~done),
                "done_by": col.nulls(m, pa.int64()),
                "note": col.nulls(m, pa.string()),
                "appointment_id": col.nulls(m, pa.int64()),
                "relative_id": col.nulls(m, pa.int64()),
                "crisis_plan_id": col.nulls(m, pa.int64()),
                "lar_dose_included": pa.array(np.ones(m, dtype=bool), type=pa.bool_(), mask=~medication),
            },
        ),
    }
    tables["discharge"] = _discharges(
        ctx, rng, p, path, ended, dis, ids[adm.size :], accepted[adm.size :], decided[adm.size :]
    )
    return tables


def _discharges(
    ctx: Context,
    rng: np.random.Generator,
    p: Persons,
    path: Pathways,
    ended: npt.NDArray[np.bool_],
    dis: npt.NDArray[np.int64],
    handover_ids: npt.NDArray[np.int64],
    accepted: npt.NDArray[np.bool_],
    decided: npt.NDArray[np.int64],
) -> pa.Table:
    """One discharge per ended inpatient stay: with the handover accepted by the day of discharge, or flagged."""
    e = path.e
    rows = np.flatnonzero(ended)
    n = rows.size
    handover = np.full(e.start.size, -1, dtype=np.int64)
    ok = accepted & (decided <= e.end[dis])
    handover[dis[ok]] = handover_ids[ok]
    linked = handover[rows]
    flagged = linked < 0
    reason = rng.integers(0, len(texts.DISCHARGE_WITHOUT_HANDOVER), n)
    return col.conform(
        "discharge",
        {
            "id": col.ints(ctx.ids.take("discharge", n)),
            "episode_id": col.ints(path.episode_id[rows]),
            "person_id": col.ints(p.id[path.r.person[e.referral[rows]]]),
            "unit_id": col.ints(e.unit[rows]),
            "discharged_on": col.dates(e.end[rows]),
            "handover_id": col.ints(linked, mask=flagged),
            "without_accepted_handover": col.bools(flagged),
            "reason_without_handover": col.pick(texts.DISCHARGE_WITHOUT_HANDOVER, reason, mask=~flagged),
            "recorded_at": col.timestamps(ctx.stamp(rng, e.end[rows])),
            "recorded_by": col.nulls(n, pa.int64()),
        },
    )
