"""The 7-day follow-up after discharge, comparing appointments' instants with the start of the days after discharge,
counts as the former cast of each appointment to its date (``indicators_reference.FOLLOWUP_7D``), in UTC and in
time zones where the day starts at another UTC hour, with appointments just before and after midnight."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from helhet.analytics import queries
from helhet.analytics.indicators import BY_CODE, compute_raw
from tests.analytics.indicators_reference import FOLLOWUP_7D
from tests.analytics.store_builder import StoreBuilder

AS_OF = date(2025, 1, 1)
KEY = ["level", "code", "year"]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = random.Random(3)
    b = StoreBuilder()
    unit = b.unit()
    for _ in range(300):
        ended = date(2023, 1, 1) + timedelta(days=rng.randrange(0, 720))
        person, _episode = b.stay(unit, rng.choice(["4601", "5001"]), started=ended - timedelta(days=30), ended=ended)
        for _ in range(rng.randrange(0, 3)):
            # around midnight UTC of a day from two before to ten after the discharge
            day = datetime(ended.year, ended.month, ended.day, tzinfo=UTC) + timedelta(days=rng.randrange(-2, 11))
            at = day + timedelta(minutes=rng.choice([-90, -30, -1, 0, 1, 30, 90, 600]))
            b.tables["appointment"].append(
                {
                    "id": b._id(),
                    "person_id": person,
                    "unit_id": unit,
                    "starts_at": at,
                    "attendance": rng.choice(["attended", "attended", "no_show"]),
                    "interpreter_status": "not_needed",
                    "outreach_task_id": None,
                }
            )
    return b.write(tmp_path_factory.mktemp("followup") / "store")


@pytest.mark.parametrize("zone", ["UTC", "Europe/Oslo", "America/Sao_Paulo", "Asia/Kolkata"])
def test_followup_counts_as_the_cast_to_dates_did(store: Path, zone: str) -> None:
    con = queries.connect(store)
    con.execute(f"SET TimeZone = '{zone}'")
    indicator = BY_CODE["followup_7d_after_discharge"]
    expected = compute_raw(con, replace(indicator, sql=FOLLOWUP_7D), AS_OF).sort(KEY)
    got = compute_raw(con, indicator, AS_OF).sort(KEY)
    assert_frame_equal(got, expected)
    national = expected.filter(pl.col("level") == "national")
    assert (national["k"] > 0).any() and (national["k"] < national["n"]).any(), national
