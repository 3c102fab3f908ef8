"""What happened at appointments and after no-shows (tables ``appointment_attendance`` and ``outreach_attempt``).

Every appointment of the last year (``calibration.ATTENDANCE_HISTORY_DAYS``) that is no longer booked has its
attendance recorded once, with the NPR utsettelseskode the services use; older appointments carry their
attendance on the appointment row only (the history would double the largest table for little use).

An outreach task that was completed had an attempt that reached the person on the day it was completed; some
overdue open tasks have an attempt that did not; and before an episode ends for non-attendance there is always
an attempt that did not reach the person (the rule ``appointments.outreach`` enforces).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from helhet.appointments.models import POSTPONEMENT_CODES, Attendance, OutreachMode
from helhet.synthetic import calibration as cal
from helhet.synthetic import columns as col
from helhet.synthetic.appointments import AT, ATTENDANCE, Booked
from helhet.synthetic.context import Context, choice
from helhet.synthetic.persons import Persons

TABLES = ("appointment_attendance", "outreach_attempt")
MODES = tuple(OutreachMode)
NOTES = ("Fikk kontakt på telefon, ny time avtalt.", "Ikke svar på telefon; sendt SMS.", "Ikke hjemme ved besøk.")


def generate(ctx: Context, rng: np.random.Generator, p: Persons, b: Booked) -> dict[str, pa.Table]:
    recorded = np.flatnonzero((b.recorded_us >= 0) & (b.day >= ctx.today - cal.ATTENDANCE_HISTORY_DAYS))
    n = recorded.size
    codes = tuple(POSTPONEMENT_CODES.get(a) for a in ATTENDANCE)
    code_index = np.array([i if c is not None else -1 for i, c in enumerate(codes)])[b.attendance[recorded]]
    attendance = col.conform(
        "appointment_attendance",
        {
            "id": col.ints(ctx.ids.take("appointment_attendance", n)),
            "appointment_id": col.ints(b.id[recorded]),
            "attendance": col.pick(tuple(a.value for a in ATTENDANCE), b.attendance[recorded]),
            "postponement_code": col.pick(
                tuple(c or "" for c in codes), np.maximum(code_index, 0), mask=code_index < 0
            ),
            "note": col.nulls(n, pa.string()),
            "recorded_at": col.timestamps(b.recorded_us[recorded]),
            "recorded_by": col.nulls(n, pa.int64()),
        },
    )
    assert (b.attendance[b.outreach] == AT[Attendance.NO_SHOW]).all()

    k = b.outreach.size
    day = b.day[b.outreach]
    reached = b.outreach_done & ~b.forced
    overdue = ~b.outreach_done & (b.outreach_due < ctx.today) & (rng.random(k) < 0.3)
    tried = reached | overdue | b.forced
    attempted = np.where(reached, b.outreach_completed, np.minimum(b.outreach_due, ctx.today))
    # before an end for non-attendance: an attempt on the day of the no-show (never after the episode ended)
    attempted = np.where(b.forced, day, np.maximum(attempted, day))
    who = np.flatnonzero(tried)
    m = who.size
    note = np.where(reached[who], 0, 1 + (rng.random(m) < 0.3))
    outreach = col.conform(
        "outreach_attempt",
        {
            "id": col.ints(ctx.ids.take("outreach_attempt", m)),
            "appointment_id": col.ints(b.id[b.outreach[who]]),
            "task_id": col.ints(b.outreach_task[who]),
            "person_id": col.ints(p.id[b.person[b.outreach[who]]]),
            "attempted_on": col.dates(attempted[who]),
            "mode": col.pick(tuple(x.value for x in MODES), choice(rng, (0.6, 0.25, 0.1, 0.05), m)),
            "reached": col.bools(reached[who]),
            "note": col.pick(NOTES, note),
            "recorded_at": col.timestamps(ctx.stamp(rng, attempted[who])),
            "recorded_by": col.nulls(m, pa.int64()),
        },
    )
    return {"appointment_attendance": attendance, "outreach_attempt": outreach}
