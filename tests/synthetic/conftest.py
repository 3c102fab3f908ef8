"""Small generated data sets, made once per test session (fixed seed and as-of day, so tests are repeatable),
and a PostgreSQL connection rolled back after each test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import Connection, Engine

from helhet.synthetic import generate_to_parquet
from helhet.synthetic.generator import Summary

AS_OF = date(2025, 6, 30)


def read(folder: Path) -> dict[str, pa.Table]:
    return {p.stem: pq.read_table(p) for p in folder.glob("*.parquet")}


@pytest.fixture(scope="session")
def default_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Summary, Path]:
    folder = tmp_path_factory.mktemp("synth-default")
    summary = generate_to_parquet(folder, persons=4_000, years=3, seed=11, scenario="default", as_of=AS_OF)
    return summary, folder


@pytest.fixture(scope="session")
def none_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Summary, Path]:
    """No planted effects; large enough for the calibration tolerances (about 2 s)."""
    folder = tmp_path_factory.mktemp("synth-none")
    summary = generate_to_parquet(folder, persons=40_000, years=3, seed=7, scenario="none", as_of=AS_OF)
    return summary, folder


@pytest.fixture
def pg(postgres_engine: Engine) -> Iterator[Connection]:
    """A PostgreSQL connection in a transaction that is rolled back after the test."""
    with postgres_engine.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()
