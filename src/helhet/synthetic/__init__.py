"""Synthetic Norway: persons and their whole pathways, calibrated to public figures, with planted variation.

No real person's data is ever used. Persons are drawn from the population by municipality, age and sex, with
synthetic names and synthetic test fødselsnummer (month + 80); their referrals, assessments, episodes, care
teams, tasks, appointments, relatives and housing follow the rules the services enforce, so the rows are valid
for the real services. A scenario file states the variation to plant; every run writes the ground truth.

- ``generate_to_parquet(folder, persons=..., ...)``: one Parquet file per table, and ``ground_truth.json``
- ``generate_into_database(session_or_engine, persons, years, region, seed, scenario)``: COPY on PostgreSQL,
  executemany on SQLite, in one transaction
- ``scenario.load(name_or_path)``: a shipped scenario (``default``, ``none``) or a file, validated

See docs/synthetic.md for the figures behind every parameter and the scenario format.
"""

from __future__ import annotations

from helhet.synthetic.database import generate_into_database
from helhet.synthetic.generator import Summary, generate_to_parquet
from helhet.synthetic.scenario import Scenario, ScenarioError
from helhet.synthetic.scenario import load as load_scenario

__all__ = ["Scenario", "ScenarioError", "Summary", "generate_into_database", "generate_to_parquet", "load_scenario"]
