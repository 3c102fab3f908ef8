"""Generating into the real schema (SQLite and PostgreSQL): rows the services accept, read and build on.

The generated pathways of a sample of persons are also replayed through the real services (register, assess,
start and end episodes) and must go through with no error and land in the same states.
"""

from __future__ import annotations

import json
import random
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helhet.appointments import service as appointment_service
from helhet.appointments.models import Attendance
from helhet.appointments.schemas import AppointmentCreate, OutreachAttemptCreate
from helhet.assessments import service as assessments
from helhet.assessments.schemas import AssessmentCreate
from helhet.errors import Invalid
from helhet.mapping import service as mapping_service
from helhet.mapping.schemas import QuestionnaireCreate
from helhet.pathways import episodes, timeline
from helhet.pathways.schemas import EpisodeCreate, EpisodeEnd
from helhet.persons import fodselsnummer
from helhet.persons import service as persons
from helhet.persons.models import Person
from helhet.persons.schemas import HousingIn, PersonCreate
from helhet.referrals import deadlines
from helhet.referrals import service as referrals
from helhet.referrals.deadlines import Condition, DeadlineInput
from helhet.referrals.models import Referral
from helhet.referrals.schemas import ReferralCreate
from helhet.synthetic import columns, generate_into_database, generator
from helhet.synthetic import scenario as scenarios
from helhet.synthetic.database import _ids, _units
from helhet.synthetic.truth import Figures
from helhet.units.models import Unit
from helhet.users import service as users
from helhet.users.actor import SYSTEM
from helhet.users.models import Membership, Role
from helhet.users.service import NewUser
from helhet.vedtak import service as vedtak_service
from helhet.vedtak.models import ServiceDelivery
from helhet.vedtak.schemas import DeliveryCreate, VedtakCreate
from tests.synthetic import rules
from tests.synthetic.conftest import AS_OF


def _read_back(session: Session, names: tuple[str, ...]) -> dict[str, pa.Table]:
    tables = {}
    for name in (*names, "unit"):
        table = columns.orm_table(name)
        rows = [dict(r) for r in session.execute(select(table)).mappings()]
        data = [{k: (v.value if hasattr(v, "value") else v) for k, v in r.items()} for r in rows]
        for table_name, column in columns.JSON_OBJECTS:
            if table_name == name:
                for row in data:
                    row[column] = json.dumps(row[column])
        tables[name] = pa.Table.from_pylist(data, schema=columns.schema(name))
    return tables


def test_generated_rows_in_the_database_break_none_of_the_rules(session: Session, tmp_path: Path) -> None:
    before = session.scalar(select(func.count()).select_from(Person))
    summary = generate_into_database(
        session, 300, 3, "HV", 21, "default", as_of=AS_OF, truth_path=tmp_path / "truth.json"
    )
    assert summary.skipped == []
    assert session.scalar(select(func.count()).select_from(Person)) == before + 300
    assert (tmp_path / "truth.json").exists()
    tables = _read_back(session, generator.TABLE_ORDER)
    assert {name: rows[:3] for name, rows in rules.check(tables, AS_OF).items() if rows} == {}


def test_the_services_read_generated_pathways_and_register_new_ones_beside_them(
    session: Session, tmp_path: Path
) -> None:
    generate_into_database(session, 200, 2, "HMN", 22, "none", as_of=AS_OF, truth_path=tmp_path / "t.json")
    referral = session.scalars(select(Referral).order_by(Referral.id.desc()).limit(1)).one()
    pathway = timeline.read_pathway(session, SYSTEM, referral.person_id)
    assert any(event.kind == "referral" for event in pathway.events)
    facts = episodes.facts_for_referral(session, referral)
    assert facts.assessment_due == deadlines.assessment_due(referral.received_on)
    person = persons.get_person(session, SYSTEM, referral.person_id)
    assert person.housing and persons.housing_on(person, AS_OF) is not None
    # the next id the database hands out is free: generated ids and sequences agree
    number = fodselsnummer.generate_synthetic(random.Random(99), date(1950, 1, 2), "male")
    data = PersonCreate(fodselsnummer=number, given_name="Ny", family_name="Person", municipality_number="5001")
    assert persons.register_person(session, SYSTEM, data).id > referral.person_id


