"""Benchmark: does the atlas find the truth? Planted effects detected, and false flags among unplanted areas.

Runs the generator (``helhet.synthetic``) with the default scenario, a scenario with no planted effects, and
``benchmarks/scenarios/alternative.yaml``; builds the atlas on each Parquet folder; and, for every planted effect
that an atlas indicator measures, checks whether the planted area (or unit) is flagged beyond the 99.8 % funnel
limits in the planted direction, year by year. Every other flag of those indicators is a false flag.
Targets at national scale over five years: >= 90 % of planted effects flagged, <= 1 false flag per indicator
(over-dispersion handling on).

    .venv/bin/python benchmarks/atlas_truth.py [--persons 120000] [--years 5]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from helhet import clock
from helhet.analytics import queries
from helhet.analytics.atlas import build_atlas

#: effect → (indicator, level, frame, flag in the planted direction when value > 1, when value < 1)
MEASURED = {
    "inpatient_odds_ratio": ("assigned_inpatient", "area", "casemix", "above", "below"),
    "homeless_inpatient_wish_override": ("wish_concordance_homeless", "area", "values", "below", "above"),
    "never_books_interpreters": ("interpreter_when_needed", "unit", "values", "below", "below"),
    # a municipality delivering a share of decided hours: fewer vedtak weeks delivered as decided
    "vedtak_delivery_share": ("vedtak_delivery", "municipality", "values", "below", "below"),
    # a receiving unit letting handovers wait: fewer answered by the acceptance deadline
    "handover_acceptance_delay_days": ("rop13_handover_in_time", "unit", "values", "below", "below"),
    # a municipality seldom giving somatic checks: fewer persons in follow-up checked within the months (ROP-03)
    "somatic_check_share": ("rop03_somatic_checked", "municipality", "values", "below", "below"),
}
SCENARIOS = ("default", "none", str(Path(__file__).parent / "scenarios" / "alternative.yaml"))


def flags(atlas_frame: pl.DataFrame, indicator: str, level: str) -> pl.DataFrame:
    if atlas_frame.height == 0:
        return atlas_frame
    return atlas_frame.filter(
        (pl.col("indicator") == indicator) & (pl.col("level") == level) & pl.col("flag_998").is_in(["above", "below"])
    )


def evaluate(
    folder: Path, as_of: object, first_year: int
) -> tuple[list[dict[str, object]], dict[str, int], dict[str, int], int]:
    truth = json.loads((folder / "ground_truth.json").read_text())
    measured = sorted({m[0] for m in MEASURED.values()})
    atlas = build_atlas(queries.connect(folder), as_of, measured)  # type: ignore[arg-type]
    unit_ids = dict(pl.read_parquet(folder / "unit.parquet", columns=["code", "id"]).iter_rows())
    years = [y for y in range(first_year, as_of.year + 1)]  # type: ignore[attr-defined]
    planted_keys: dict[str, set[str]] = defaultdict(set)
    results = []
    for effect in truth["planted"]:
        if effect["effect"] not in MEASURED or not effect.get("planted") or not effect.get("in_generated_region", True):
            continue
        indicator, level, frame_name, up, down = MEASURED[effect["effect"]]
        value = effect.get("value", 1.0)
        direction = up if (value is True or float(value) > 1) else down
        key = str(unit_ids.get(effect["code"], effect["code"])) if level == "unit" else effect["code"]
        planted_keys[indicator].add(key)
        frame = flags(getattr(atlas, frame_name), indicator, level)
        for year in years:
            hit = frame.filter((pl.col("code") == key) & (pl.col("year") == year) & (pl.col("flag_998") == direction))
            results.append(
                {"effect": effect["effect"], "code": effect["code"], "year": year, "detected": hit.height > 0}
            )
    false_flags: dict[str, int] = {}
    false_above: dict[str, int] = {}
    for indicator, level, frame_name, _, _ in MEASURED.values():
        frame = flags(getattr(atlas, frame_name), indicator, level).filter(pl.col("year").is_in(years))
        false = frame.filter(~pl.col("code").is_in(list(planted_keys[indicator])))
        false_flags[indicator] = false.height
        false_above[indicator] = false.filter(pl.col("flag_998") == "above").height
    return results, false_flags, false_above, len(years)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=120_000, help="persons over the period (national scale)")
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    from helhet.synthetic.generator import generate_to_parquet

    as_of = clock.today()
    first_year = as_of.year - args.years + 1
    total_planted = total_detected = 0
    header = f"{'scenario':12} {'indicator':34} {'planted-years':>13} {'detected':>9} {'false flags/yr':>15}"
    print(f"{header} {'of them above':>14}")
    for scenario in SCENARIOS:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "synth"
            started = time.perf_counter()
            generate_to_parquet(folder, persons=args.persons, years=args.years, seed=args.seed, scenario=scenario)
            results, false_flags, false_above, n_years = evaluate(folder, as_of, first_year)
            name = Path(scenario).stem
            by_indicator: dict[str, list[bool]] = defaultdict(list)
            for r in results:
                by_indicator[MEASURED[str(r["effect"])][0]].append(bool(r["detected"]))
            for indicator in sorted(false_flags):
                hits = by_indicator.get(indicator, [])
                total_planted += len(hits)
                total_detected += sum(hits)
                print(
                    f"{name:12} {indicator:34} {len(hits):>13} {sum(hits):>9} {false_flags[indicator] / n_years:>15.2f}"
                    f" {false_above[indicator] / n_years:>14.2f}"
                )
            print(f"{'':12} ({time.perf_counter() - started:.0f} s for generation and atlas)")
    share = total_detected / total_planted if total_planted else float("nan")
    print(f"planted effects detected beyond 99.8 % limits: {total_detected}/{total_planted} = {share:.0%}")
    print("target: >= 90 % detected, <= 1 false flag per indicator and year")


if __name__ == "__main__":
    main()
