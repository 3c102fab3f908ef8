"""``rop_contacts`` pairs each contact with the consecutive years it can count for without listing them per contact:
for any number of cooperation days (within one year, a whole year, more than two) and reference dates early, in
the middle and at the end of a year it must give every frame row what a plain test of every contact against that
row's reference day gives."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from helhet.analytics import indicators, queries, rop_facts
from tests.analytics.store_builder import StoreBuilder


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = random.Random(5)
    b = StoreBuilder()
    unit = b.unit()
    for received in (date(2021, 3, 1), date(2022, 8, 1), date(2023, 12, 20)) * 20:
        person = b.person_of(b.referral(unit, rng.choice(["4601", "5001"]), received=received))
        for _ in range(rng.randrange(0, 8)):
            # around a year's end or a reference date, or any day of 2021-2025
            near = rng.choice([date(rng.randrange(2021, 2025), 12, 31), date(2024, 7, 15), date(2025, 3, 1)])
            day = near + timedelta(days=rng.randrange(-45, 10))
            if rng.random() < 0.5:
                day = date(2021, 1, 1) + timedelta(days=rng.randrange(0, 4 * 365 + 200))
            b.contact(person, rng.choice(["gp", "specialist", "nav", "other"]), day)
    return b.write(tmp_path_factory.mktemp("contacts") / "store")


def _plain(days: int) -> str:
    """Every frame row with each counterpart tested by EXISTS over every contact of the person."""
    seen = {
        name: f"""EXISTS (SELECT 1 FROM collaboration_contact c WHERE c.person_key = f.person_key
                  AND c.counterpart = '{counterpart}' AND c.contact_on BETWEEN f.ref - {days} AND f.ref)"""
        for name, counterpart in (("gp_contact", "gp"), ("specialist_contact", "specialist"), ("nav_contact", "nav"))
    }
    return f"SELECT f.*, {', '.join(f'{sql} AS {name}' for name, sql in seen.items())} FROM rop_frame f"


@pytest.mark.parametrize("as_of", [date(2025, 1, 1), date(2024, 7, 15), date(2024, 12, 31), date(2025, 3, 1)])
@pytest.mark.parametrize("days", [30, 183, 365, 400, 800])
def test_contacts_within_the_days_are_those_a_plain_test_finds(store: Path, as_of: date, days: int) -> None:
    con = queries.connect(store)
    indicators._prepare(con, [indicators.BY_CODE["rop08_cooperation_documented"]], as_of)
    got = con.sql(indicators._parameters(rop_facts.contacts(days), as_of))
    expected = con.sql(indicators._parameters(_plain(days), as_of))
    assert got.columns == expected.columns
    assert sorted(got.fetchall()) == sorted(expected.fetchall())
    counts = con.sql(f"SELECT count(*), count(*) FILTER (WHERE gp_contact OR nav_contact) FROM ({got.sql_query()})")
    rows, with_contact = counts.fetchall()[0]
    assert 0 < with_contact < rows  # the comparison is not between two empty answers
