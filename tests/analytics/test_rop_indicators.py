"""The ROP gap checks of the municipal follow-up (ROP-02..08, 14, 15) as atlas pass rates, on small stores worked
out by hand: each person passes, fails, is excluded or is not counted for a reason written beside it. The
reference day of 2024 is 31 December 2024; every person is in service from March 2024."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from helhet.analytics import queries
from helhet.analytics.indicators import BY_CODE, ROP_INDICATORS, compute_raw
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
