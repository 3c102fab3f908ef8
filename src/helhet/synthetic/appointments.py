"""Appointments with attendance and interpreters, and the tasks around them (tables ``appointment``, ``task``).

Outpatient-type episodes (outpatient, ambulant, day, LAR) get appointments at about the rate of real
consultations, booked up to four weeks ahead. A no-show is followed by an outreach task in most cases; an
episode ended for non-attendance always has a no-show with a completed outreach attempt before it ends. Persons
who need an interpreter get one booked, except in units the scenario marks ``never_books_interpreters``. Other
tasks: mapping and a somatic check at start, pathway evaluations, a crisis plan before inpatient discharge, and
the children's situation when the person has a child under 18.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from helhet.appointments.models import AppointmentMode, Attendance, InterpreterStatus
from helhet.config import get_settings
from helhet.pathways.models import EndReason
from helhet.reference.units import CareLevel
from helhet.referrals.models import Substance
from helhet.synthetic import calibration as cal
from helhet.synthetic import columns as col
from helhet.synthetic import texts
from helhet.synthetic.care import CareTeam
from helhet.synthetic.columns import US_PER_DAY
from helhet.synthetic.context import Context, choice
from helhet.synthetic.episodes import ER
from helhet.synthetic.pathways import Pathways
from helhet.synthetic.persons import Persons
from helhet.synthetic.referrals import LV, SUB
from helhet.synthetic.relatives import Relatives
from helhet.tasks.models import TaskKind, TaskStatus

TABLES = ("task", "appointment")
ATTENDANCE = tuple(Attendance)
AT = {a: i for i, a in enumerate(ATTENDANCE)}
MODES = tuple(AppointmentMode)
INTERPRETER = tuple(InterpreterStatus)
IS = {s: i for i, s in enumerate(INTERPRETER)}
KINDS = tuple(TaskKind)
STATUSES = tuple(TaskStatus)
US_PER_MINUTE = 60_000_000


@dataclass
class Tasks:
    """Task rows gathered from several sources, turned into one table at the end."""

    parts: dict[str, list[npt.NDArray[np.int64]]] = field(
        default_factory=lambda: {k: [] for k in ("person", "unit", "kind", "due", "created", "source")}
    )

    def add(
        self,
        person: npt.NDArray[np.int64],
        unit: npt.NDArray[np.int64],
        kind: TaskKind,
        due: npt.NDArray[np.int64],
        created: npt.NDArray[np.int64],
        source: npt.NDArray[np.int64] | None = None,
    ) -> None:
        keep = unit >= 0
        self.parts["person"].append(person[keep])
        self.parts["unit"].append(unit[keep])
        self.parts["kind"].append(np.full(int(keep.sum()), KINDS.index(kind)))
        self.parts["due"].append(due[keep])
        self.parts["created"].append(np.minimum(created[keep], due[keep]))
        self.parts["source"].append(source[keep] if source is not None else np.full(int(keep.sum()), -1))

    def arrays(self) -> dict[str, npt.NDArray[np.int64]]:
        return {k: np.concatenate(v) if v else np.empty(0, dtype=np.int64) for k, v in self.parts.items()}


@dataclass
class Booked:
    """The appointments of a chunk and their outreach tasks, for the attendance and outreach records."""

    id: npt.NDArray[np.int64]
    person: npt.NDArray[np.int64]
    day: npt.NDArray[np.int64]
    recorded_us: npt.NDArray[np.int64]  # -1 while booked
    attendance: npt.NDArray[np.int64]  # index into ATTENDANCE
    episode_end: npt.NDArray[np.int64]  # -1: open episode or no episode
    outreach: npt.NDArray[np.int64]  # appointment rows with an outreach task
    outreach_task: npt.NDArray[np.int64]
    outreach_done: npt.NDArray[np.bool_]
    outreach_completed: npt.NDArray[np.int64]
    outreach_due: npt.NDArray[np.int64]
    forced: npt.NDArray[np.bool_]  # the no-show before an end for non-attendance


@dataclass
class Series:
    """Stretches of care that bring appointments: outpatient-type episodes and municipal coordination."""

    person: npt.NDArray[np.int64]
    unit: npt.NDArray[np.int64]
    episode: npt.NDArray[np.int64]  # index into the episodes; -1 for municipal follow-up
    start: npt.NDArray[np.int64]
    last: npt.NDArray[np.int64]
    per_month: npt.NDArray[np.float64]
    outreach_mode: npt.NDArray[np.bool_]  # ambulant work: most appointments where the person is
    ends_for_non_attendance: npt.NDArray[np.bool_]
    young: npt.NDArray[np.bool_]
    stimulants: npt.NDArray[np.bool_]


def _series(ctx: Context, p: Persons, path: Pathways, team: CareTeam) -> Series:
    e, r, today = path.e, path.r, ctx.today
    rate = np.zeros(e.level.size)
    for lv, per_month in cal.APPOINTMENTS_PER_MONTH.items():
        rate[e.level == LV[lv]] = per_month
    non_attendance = e.reason == ER[EndReason.NON_ATTENDANCE]
    keep = (rate > 0) | non_attendance
    ref = e.referral[keep]
    ahead = today + cal.APPOINTMENTS_AHEAD_DAYS
    # the coordinator's meetings of the last months, for current coordinators (the living calendar)
    c = team.coordinators[team.until[team.coordinators] < 0]
    coordinator_since = np.maximum(team.since[c], today - cal.COORDINATOR_MEETINGS_DAYS)
    coordinator_last = np.full(c.size, ahead)
    municipal_age = (today - p.birth[team.person[c]]) / 365.25
    return Series(
        person=np.concatenate([r.person[ref], team.person[c]]),
        unit=np.concatenate([e.unit[keep], team.unit[c]]),
        episode=np.concatenate([np.flatnonzero(keep), np.full(c.size, -1)]),
        start=np.concatenate([e.start[keep], coordinator_since]),
        last=np.concatenate([np.where(e.end[keep] >= 0, e.end[keep], ahead), coordinator_last]),
        per_month=np.concatenate([rate[keep], np.full(c.size, cal.COORDINATOR_MEETINGS_PER_MONTH)]),
        outreach_mode=np.concatenate([e.level[keep] == LV[CareLevel.AMBULANT], np.zeros(c.size, dtype=bool)]),
        ends_for_non_attendance=np.concatenate([non_attendance[keep], np.zeros(c.size, dtype=bool)]),
        young=np.concatenate([r.age[ref] < 25, municipal_age < 25]),
        stimulants=np.concatenate(
            [r.substance[ref] == SUB[Substance.STIMULANTS], p.substance[team.person[c]] == SUB[Substance.STIMULANTS]]
        ),
    )


def _attendance(
    ctx: Context,
    rng: np.random.Generator,
    p: Persons,
    s: Series,
    row: npt.NDArray[np.int64],
    starts: npt.NDArray[np.int64],
    forced: npt.NDArray[np.bool_],
) -> npt.NDArray[np.int64]:
    m = row.size
    past = starts < min(ctx.now_us, (ctx.today + 1) * US_PER_DAY)
    no_show = cal.NO_SHOW_SHARE * np.where(s.young[row], cal.NO_SHOW_RATIO["young"], 1.0)
    no_show *= np.where(p.unstable_on(s.person[row], starts // US_PER_DAY), cal.NO_SHOW_RATIO["homeless"], 1.0)
    no_show *= np.where(s.stimulants[row], cal.NO_SHOW_RATIO["stimulants"], 1.0)
    u = rng.random(m)
    cancelled = no_show + cal.CANCELLED_BY_PERSON
    attendance = np.full(m, AT[Attendance.ATTENDED])
    attendance = np.where(u < cancelled + cal.CANCELLED_BY_SERVICE, AT[Attendance.CANCELLED_BY_SERVICE], attendance)
    attendance = np.where(u < cancelled, AT[Attendance.CANCELLED_BY_PERSON], attendance)
    attendance = np.where(u < no_show, AT[Attendance.NO_SHOW], attendance)
    attendance = np.where(forced, AT[Attendance.NO_SHOW], attendance)
    return np.where(past | forced, attendance, AT[Attendance.BOOKED])


def generate(
    ctx: Context, rng: np.random.Generator, p: Persons, path: Pathways, rel: Relatives, team: CareTeam
) -> tuple[Booked, dict[str, pa.Table]]:
    s = _series(ctx, p, path, team)
    span = np.maximum(s.last - s.start, 1)
    count = np.minimum(rng.poisson(s.per_month * span / 30.44), cal.APPOINTMENTS_CAP)
    count = np.where(s.ends_for_non_attendance, np.maximum(count, 1), count)
    row = np.repeat(np.arange(s.person.size), count)
    m = row.size
    day = s.start[row] + (rng.random(m) * span[row]).astype(np.int64)
    day = np.maximum(ctx.calendar.on_or_before(np.minimum(day, ctx.calendar.last)), s.start[row])
    starts = day * US_PER_DAY + (6 * 60 + 15 * rng.integers(0, 29, m)) * US_PER_MINUTE
    order = np.lexsort((starts, row))
    row, starts = row[order], starts[order]
    last_of_series = np.r_[row[1:] != row[:-1], True] if m else np.zeros(0, dtype=bool)
    person, unit = s.person[row], s.unit[row]
    forced = last_of_series & s.ends_for_non_attendance[row]
    attendance = _attendance(ctx, rng, p, s, row, starts, forced)
    no_show = attendance == AT[Attendance.NO_SHOW]
    appointment_ids = ctx.ids.take("appointment", m)
    owners = ctx.owners(unit, 1.0)  # the services want a named owner: any user of the unit

    tasks = Tasks()
    outreach = no_show & ((rng.random(m) < cal.OUTREACH_AFTER_NO_SHOW) | forced)
    day = starts // US_PER_DAY
    outreach_due = ctx.calendar.add(day[outreach], get_settings().outreach_working_days)
    tasks.add(
        person[outreach], unit[outreach], TaskKind.OUTREACH, outreach_due, day[outreach], appointment_ids[outreach]
    )
    n_outreach = int(outreach.sum())
    _other_tasks(ctx, rng, path, rel, team, tasks)
    task_table, task_ids, task_done = _task_table(ctx, rng, p, tasks, forced_done=n_outreach, forced=forced[outreach])
    outreach_task = np.full(m, -1, dtype=np.int64)
    outreach_task[outreach] = task_ids[:n_outreach]

    interpreter = _interpreter(ctx, rng, p, person, unit, attendance != AT[Attendance.BOOKED])
    mode = choice(rng, (0.7, 0.1, 0.1, 0.1), m)
    mode = np.where(s.outreach_mode[row] & (rng.random(m) < 0.6), MODES.index(AppointmentMode.OUTREACH), mode)
    minutes = np.where(rng.random(m) < 0.3, 60, np.where(rng.random(m) < 0.15, 30, 45))
    booked_ahead = rng.integers(1, 31, m) * US_PER_DAY
    earliest = s.start[row] * US_PER_DAY + 6 * 60 * US_PER_MINUTE
    created = np.minimum(np.maximum(starts - booked_ahead, earliest), ctx.now_us)
    recorded = np.minimum(starts + minutes * US_PER_MINUTE, ctx.now_us)
    participants = choice(rng, (0.9, 0.05, 0.05), m)
    needed = interpreter != IS[InterpreterStatus.NOT_NEEDED]
    qualified = np.isin(interpreter, [IS[InterpreterStatus.BOOKED], IS[InterpreterStatus.USED]])
    episode = s.episode[row]
    episode_ids = np.where(episode >= 0, path.episode_id[np.maximum(episode, 0)], -1) if m else episode
    purpose = np.where(
        episode >= 0, rng.integers(0, len(texts.APPOINTMENT_PURPOSES), m), len(texts.APPOINTMENT_PURPOSES)
    )
    appointment = col.conform(
        "appointment",
        {
            "id": col.ints(appointment_ids),
            "person_id": col.ints(p.id[person]),
            "unit_id": col.ints(unit),
            "owner_user_id": col.ints(owners, mask=owners < 0),
            "episode_id": col.ints(episode_ids, mask=episode_ids < 0),
            "mode": col.pick(tuple(x.value for x in MODES), mode),
            "starts_at": col.timestamps(starts),
            "minutes": col.ints(minutes),
            "purpose": col.pick((*texts.APPOINTMENT_PURPOSES, texts.COORDINATOR_MEETING), purpose),
            "participants": col.lists(([], ["pårørende"], ["NAV-veileder"]), participants),
            "preferred_times_note": col.pick(
                texts.PREFERRED_TIMES, rng.integers(0, len(texts.PREFERRED_TIMES), m), mask=rng.random(m) > 0.1
            ),
            "attendance": col.pick(tuple(a.value for a in ATTENDANCE), attendance),
            "attendance_recorded_at": col.timestamps(recorded, mask=attendance == AT[Attendance.BOOKED]),
            "interpreter_status": col.pick(tuple(x.value for x in INTERPRETER), interpreter),
            "interpreter_language": _language(p, person, needed),
            "interpreter_qualification": col.pick(
                ("A", "B", "C", "D", "E"), choice(rng, (0.2, 0.25, 0.25, 0.15, 0.15), m), mask=~qualified
            ),
            "outreach_task_id": col.ints(outreach_task, mask=outreach_task < 0),
            "created_at": col.timestamps(created),
            "created_by": col.nulls(m, pa.int64()),
            "version": col.ints(np.ones(m)),
        },
    )
    booked = Booked(
        id=appointment_ids,
        person=person,
        day=starts // US_PER_DAY,
        recorded_us=np.where(attendance == AT[Attendance.BOOKED], -1, recorded),
        attendance=attendance,
        episode_end=np.where(s.episode[row] >= 0, s.last[row], -1),
        outreach=np.flatnonzero(outreach),
        outreach_task=task_ids[:n_outreach],
        outreach_done=task_done[0][:n_outreach],
        outreach_completed=task_done[1][:n_outreach],
        outreach_due=outreach_due,
        forced=forced[outreach],
    )
    return booked, {"task": task_table, "appointment": appointment}


def _language(p: Persons, person: npt.NDArray[np.int64], needed: npt.NDArray[np.bool_]) -> pa.Array:
    language = p.language.take(pa.array(person))
    return pc.if_else(pa.array(needed), language, pa.scalar(None, pa.string()))


def _interpreter(
    ctx: Context,
    rng: np.random.Generator,
    p: Persons,
    person: npt.NDArray[np.int64],
    unit: npt.NDArray[np.int64],
    past: npt.NDArray[np.bool_],
) -> npt.NDArray[np.int64]:
    m = person.size
    needs = p.interpreter[person]
    happened = (
        InterpreterStatus.USED,
        InterpreterStatus.NOT_AVAILABLE,
        InterpreterStatus.NEEDED_NOT_BOOKED,
        InterpreterStatus.DECLINED_BY_PERSON,
    )
    past_status = np.array([IS[x] for x in happened])[choice(rng, (0.8, 0.05, 0.1, 0.05), m)]
    booked = rng.random(m) < cal.INTERPRETER_BOOKED
    ahead = np.where(booked, IS[InterpreterStatus.BOOKED], IS[InterpreterStatus.NEEDED_NOT_BOOKED])
    status = np.where(past, past_status, ahead)
    status = np.where(np.isin(unit, ctx.never_books), IS[InterpreterStatus.NEEDED_NOT_BOOKED], status)
    return np.where(needs, status, IS[InterpreterStatus.NOT_NEEDED])


def _other_tasks(
    ctx: Context, rng: np.random.Generator, path: Pathways, rel: Relatives, team: CareTeam, tasks: Tasks
) -> None:
    e, r = path.e, path.r
    person = r.person[e.referral]
    first = e.seq == 0
    settings = get_settings()
    tasks.add(
        person[first],
        e.unit[first],
        TaskKind.MAPPING,
        e.start[first] + settings.mapping_within_days // 2,
        e.start[first],
    )
    somatic = first & (rng.random(e.level.size) < 0.3)
    tasks.add(person[somatic], e.unit[somatic], TaskKind.SOMATIC_FOLLOW_UP, e.start[somatic] + 30, e.start[somatic])
    children = first & rel.minor_child[person]
    tasks.add(person[children], e.unit[children], TaskKind.CHILDREN, e.start[children] + 14, e.start[children])
    bed = np.isin(e.level, [LV[CareLevel.INPATIENT_SHORT], LV[CareLevel.INPATIENT_LONG]])
    due = np.where(e.end >= 0, e.end - 3, e.start + 21)
    tasks.add(person[bed], e.unit[bed], TaskKind.CRISIS_PLAN, np.maximum(due[bed], e.start[bed]), e.start[bed])
    # pathway evaluations: every 56 days in outpatient-type care, 42 in inpatient care (DOMAIN.md §2.4), up to 3
    interval = np.where(np.isin(e.level, [LV[lv] for lv in cal.APPOINTMENTS_PER_MONTH]), 56, 42)
    horizon = np.where(e.end >= 0, e.end, ctx.today + 56)
    for i in (1, 2, 3):
        due = e.start + i * interval
        mask = due <= horizon
        tasks.add(person[mask], e.unit[mask], TaskKind.EVALUATION, due[mask], due[mask] - 14)
    # the current municipal coordinator's own follow-up (individual plan, ansvarsgruppe, housing, NAV)
    c = team.coordinators[team.until[team.coordinators] < 0]
    since = np.maximum(team.since[c], ctx.today - cal.COORDINATOR_MEETINGS_DAYS)
    due = since + (rng.random(c.size) * np.maximum(ctx.today + 60 - since, 1)).astype(np.int64)
    tasks.add(team.person[c], team.unit[c], TaskKind.GENERAL, due, np.maximum(due - 21, team.since[c]))


def _task_table(
    ctx: Context, rng: np.random.Generator, p: Persons, tasks: Tasks, forced_done: int, forced: npt.NDArray[np.bool_]
) -> tuple[pa.Table, npt.NDArray[np.int64], tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64]]]:
    a = tasks.arrays()
    n, today = a["person"].size, ctx.today
    due = a["due"]
    done_share = np.where(a["kind"] == KINDS.index(TaskKind.OUTREACH), 0.85, 0.8)
    done = (due <= today + 7) & (rng.random(n) < done_share)
    completed = np.minimum(np.maximum(due - rng.integers(0, 8, n), a["created"]), today)
    # an episode ended for non-attendance had its outreach attempt before it ended
    done[:forced_done] |= forced
    completed[:forced_done] = np.where(forced, a["created"][:forced_done], completed[:forced_done])
    in_progress = ~done & (rng.random(n) < 0.2)
    cancelled = ~done & ~in_progress & (due < today - 120) & (rng.random(n) < 0.5)
    status = np.where(done, STATUSES.index(TaskStatus.DONE), STATUSES.index(TaskStatus.OPEN))
    status = np.where(in_progress, STATUSES.index(TaskStatus.IN_PROGRESS), status)
    status = np.where(cancelled, STATUSES.index(TaskStatus.CANCELLED), status)
    open_ = ~done & ~cancelled
    escalate_on = ctx.calendar.add(np.minimum(due, ctx.calendar.last - 60), get_settings().task_escalation_working_days)
    escalated = open_ & (escalate_on <= today)
    ids = ctx.ids.take("task", n)
    owners = ctx.owners(a["unit"], 0.6)
    titles = tuple(texts.TASK_TITLES.get(k.value, texts.TASK_TITLES["general"]) for k in KINDS)
    table = col.conform(
        "task",
        {
            "id": col.ints(ids),
            "person_id": col.ints(p.id[a["person"]]),
            "unit_id": col.ints(a["unit"]),
            "owner_user_id": col.ints(owners, mask=owners < 0),
            "kind": col.pick(tuple(k.value for k in KINDS), a["kind"]),
            "title": col.pick(titles, a["kind"]),
            "description": col.nulls(n, pa.string()),
            "due_on": col.dates(due),
            "status": col.pick(tuple(s.value for s in STATUSES), status),
            "source_type": col.pick(("appointment",), np.zeros(n), mask=a["source"] < 0),
            "source_id": col.ints(a["source"], mask=a["source"] < 0),
            "escalated_at": col.timestamps(ctx.stamp(rng, escalate_on), mask=~escalated),
            "completed_on": col.dates(completed, mask=~done),
            "completion_note": col.nulls(n, pa.string()),
            "created_at": col.timestamps(ctx.stamp(rng, np.minimum(a["created"], today))),
            "created_by": col.nulls(n, pa.int64()),
            "version": col.ints(np.ones(n)),
        },
    )
    return table, ids, (done, completed)
