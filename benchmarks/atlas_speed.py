"""Benchmark: the full atlas on 1 million (and optionally 10 million) referrals from ``helhet synth`` Parquet.

Prints, in one run: the wall time and peak memory of the full atlas (all indicators, standardisation, case-mix
models, funnel limits, variation measures), (a) the time DuckDB needs merely to scan the columns the atlas
uses, and (b) a straightforward pandas + statsmodels implementation of three core indicators (share assigned
inpatient care and wish concordance with Wilson intervals, median and p90 waiting time) as a baseline, at the
levels the atlas computes them (RHF, HF, referral area, municipality, unit and the nation, by year), checked to
count the same n and k as ours; also printed for referral areas only (the narrower baseline of earlier runs,
against which ours still computes every level).
Targets on this 2-core machine: 1M in <= 15 s; 10M in <= 90 s and <= 4 GB; >= 5x faster than pandas on the
same indicators; within 10x of the scan floor.

    .venv/bin/python benchmarks/atlas_speed.py [--referrals 1000000] [--ten-million] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

REFERRALS_PER_PERSON = 1.26  # measured on the generator's default scenario

CHILD = """
import json, resource, sys, time
from datetime import date
from pathlib import Path
from helhet.analytics import queries
from helhet.analytics.atlas import build_atlas
started = time.perf_counter()
atlas = build_atlas(queries.connect(Path(sys.argv[1])), date.fromisoformat(sys.argv[2]))
seconds = time.perf_counter() - started
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "rows": atlas.values.height}))
"""

#: the columns the atlas reads, per table (referral_facts, person_geo, every indicator of the catalogue and the
#: names): the floor is one scan of exactly these. ``CORE`` are the five tables of referral_facts, the floor
#: this benchmark printed before the coordination indicators came (kept for comparison with older figures).
COLUMNS = {
    "referral": "id, person_key, received_on, receiving_unit_id, referrer_kind, primary_substance, rop, injecting, "
    "wished_level, status, assessment_due, closed_on",
    "assessment": "id, referral_id, assessed_on, outcome, assigned_level, start_deadline",
    "episode": "id, referral_id, person_key, unit_id, level, started_on, ended_on, end_reason",
    "person": "person_key, birth_date, sex, municipality_number, city_district_number",
    "housing_period": "person_key, status, from_date",
    "unit": "id, name, health_trust_code",
    "appointment": "person_key, unit_id, starts_at, attendance, interpreter_status, outreach_task_id",
    "task": "id, person_key, kind, owner_user_id, status, created_at, due_on, completed_on",
    "handover": "episode_id, person_key, to_unit_id, status, created_at, decided_at, acceptance_due",
    "crisis_plan": "person_key, made_on, review_by",
    "vedtak": "id, person_key, unit_id, status, service_type, volume, decided_on, start_on, end_on",
    "service_delivery": "vedtak_id, delivered_on, amount",
    "mapping_questionnaire": "person_key, done_on",
    "mapping_declined": "person_key, area, declined_on",
    # the ROP gap checks (rop.py)
    "mapping_mental_health": "person_key, status, screened_on",
    "mapping_somatic_check": "person_key, checked_on",
    "mapping_situation": "id, person_key, recorded_on, income, activity, network, financial_problems",
    "mapping_children": "id, person_key, asked_on, answer, needs_assessed_on",
    "care_plan": "id, person_key, started_on, status, closed_on",
    "care_plan_measure": "id, plan_id, status, evaluate_by, last_evaluated_on, created_at",
    "care_team_member": "person_key, unit_id, role, from_date, to_date",
    "individual_plan_status": "person_key, status, version, recorded_at",
    "collaboration_contact": "person_key, counterpart, contact_on",
}
CORE = ("referral", "assessment", "episode", "person", "housing_period")


def run_atlas(folder: Path, as_of: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(folder), as_of], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def scan_floor(folder: Path, tables: tuple[str, ...] | None = None) -> float:
    """Seconds to read (and hash) the columns the atlas uses, one statement per table present in the store."""
    from helhet.analytics import queries

    con = queries.connect(folder)
    present = {str(r[0]) for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    started = time.perf_counter()
    for table, columns in COLUMNS.items():
        if table in present and (tables is None or table in tables):
            con.execute(f"SELECT count(*), sum(hash({columns})) FROM {table}").fetchall()
    return time.perf_counter() - started


#: the levels both implementations of the three core indicators compute, as the atlas shows them
LEVELS = ("rhf", "hf", "area", "municipality", "unit", "national")
INPATIENT = {"detox", "inpatient_short", "inpatient_long", "user_controlled_bed"}


def pandas_baseline(folder: Path, levels: tuple[str, ...] = LEVELS) -> tuple[float, dict[str, Any]]:
    """Three indicators the obvious way: pandas merges and groupbys, statsmodels' Wilson intervals, per level
    (``LEVELS``: what the atlas computes, so both produce the same rows; ``("area",)`` is the narrower baseline
    of earlier runs) and year. Returns the seconds and the proportions' counts per indicator (untimed check)."""
    import pandas as pd
    import pyarrow.parquet as pq
    from statsmodels.stats.proportion import proportion_confint

    from helhet import reference
    from helhet.analytics.queries import covered_years

    def read(table: str, *columns: str) -> pd.DataFrame:
        """Only the columns the three indicators use, as ours reads only those (either name of a person key)."""
        path = folder / f"{table}.parquet"
        present = set(pq.read_schema(path).names)
        return pd.read_parquet(path, columns=[c for c in columns if c in present])

    started = time.perf_counter()
    period = covered_years(folder)
    person = read("person", "person_key", "id", "municipality_number", "city_district_number")
    referral = read("referral", "id", "person_key", "person_id", "received_on", "wished_level", "receiving_unit_id")
    assessment = read("assessment", "referral_id", "assessed_on", "outcome", "assigned_level")
    episode = read("episode", "referral_id", "started_on")
    key = "person_key" if "person_key" in person.columns else "id"
    rkey = "person_key" if "person_key" in referral.columns else "person_id"
    areas = {m.number: reference.home_area_code(m) for m in reference.municipalities().values()}
    districts = {d.number: d.referral_area_code for d in reference.city_districts()}
    trusts = {a.code: a.hf_code for a in reference.referral_areas()}
    regions = {a.code: a.rhf_code for a in reference.referral_areas()}
    person["area"] = [
        districts.get(d) or areas.get(m)
        for m, d in zip(person["municipality_number"], person["city_district_number"], strict=True)
    ]
    person["hf"] = person["area"].map(trusts)
    person["rhf"] = person["area"].map(regions)
    person["municipality"] = person["municipality_number"]
    people = person[[key, "area", "hf", "rhf", "municipality"]].rename(columns={key: "_person"})
    df = referral.merge(people, left_on=rkey, right_on="_person")
    df["unit"] = df["receiving_unit_id"].astype("string")
    df["national"] = "NO"
    last = assessment.sort_values(["referral_id", "assessed_on"]).groupby("referral_id").tail(1)
    df = df.merge(last, left_on="id", right_on="referral_id", how="left", suffixes=("", "_a"))
    first = episode.sort_values(["referral_id", "started_on"]).groupby("referral_id").head(1)
    df = df.merge(
        first[["referral_id", "started_on"]], left_on="id", right_on="referral_id", how="left", suffixes=("", "_e")
    )
    df["year"] = pd.to_datetime(df["received_on"]).dt.year
    if period:  # the years the store covers, as the atlas counts them (not the generator's thin earlier tail)
        df = df[df["year"].between(*period)]
    granted = df[(df["outcome"] == "granted") & df["assigned_level"].notna()].copy()
    granted["inpatient"] = granted["assigned_level"].isin(INPATIENT)
    granted["concordant"] = granted["assigned_level"] == granted["wished_level"]
    concordance = granted[granted["wished_level"].notna()]
    counts: dict[str, Any] = {}
    for column, rows in (("inpatient", granted), ("concordant", concordance)):
        for level in levels:
            grouped = rows.groupby([level, "year"])[column].agg(["sum", "count"]).reset_index()
            grouped["low"], grouped["high"] = proportion_confint(grouped["sum"], grouped["count"], method="wilson")
            counts[f"{column}/{level}"] = grouped
    df["wait"] = (pd.to_datetime(df["started_on"]) - pd.to_datetime(df["received_on"])).dt.days
    waits = df[df["wait"].notna()]
    for level in levels:
        waits.groupby([level, "year"])["wait"].quantile([0.5, 0.9])
    return time.perf_counter() - started, counts