class Collect:
    """A writer that keeps the tables, for replaying them through the services."""

    def __init__(self) -> None:
        self.tables: dict[str, list[pa.Table]] = {}

    def accepts(self, name: str) -> bool:
        return True

    def write(self, name: str, table: pa.Table) -> None:
        self.tables.setdefault(name, []).append(table)

    def close(self) -> None:
        pass

    @cache  # noqa: B019 - a test helper that lives for one test
    def rows(self, name: str) -> list[dict[str, Any]]:
        return pa.concat_tables(self.tables[name]).to_pylist()


def _flags(received: date, condition: str, age: int, injecting: bool, guideline: date) -> tuple[bool, bool]:
    for heavy in (False, True):
        for groin in (False, True):
            inp = DeadlineInput(received, Condition(condition), age, heavy, injecting, groin and injecting)
            if deadlines.guideline_start_deadline(inp).deadline == guideline:
                return heavy, groin
    raise AssertionError(f"no guideline rule gives {guideline}")


def _shape(model: type[BaseModel], row: dict[str, Any], **extra: Any) -> Any:
    """The service's input model from a generated row: the fields they share, plus ``extra``."""
    return model.model_validate({**{k: v for k, v in row.items() if k in model.model_fields}, **extra})


def _replay(session: Session, out: Collect, p: dict[str, Any]) -> int:
    """One person's generated pathway through the services; the number of referrals replayed."""
    periods = [h for h in out.rows("housing_period") if h["person_id"] == p["id"]]
    first = HousingIn(status=periods[0]["status"], from_date=periods[0]["from_date"])
    person = persons.register_person(session, SYSTEM, _shape(PersonCreate, p, housing=first))
    for h in periods[1:]:
        persons.record_housing(session, SYSTEM, person.id, _shape(HousingIn, h))
    replayed = 0
    for r in (r for r in out.rows("referral") if r["person_id"] == p["id"]):
        referral = referrals.register_referral(session, SYSTEM, _shape(ReferralCreate, r, person_id=person.id))
        assert (referral.assessment_due, referral.under_23) == (r["assessment_due"], r["under_23"])
        for a in (a for a in out.rows("assessment") if a["referral_id"] == r["id"]):
            heavy = groin = False
            if a["outcome"] == "granted":
                age = deadlines.age_on(p["birth_date"], r["received_on"])
                heavy, groin = _flags(r["received_on"], a["condition"], age, r["injecting"], a["guideline_deadline"])
            data = _shape(AssessmentCreate, a, heavy_daily_alcohol=heavy, groin_or_neck_injection=groin)
            assert (
                assessments.assess_referral(session, SYSTEM, referral.id, data).guideline_deadline
                == (a["guideline_deadline"])
            )
        started = [e for e in out.rows("episode") if e["referral_id"] == r["id"]]
        for e in started:
            episode = episodes.start_episode(session, SYSTEM, referral.id, _shape(EpisodeCreate, e))
            if e["end_reason"] == "non_attendance":
                _replay_outreach(session, out, e, person.id, episode.id)
            if e["ended_on"] is not None:
                episodes.end_episode(session, SYSTEM, episode.id, _shape(EpisodeEnd, e))
        if not (r["status"] == "closed" and not started):  # withdrawn before start: no service for it yet
            assert (referral.status.value, referral.closed_on) == (r["status"], r["closed_on"])
        replayed += 1
    _replay_mapping_and_vedtak(session, out, p["id"], person.id)
    return replayed


