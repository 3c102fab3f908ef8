"""The municipal follow-up tables (ROP-02..08, 14, 15): their shares land where ``municipal_shares`` sets them,
and the planted ``somatic_check_share`` shows in the atlas's ROP-03 pass rate for the planted municipality."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import polars as pl

from helhet.analytics import queries
from helhet.analytics.indicators import BY_CODE, compute_raw
from helhet.synthetic import generate_to_parquet
from helhet.synthetic import municipal_shares as shares
from helhet.synthetic.generator import Summary
from tests.synthetic.conftest import AS_OF


def _share(folder: Path, table: str) -> float:
    """Share of persons in service for 60 days or more before the as-of day who have a row in ``table`` (each
    record is made within 60 days of the first start, while in service)."""
    con = duckdb.connect()
    row = con.execute(
        f"""WITH s AS (
                SELECT person_id, min(started_on) AS start, max(coalesce(ended_on, DATE '{AS_OF}')) AS last
                FROM '{folder}/episode.parquet' WHERE started_on <= DATE '{AS_OF}' GROUP BY person_id
            )
            SELECT avg((t.person_id IS NOT NULL)::INT) FROM s
            LEFT JOIN (SELECT DISTINCT person_id FROM '{folder}/{table}.parquet') t USING (person_id)
            WHERE s.last >= s.start + 60"""
    ).fetchone()
    assert row is not None
    return float(row[0])


def test_follow_up_shares_land_near_their_settings(none_run: tuple[Summary, Path]) -> None:
    _, folder = none_run
    assert abs(_share(folder, "mapping_somatic_check") - shares.SOMATIC_CHECK_SHARE) < 0.03
    assert abs(_share(folder, "mapping_situation") - shares.SITUATION_RECORDED) < 0.03
    assert abs(_share(folder, "mapping_children") - shares.CHILDREN_ASKED) < 0.03
    assert abs(_share(folder, "care_plan") - shares.CARE_PLAN_SHARE) < 0.03


def test_the_planted_somatic_check_share_shows_in_rop03(tmp_path: Path) -> None:
    folder = tmp_path / "hmn"
    generate_to_parquet(folder, persons=12_000, years=2, region="HMN", seed=3, scenario="default", as_of=AS_OF)
    truth = json.loads((folder / "ground_truth.json").read_text())
    planted = {(e["effect"], e["code"]): e for e in truth["planted"]}
    assert planted[("somatic_check_share", "5001")]["planted"]
    raw = compute_raw(queries.connect(folder), BY_CODE["rop03_somatic_checked"], AS_OF)
    year = raw.filter(pl.col("year") == AS_OF.year)
    trondheim = year.filter((pl.col("level") == "municipality") & (pl.col("code") == "5001"))
    national = year.filter(pl.col("level") == "national")
    t_rate = int(trondheim["k"][0]) / int(trondheim["n"][0])
    rest = (int(national["k"][0]) - int(trondheim["k"][0])) / (int(national["n"][0]) - int(trondheim["n"][0]))
    assert int(trondheim["n"][0]) > 300
    assert t_rate < 0.5 * rest  # planted 0.2 against 0.6 of persons ever checked
