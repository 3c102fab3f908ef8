"""The vedtak indicators (delivery, delivery ratio, ROP-09) from one row per vedtak and date arithmetic give the
figures of the former one row per vedtak and week (``indicators_reference``), on random vedtak and deliveries:
starts and ends on every weekday, across new year, open-ended, ended after or before the reference date, and
reference dates on a Monday, a Saturday, a Sunday, mid-week and early in January."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from helhet.analytics import queries
from helhet.analytics.indicators import BY_CODE, compute_all, compute_raw
from tests.analytics.indicators_reference import REFERENCE
from tests.analytics.store_builder import StoreBuilder

KEY = ["level", "code", "year"]


def _random_vedtak(b: StoreBuilder, rng: random.Random, units: tuple[int, int]) -> None:
    persons = [b.person(rng.choice(["4601", "5001", "1804"])) for _ in range(60)]
    for _ in range(400):
        start = date(2022, 1, 1) + timedelta(days=rng.randrange(0, 3 * 365 + 40))
        end = rng.choice([None, start + timedelta(days=rng.randrange(-3, 400)), start + timedelta(rng.randrange(0, 9))])
        volume = rng.choice([0.0, 1.0, 2.5, 3.0, 7.0, 4.5])
        status = rng.choice(["active"] * 6 + ["ended", "withdrawn"])
        vid = b.vedtak(rng.choice(persons), rng.choice(units), start, end, volume, status=status)
        for _ in range(rng.randrange(0, 30)):
            day = start + timedelta(days=rng.randrange(-6, 420))
            b.delivery(vid, day, rng.choice([0.5, 1.0, 2.0, 3.5]))
        if rng.random() < 0.5:  # mostly as decided, now and then a week short or missed
            for week in range(60):
                b.delivery(vid, start + timedelta(days=7 * week), volume * rng.choice([1.0, 1.0, 1.0, 0.5, 0.0]))


@pytest.fixture(scope="module")
def vedtak_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    b = StoreBuilder()
    _random_vedtak(b, random.Random(6), (b.unit(), b.unit()))
    return b.write(tmp_path_factory.mktemp("vedtak") / "store")


AS_OFS = [date(2025, 1, 1), date(2024, 12, 2), date(2024, 6, 9), date(2024, 3, 16), date(2025, 1, 6)]
AS_OFS += [date(2023, 12, 31)]


@pytest.mark.parametrize("as_of", AS_OFS)
@pytest.mark.parametrize("code", list(REFERENCE))
def test_vedtak_indicators_count_as_their_weekly_rows_did(vedtak_store: Path, code: str, as_of: date) -> None:
    con = queries.connect(vedtak_store)
    expected = compute_raw(con, replace(BY_CODE[code], sql=REFERENCE[code], shared=()), as_of).sort(KEY)
    got = compute_raw(con, BY_CODE[code], as_of).sort(KEY)
    # the ratio's decided volume is one product per vedtak and year, not a sum of weekly products: equal to the
    # last bits of a double (the counts exactly)
    assert_frame_equal(got, expected, check_exact=False, rel_tol=1e-12, abs_tol=0)
    assert_frame_equal(got.drop("median", "p90", "mean"), expected.drop("median", "p90", "mean"))
    national = expected.filter(pl.col("level") == "national")
    assert national["n"].sum() > 20
    if code != "vedtak_delivery_ratio":
        assert (national["k"] > 0).any() and (national["k"] < national["n"]).any(), national


def test_vedtak_indicators_at_once_count_as_one_by_one(vedtak_store: Path) -> None:
    con = queries.connect(vedtak_store)
    chosen = [BY_CODE[code] for code in REFERENCE]
    together = compute_all(con, chosen, date(2025, 1, 1))
    one_by_one = pl.concat([compute_raw(con, i, date(2025, 1, 1)) for i in chosen], how="vertical_relaxed")
    assert_frame_equal(together.sort("indicator", *KEY), one_by_one.sort("indicator", *KEY).select(together.columns))