def _same_counts(ours: Any, theirs: dict[str, Any]) -> str:
    """Whether both implementations counted the same n and k for every level, code and year (not timed)."""
    import polars as pl

    names = {"inpatient": "assigned_inpatient", "concordant": "wish_concordance"}
    for name, grouped in theirs.items():
        column, level = name.split("/")
        theirs_rows = {
            (str(code), int(year), int(n), int(k))
            for code, year, k, n in grouped[[level, "year", "sum", "count"]].itertuples(index=False)
        }
        mine = ours.filter((pl.col("indicator") == names[column]) & (pl.col("level") == level))
        mine_rows = {
            (str(c), int(y), int(n), int(k or 0)) for c, y, n, k in mine.select("code", "year", "n", "k").rows()
        }
        if mine_rows != theirs_rows:
            return f"NO ({name}: {len(mine_rows ^ theirs_rows)} rows differ)"
    return "yes"


def core_indicators_duckdb(folder: Path) -> tuple[float, float, Any]:
    """The same three indicators our way, every level (RHF, HF, area, municipality, unit) by year and the funnel
    flags: seconds with and without ``connect`` (views and geography only). ``compute_all`` reads the Parquet
    files and materialises the columns of referral_facts the three need (the pandas baseline's reading and
    merging), so "after connect" includes that."""
    from datetime import date

    import polars as pl

    from helhet.analytics import queries
    from helhet.analytics.atlas import _funnel_flags, _proportions
    from helhet.analytics.indicators import BY_CODE, compute_all

    started = time.perf_counter()
    con = queries.connect(folder)
    connected = time.perf_counter()
    codes = ("assigned_inpatient", "wish_concordance", "waiting_days")
    raw = compute_all(con, [BY_CODE[c] for c in codes], date.today())
    _funnel_flags(_proportions(raw.filter(pl.col("indicator") != "waiting_days")))
    done = time.perf_counter()
    return done - started, done - connected, raw


