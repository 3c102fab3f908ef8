"""noshow_outreach on a small store worked out by hand: the task's outcome, its due date, and a no-show without a
task counted by the day of the appointment in the session's time zone (an instant compared with the start of the
reference day, as a cast to DATE would give)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from helhet.analytics import queries
from helhet.analytics.indicators import BY_CODE, compute_all, compute_raw
from tests.analytics.store_builder import StoreBuilder

AS_OF = date(2025, 1, 1)


def _store(folder: Path) -> tuple[Path, int]:
    b = StoreBuilder()
    unit = b.unit()
    person = b.person("4601")
    june = datetime(2024, 6, 1, 10, tzinfo=UTC)
    tasks = [
        ("done", date(2024, 6, 3), date(2024, 6, 3)),  # done by its due date: passes
        ("done", date(2024, 6, 3), date(2024, 6, 4)),  # done late
        ("open", date(2024, 6, 3), None),  # never done, due date passed
        ("open", date(2025, 1, 5), None),  # due after the reference date: not counted
    ]
    for status, due, completed in tasks:
        task = b._id()
        b.tables["task"].append(
            {"id": task, "person_id": person, "kind": "outreach", "due_on": due, "status": status,
             "created_at": june, "completed_on": completed, "owner_user_id": None}
        )  # fmt: skip
        b.tables["appointment"].append(
            {"id": b._id(), "person_id": person, "unit_id": unit, "starts_at": june, "attendance": "no_show",
             "interpreter_status": "not_needed", "outreach_task_id": task}
        )  # fmt: skip
    # no task: counted when the appointment's day is before the reference date; 23:30 UTC on 31 December is
    # 00:30 on 1 January in Oslo, 22:30 UTC is 23:30 on 31 December there
    for hour in (23, 22):
        b.tables["appointment"].append(
            {"id": b._id(), "person_id": person, "unit_id": unit, "attendance": "no_show",
             "starts_at": datetime(2024, 12, 31, hour, 30, tzinfo=UTC), "interpreter_status": "not_needed",
             "outreach_task_id": None}
        )  # fmt: skip
    b.tables["appointment"].append(
        {"id": b._id(), "person_id": person, "unit_id": unit, "starts_at": june, "attendance": "attended",
         "interpreter_status": "not_needed", "outreach_task_id": None}
    )  # fmt: skip
    return b.write(folder), unit


@pytest.mark.parametrize(("zone", "n"), [("UTC", 5), ("Europe/Oslo", 4)])
def test_noshow_outreach_by_hand(tmp_path: Path, zone: str, n: int) -> None:
    folder, unit = _store(tmp_path / "store")
    con = queries.connect(folder)
    con.execute(f"SET TimeZone = '{zone}'")
    indicator = BY_CODE["noshow_outreach"]
    for frame in (compute_raw(con, indicator, AS_OF), compute_all(con, [indicator], AS_OF)):
        for level, code in (("municipality", "4601"), ("unit", str(unit)), ("national", "NO")):
            rows = frame.filter((pl.col("level") == level) & (pl.col("code") == code) & (pl.col("year") == 2024))
            assert rows.select("n", "k").rows() == [(n, 1)], (zone, level)
        assert frame.filter(pl.col("year") == 2025).is_empty()
