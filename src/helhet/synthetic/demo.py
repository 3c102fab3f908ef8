"""Synthetic data for ``helhet demo``: a region's worth of pathways in the demo database.

Demo users are added before the data, so a share of open tasks, appointments and episodes in their units is
theirs and every worklist has content. About 3,000-5,000 persons take a few seconds on SQLite.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from helhet.synthetic.database import generate_into_database
from helhet.synthetic.generator import Summary


def generate_demo_data(
    engine: Engine | Session,
    *,
    persons: int = 3_000,
    seed: int = 2026,
    region: str = "HV",
    years: int = 3,
    scenario: str = "default",
) -> Summary:
    """Persons and pathways up to today in ``region``, with the default scenario's planted variation."""
    return generate_into_database(engine, persons, years, region, seed, scenario)