def measure(referrals: int, keep: Path | None) -> None:
    from helhet import clock
    from helhet.synthetic.generator import generate_to_parquet

    persons = int(referrals / REFERRALS_PER_PERSON)
    with tempfile.TemporaryDirectory() as tmp:
        folder = keep or Path(tmp) / "synth"
        if not (folder / "referral.parquet").exists():
            started = time.perf_counter()
            try:
                generate_to_parquet(folder, persons=persons, years=5, seed=7)
            except RuntimeError as exc:  # e.g. the synthetic fødselsnummer run out (about 3 M persons)
                print(f"could not generate {persons:,} persons: {exc}")
                return
            print(f"generated {persons:,} persons in {time.perf_counter() - started:.0f} s into {folder}")
        as_of = clock.today().isoformat()
        print(f"load before: {_load()}")
        full = run_atlas(folder, as_of)
        scan = scan_floor(folder)
        core_scan = scan_floor(folder, CORE)
        ours, ours_after_connect, raw = core_indicators_duckdb(folder)
        pandas, counts = pandas_baseline(folder)
        pandas_areas, _ = pandas_baseline(folder, ("area",))
        import pyarrow.parquet as pq

        n = pq.read_metadata(folder / "referral.parquet").num_rows
        print(f"referrals: {n:,}; load after: {_load()}")
        print(f"full atlas: {full['seconds']:.1f} s, peak memory {full['peak_mb']:.0f} MB")
        print(
            f"scan floor (DuckDB, every column the atlas reads): {scan:.2f} s -> atlas / scan = "
            f"{full['seconds'] / scan:.1f}; the five referral_facts tables only: {core_scan:.2f} s -> "
            f"{full['seconds'] / core_scan:.1f}"
        )
        print(
            f"three core indicators at every level (RHF, HF, area, municipality, unit, nation) by year: ours "
            f"{ours:.2f} s (of which {ours_after_connect:.2f} s after connect), pandas + statsmodels {pandas:.2f} s "
            f"-> {pandas / ours:.1f}x faster ({pandas / ours_after_connect:.1f}x counting only the indicators); "
            f"the same n and k: {_same_counts(raw, counts)}"
        )
        print(
            f"pandas for referral areas only (the baseline of earlier runs): {pandas_areas:.2f} s -> "
            f"{pandas_areas / ours:.1f}x (ours still at every level)"
        )


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg()) + " (1, 5, 15 min)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--referrals", type=int, default=1_000_000)
    parser.add_argument("--ten-million", action="store_true", help="also run 10 million referrals (slow)")
    parser.add_argument("--keep", type=Path, default=None, help="reuse or keep the generated Parquet folder here")
    args = parser.parse_args()
    print(f"machine: peak RSS of this process so far {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")
    measure(args.referrals, args.keep)
    if args.ten_million:
        measure(10_000_000, None)


if __name__ == "__main__":
    main()
