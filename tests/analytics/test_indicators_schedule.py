"""`compute_all` makes each shared table just before the first statement that reads it and drops it after the
last (`indicators._schedule`), so that the large ROP tables are not all alive at once."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from helhet.analytics import indicators, queries
from helhet.analytics.indicators import (
    BY_CODE,
    CATALOGUE,
    _person_ranges,
    _schedule,
    _Step,
    _steps,
    available,
    compute_all,
    compute_raw,
    fact_columns,
)
from tests.analytics.store_builder import StoreBuilder

AS_OF = date(2025, 1, 1)
ROP_TABLES = {"rop_situation", "rop_children", "rop_plans", "rop_contacts"}


def _alive(order: list[_Step]) -> list[set[str]]:
    """The shared tables alive while each step runs: made at their first reader, dropped after their last."""
    alive = []
    for rank, step in enumerate(order):
        before = {name for earlier in order[:rank] for name in earlier.shared}
        after = {name for later in order[rank + 1 :] for name in later.shared}
        alive.append(set(step.shared) | (before & after))
    return alive


def test_the_schedule_keeps_at_most_two_rop_fact_tables_alive_over_the_catalogue() -> None:
    counted = [i for i in CATALOGUE if i.kind != "quantile"]
    quantiles = [i for i in CATALOGUE if i.kind == "quantile"]
    steps = _steps(counted, quantiles, AS_OF, "TRUE")
    order = _schedule(steps)
    assert sorted(s.sql for s in order) == sorted(s.sql for s in steps)
    widest = max(len(alive & ROP_TABLES) for alive in _alive(order))
    assert widest == 2  # ROP-04 and ROP-14 read two each
    assert max(len(alive & ROP_TABLES) for alive in _alive(steps)) == 3  # in catalogue order (all four before)


def test_the_schedule_keeps_catalogue_order_among_steps_with_no_shared_tables() -> None:
    steps = [_Step("a"), _Step("b", ("t",)), _Step("c"), _Step("d", ("t",)), _Step("e")]
    assert [s.sql for s in _schedule(steps)] == ["a", "c", "e", "b", "d"]


def test_compute_all_leaves_no_shared_table_behind(tmp_path: Path) -> None:
    b = StoreBuilder()
    unit = b.unit()
    person = b.person_of(b.referral(unit))
    b.situation(person, date(2024, 5, 1))
    con = queries.connect(b.write(tmp_path / "store"))
    checks = [i for i in CATALOGUE if i.code in {"rop04_situation_recorded", "rop05_plan_with_measures"}]
    raw = compute_all(con, checks, AS_OF)
    assert set(raw["indicator"]) == {"rop04_situation_recorded", "rop05_plan_with_measures"}
    tables = {str(r[0]) for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert not tables & (ROP_TABLES | {"rop_frame", "rop_cells"})


def test_every_indicator_in_ranges_of_persons_counts_what_one_range_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store of more than `PERSON_CHUNK` persons has every indicator computed per range of persons (the
    person-keyed tables and ``referral_facts`` as temp views of the range): the counts, medians, p90s and means per
    level, code and year are those of `compute_raw` over all persons at once, and the store's own tables are seen
    again afterwards."""
    from helhet.synthetic import generate_to_parquet

    folder = tmp_path / "store"
    generate_to_parquet(folder, persons=1_500, years=2, seed=3, as_of=AS_OF)
    con = queries.connect(folder)
    chosen = available(con)
    assert {i.kind for i in chosen} == {"proportion", "rate", "quantile"} and len(chosen) == len(CATALOGUE)
    persons = con.execute("SELECT count(*) FROM person").fetchone()
    monkeypatch.setattr(indicators, "PERSON_CHUNK", 400)
    queries.facts(con, fact_columns(chosen), compress_from=0)  # a table of the atlas database, as a large store's
    ranges = _person_ranges(con)
    assert len(ranges) == 4 and all(r is not None for r in ranges)
    narrowed: list[tuple[list[str], tuple[int, int] | None, int]] = []
    restrict = indicators._restrict

    def spy(c: object, t: list[str], p: tuple[int, int] | None) -> None:
        narrowed.append((t, p, threading.get_ident()))
        restrict(c, t, p)  # type: ignore[arg-type]

    monkeypatch.setattr(indicators, "_restrict", spy)
    raw = compute_all(con, chosen, AS_OF)
    assert sorted(p for _, p, _ in narrowed if p is not None) == ranges
    assert len({thread for _, _, thread in narrowed}) == indicators.WORKERS  # the ranges on cursors at once
    assert {"referral_facts", "person_geo", "episode", "appointment", "vedtak"} <= set(narrowed[0][0])
    assert not con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_type = 'VIEW' AND table_catalog = 'temp'"
    ).fetchall()
    assert con.execute("SELECT count(*) FROM person_geo").fetchone() == persons
    reference = pl.concat([compute_raw(con, i, AS_OF) for i in chosen], how="vertical_relaxed")
    keys = ["indicator", "level", "code", "year"]
    got, want = raw.sort(keys), reference.select(raw.columns).sort(keys)
    assert got.select(*keys, "n", "k").equals(want.select(*keys, "n", "k"))
    for column in ("median", "p90", "mean"):
        assert ((got[column] - want[column]).abs() <= 1e-9).all() and got[column].null_count() == want[
            column
        ].null_count()
    assert raw["k"].sum() > 0 and raw["median"].drop_nulls().len() > 0


