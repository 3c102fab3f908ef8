"""The pathway page as a coordinator's one page: gaps at the top with where to close them, who holds
responsibility, a summary per area with its owner, one timeline across organisations, a constant number of SQL
statements however long the pathway, 404 for outsiders, and free text that stays inert."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.appointments.models import Attendance
from helhet.audit.models import AuditEvent
from helhet.crisis_plans import requirement as crisis_requirement
from helhet.pathways import coordination, timeline
from helhet.pathways.schemas import PathwayEvent, PathwayRead
from helhet.persons.models import Person
from helhet.reference.units import CareLevel
from helhet.relatives.models import ConsentScope
from helhet.users.actor import SYSTEM, Actor
from helhet.users.models import Role
from tests.appointments.builders import NEXT_MONDAY, book, treated_person
from tests.builders import grant, make_referral
from tests.careplans.builders import make_goal, make_measure, make_plan
from tests.crisis_plans.builders import give_consent, make_appointment, make_crisis_plan, make_relative
from tests.mapping.builders import record_questionnaire
from tests.personas import Units
from tests.tasks.builders import make_task
from tests.transitions.builders import make_handover
from tests.vedtak.builders import deliver, make_vedtak
from tests.web.conftest import add_web_user, sign_in

TODAY = date(2025, 4, 10)
SCRIPT = "<script>alert('x')</script>"


@pytest.fixture(autouse=True)
def today() -> Iterator[date]:
    with clock.freeze(datetime(2025, 4, 10, 10, 0, tzinfo=UTC)):
        yield TODAY


@pytest.fixture
def koordinator(client: TestClient, session: Session, units: Units) -> TestClient:
    add_web_user(session, "koordinator", Role.COORDINATOR, "test-kom-4601")
    sign_in(client, "koordinator")
    return client


def build_pathway(
    session: Session, units: Units, clinician: Actor, coordinator: Actor, size: int, **person: Any
) -> tuple[Person, dict[str, Any]]:
    """A person in outpatient treatment with ``size`` of each kind of coordination item (at least one)."""
    who, episode = treated_person(session, units, **person)
    made: dict[str, Any] = {"episode": episode}
    made["handover"] = make_handover(session, clinician, who, units.poli, units.kommune, episode_id=episode.id)
    plan = make_plan(session, coordinator, who)
    for i in range(size):
        made["task"] = make_task(session, who, units.kommune, title=f"Ring om bolig {i}", due_on=date(2025, 4, 1))
        goal = make_goal(session, coordinator, plan, text=f"{SCRIPT} Jeg vil ha et sted å bo ({i})")
        make_measure(session, coordinator, goal, units.kommune)
        made["crisis_plan"] = make_crisis_plan(session, clinician, who, version=i or None)
        record_questionnaire(session, clinician, who, units.poli.id, done_on=date(2025, 4, 1) - timedelta(days=i))
        made["vedtak"] = make_vedtak(session, coordinator, who.id, units)
        deliver(session, coordinator, made["vedtak"], date(2025, 3, 4), 4.0)
        relative = make_relative(session, who, given_name=f"Ola{i}")
        give_consent(session, relative, ConsentScope.MEETINGS, recorded_by=coordinator.user_id)
        made["appointment"] = book(
            session,
            clinician,
            who,
            units.poli,
            starts_at=NEXT_MONDAY + timedelta(days=i),
            interpreter_status="needed_not_booked",
            interpreter_language="ar",
        )
        made["no_show"] = make_appointment(
            session, who, units.poli, date(2025, 4, 7) - timedelta(days=i), Attendance.NO_SHOW
        )
    session.commit()
    return who, made


@pytest.fixture
def pathway(session: Session, units: Units, clinician: Actor, coordinator: Actor) -> tuple[Person, dict[str, Any]]:
    return build_pathway(session, units, clinician, coordinator, 1)


def test_pathway_page_puts_gaps_first_with_links_to_close_them(koordinator: TestClient, pathway: Any) -> None:
    person, made = pathway
    page = koordinator.get(f"/persons/{person.id}")
    assert page.status_code == 200
    html = page.text
    gaps_at = html.index('id="gaps-title"')
    assert gaps_at < html.index('id="team-title"') < html.index('id="timeline-title"')
    # the overdue task and the missing interpreter: the gap's link goes to the very object
    assert f'href="/tasks/{made["task"].id}"' in html
    assert "En oppgave er forfalt" in html  # the rule in plain bokmål words
    assert f'href="/appointments/{made["appointment"].id}"' in html
    assert "Bestill kvalifisert tolk" in html
    assert "Høy alvorlighet" in html  # severity in words, not only by colour


def test_pathway_page_says_who_is_responsible_until_the_handover_is_accepted(
    koordinator: TestClient, pathway: Any, units: Units
) -> None:
    person, made = pathway
    html = koordinator.get(f"/persons/{person.id}").text
    responsibility = html[html.index("responsibility") : html.index('id="gaps-title"')]
    assert units.poli.name in responsibility  # the sender keeps it ...
    assert units.kommune.name in responsibility  # ... until the receiver accepts
    assert f"/handovers/{made['handover'].id}" in responsibility


def test_summary_shows_every_area_with_its_owner(koordinator: TestClient, pathway: Any, units: Units) -> None:
    person, made = pathway
    html = koordinator.get(f"/persons/{person.id}").text
    for section in ("team", "plan", "tasks", "handovers", "crisis", "mapping", "vedtak", "relatives", "appointments"):
        assert f'id="{section}-title"' in html
    tasks = html[html.index('id="tasks-title"') : html.index('id="handovers-title"')]
    assert "Ring om bolig 0" in tasks and units.kommune.name in tasks  # the unit's queue owns it
    vedtak = html[html.index('id="vedtak-title"') : html.index('id="relatives-title"')]
    assert f'href="/vedtak/{made["vedtak"].id}"' in vedtak
    relatives = html[html.index('id="relatives-title"') : html.index('id="appointments-title"')]
    assert "Ola0" in relatives
    appointments = html[html.index('id="appointments-title"') : html.index('id="timeline-title"')]
    assert f'href="/appointments/{made["no_show"].id}"' in appointments
    for link in ("handovers/new", "tasks/new", "appointments/new", "crisis-plan/edit", "vedtak/new", "relatives"):
        assert f'href="/persons/{person.id}/{link}"' in html


def test_timeline_holds_the_coordination_events_across_organisations(
    koordinator: TestClient, pathway: Any, units: Units
) -> None:
    person, made = pathway
    html = koordinator.get(f"/persons/{person.id}").text
    timeline_html = html[html.index('id="timeline-title"') :]
    for kind, key in (
        ("handover", "handover"),
        ("task", "task"),
        ("appointment", "appointment"),
        ("crisis_plan", "crisis_plan"),
        ("vedtak", "vedtak"),
    ):
        assert f'id="event-{kind}-{made[key].id}"' in timeline_html
    assert 'class="timeline__item timeline__item--mapping"' in timeline_html
    assert 'class="timeline__item timeline__item--consent"' in timeline_html
    assert units.kommune.name in timeline_html and units.poli.name in timeline_html


def test_read_pathway_gives_the_new_kinds_with_owners(session: Session, pathway: Any, coordinator: Actor) -> None:
    person, made = pathway
    result = timeline.read_pathway(session, coordinator, person.id)
    kinds = {e.kind for e in result.events}
    assert {"referral", "assessment", "episode", "handover", "task", "appointment", "crisis_plan"} <= kinds
    assert {"mapping", "vedtak", "consent"} <= kinds
    handover = next(e for e in result.events if e.kind == "handover")
    assert handover.other_unit_id == made["handover"].to_unit_id
    vedtak = next(e for e in result.events if e.kind == "vedtak")
    assert vedtak.owner_id == coordinator.user_id
    assert [e.on for e in result.events] == sorted(e.on for e in result.events)
    # the events are built without validation on the hot path: they must equal validated ones
    assert all(PathwayEvent.model_validate(e.model_dump()) == e for e in result.events)
    assert PathwayRead.model_validate(result.model_dump()).events == result.events


@pytest.mark.parametrize(
    ("key", "column", "at", "oslo_day"),
    [
        ("task", "created_at", datetime(2025, 4, 9, 22, 30, tzinfo=UTC), date(2025, 4, 10)),  # summer: UTC+2
        ("handover", "created_at", datetime(2025, 10, 25, 22, 30, tzinfo=UTC), date(2025, 10, 26)),  # last summer night
        ("appointment", "starts_at", datetime(2025, 1, 15, 22, 30, tzinfo=UTC), date(2025, 1, 15)),  # winter: UTC+1
        ("appointment", "starts_at", datetime(2025, 1, 15, 23, 30, tzinfo=UTC), date(2025, 1, 16)),
    ],
)
def test_timestamp_events_show_the_oslo_day(
    session: Session, pathway: Any, coordinator: Actor, key: str, column: str, at: datetime, oslo_day: date
) -> None:
    person, made = pathway
    setattr(made[key], column, at)
    session.commit()
    result = timeline.read_pathway(session, coordinator, person.id)
    assert next(e for e in result.events if e.kind == key and e.id == made[key].id).on == oslo_day


def test_script_in_a_goal_renders_inert(koordinator: TestClient, pathway: Any) -> None:
    person, _ = pathway
    html = koordinator.get(f"/persons/{person.id}").text
    assert SCRIPT not in html
    assert "&lt;script&gt;" in html


def test_outsider_gets_not_found_for_the_pathway_page(
    client: TestClient, session: Session, units: Units, pathway: Any
) -> None:
    person, _ = pathway
    add_web_user(session, "utenfor", Role.CLINICIAN, "test-other")
    sign_in(client, "utenfor")
    response = client.get(f"/persons/{person.id}")
    assert response.status_code == 404
    assert person.family_name not in response.text


def test_pathway_page_read_is_logged_as_one_row_naming_every_part(
    koordinator: TestClient, session: Session, pathway: Any
) -> None:
    person, _ = pathway
    reads = select(AuditEvent).where(AuditEvent.person_id == person.id, AuditEvent.action == "read")
    before = len(session.scalars(reads).all())
    assert koordinator.get(f"/persons/{person.id}").status_code == 200
    session.expire_all()
    logged = session.scalars(reads.order_by(AuditEvent.seq)).all()
    assert len(logged) == before + 1  # one view, one row
    view = logged[-1]
    assert view.entity == "pathway" and view.username == "koordinator"
    parts = {p["entity"] for p in (view.detail or {})["parts"]}
    assert {"pathway", "gaps", "handover", "vedtak", "crisis_plan"} <= parts, parts


def test_statements_for_the_page_do_not_grow_with_the_pathway(
    koordinator: TestClient, session: Session, units: Units, clinician: Actor, coordinator: Actor
) -> None:
    small, _ = build_pathway(session, units, clinician, coordinator, 1, birth_date=date(1971, 2, 3))
    large, _ = build_pathway(session, units, clinician, coordinator, 6, birth_date=date(1972, 3, 4))
    for person in (small, large):  # warm: the signed-in user, compiled caches, each person's current gap snapshot
        koordinator.get(f"/persons/{person.id}")
    engine = session.get_bind().engine
    counts = []
    for person in (small, large):
        statements: list[str] = []

        def count(_c: Any, _cur: Any, statement: str, *_: Any, into: list[str] = statements) -> None:
            if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK TO)", statement):
                into.append(statement)

        session.expire_all()  # each request starts as in the app: nothing of the person loaded yet
        event.listen(engine, "before_cursor_execute", count)
        try:
            assert koordinator.get(f"/persons/{person.id}").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        counts.append(len(statements))
    events = [len(timeline.read_pathway(session, SYSTEM, p.id).events) for p in (small, large)]
    assert events[1] > 2 * events[0]  # the large pathway really is larger
    assert counts[0] == counts[1]


@pytest.fixture
def granted_waiting(session: Session, pathway: Any, units: Units) -> Any:
    """A second referral of the same person, granted and not yet started, received by the assessment unit."""
    person, _ = pathway
    referral = make_referral(session, person=person, receiving_unit_id=units.assessment.id, wished_level=None)
    grant(session, SYSTEM, referral, CareLevel.OUTPATIENT)
    session.commit()
    return referral


@pytest.mark.parametrize(
    ("role", "unit", "start", "end", "vedtak"),
    [
        (Role.COORDINATOR, "test-kom-4601", False, False, True),  # municipal: makes vedtak, treats no episode
        (Role.CLINICIAN, "test-vurd", True, False, False),  # the receiver starts the granted referral
        (Role.CLINICIAN, "test-poli", False, True, False),  # the treating unit ends and discharges
    ],
)
def test_page_offers_only_the_actions_the_actor_may_take(
    client: TestClient,
    session: Session,
    pathway: Any,
    granted_waiting: Any,
    role: Role,
    unit: str,
    start: bool,
    end: bool,
    vedtak: bool,
) -> None:
    person, made = pathway
    add_web_user(session, "handler", role, unit)
    sign_in(client, "handler")
    page = client.get(f"/persons/{person.id}")
    assert page.status_code == 200
    html = page.text
    table = html[html.index('id="referrals-title"') : html.index('id="timeline-title"')]
    assert (f'href="/referrals/{granted_waiting.id}/episodes/new"' in table) is start
    assert (f'href="/episodes/{made["episode"].id}/end"' in html) is end
    assert (f'href="/episodes/{made["episode"].id}/discharge"' in html) is end
    actions = html[html.index('<nav class="actions no-print"') :]
    actions = actions[: actions.index("</nav>")]
    assert (f'href="/persons/{person.id}/vedtak/new"' in actions) is vedtak
    assert f'href="/persons/{person.id}/tasks/new"' in actions  # every unit member makes tasks


def test_gap_link_falls_back_to_the_section_when_the_object_is_unknown() -> None:
    assert coordination.gap_link("TASK-OVERDUE", 7, {"task": 12}) == "/tasks/12"
    assert coordination.gap_link("TASK-OVERDUE", 7, {}) == "/persons/7#tasks-title"
    assert coordination.gap_link("ROP-11", 7, {}) == "/persons/7/crisis-plan/edit"
    assert coordination.gap_link("ROP-01", 7, {}) == "/persons/7/mapping/audit"
    assert set(coordination.GAP_LINKS) >= {"ROP-07", "HANDOVER-OPEN", "INTERPRETER-MISSING", "ASSESSMENT-OVERDUE"}


def test_unit_switcher_named_from_the_pages_own_read_of_units(
    client: TestClient, session: Session, units: Units, pathway: Any
) -> None:
    """The switcher lists the actor's units (by name, the active one chosen) as on any other page, and the
    pathway page reads the unit table for names once, not once for the switcher and once for the page."""
    person, _ = pathway
    add_web_user(session, "tounits", Role.COORDINATOR, "test-kom-4601", "test-poli")
    sign_in(client, "tounits")
    switcher = re.compile(r'<select id="unit-switch".*?</select>', re.S)
    elsewhere = switcher.search(client.get("/persons/search").text)
    engine = session.get_bind().engine
    statements: list[str] = []

    def count(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(f"/persons/{person.id}")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    here = switcher.search(response.text)
    assert elsewhere and here and here.group(0) == elsewhere.group(0)
    assert here.group(0).count("<option") == 2
    assert len([s for s in statements if s.startswith("SELECT unit.id, unit.name, unit.levels \nFROM")]) == 1


def test_outsider_not_found_page_still_names_their_unit(
    client: TestClient, session: Session, units: Units, pathway: Any
) -> None:
    """A page that fails before it names any unit: the switcher reads the actor's units before the session ends."""
    person, _ = pathway
    add_web_user(session, "utenfor2", Role.CLINICIAN, "test-other")
    sign_in(client, "utenfor2")
    response = client.get(f"/persons/{person.id}")
    assert response.status_code == 404
    assert '<p class="who__unit">' in response.text


