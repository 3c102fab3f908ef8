"""The atlas's ROP checks give each person the outcome the operational gap rules give (``gaps.rules`` over
``gaps.facts``) on the same reference day: sample pathways made through the services, with mapping records added
through the mapping services, extracted into a store and checked person by person."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import duckdb
import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock, samples
from helhet.analytics import queries, store
from helhet.analytics.indicators import BY_CODE, ROP_INDICATORS, _parameters, _prepare, compute_raw
from helhet.analytics.rop import CODES
from helhet.careplans import team
from helhet.careplans.schemas import TeamMemberCreate
from helhet.collaboration import service as collaboration
from helhet.collaboration.models import ContactKind, Counterpart
from helhet.collaboration.schemas import ContactCreate
from helhet.config import get_settings
from helhet.gaps import facts
from helhet.gaps.rules import RULES, Outcome
from helhet.mapping import children, service
from helhet.mapping.models import Activity, ChildrenAnswer, Examiner, Income, MappingArea, Network, ScreeningStatus
from helhet.mapping.schemas import (
    ChildrenCreate,
    DeclinedCreate,
    FollowUpTask,
    NeedsAssessment,
    ScreeningCreate,
    SituationCreate,
    SomaticCheckCreate,
)
from helhet.pathways.models import TeamRole
from helhet.persons.models import Person
from helhet.units.models import Unit
from helhet.users.actor import SYSTEM

SECRET = "rop-test-secret"


def _add_mapping(session: Session, rng: random.Random, person_id: int, unit_id: int, today: date) -> None:
    """A random mix of the mapping records ROP-02, 03, 04 and 15 read, some of them out of date."""

    def day(most: int = 500) -> date:
        return today - timedelta(days=rng.randrange(0, most))

    if rng.random() < 0.6:
        status = rng.choice([ScreeningStatus.SCREENED_NO_FINDINGS, ScreeningStatus.NOT_SCREENED])
        service.record_screening(
            session,
            SYSTEM,
            person_id,
            ScreeningCreate(status=status, instrument="SCL-10", screened_on=day(), unit_id=unit_id),
        )
    if rng.random() < 0.6:
        needed = rng.random() < 0.3
        follow = FollowUpTask(unit_id=unit_id, to_unit_queue=True) if needed else None
        data = SomaticCheckCreate(
            checked_on=day(),
            examiner=Examiner.GP,
            unit_id=unit_id,
            findings="Sår på leggen" if needed else None,
            follow_up_needed=needed,
            follow_up=follow,
        )
        service.record_somatic_check(session, SYSTEM, person_id, data)
    if rng.random() < 0.15:
        service.record_declined(
            session, SYSTEM, person_id, DeclinedCreate(area=MappingArea.SOMATIC, declined_on=day(), unit_id=unit_id)
        )
    if rng.random() < 0.6:
        data_s = SituationCreate(
            recorded_on=day(),
            unit_id=unit_id,
            income=rng.choice([Income.WORK, Income.SOCIAL_ASSISTANCE, Income.UNKNOWN, Income.BENEFITS]),
            financial_problems=rng.random() < 0.3,
            activity=rng.choice([Activity.DAY_ACTIVITY, Activity.NONE, Activity.UNKNOWN]),
            network=rng.choice([Network.RELATIVES, Network.UNKNOWN]),
        )
        service.record_situation(session, SYSTEM, person_id, data_s)
    if rng.random() < 0.6:
        answer = rng.choice([ChildrenAnswer.YES, ChildrenAnswer.NO, ChildrenAnswer.UNKNOWN])
        count = 2 if answer == ChildrenAnswer.YES else None
        asked = day()
        record = children.record_children(
            session,
            SYSTEM,
            person_id,
            ChildrenCreate(asked_on=asked, unit_id=unit_id, answer=answer, number_of_children=count),
        )
        if answer == ChildrenAnswer.YES and rng.random() < 0.5:
            children.record_needs_assessment(session, SYSTEM, record.id, NeedsAssessment(assessed_on=asked))


def _add_contacts(session: Session, rng: random.Random, person_id: int, unit_id: int, today: date) -> None:
    """GP, specialist and NAV contacts some of which are inside the cooperation months (ROP-08, ROP-14)."""
    for counterpart in (Counterpart.GP, Counterpart.SPECIALIST, Counterpart.NAV):
        if rng.random() < 0.6:
            kind = ContactKind.INFORMATION_ADVICE if counterpart == Counterpart.NAV else ContactKind.MEETING
            on = today - timedelta(days=rng.randrange(0, 300))
            data = ContactCreate(unit_id=unit_id, counterpart=counterpart, kind=kind, contact_on=on)
            collaboration.record_contact(session, SYSTEM, person_id, data)


def _add_team(session: Session, rng: random.Random, person_id: int, units: list[int], today: date) -> None:
    """A GP and a peer worker on some care teams: two or more units make long-term coordinated needs (ROP-07)."""
    for unit_id, role in zip(units, (TeamRole.GP, TeamRole.PEER_WORKER), strict=True):
        if rng.random() < 0.6:
            since = today - timedelta(days=rng.randrange(0, 200))
            data = TeamMemberCreate(unit_id=unit_id, name="Kari Nordmann", role=role, from_date=since)
            team.add_member(session, SYSTEM, person_id, data)


def _atlas_outcomes(folder: Path, today: date) -> dict[str, dict[int, int]]:
    """Check → person key → k (1 pass, 0 gap) in the reference year; persons not counted are absent."""
    con = queries.connect(folder)
    _prepare(con, [BY_CODE[code] for code in CODES.values()], today)
    result: dict[str, dict[int, int]] = {}
    for check, code in CODES.items():
        sql = f"SELECT person_key, k FROM ({_parameters(BY_CODE[code].sql, today)}) WHERE year = {today.year}"
        result[check] = {int(key): int(k) for key, k in con.execute(sql).fetchall()}
    return result


def test_store_checks_give_each_person_the_gap_rules_outcome(session: Session, tmp_path: Path) -> None:
    samples.generate(session, persons=60, seed=17)
    today = clock.today()
    rng = random.Random(4)
    unit_id = session.scalar(select(Unit.id).where(Unit.code == "kom-4601-rus"))
    assert unit_id is not None
    team_units = [
        session.scalars(select(Unit.id).where(Unit.code == code)).one()
        for code in ("kom-4601-lege", "tsb-helse-bergen-hf-poli")
    ]
    person_ids = list(session.scalars(select(Person.id).order_by(Person.id)))
    for person_id in person_ids:
        _add_mapping(session, rng, person_id, unit_id, today)
        _add_contacts(session, rng, person_id, unit_id, today)
        _add_team(session, rng, person_id, team_units, today)
    session.flush()
    store.extract(session.connection(), tmp_path / "store", SECRET)
    atlas = _atlas_outcomes(tmp_path / "store", today)

    loaded = facts.load(session, select(Person.id), person_ids, today)
    settings = get_settings()
    keys = duckdb.connect()
    salt = store.pseudonym_salt(SECRET)
    key_of = {pid: int(keys.execute(f"SELECT hash({pid}::BIGINT + {salt})").fetchone()[0]) for pid in person_ids}  # type: ignore[index]
    in_service = set().union(*(set(outcomes) for outcomes in atlas.values()))
    assert len(in_service) >= 20
    mismatches = []
    counted = {check: {"pass": 0, "gap": 0} for check in CODES}
    for pid in person_ids:
        if key_of[pid] not in in_service:
            continue
        for check in CODES:
            outcome = RULES[check](loaded[pid], settings).outcome
            expected = {Outcome.PASS: 1, Outcome.GAP: 0}.get(outcome)
            got = atlas[check].get(key_of[pid])
            if got != expected:
                mismatches.append((check, pid, outcome.value, got))
            elif got is not None:
                counted[check]["pass" if got else "gap"] += 1
    assert mismatches == []
    assert set(CODES) <= set(ROP_INDICATORS)
    # the sample makes both outcomes for every check, so the comparison says something
    assert {check for check, n in counted.items() if n["pass"] and n["gap"]} == set(CODES), counted


def _national(folder: Path, as_of: date) -> dict[str, list[tuple[int, int, int]]]:
    con = queries.connect(folder)
    first, last = queries.covered_years(folder) or (2024, as_of.year)
    result = {}
    for code in CODES.values():
        raw = compute_raw(con, BY_CODE[code], as_of).filter(pl.col("level") == "national")
        rows = raw.filter(pl.col("year").is_between(first, last)).sort("year").select("year", "n", "k").rows()
        result[code] = [(int(y), int(n), int(k or 0)) for y, n, k in rows]
    return result


def test_a_store_from_the_database_and_the_generators_parquet_give_the_same_pass_rates(
    session: Session, tmp_path: Path
) -> None:
    from helhet.synthetic import generate_into_database, generate_to_parquet

    as_of = date(2025, 6, 30)
    generate_into_database(session, 400, 2, "HV", 31, "default", as_of=as_of, truth_path=tmp_path / "t.json")
    session.flush()
    info = store.extract(session.connection(), tmp_path / "store", SECRET)
    assert info.tables["collaboration_contact"] > 0 and info.tables["care_plan_measure"] > 0
    generate_to_parquet(tmp_path / "parquet", persons=400, years=2, region="HV", seed=31, as_of=as_of)
    from_db = _national(tmp_path / "store", as_of)
    assert from_db == _national(tmp_path / "parquet", as_of)
    assert all(rows and all(0 < k < n for _, n, k in rows) for rows in from_db.values())