def test_a_temp_referral_facts_keeps_the_indicators_over_it_in_one_range(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A small store's ``referral_facts`` is a temp table, which no temp view can narrow: the indicators then
    run over all persons at once and still count every referral once."""
    from helhet.synthetic import generate_to_parquet

    folder = tmp_path / "store"
    generate_to_parquet(folder, persons=600, years=2, seed=5, as_of=AS_OF)
    con = queries.connect(folder)
    chosen = [BY_CODE["new_referrals"], BY_CODE["waiting_days"]]
    monkeypatch.setattr(indicators, "PERSON_CHUNK", 200)
    queries.facts(con, fact_columns(chosen))
    narrowed: list[object] = []
    restrict = indicators._restrict
    monkeypatch.setattr(indicators, "_restrict", lambda c, t, p: (narrowed.append(p), restrict(c, t, p))[1])
    raw = compute_all(con, chosen, AS_OF)
    assert not narrowed
    reference = pl.concat([compute_raw(con, i, AS_OF) for i in chosen], how="vertical_relaxed")
    keys = ["indicator", "level", "code", "year"]
    assert raw.select(*keys, "n", "median").sort(keys).equals(reference.select(*keys, "n", "median").sort(keys))


def test_an_error_in_one_range_of_persons_is_raised_and_leaves_the_connection_usable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ranges run on cursors at once: an error in one stops the others and reaches the caller, and the
    connection answers afterwards."""
    from helhet.synthetic import generate_to_parquet

    folder = tmp_path / "store"
    generate_to_parquet(folder, persons=600, years=2, seed=5, as_of=AS_OF)
    con = queries.connect(folder)
    chosen = [BY_CODE["new_referrals"]]
    monkeypatch.setattr(indicators, "PERSON_CHUNK", 100)
    queries.facts(con, fact_columns(chosen), compress_from=0)
    run, calls = indicators._run, []

    def failing(c: object, steps: list[_Step], as_of: date) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("range two failed")
        run(c, steps, as_of)  # type: ignore[arg-type]

    monkeypatch.setattr(indicators, "_run", failing)
    with pytest.raises(RuntimeError, match="range two failed"):
        compute_all(con, chosen, AS_OF)
    assert len(calls) < len(_person_ranges(con))
    monkeypatch.setattr(indicators, "_run", run)
    raw = compute_all(con, chosen, AS_OF)  # nothing of the failed run is counted again
    keys = ["indicator", "level", "code", "year"]
    reference = compute_raw(con, chosen[0], AS_OF)
    assert raw.select(*keys, "n", "k").sort(keys).equals(reference.select(*keys, "n", "k").sort(keys))