def test_crisis_plan_summary_from_one_read_matches_the_status_door(
    session: Session, pathway: Any, coordinator: Actor
) -> None:
    """The summary reads the latest version once; on a day before the latest was made, the status is still that
    of the version in force then, as ``crisis_plan_status`` gives it."""
    person, _ = pathway
    before = crisis_requirement.crisis_plan_current_at(session, person.id, date(2025, 4, 20))
    with clock.freeze(datetime(2025, 4, 20, 10, 0, tzinfo=UTC)):
        first = make_crisis_plan(
            session, SYSTEM, person, made_on=date(2025, 4, 20), version=before.version_no if before else None
        )
    with clock.freeze(datetime(2025, 4, 25, 10, 0, tzinfo=UTC)):
        latest = make_crisis_plan(session, SYSTEM, person, made_on=date(2025, 4, 25), version=first.version_no)
    session.commit()
    for day in (date(2025, 4, 19), date(2025, 4, 22), date(2025, 4, 26)):
        summary = coordination._crisis_plan(session, coordinator, person.id, day)
        assert summary.status == crisis_requirement.crisis_plan_status(session, coordinator, person.id, day)
        assert summary.latest is not None and summary.latest.id == latest.id
    in_between = coordination._crisis_plan(session, coordinator, person.id, date(2025, 4, 22))
    assert in_between.status.current_version_no == first.version_no