def _replay_mapping_and_vedtak(session: Session, out: Collect, generated_id: int, person_id: int) -> None:
    """The person's AUDIT/DUDIT (scored by the service to the generated result) and vedtak with every delivery."""
    for q in (q for q in out.rows("mapping_questionnaire") if q["person_id"] == generated_id):
        data = _shape(QuestionnaireCreate, q, answers=json.loads(q["answers"]))
        row = mapping_service.record_questionnaire(session, SYSTEM, person_id, data)
        assert (row.total, row.band.value, row.positive) == (q["total"], q["band"], q["positive"])
    for v in (v for v in out.rows("vedtak") if v["person_id"] == generated_id):
        vedtak = vedtak_service.create_vedtak(session, SYSTEM, person_id, _shape(VedtakCreate, v))
        for d in (d for d in out.rows("service_delivery") if d["vedtak_id"] == v["id"]):
            vedtak_service.record_delivery(session, SYSTEM, vedtak.id, _shape(DeliveryCreate, d))


def _replay_outreach(session: Session, out: Collect, e: dict[str, Any], person_id: int, episode_id: int) -> None:
    """The no-show before an end for non-attendance, and the attempt to reach the person after it."""
    attempts = {o["appointment_id"]: o for o in out.rows("outreach_attempt")}
    missed = [a for a in out.rows("appointment") if a["episode_id"] == e["id"] and a["id"] in attempts]
    a = missed[-1]
    unit = session.get_one(Unit, a["unit_id"])
    owner = session.scalar(select(Membership.user_id).where(Membership.unit_id == unit.id).limit(1))
    if owner is None:
        staff = NewUser(
            username=f"staff-{unit.id}", full_name="Synthetic Staff", role=Role.CLINICIAN, unit_codes=(unit.code,)
        )
        owner = users.add_user(session, SYSTEM, staff).id
    data = _shape(
        AppointmentCreate,
        a,
        person_id=person_id,
        episode_id=episode_id,
        owner_user_id=owner,
        attendance=Attendance.NO_SHOW,
    )
    booked = appointment_service.book_appointment(session, SYSTEM, data)
    assert booked.outreach_task_id is not None
    attempt = attempts[a["id"]]
    appointment_service.record_outreach_attempt(session, SYSTEM, booked.id, _shape(OutreachAttemptCreate, attempt))


def test_a_sample_of_generated_pathways_goes_through_the_real_services(session: Session) -> None:
    conn = session.connection()
    units, ids = _units(conn), _ids(conn, set(generator.TABLE_ORDER))
    plan = scenarios.load("default")
    ctx = generator.make_context(seed=31, as_of=AS_OF, years=3, region="HV", scenario=plan, units=units, ids=ids)
    out = Collect()
    for _, tables in generator.chunks(ctx, 150, Figures()):
        for name, table in tables.items():
            out.write(name, table)
    people = out.rows("person")
    ending = {r["person_id"] for r in out.rows("referral") for e in out.rows("episode")
              if e["referral_id"] == r["id"] and e["end_reason"] == "non_attendance"}  # fmt: skip
    with_vedtak = {v["person_id"] for v in out.rows("vedtak")}
    sample = people[:40] + [p for p in people[40:] if p["id"] in ending][:5]
    sample += [p for p in people[40:] if p["id"] in with_vedtak and p not in sample][:8]
    replayed = sum(_replay(session, out, p) for p in sample)
    assert replayed >= 45
    assert session.scalar(select(func.count()).select_from(ServiceDelivery)) > 0


def test_an_unknown_region_or_years_out_of_range_is_refused_and_nothing_is_written(session: Session) -> None:
    before = session.scalar(select(func.count()).select_from(Person))
    with pytest.raises(Invalid) as caught:
        generate_into_database(session, 10, 3, "XX", 1, "none", as_of=AS_OF)
    assert caught.value.field == "region"
    with pytest.raises(Invalid) as caught:
        generate_into_database(session, 10, 0, "all", 1, "none", as_of=AS_OF)
    assert caught.value.field == "years"
    assert session.scalar(select(func.count()).select_from(Person)) == before
