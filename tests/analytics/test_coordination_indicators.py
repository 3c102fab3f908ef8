"""The coordination indicators (handovers, crisis plans, vedtak delivery, ROP checks) on small stores worked out
by hand, and the same figures from the generator's Parquet and from a store extracted from a database."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl
from sqlalchemy.orm import Session

from helhet.analytics import queries, store
from helhet.analytics.indicators import BY_CODE, COORDINATION, ROP_INDICATORS, compute_raw
from tests.analytics.store_builder import StoreBuilder

AS_OF = date(2025, 1, 1)


def counts(con: object, code: str, level: str, key: str, year: int = 2024) -> tuple[int, int]:
    raw = compute_raw(con, BY_CODE[code], AS_OF)  # type: ignore[arg-type]
    rows = raw.filter((pl.col("level") == level) & (pl.col("code") == key) & (pl.col("year") == year))
    assert rows.height == 1, (code, rows)
    return int(rows["n"][0]), int(rows["k"][0] or 0)


def test_handover_accepted_before_discharge_and_crisis_plan_at_discharge(tmp_path: Path) -> None:
    b = StoreBuilder()
    unit, municipal = b.unit(), b.unit()
    stays = [b.stay(unit) for _ in range(10)]  # all discharged 2024-04-01
    decided = [date(2024, 3, 30)] * 4 + [date(2024, 4, 1), date(2024, 4, 3)]
    for (person, episode), day in zip(stays, decided, strict=False):
        b.handover(person, municipal, episode_id=episode, decided=day)  # 5 by the day of discharge, 1 after
    b.handover(stays[6][0], municipal, episode_id=stays[6][1], status="declined", decided=date(2024, 3, 30))
    b.handover(stays[7][0], municipal, episode_id=stays[7][1], status="pending")
    # stays 8 and 9 have no handover. Not counted: death, a user-controlled bed, an outpatient episode, a stay
    # still open on the reference day, and a transfer to the same unit
    for kwargs in (
        {"reason": "died"},
        {"level": "user_controlled_bed"},
        {"level": "outpatient"},
        {"ended": date(2025, 2, 1)},
    ):
        person, episode = b.stay(unit, **kwargs)  # type: ignore[arg-type]
        b.handover(person, municipal, episode_id=episode, decided=date(2024, 3, 30))
    person, episode = b.stay(unit, reason="transferred")
    b.episode(b.tables["episode"][-1]["referral_id"], unit, date(2024, 4, 1), level="inpatient_long")
    # crisis plans: current at discharge for stays 0, 3 (second version) and 4 (no review date)
    b.crisis_plan(stays[0][0], date(2024, 3, 10), date(2024, 9, 10))
    b.crisis_plan(stays[1][0], date(2024, 4, 2), date(2024, 10, 2))  # made after discharge
    b.crisis_plan(stays[2][0], date(2023, 1, 1), date(2023, 7, 1))  # out of date
    b.crisis_plan(stays[3][0], date(2023, 1, 1), date(2023, 7, 1))
    b.crisis_plan(stays[3][0], date(2024, 3, 15), None, version=2)
    b.crisis_plan(stays[4][0], date(2024, 1, 1), None)
    con = queries.connect(b.write(tmp_path / "store"))
    assert counts(con, "handover_accepted_before_discharge", "municipality", "4601") == (10, 5)
    assert counts(con, "handover_accepted_before_discharge", "unit", str(unit)) == (10, 5)
    assert counts(con, "crisis_plan_at_discharge", "area", "bergen") == (10, 3)


def test_vedtak_delivery_weeks_ratio_and_rop09(tmp_path: Path) -> None:
    b = StoreBuilder()
    b.unit()
    service = b.unit()
    who = b.person("1804")
    # A: four complete weeks of 4 hours; delivered 4, 3.2, 3 and nothing
    a = b.vedtak(who, service, date(2024, 9, 2), date(2024, 9, 29), 4.0)
    for day, amount in ((date(2024, 9, 3), 4.0), (date(2024, 9, 10), 3.2), (date(2024, 9, 17), 3.0)):
        b.delivery(a, day, amount)
    # B: starts on a Thursday, 7 nights a week: 4/7 of a week decided first (4 delivered), then 7 (6 delivered)
    v = b.vedtak(who, service, date(2024, 10, 3), date(2024, 10, 13), 7.0, volume_unit="units_per_week")
    b.delivery(v, date(2024, 10, 5), 4.0)
    b.delivery(v, date(2024, 10, 8), 6.0)
    # C: until further notice from 16 December, 2 hours: the week of 30 December is not complete on 1 January
    c = b.vedtak(who, service, date(2024, 12, 16), None, 2.0)
    b.delivery(c, date(2024, 12, 17), 2.0)
    b.delivery(c, date(2024, 12, 24), 1.0)
    b.delivery(c, date(2024, 12, 31), 2.0)
    # F: five good weeks from 25 November; G: four weeks from 2 December with nothing delivered
    f = b.vedtak(who, service, date(2024, 11, 25), None, 2.0)
    for week in range(5):
        b.delivery(f, date(2024, 11, 26) + timedelta(days=7 * week), 2.0)
    b.vedtak(who, service, date(2024, 12, 2), None, 2.0)
    # not counted: withdrawn, and a vedtak without a weekly volume
    b.vedtak(who, service, date(2024, 9, 2), date(2024, 9, 29), 4.0, status="withdrawn")
    b.vedtak(who, service, date(2024, 9, 2), None, None, service_type="financial_assistance")
    con = queries.connect(b.write(tmp_path / "store"))
    # delivered over decided for the year: A 10.2/16, B 10/11, C 3/4, F 10/10, G 0/8; B and F reach 80 %
    assert counts(con, "vedtak_delivery", "municipality", "1804") == (5, 2)
    assert counts(con, "vedtak_delivery", "unit", str(service)) == (5, 2)
    ratio = compute_raw(con, BY_CODE["vedtak_delivery_ratio"], AS_OF)
    row = ratio.filter((pl.col("level") == "municipality") & (pl.col("code") == "1804") & (pl.col("year") == 2024))
    assert row["n"][0] == 5 and abs(row["median"][0] - 0.75) < 1e-9
    assert abs(row["mean"][0] - (10.2 / 16 + 10 / 11 + 0.75 + 1.0 + 0.0) / 5) < 1e-9
    # ROP-09 on 31 December, last four weeks (4-31 December): C short on 24 December, F passes, G never delivered
    assert counts(con, "rop09_services_delivered", "municipality", "1804") == (3, 1)


def test_rop01_substance_mapping_at_the_start(tmp_path: Path) -> None:
    b = StoreBuilder()
    unit = b.unit()
    start = date(2024, 5, 1)
    referrals = [b.referral(unit, received=start - timedelta(days=20), start_after=20) for _ in range(12)]
    people = [b.person_of(r) for r in referrals]
    for person in people[:5]:
        b.questionnaire(person, date(2024, 5, 10))
    b.questionnaire(people[5], date(2024, 5, 31))  # day 30: in time
    b.questionnaire(people[6], date(2024, 6, 1))  # day 31: late
    b.questionnaire(people[7], date(2023, 6, 1), "DUDIT")  # within 12 months before the start
    # 8 and 9: never mapped; 10 declined (excluded); 11 declined but was mapped after all (counted, passes)
    b.declined(people[10], date(2024, 5, 5))
    b.declined(people[11], date(2024, 5, 5))
    b.questionnaire(people[11], date(2024, 5, 20))
    b.episode(referrals[8], unit, date(2024, 8, 1))  # a second episode of the referral is not a start
    late = b.referral(unit, received=date(2024, 11, 25), start_after=20)  # 15 December + 30 days > 1 January
    b.questionnaire(b.person_of(late), date(2024, 12, 20))
    con = queries.connect(b.write(tmp_path / "store"))
    assert counts(con, "rop01_substance_mapped", "area", "bergen") == (11, 8)
    assert counts(con, "rop01_substance_mapped", "unit", str(unit)) == (11, 8)


def test_rop10_housing_vedtak_and_rop12_wish(tmp_path: Path) -> None:
    b = StoreBuilder()
    unit, bolig = b.unit(), b.unit()
    received = date(2024, 3, 4)
    homeless = [b.person_of(b.referral(unit, received=received, homeless=True)) for _ in range(6)]
    for i in range(4):
        b.referral(unit, received=received, wished=None if i < 3 else "outpatient")
    b.vedtak(homeless[0], bolig, date(2024, 4, 1), None, 2.0, service_type="housing_assistance")
    b.vedtak(homeless[1], bolig, date(2024, 1, 1), None, 7.0, service_type="temporary_accommodation")
    b.vedtak(homeless[2], bolig, date(2024, 4, 1), None, 2.0)  # practical help is not housing
    b.vedtak(homeless[3], bolig, date(2024, 7, 1), None, 2.0, service_type="housing_assistance")  # > 90 days
    b.vedtak(homeless[4], bolig, date(2024, 4, 1), None, 2.0, service_type="housing_assistance", status="withdrawn")
    con = queries.connect(b.write(tmp_path / "store"))
    assert counts(con, "rop10_housing_assistance", "municipality", "4601") == (6, 2)
    raw = compute_raw(con, BY_CODE["rop10_housing_assistance"], AS_OF)
    assert raw.filter(pl.col("level") == "unit").height == 0  # a municipal duty: no unit level
    assert counts(con, "rop12_wish_recorded", "municipality", "4601") == (10, 7)


def test_rop13_handovers_answered_in_time_by_receiving_unit(tmp_path: Path) -> None:
    b = StoreBuilder()
    sender, receiver = b.unit(), b.unit()
    person = b.person("4601")
    created, due = date(2024, 5, 6), date(2024, 5, 8)
    answers = [("accepted", due)] * 3 + [("accepted", date(2024, 5, 7)), ("declined", due)]
    answers += [("accepted", date(2024, 5, 9)), ("accepted", date(2024, 5, 20)), ("declined", date(2024, 5, 9))]
    answers += [("pending", None), ("pending", None)]
    for status, decided in answers:
        b.handover(person, receiver, status=status, created=created, decided=decided, due=due, from_unit=sender)
    b.handover(person, receiver, status="cancelled", created=created, decided=due, due=due, from_unit=sender)
    b.handover(person, receiver, status="pending", created=date(2024, 12, 31), due=date(2025, 1, 2))
    con = queries.connect(b.write(tmp_path / "store"))
    assert counts(con, "rop13_handover_in_time", "unit", str(receiver)) == (10, 5)
    assert counts(con, "rop13_handover_in_time", "municipality", "4601") == (10, 5)
    assert set(ROP_INDICATORS.values()) <= set(BY_CODE)


def _national(folder: Path, as_of: date) -> dict[str, list[tuple[int, int, int]]]:
    con = queries.connect(folder)
    result = {}
    for indicator in COORDINATION:
        raw = compute_raw(con, indicator, as_of).filter(pl.col("level") == "national").sort("year")
        result[indicator.code] = [(int(y), int(n), int(k or 0)) for y, n, k in raw.select("year", "n", "k").rows()]
    return result


def test_a_store_extracted_from_the_database_gives_the_generators_figures(session: Session, tmp_path: Path) -> None:
    from helhet.synthetic import generate_into_database, generate_to_parquet

    as_of = date(2025, 6, 30)
    generate_into_database(session, 400, 2, "HV", 31, "default", as_of=as_of, truth_path=tmp_path / "t.json")
    session.flush()
    info = store.extract(session.connection(), tmp_path / "store", "secret")
    assert info.tables["vedtak"] > 0 and info.tables["handover"] > 0 and info.tables["service_delivery"] > 0
    generate_to_parquet(tmp_path / "parquet", persons=400, years=2, region="HV", seed=31, as_of=as_of)
    from_db, from_parquet = _national(tmp_path / "store", as_of), _national(tmp_path / "parquet", as_of)
    # the generator's folder covers 2024-2025 (its ground_truth.json); the database's store has all its years
    first, last = queries.covered_years(tmp_path / "parquet") or (0, 0)
    assert (first, last) == (2024, 2025)
    assert {c: [r for r in rows if first <= r[0] <= last] for c, rows in from_db.items()} == from_parquet
    assert all(first <= r[0] <= last for rows in from_parquet.values() for r in rows)
    assert all(rows for rows in from_db.values())
