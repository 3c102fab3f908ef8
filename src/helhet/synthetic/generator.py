"""Running a generation: chunks of persons through every table group, into a writer, with the ground truth.

Table groups (a module per group, each with ``TABLES`` and ``generate``) run in a fixed order per chunk of
``CHUNK_PERSONS`` persons; a new group (handovers, crisis plans, vedtak ...) adds its module to ``run_chunk``
and its tables to ``TABLE_ORDER`` (foreign-key order), with a random stream of its own (``context.STREAMS``).
Chunks are generated, and made ready for the writer (``Writer.prepare``: PostgreSQL's COPY data), in a background
thread while the previous one is written, so the two cores work together (numpy, Arrow and psycopg release the
GIL for their heavy work). Generating and encoding share one thread: as two threads they wait for each other's
GIL far more than they overlap.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

import pyarrow as pa

from helhet import clock
from helhet.synthetic import (
    appointments,
    care,
    cooperation,
    crisis,
    followup,
    handovers,
    mapping,
    outreach,
    pathways,
    persons,
    plans,
    relatives,
    vedtak,
)
from helhet.synthetic import scenario as scenarios
from helhet.synthetic.calendar import WorkingDays, to_days
from helhet.synthetic.catalogue import UnitIndex
from helhet.synthetic.columns import US_PER_DAY
from helhet.synthetic.context import Context, Ids, Members
from helhet.synthetic.identity import Registry
from helhet.synthetic.population import sampler
from helhet.synthetic.scenario import Scenario
from helhet.synthetic.truth import TARGETS, Figures, Truth, baseline, planted
from helhet.synthetic.writers import CopyData, ParquetOutput, Writer

CHUNK_PERSONS = 50_000
TABLE_ORDER = (
    persons.TABLES
    + pathways.TABLES
    + relatives.TABLES
    + care.TABLES
    + appointments.TABLES
    + outreach.TABLES
    + mapping.TABLES
    + crisis.TABLES
    + handovers.TABLES
    + vedtak.TABLES
    + followup.TABLES
    + plans.TABLES
    + cooperation.TABLES
)
REGIONS = ("HSO", "HV", "HMN", "HN")
Progress = Callable[[int, int], None]
T = TypeVar("T")


@dataclass
class Summary:
    """What a run wrote and where; ``describe()`` is what the command prints."""

    target: str
    seed: int
    as_of: date
    years: int
    region: str | None
    scenario: str
    rows: dict[str, int]
    skipped: list[str]
    seconds: float
    ground_truth: Path | None
    realised: dict[str, object] = field(default_factory=dict)

    @property
    def persons(self) -> int:
        return self.rows.get("person", 0)

    @property
    def referrals(self) -> int:
        return self.rows.get("referral", 0)

    def describe(self) -> str:
        lines = [
            f"Synthetic data (seed {self.seed}, scenario {self.scenario}, as of {self.as_of}, {self.years} years, "
            f"region {self.region or 'all'}) written to {self.target} in {self.seconds:.1f} s:"
        ]
        lines += [f"  {name}: {n:,} rows" for name, n in self.rows.items()]
        if self.skipped:
            lines.append(f"  not in the target database, so not written: {', '.join(self.skipped)}")
        r = self.realised
        lines.append(
            f"Inpatient share {r.get('inpatient_share')}, mean wait {r.get('mean_wait_days')} days, "
            f"men {r.get('male_share')}, deadline breaches {r.get('deadline_breach_share')}."
        )
        if self.ground_truth:
            lines.append(f"Ground truth (planted effects and realised figures): {self.ground_truth}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.describe()


def region_code(region: str | None) -> str | None:
    if region is None or region.lower() == "all":
        return None
    if region.upper() not in REGIONS:
        from helhet.errors import Invalid

        raise Invalid("region", region, "use HSO, HV, HMN, HN or all")
    return region.upper()


def make_context(
    *,
    seed: int,
    as_of: date,
    years: int,
    region: str | None,
    scenario: Scenario,
    units: UnitIndex,
    ids: Ids | None = None,
    registry: Registry | None = None,
    members: Members | None = None,
) -> Context:
    from helhet.errors import Invalid

    if years < 1 or years > 20:
        raise Invalid("years", years, "use 1 to 20 years")
    if as_of > clock.today():
        raise Invalid("as_of", as_of.isoformat(), "cannot be later than today")
    missing = [c for e in ("never_books_interpreters",) for c in scenario.effects.get(e, {}) if c not in units.by_code]
    if missing:
        raise Invalid("scenario", missing[0], "this unit is not in the target (inactive or never loaded)")
    effects = scenarios.area_effects(scenario, _area_codes())
    now_us = (
        int(clock.now().timestamp() * 1_000_000) if as_of == clock.today() else (to_days(as_of) + 1) * US_PER_DAY - 1
    )
    first = date(as_of.year - years - 11, 1, 1)
    return Context(
        seed=seed,
        as_of=as_of,
        years=years,
        scenario=scenario,
        area_effects=effects,
        units=units,
        sampler=sampler(as_of.year, region, effects),
        calendar=WorkingDays(first, as_of + timedelta(days=3 * 366)),
        registry=registry or Registry(),
        ids=ids or Ids(),
        now_us=now_us,
        members=members,
        never_books=units.ids_of(scenario.effects.get("never_books_interpreters", {})),
    )


def _area_codes() -> tuple[str, ...]:
    from helhet.synthetic.population import geography

    return geography().area_codes


def run_chunk(ctx: Context, chunk: int, n: int, figures: Figures) -> dict[str, pa.Table]:
    """Every table of one chunk of ``n`` persons, keyed by table name."""
    ctx.owner_rng = ctx.rng(chunk, "owners")
    p, tables = persons.generate(ctx, ctx.rng(chunk, "persons"), n)
    path, more = pathways.generate(ctx, ctx.rng(chunk, "pathways"), p)
    tables.update(more)
    rel, more = relatives.generate(ctx, ctx.rng(chunk, "relatives"), p)
    tables.update(more)
    team, more = care.generate(ctx, ctx.rng(chunk, "care"), p, path)
    tables.update(more)
    booked, more = appointments.generate(ctx, ctx.rng(chunk, "appointments"), p, path, rel, team)
    tables.update(more)
    tables.update(outreach.generate(ctx, ctx.rng(chunk, "outreach"), p, booked))
    tables.update(mapping.generate(ctx, ctx.rng(chunk, "mapping"), p, path))
    tables.update(crisis.generate(ctx, ctx.rng(chunk, "crisis"), p, path))
    tables.update(handovers.generate(ctx, ctx.rng(chunk, "handovers"), p, path))
    tables.update(vedtak.generate(ctx, ctx.rng(chunk, "vedtak"), p, path))
    served = followup.service(ctx, p, path)
    tables.update(followup.generate(ctx, ctx.rng(chunk, "followup"), p, served))
    tables.update(plans.generate(ctx, ctx.rng(chunk, "plans"), p, served, team))
    tables.update(cooperation.generate(ctx, ctx.rng(chunk, "cooperation"), p, served))
    figures.add(ctx.today, p, path)
    figures.add_coordination(tables)
    return tables


def chunks(ctx: Context, total: int, figures: Figures) -> Iterator[tuple[int, dict[str, pa.Table]]]:
    for chunk, start in enumerate(range(0, total, CHUNK_PERSONS)):
        n = min(CHUNK_PERSONS, total - start)
        yield n, run_chunk(ctx, chunk, n, figures)


def _prefetched(source: Iterator[tuple[int, dict[str, T]]]) -> Iterator[tuple[int, dict[str, T]]]:
    """Generate the next chunk in a thread while the caller writes this one."""
    box: queue.Queue[object] = queue.Queue(maxsize=1)
    done = object()

    def produce() -> None:
        try:
            for item in source:
                box.put(item)
            box.put(done)
        except BaseException as exc:  # handed to the consumer, which raises it
            box.put(exc)

    thread = threading.Thread(target=produce, name="synth-generate", daemon=True)
    thread.start()
    while True:
        item = box.get()
        if item is done:
            break
        if isinstance(item, BaseException):
            raise item
        yield item  # type: ignore[misc]
    thread.join()


def run(
    ctx: Context,
    total: int,
    writer: Writer,
    *,
    progress: Progress | None = None,
    threaded: bool = True,
) -> tuple[dict[str, int], Figures]:
    figures = Figures()
    rows = {name: 0 for name in TABLE_ORDER if writer.accepts(name)}
    done = 0

    def prepared() -> Iterator[tuple[int, dict[str, pa.Table | CopyData]]]:
        for n, tables in chunks(ctx, total, figures):
            yield n, {name: writer.prepare(name, tables[name]) for name in rows}

    source = prepared()
    for n, ready in _prefetched(source) if threaded else source:
        for name in rows:
            writer.write(name, ready[name])
            rows[name] += ready[name].num_rows
        done += n
        if progress:
            progress(done, total)
    return rows, figures


def truth_for(
    ctx: Context, region: str | None, total: int, rows: dict[str, int], figures: Figures, skipped: list[str]
) -> Truth:
    return Truth(
        seed=ctx.seed,
        as_of=ctx.as_of,
        years=ctx.years,
        region=region,
        persons=total,
        scenario={"name": ctx.scenario.name, "description": ctx.scenario.description, "source": ctx.scenario.source},
        planted=planted(ctx.scenario, ctx.units, region, set(TABLE_ORDER) - set(skipped)),
        baseline=baseline(),
        targets=TARGETS,
        realised=figures.realised(),
        rows=rows,
        skipped_tables=skipped,
    )


def generate_to_parquet(
    folder: Path,
    *,
    persons: int,
    years: int = 3,
    region: str | None = None,
    seed: int = 2026,
    scenario: str | Path | Scenario = "default",
    as_of: date | None = None,
    progress: Progress | None = None,
    row_group_rows: int | None = None,
) -> Summary:
    """Generate into ``folder``: one Parquet file per table (and ``unit.parquet``), and ``ground_truth.json``."""
    from helhet.synthetic import catalogue

    started = time.perf_counter()
    plan = scenario if isinstance(scenario, Scenario) else scenarios.load(scenario)
    region_ = region_code(region)
    units = catalogue.from_catalogue()
    ctx = make_context(seed=seed, as_of=as_of or clock.today(), years=years, region=region_, scenario=plan, units=units)
    output = ParquetOutput(folder, row_group_rows=row_group_rows)
    try:
        rows, figures = run(ctx, persons, output, progress=progress)
        for name in TABLE_ORDER:
            output.ensure(name)
        output.write("unit", pa.Table.from_pydict(units.as_arrow()))
    finally:
        output.close()
    rows["unit"] = len(units.rows)
    path = truth_for(ctx, region_, persons, rows, figures, []).write(folder / "ground_truth.json")
    return Summary(
        f"parquet:{folder}",
        seed,
        ctx.as_of,
        years,
        region_,
        plan.name,
        rows,
        [],
        time.perf_counter() - started,
        path,
        figures.realised(),
    )
