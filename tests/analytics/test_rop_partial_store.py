"""A store without one follow-up table keeps the ROP checks that do not read it (each check needs only its own
tables, and the shared tables it names read only those)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from helhet.analytics import queries
from helhet.analytics.indicators import available, compute_all
from helhet.analytics.rop import CODES
from tests.analytics.store_builder import StoreBuilder

AS_OF = date(2025, 1, 1)


def test_a_store_without_mapping_children_keeps_the_other_rop_checks(tmp_path: Path) -> None:
    b = StoreBuilder()
    unit = b.unit()
    p = [b.person_of(b.referral(unit)) for _ in range(3)]
    b.screening(p[0], date(2024, 5, 1))
    b.situation(p[1], date(2024, 5, 1))
    b.children(p[1], date(2024, 5, 1))
    b.contact(p[2], "gp", date(2024, 9, 1))
    folder = b.write(tmp_path / "store")
    (folder / "mapping_children.parquet").unlink()
    con = queries.connect(folder)
    present = {i.code for i in available(con)}
    without = {"rop04_situation_recorded", "rop15_children_assessed"}
    assert set(CODES.values()) - present == without
    checks = [i for i in available(con) if i.code in set(CODES.values())]
    raw = compute_all(con, checks, AS_OF).filter((pl.col("level") == "national") & (pl.col("year") == 2024))
    counts = {code: (int(n), int(k or 0)) for code, n, k in raw.select("indicator", "n", "k").rows()}
    assert {"rop02_mental_health_screened", "rop03_somatic_checked", "rop05_plan_with_measures"} <= set(counts)
    assert counts["rop02_mental_health_screened"] == (3, 1)
    assert counts["rop08_cooperation_documented"] == (3, 0)
