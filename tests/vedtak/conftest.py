"""Every test here runs on a fixed day (Thursday 10 April 2025), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from helhet import clock
from tests.mapping.builders import TODAY


@pytest.fixture(autouse=True)
def today() -> Iterator[date]:
    with clock.freeze(datetime(TODAY.year, TODAY.month, TODAY.day, 10, 0, tzinfo=UTC)):
        yield TODAY
