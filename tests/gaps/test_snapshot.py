"""The gap snapshot: a write through any domain service makes the unit's next gap list show the new truth.

Every test reads the kommune's gap list (the coordinator's unit, on the care team of each person here) before and
after a write, and checks the list row and ``person_gaps`` against the rules evaluated over the facts read now.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.appointments import service as appointments
from helhet.appointments.models import AppointmentMode
from helhet.appointments.schemas import AppointmentCreate
from helhet.crisis_plans.models import CrisisPlan
from helhet.gaps import service as gaps
from helhet.gaps import snapshot
from helhet.gaps.changes import mark_stale
from helhet.gaps.models import PersonGapState
from helhet.mapping import service as mapping
from helhet.mapping.models import ScreeningStatus
from helhet.mapping.schemas import ScreeningCreate
from helhet.persons import service as persons
from helhet.persons.models import HousingStatus, Person
from helhet.persons.schemas import HousingIn
from helhet.reference.units import CareLevel
from helhet.referrals.models import Referral
from helhet.tasks import service as tasks
from helhet.tasks.schemas import TaskComplete
from helhet.transitions import service as handovers
from helhet.transitions.schemas import HandoverAccept
from helhet.users.actor import SYSTEM, Actor
from helhet.worklists.core import Page
from tests.builders import grant, make_episode, make_person, make_referral
from tests.careplans.builders import TODAY, make_goal, make_measure, make_plan, next_birth_date, served_person
from tests.crisis_plans.builders import make_crisis_plan
from tests.gaps.counting import sent, statements
from tests.gaps.truth import rules_over_facts
from tests.personas import Units
from tests.relatives.builders import give_consent, make_relative
from tests.tasks.builders import make_task
from tests.transitions.builders import inpatient_person, make_handover
from tests.vedtak.builders import deliver, make_vedtak


@pytest.fixture(autouse=True)
def today() -> Iterator[date]:
    with clock.freeze(datetime(TODAY.year, TODAY.month, TODAY.day, 10, 0, tzinfo=UTC)):
        yield TODAY


def listed(session: Session, actor: Actor, unit_id: int, person_id: int, on: date | None = None) -> set[str]:
    """The person's gap codes on the unit's list, checked against the rules over the facts the loaders read now,
    and ``person_gaps`` (which reads the snapshot when current) against both."""
    rows = gaps.unit_gaps(session, actor, unit_id, Page(limit=200), today=on)
    row = next((r for r in rows if r.person_id == person_id), None)
    facts = rules_over_facts(session, [person_id], on)[person_id]
    truth = gaps.person_gaps(session, actor, person_id, today=on)
    assert truth.results == facts
    assert (row.gaps if row else []) == truth.gaps
    if row is not None:
        assert row.results == truth.results
        assert row.person_name == truth.person_name
    return {g.check.code for g in truth.gaps}


def treated(session: Session, units: Units, **person: object) -> Person:
    """In outpatient treatment at the poliklinikk since 20 March 2025, with the kommune on the care team."""
    who = served_person(
        session, units, make_person(session, birth_date=next_birth_date(), **person), wished_level=CareLevel.OUTPATIENT
    )
    referral = session.scalars(select(Referral).where(Referral.person_id == who.id)).one()
    grant(session, SYSTEM, referral, CareLevel.OUTPATIENT)
    make_episode(session, SYSTEM, referral, units.poli.id, CareLevel.OUTPATIENT)
    return who


def test_completing_an_overdue_task_takes_it_off_the_list(session: Session, units: Units, coordinator: Actor) -> None:
    person = treated(session, units)
    task = make_task(session, person, units.kommune, due_on=date(2025, 4, 16))
    later = date(2025, 4, 17)
    assert "TASK-OVERDUE" in listed(session, coordinator, units.kommune.id, person.id, later)
    tasks.complete_task(session, SYSTEM, task.id, TaskComplete(version=task.version))
    assert "TASK-OVERDUE" not in listed(session, coordinator, units.kommune.id, person.id, later)


def test_accepting_a_handover_closes_the_open_handover_gap(
    session: Session, units: Units, coordinator: Actor, inpatient_clinician: Actor
) -> None:
    person, _ = inpatient_person(session, units)
    handover = make_handover(session, inpatient_clinician, person, units.inpatient, units.kommune)
    late = handover.acceptance_due + timedelta(days=1)
    assert {"HANDOVER-OPEN", "ROP-13"} <= listed(session, coordinator, units.kommune.id, person.id, late)
    handovers.accept_handover(session, coordinator, handover.id, HandoverAccept(version=handover.version))
    assert not {"HANDOVER-OPEN", "ROP-13"} & listed(session, coordinator, units.kommune.id, person.id, late)


def test_a_crisis_plan_closes_rop_11(session: Session, units: Units, coordinator: Actor) -> None:
    person = served_person(session, units, wished_level=CareLevel.OUTPATIENT)
    referral = session.scalars(select(Referral).where(Referral.person_id == person.id)).one()
    grant(session, SYSTEM, referral, CareLevel.OUTPATIENT, relapse_risk=3)
    assert "ROP-11" in listed(session, coordinator, units.kommune.id, person.id)
    make_crisis_plan(session, SYSTEM, person)
    assert session.scalar(select(CrisisPlan.id).where(CrisisPlan.person_id == person.id))
    assert "ROP-11" not in listed(session, coordinator, units.kommune.id, person.id)


def test_a_mental_health_screening_closes_rop_02(session: Session, units: Units, coordinator: Actor) -> None:
    person = treated(session, units)
    assert "ROP-02" in listed(session, coordinator, units.kommune.id, person.id)
    mapping.record_screening(
        session,
        SYSTEM,
        person.id,
        ScreeningCreate(
            status=ScreeningStatus.SCREENED_NO_FINDINGS, instrument="SCL-10", screened_on=TODAY, unit_id=units.poli.id
        ),
    )
    assert "ROP-02" not in listed(session, coordinator, units.kommune.id, person.id)


def test_vedtak_and_its_delivery_show_on_the_next_read(session: Session, units: Units, coordinator: Actor) -> None:
    person = treated(session, units)
    assert "ROP-09" not in listed(session, coordinator, units.kommune.id, person.id)
    row = make_vedtak(session, SYSTEM, person.id, units)
    assert "ROP-09" in listed(session, coordinator, units.kommune.id, person.id)  # decided, nothing delivered
    before = gaps.unit_gaps(session, coordinator, units.kommune.id, Page(limit=200))
    for week in range(6):
        deliver(session, SYSTEM, row, date(2025, 3, 3) + timedelta(weeks=week), 10.0)
    listed(session, coordinator, units.kommune.id, person.id)
    after = gaps.unit_gaps(session, coordinator, units.kommune.id, Page(limit=200))
    assert before != after


def test_a_relative_and_consent_mark_the_snapshot_and_the_list_stays_true(
    session: Session, units: Units, coordinator: Actor
) -> None:
    person = treated(session, units)
    listed(session, coordinator, units.kommune.id, person.id)
    version = session.scalar(select(PersonGapState.facts_version).where(PersonGapState.person_id == person.id))
    relative = make_relative(session, SYSTEM, person)
    give_consent(session, SYSTEM, relative)
    state = session.scalars(select(PersonGapState).where(PersonGapState.person_id == person.id)).one()
    session.refresh(state)
    assert state.facts_version > (version or 0) and state.computed_for is None
    listed(session, coordinator, units.kommune.id, person.id)


def test_an_appointment_without_an_interpreter_shows_the_missing_booking(
    session: Session, units: Units, coordinator: Actor, clinician: Actor
) -> None:
    person = treated(session, units, interpreter_needed=True, interpreter_language="ar")
    assert "INTERPRETER-MISSING" not in listed(session, coordinator, units.kommune.id, person.id)
    appointments.book_appointment(
        session,
        clinician,
        AppointmentCreate(
            person_id=person.id,
            unit_id=units.poli.id,
            owner_user_id=clinician.user_id,
            mode=AppointmentMode.IN_PERSON,
            starts_at=datetime(2025, 4, 14, 7, 0, tzinfo=UTC),
            purpose="Samtale",
        ),
    )
    assert "INTERPRETER-MISSING" in listed(session, coordinator, units.kommune.id, person.id)


def test_referral_assessment_and_episode_each_show_on_the_next_read(
    session: Session, units: Units, coordinator: Actor
) -> None:
    person = served_person(session, units, wished_level=None)
    kommune = units.kommune.id
    assert "ROP-12" in listed(session, coordinator, kommune, person.id)  # no wish recorded
    referral = make_referral(
        session, person=person, receiving_unit_id=units.assessment.id, wished_level=CareLevel.OUTPATIENT
    )
    assert "ROP-12" not in listed(session, coordinator, kommune, person.id)
    grant(session, SYSTEM, referral, CareLevel.OUTPATIENT, assessed_on=TODAY)
    assert "DEADLINE-AT-RISK" in listed(session, coordinator, kommune, person.id, TODAY + timedelta(days=60))
    make_episode(session, SYSTEM, referral, units.poli.id, CareLevel.OUTPATIENT, started_on=TODAY)
    after = listed(session, coordinator, kommune, person.id, TODAY + timedelta(days=60))
    assert "DEADLINE-AT-RISK" not in after and "ROP-02" in after  # treatment started: screening now due


def test_a_care_plan_with_an_owned_measure_closes_rop_05(session: Session, units: Units, coordinator: Actor) -> None:
    person = treated(session, units)
    assert "ROP-05" in listed(session, coordinator, units.kommune.id, person.id)
    goal = make_goal(session, SYSTEM, make_plan(session, SYSTEM, person))
    make_measure(session, SYSTEM, goal, units.kommune)
    assert "ROP-05" not in listed(session, coordinator, units.kommune.id, person.id)


def test_recording_homelessness_opens_rop_10(session: Session, units: Units, coordinator: Actor) -> None:
    person = treated(session, units, housing=HousingIn(status=HousingStatus.OWN_HOME, from_date=date(2020, 1, 1)))
    assert "ROP-10" not in listed(session, coordinator, units.kommune.id, person.id)
    persons.record_housing(session, SYSTEM, person.id, HousingIn(status=HousingStatus.HOMELESS, from_date=TODAY))
    assert "ROP-10" in listed(session, coordinator, units.kommune.id, person.id)


def test_a_new_day_recomputes_without_any_write(session: Session, units: Units, coordinator: Actor) -> None:
    person = treated(session, units)
    make_task(session, person, units.kommune, due_on=date(2025, 4, 16))
    assert "TASK-OVERDUE" not in listed(session, coordinator, units.kommune.id, person.id)
    with clock.freeze(datetime(2025, 4, 17, 10, 0, tzinfo=UTC)):  # a week later, nothing written meanwhile
        assert "TASK-OVERDUE" in listed(session, coordinator, units.kommune.id, person.id)
        state = session.scalars(select(PersonGapState).where(PersonGapState.person_id == person.id)).one()
        session.refresh(state)
        assert state.computed_for == date(2025, 4, 17)


def test_a_current_snapshot_is_read_without_the_fact_loaders(
    session: Session, units: Units, coordinator: Actor
) -> None:
    for _ in range(3):
        treated(session, units)
    session.flush()

    def read() -> None:
        assert gaps.unit_gaps(session, coordinator, units.kommune.id)

    cold = statements(session, read)
    warm = statements(session, read)
    assert warm == 1  # the page, and which snapshots are stale (none)
    assert cold > warm


def test_a_write_back_over_a_changed_version_is_refused(session: Session, units: Units) -> None:
    person = treated(session, units)
    ids = select(Person.id).where(Person.id == person.id)
    key = snapshot.rules_key()
    versions = snapshot.stale(session, ids, TODAY, key)
    mark_stale(session, [person.id])  # a change commits while the reader computes
    snapshot.recompute(session, versions, TODAY, key)
    assert snapshot.stale(session, ids, TODAY, key)  # still stale: the next reader computes again
    snapshot.refresh(session, ids, TODAY)
    assert not snapshot.stale(session, ids, TODAY, key)


def test_changed_thresholds_make_every_snapshot_stale(
    session: Session, units: Units, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = treated(session, units)
    ids = select(Person.id).where(Person.id == person.id)
    snapshot.refresh(session, ids, TODAY)
    assert not snapshot.stale(session, ids, TODAY, snapshot.rules_key())
    changed = snapshot.get_settings().model_copy(update={"cooperation_months": 3})
    monkeypatch.setattr(snapshot, "get_settings", lambda: changed)
    assert snapshot.stale(session, ids, TODAY, snapshot.rules_key())


def test_a_change_after_a_rolled_back_savepoint_is_marked_again(
    session: Session, units: Units, coordinator: Actor
) -> None:
    person = treated(session, units, housing=HousingIn(status=HousingStatus.OWN_HOME, from_date=date(2020, 1, 1)))
    homeless = HousingIn(status=HousingStatus.HOMELESS, from_date=TODAY)
    assert "ROP-10" not in listed(session, coordinator, units.kommune.id, person.id)
    savepoint = session.begin_nested()
    persons.record_housing(session, SYSTEM, person.id, homeless)  # marked once in this transaction...
    savepoint.rollback()  # ...and the mark rolled back with the change
    assert "ROP-10" not in listed(session, coordinator, units.kommune.id, person.id)
    persons.record_housing(session, SYSTEM, person.id, homeless)
    assert "ROP-10" in listed(session, coordinator, units.kommune.id, person.id)


def test_person_gaps_reads_a_current_snapshot_and_recomputes_a_stale_one(
    session: Session, units: Units, coordinator: Actor
) -> None:
    person = treated(session, units)
    task = make_task(session, person, units.kommune, due_on=date(2025, 4, 16))
    later = date(2025, 4, 17)

    def read() -> set[str]:
        return {g.check.code for g in gaps.person_gaps(session, coordinator, person.id, later).gaps}

    found: list[set[str]] = []
    computed = sent(session, lambda: found.append(read()))  # no snapshot for the day: computed and stored
    state = session.scalars(select(PersonGapState).where(PersonGapState.person_id == person.id)).one()
    session.refresh(state)
    assert state.computed_for == later and "TASK-OVERDUE" in found[0]
    assert [facts_or_write_back(s) for s in computed].count(True) == 2  # the facts statement and the write-back
    current = sent(session, lambda: found.append(read()))
    assert not any(facts_or_write_back(s) for s in current)  # a current snapshot is only read
    assert found[1] == found[0]
    tasks.complete_task(session, SYSTEM, task.id, TaskComplete(version=task.version))  # marks it stale
    assert "TASK-OVERDUE" not in read()
    assert (
        gaps.person_gaps(session, coordinator, person.id, later).results
        == rules_over_facts(session, [person.id], later)[person.id]
    )


def facts_or_write_back(sql: str) -> bool:
    """A statement that reads gap facts (the combined one, or a loader's) or writes a snapshot back."""
    text = " ".join(sql.split()).lower()
    reads_facts = "json_agg" in text or "json_group_array" in text or "from care_plan" in text
    return reads_facts or text.startswith("insert into person_gap_state")


def test_a_page_after_writes_is_the_page_read_again(session: Session, units: Units, coordinator: Actor) -> None:
    """After a write the list is read once when the new counts cannot move the page, else twice; either way it is
    the page a second read gives."""
    own, homeless = (
        HousingIn(status=s, from_date=date(2020, 1, 1)) for s in (HousingStatus.OWN_HOME, HousingStatus.HOMELESS)
    )
    people = [treated(session, units, housing=homeless if i % 3 == 0 else own) for i in range(6)]

    def overdue(i: int) -> object:
        return make_task(session, people[i], units.kommune, due_on=date(2025, 4, 1))

    def screened(i: int) -> object:
        data = ScreeningCreate(
            status=ScreeningStatus.SCREENED_NO_FINDINGS, instrument="SCL-10", screened_on=TODAY, unit_id=units.poli.id
        )
        return mapping.record_screening(session, SYSTEM, people[i].id, data)

    for i in (1, 2, 4):
        overdue(i)
    screened(2)
    kommune = units.kommune.id
    pages = [Page(2, 0), Page(2, 2), Page(2, 4), Page(10, 0), Page(3, 5), Page(2, 40)]
    reads = []
    for write in (lambda: screened(0), lambda: overdue(5), lambda: screened(4), lambda: overdue(0)):
        for page in pages:
            gaps.unit_gaps(session, coordinator, kommune, page)  # every snapshot current
            write()
            found: list[list[gaps.PersonGaps]] = []
            texts = sent(
                session,
                lambda page=page, found=found: found.append(gaps.unit_gaps(session, coordinator, kommune, page)),
            )
            reads.append(sum(1 for t in texts if "listed" in t))
            assert found[0] == gaps.unit_gaps(session, coordinator, kommune, page)
    assert set(reads) == {1, 2}  # both ways were taken


def test_only_a_move_across_the_page_reads_the_list_again() -> None:
    """``_same_page`` over counts (high gaps, gaps): page rows [(2, 5), (1, 3)], a full page of two."""
    same = gaps._same_page
    on_page = [(2, 5), (1, 3)]
    first, second = Page(2, 0), Page(2, 4)
    assert same(on_page, first, [])
    assert same(on_page, first, [((0, 2), (0, 1))])  # after the page, and still after it
    assert same(on_page, first, [((0, 2), (0, 0))])  # after the page, then off the list
    assert not same(on_page, first, [((0, 2), (1, 4))])  # after the page, then on it
    assert not same(on_page, first, [((1, 3), (1, 2))])  # a tie with the last row: names decide, so read again
    assert not same(on_page, first, [((2, 5), (0, 1))])  # on the page, then off it
    assert same(on_page, second, [((3, 9), (3, 8))])  # before the page (not the first), and still before it
    assert not same(on_page, first, [((0, 0), (3, 8))])  # to the top of the first page
    assert not same(on_page, Page(3, 0), [((0, 0), (0, 1))])  # a page with room: a new last row joins it
    assert same([], Page(2, 40), [((1, 2), (0, 1))])  # past the end: as long as the list keeps its length
    assert not same([], Page(2, 40), [((0, 0), (0, 1))])
