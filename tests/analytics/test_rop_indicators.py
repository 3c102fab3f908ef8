"""The ROP gap checks of the municipal follow-up (ROP-02..08, 14, 15) as atlas pass rates, on small stores worked
out by hand: each person passes, fails, is excluded or is not counted for a reason written beside it. The
reference day of 2024 is 31 December 2024; every person is in service from March 2024 unless a test says
otherwise. The last test compares every check with its former query (``rop_reference``) on random records."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

from helhet.analytics import queries
from helhet.analytics.indicators import BY_CODE, ROP_INDICATORS, compute_raw
from tests.analytics.rop_reference import REFERENCE, SHARED
from tests.analytics.store_builder import StoreBuilder

AS_OF = date(2025, 1, 1)
D = date


def persons(b: StoreBuilder, n: int, **kwargs: object) -> list[int]:
    unit = b.unit()
    return [b.person_of(b.referral(unit, **kwargs)) for _ in range(n)]  # type: ignore[arg-type]


def rate(b: StoreBuilder, tmp_path: Path, code: str, level: str = "municipality", key: str = "4601") -> tuple[int, int]:
    con = queries.connect(b.write(tmp_path / "store"))
    raw = compute_raw(con, BY_CODE[code], AS_OF)
    rows = raw.filter((pl.col("level") == level) & (pl.col("code") == key) & (pl.col("year") == 2024))
    assert rows.height == 1, rows
    return int(rows["n"][0]), int(rows["k"][0] or 0)


def test_every_rop_check_is_in_the_catalogue() -> None:
    assert {f"ROP-{i:02d}" for i in range(1, 16)} <= set(ROP_INDICATORS)
    assert set(ROP_INDICATORS.values()) <= set(BY_CODE)
    assert all(BY_CODE[ROP_INDICATORS[c]].better == "higher" for c in ROP_INDICATORS)


def test_rop02_mental_health_screened(tmp_path: Path) -> None:
    b = StoreBuilder()
    p = persons(b, 4)
    b.screening(p[0], D(2024, 5, 1))  # pass
    b.screening(p[1], D(2024, 5, 1), status="not_screened")  # gap
    b.screening(p[2], D(2025, 2, 1))  # gap: after the reference day
    assert rate(b, tmp_path, "rop02_mental_health_screened") == (4, 1)


def test_rop03_somatic_check_within_the_months_and_owned_follow_ups(tmp_path: Path) -> None:
    b = StoreBuilder()
    p = persons(b, 8)
    b.somatic(p[0], D(2024, 6, 1))  # pass
    b.somatic(p[1], D(2023, 12, 1))  # gap: 365 days end on 30 November
    b.somatic(p[2], D(2024, 6, 1))  # gap: an open follow-up without an owner
    b.task(p[2], "somatic_follow_up", D(2024, 7, 1))
    b.somatic(p[3], D(2024, 6, 1))  # pass: the follow-up has an owner
    b.task(p[3], "somatic_follow_up", D(2024, 7, 1), owner=7)
    b.declined(p[4], D(2024, 5, 1), area="somatic")  # excluded
    b.declined(p[5], D(2024, 2, 1), area="somatic")  # pass: checked after declining
    b.somatic(p[5], D(2024, 3, 1))
    # p6: never checked, gap
    b.somatic(p[7], D(2024, 6, 1))  # pass: the unowned follow-up was done before the reference day
    b.task(p[7], "somatic_follow_up", D(2024, 7, 1), status="done", completed=D(2024, 8, 1))
    assert rate(b, tmp_path, "rop03_somatic_checked") == (7, 4)


def test_rop04_overall_situation_and_children_asked(tmp_path: Path) -> None:
    b = StoreBuilder()
    p = persons(b, 5)
    b.situation(p[0], D(2024, 5, 1))  # pass
    b.children(p[0], D(2024, 5, 1))
    b.situation(p[1], D(2024, 5, 1), activity="unknown")  # gap
    b.children(p[1], D(2024, 5, 1))
    b.situation(p[2], D(2024, 5, 1))  # gap: not asked about children
    b.situation(p[3], D(2024, 5, 1))  # gap: the latest record has income unknown
    b.situation(p[3], D(2024, 9, 1), income="unknown")
    b.children(p[3], D(2024, 5, 1))
    b.situation(p[4], D(2025, 3, 1))  # gap: recorded after the reference day
    b.children(p[4], D(2024, 5, 1))
    assert rate(b, tmp_path, "rop04_situation_recorded") == (5, 1)


def test_rop05_plan_with_measures_and_rop06_evaluated_on_time(tmp_path: Path) -> None:
    b = StoreBuilder()
    p = persons(b, 9)
    b.measure(b.plan(p[0], D(2024, 4, 1)), D(2024, 4, 10), D(2025, 3, 1))  # 05 pass, 06 pass (not due yet)
    b.plan(p[1], D(2024, 4, 1))  # 05 gap: no measures; 06 not counted
    b.plan(p[2], D(2024, 4, 1), status="declined")  # 05 excluded; 06 not counted
    # p3: no plan, 05 gap
    b.measure(b.plan(p[4], D(2024, 1, 1), status="closed", closed=D(2024, 10, 1)), D(2024, 2, 1), D(2024, 6, 1))
    b.measure(b.plan(p[5], D(2025, 2, 1)), D(2025, 2, 1), D(2025, 6, 1))  # 05 gap: the plan came later
    b.measure(b.plan(p[6], D(2024, 4, 1)), D(2024, 4, 10), D(2024, 11, 1))  # 05 pass, 06 gap: never evaluated
    plan = b.plan(p[7], D(2024, 4, 1))  # 05 pass, 06 pass: evaluated on its date
    b.measure(plan, D(2024, 4, 10), D(2024, 11, 1), evaluated=D(2024, 11, 1))
    plan = b.plan(p[8], D(2024, 4, 1))  # 05 pass, 06 gap: one of two measures overdue
    b.measure(plan, D(2024, 4, 10), D(2025, 3, 1))
    b.measure(plan, D(2024, 4, 10), D(2024, 12, 1), evaluated=D(2024, 6, 1))
    assert rate(b, tmp_path, "rop05_plan_with_measures") == (8, 4)
    assert rate(b, tmp_path / "06", "rop06_measures_evaluated") == (4, 2)


def test_rop07_coordinator_and_individual_plan_for_long_term_needs(tmp_path: Path) -> None:
    b = StoreBuilder()
    p = persons(b, 7)
    tsb, kommune = b.unit(), b.unit()
    since = D(2024, 4, 1)
    for person in p:
        b.member(person, tsb, "pathway_coordinator", since)
    b.member(p[0], kommune, "coordinator", since)  # pass
    b.ip_status(p[0], "accepted", D(2024, 5, 1))
    b.member(p[1], kommune, "gp", since)  # gap: no coordinator
    b.member(p[2], tsb, "peer_worker", since)  # not counted: one unit
    b.member(p[3], kommune, "coordinator", since)  # gap: the IP is offered, not answered
    b.ip_status(p[3], "not_asked", D(2024, 5, 1))
    b.ip_status(p[3], "offered", D(2024, 6, 1), version=2)
    b.member(p[4], kommune, "coordinator", since)  # pass: declined is an answer
    b.ip_status(p[4], "accepted", D(2024, 5, 1))
    b.ip_status(p[4], "declined", D(2024, 6, 1), version=2)
    b.member(p[5], kommune, "coordinator", since, until=D(2024, 6, 1))  # not counted: left the team
    b.member(p[6], kommune, "coordinator", since)  # gap: answered after the reference day
    b.ip_status(p[6], "accepted", D(2025, 2, 1))
    assert rate(b, tmp_path, "rop07_coordinator_and_ip") == (5, 2)


def test_rop08_cooperation_with_gp_and_specialist_in_the_last_six_months(tmp_path: Path) -> None:
    b = StoreBuilder()
    p = persons(b, 4)
    b.contact(p[0], "gp", D(2024, 9, 1))  # pass
    b.contact(p[0], "specialist", D(2024, 10, 1))
    b.contact(p[1], "gp", D(2024, 9, 1))  # gap: no specialist
    b.contact(p[2], "gp", D(2024, 9, 1))  # gap: the specialist contact is older than 183 days
    b.contact(p[2], "specialist", D(2024, 6, 1))
    b.contact(p[3], "gp", D(2024, 7, 1), kind="ansvarsgruppe")  # pass: 183 days back is 1 July
    b.contact(p[3], "specialist", D(2024, 12, 31))
    assert rate(b, tmp_path, "rop08_cooperation_documented") == (4, 2)


def test_rop14_nav_advice_when_financial_or_housing_problems(tmp_path: Path) -> None:
    b = StoreBuilder()
    homeless = persons(b, 2, homeless=True)
    p = persons(b, 4)
    b.contact(homeless[0], "nav", D(2024, 10, 1), kind="information_advice")  # pass
    # homeless[1]: no NAV contact, gap
    b.situation(p[0], D(2024, 5, 1), income="social_assistance")  # gap: the NAV contact is too old
    b.contact(p[0], "nav", D(2024, 1, 1))
    b.situation(p[1], D(2024, 5, 1))  # not counted: income from work, no financial problems, housed
    # p2: no situation record and housed, not counted
    b.situation(p[3], D(2024, 5, 1), financial_problems=True)  # pass
    b.contact(p[3], "nav", D(2024, 12, 1))
    assert rate(b, tmp_path, "rop14_nav_information") == (4, 2)


def test_rop15_children_asked_and_their_needs_assessed(tmp_path: Path) -> None:
    b = StoreBuilder()
    p = persons(b, 6)
    b.children(p[0], D(2024, 5, 1))  # pass: no minor children
    # p1: never asked, gap
    b.children(p[2], D(2024, 5, 1), answer="yes", assessed=D(2024, 6, 1))  # pass
    b.children(p[3], D(2024, 5, 1), answer="yes")  # gap
    b.children(p[4], D(2024, 5, 1), answer="yes", assessed=D(2025, 2, 1))  # gap: assessed later
    b.children(p[5], D(2024, 5, 1), answer="unknown")  # pass
    assert rate(b, tmp_path, "rop15_children_assessed") == (6, 3)
    assert rate(b, tmp_path / "area", "rop15_children_assessed", "area", "bergen") == (6, 3)


def test_persons_out_of_service_in_the_year_are_not_counted(tmp_path: Path) -> None:
    b = StoreBuilder()
    unit = b.unit()
    b.referral(unit, received=D(2022, 1, 10))  # episode from 2022-01-30, never ended: counted in 2024
    rid = b.referral(unit, received=D(2022, 1, 10))
    b.tables["episode"][-1]["ended_on"] = D(2023, 6, 1)  # ended before 2024: not counted
    b.referral(unit, received=D(2024, 12, 20), start_after=20)  # starts in 2025: not counted in 2024
    b.screening(b.person_of(rid), D(2022, 2, 1))
    assert rate(b, tmp_path, "rop02_mental_health_screened") == (1, 0)


def rates_by_year(b: StoreBuilder, tmp_path: Path, code: str) -> dict[int, tuple[int, int]]:
    con = queries.connect(b.write(tmp_path / code))
    raw = compute_raw(con, BY_CODE[code], AS_OF).filter(
        (pl.col("level") == "municipality") & (pl.col("code") == "4601")
    )
    return {int(y): (int(n), int(k or 0)) for y, n, k in raw.select("year", "n", "k").sort("year").rows()}


def test_each_year_reads_the_records_dated_by_its_own_reference_day(tmp_path: Path) -> None:
    # every person in service from March 2023: years 2023, 2024 and 2025 (reference day 1 January 2025, AS_OF)
    b = StoreBuilder()
    p = persons(b, 6, received=D(2023, 3, 4))
    tsb, kommune = b.unit(), b.unit()
    b.situation(p[0], D(2023, 5, 1))  # ROP-04: 2023 pass; the 2024 record has income unknown: gap from then on
    b.situation(p[0], D(2024, 6, 1), income="unknown")
    b.children(p[0], D(2023, 5, 1))
    b.children(p[1], D(2024, 5, 1), answer="yes")  # ROP-15: two answers the same day, the later id counts:
    b.children(p[1], D(2024, 5, 1), answer="no")  # no children, so 2024 and 2025 pass; 2023 not asked yet
    b.measure(b.plan(p[2], D(2023, 4, 1), closed=D(2024, 3, 1)), D(2023, 4, 10), D(2025, 6, 1))  # ROP-05: 2023 only
    for person in (p[3], p[4]):  # ROP-07: two units until the kommune's coordinator leaves on 31 December 2024
        b.member(person, tsb, "pathway_coordinator", D(2023, 4, 1))
        b.member(person, kommune, "coordinator", D(2023, 4, 1), until=D(2024, 12, 31))
    b.ip_status(p[3], "offered", D(2023, 5, 1))  # 2023, 2024 gap: offered, not answered
    b.ip_status(p[4], "accepted", D(2024, 2, 1))  # 2023 gap, 2024 pass; 2025 not counted (one unit)
    b.contact(p[5], "gp", D(2024, 12, 1))  # ROP-08: 2024 pass, and 2025 too (183 days back from 1 January)
    b.contact(p[5], "specialist", D(2024, 11, 1))
    b.somatic(p[5], D(2023, 6, 1))  # ROP-03: 2023 pass; older than 365 days on 31 December 2024
    assert rates_by_year(b, tmp_path, "rop04_situation_recorded") == {2023: (6, 1), 2024: (6, 0), 2025: (6, 0)}
    assert rates_by_year(b, tmp_path, "rop15_children_assessed") == {2023: (6, 1), 2024: (6, 2), 2025: (6, 2)}
    assert rates_by_year(b, tmp_path, "rop05_plan_with_measures") == {2023: (6, 1), 2024: (6, 0), 2025: (6, 0)}
    assert rates_by_year(b, tmp_path, "rop07_coordinator_and_ip") == {2023: (2, 0), 2024: (2, 1)}
    assert rates_by_year(b, tmp_path, "rop08_cooperation_documented") == {2023: (6, 0), 2024: (6, 1), 2025: (6, 1)}
    assert rates_by_year(b, tmp_path, "rop03_somatic_checked") == {2023: (6, 1), 2024: (6, 0), 2025: (6, 0)}


def _random_follow_up(b: StoreBuilder, rng: random.Random, person: int, units: tuple[int, int]) -> None:
    """Several records of every kind the checks read, over 2022-2025 (some after AS_OF), with same-day ties."""

    def day() -> date:
        return D(2022, 1, 1) + timedelta(days=rng.randrange(0, 3 * 365 + 60))

    for _ in range(rng.randrange(0, 3)):
        b.screening(person, day(), status=rng.choice(["screened_no_findings", "not_screened"]))
        b.somatic(person, day())
        b.ip_status(person, rng.choice(["offered", "accepted", "declined"]), day(), version=rng.randrange(1, 4))
    meeting = day()  # contacts around one day, so some fall within the same six months
    for counterpart in ("gp", "specialist", "nav"):
        for _ in range(rng.randrange(0, 3)):
            b.contact(person, counterpart, meeting + timedelta(days=rng.randrange(-120, 120)))
    if rng.random() < 0.3:
        b.declined(person, day(), area="somatic")
    if rng.random() < 0.4:
        b.task(
            person,
            "somatic_follow_up",
            day(),
            owner=rng.choice([None, 7]),
            status=rng.choice(["open", "done"]),
            completed=day(),
        )
    for _ in range(rng.randrange(0, 3)):
        on = day()
        b.situation(
            person,
            on,
            rng.choice(["work", "unknown", "social_assistance"]),
            activity=rng.choice(["work", "unknown"]),
            financial_problems=rng.random() < 0.3,
        )
        for answer in rng.sample(["yes", "no", "unknown"], rng.randrange(1, 3)):  # same day: the later id counts
            b.children(person, on, answer=answer, assessed=rng.choice([None, day()]))
    for _ in range(rng.randrange(0, 3)):
        started = day()
        closed = rng.choice([None, started + timedelta(days=rng.randrange(1, 500))])
        plan = b.plan(person, started, status=rng.choice(["active", "declined"]), closed=closed)
        for _ in range(rng.randrange(0, 3)):
            b.measure(plan, day(), day(), evaluated=rng.choice([None, day()]))
    for unit in units:
        if rng.random() < 0.6:
            since = day()
            until = rng.choice([None, since + timedelta(days=rng.randrange(0, 400))])
            b.member(person, unit, rng.choice(["coordinator", "gp"]), since, until=until)


def test_every_check_counts_as_its_former_query_did_on_random_records(tmp_path: Path) -> None:
    # rop_reference.REFERENCE: each check as one query with its own subqueries over the follow-up tables, as
    # analytics/rop.py computed it before the shared per person-year table
    rng = random.Random(11)
    b = StoreBuilder()
    units = (b.unit(), b.unit())
    for received in (D(2022, 2, 1), D(2023, 6, 1), D(2024, 11, 1)) * 25:
        rid = b.referral(units[0], rng.choice(["4601", "5001"]), received=received)
        _random_follow_up(b, rng, b.person_of(rid), units)
    con = queries.connect(b.write(tmp_path / "store"))
    key = ["level", "code", "year"]
    for code, sql in REFERENCE.items():
        former = replace(BY_CODE[code], sql=sql, shared=SHARED)
        expected = compute_raw(con, former, AS_OF).sort(key)
        got = compute_raw(con, BY_CODE[code], AS_OF).sort(key)
        assert_frame_equal(got, expected)
        national = expected.filter(pl.col("level") == "national")
        assert (national["k"] > 0).any() and (national["k"] < national["n"]).any(), (code, national)
