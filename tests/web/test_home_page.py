"""The worklist home page per role: each list shows what it should, nothing of persons outside the actor's units,
counts that match the rows, overdue and escalated items marked in words, "show all" pages, and logged views.

Every test runs on Thursday 10 April 2025, 12:00 in Oslo, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.appointments.models import Appointment, Attendance
from helhet.audit.models import AuditEvent
from helhet.persons.models import Person
from helhet.tasks.escalation import escalate_overdue
from helhet.tasks.models import Task
from helhet.transitions.models import Handover
from helhet.users.actor import SYSTEM
from helhet.users.models import Role, User
from tests.appointments.builders import THIS_MORNING, book, treated_person
from tests.builders import grant, make_person, make_referral
from tests.personas import Units
from tests.tasks.builders import make_task
from tests.transitions.builders import make_handover
from tests.web.builders import referral_to_assessment_unit
from tests.web.conftest import add_web_user, sign_in


@pytest.fixture(autouse=True)
def today() -> Iterator[date]:
    with clock.freeze(datetime(2025, 4, 10, 10, 0, tzinfo=UTC)):
        yield date(2025, 4, 10)


@dataclass
class World:
    person: Person  # in outpatient treatment at the poliklinikk, the kommune on the care team
    stranger: Person  # referred to another trust's unit only
    clinician: User  # poliklinikk
    leader: User  # poliklinikk
    coordinator: User  # kommune
    my_task: Task  # the clinician's, overdue
    queue_task: Task  # the poliklinikk's queue, due later
    escalated: Task  # the poliklinikk's queue, overdue long enough to be escalated
    handover: Handover  # poliklinikk -> kommune, awaiting acceptance
    no_show: Appointment  # this morning, at the poliklinikk, with its outreach task


@pytest.fixture
def world(session: Session, units: Units) -> World:
    clinician = add_web_user(session, "kliniker", Role.CLINICIAN, "test-poli")
    leader = add_web_user(session, "leder", Role.UNIT_LEADER, "test-poli")
    coordinator = add_web_user(session, "koordinator", Role.COORDINATOR, "test-kom-4601")
    person, _ = treated_person(session, units, given_name="Aud", family_name="Forløpsen")
    stranger = make_person(session, given_name="Ola", family_name="Utenforsen")
    make_referral(session, person=stranger, receiving_unit_id=units.other.id)
    make_task(session, stranger, units.other, title="Fremmed oppgave", due_on=date(2025, 3, 1))
    my_task = make_task(
        session, person, units.poli, owner_user_id=clinician.id, title="Ring Aud", due_on=date(2025, 4, 8)
    )
    queue_task = make_task(session, person, units.poli, title="Send innkalling", due_on=date(2025, 4, 24))
    escalated = make_task(session, person, units.poli, title="Purr epikrise", due_on=date(2025, 3, 20))
    escalate_overdue(session, date(2025, 4, 10))
    handover = make_handover(session, SYSTEM, person, units.poli, units.kommune)
    with clock.freeze(datetime(2025, 4, 10, 9, 0, tzinfo=UTC)):
        no_show = book(
            session,
            SYSTEM,
            person,
            units.poli,
            owner_user_id=clinician.id,
            starts_at=THIS_MORNING,
            attendance=Attendance.NO_SHOW,
        )
    session.commit()
    return World(person, stranger, clinician, leader, coordinator, my_task, queue_task, escalated, handover, no_show)


def section(html: str, key: str) -> str:
    """The HTML of one worklist section (from its heading to the end of the section)."""
    start = html.index(f'<h2 id="{key}"')
    return html[start : html.index("</section>", start)]


def rows(part: str) -> int:
    return part.count("<tr") - 1  # less the header row


def row_of(part: str, marker: str) -> str:
    """The table row of ``part`` that contains ``marker``."""
    found = [row for row in part.split("<tr")[1:] if marker in row]
    assert len(found) == 1, f"{marker} is in {len(found)} rows"
    return found[0]


def count_shown(html: str, key: str) -> str:
    match = re.search(rf'<a href="#{key}"><span class="counts__number">([^<]+)</span>', html)
    assert match, f"no count for {key}"
    return match.group(1)


def home_of(client: TestClient, username: str) -> str:
    sign_in(client, username)
    response = client.get("/")
    assert response.status_code == 200
    return response.text


def test_clinician_sees_own_tasks_queue_handovers_no_shows_and_gaps(client: TestClient, world: World) -> None:
    page = home_of(client, "kliniker")
    mine = section(page, "my_tasks")
    assert f'href="/tasks/{world.my_task.id}"' in mine
    assert "På overtid" in mine  # due 8 April
    queue = section(page, "unit_queue")
    assert f'href="/tasks/{world.queue_task.id}"' in queue
    assert f'href="/tasks/{world.my_task.id}"' not in queue  # owned tasks are not in the queue
    assert f'href="/handovers/{world.handover.id}"' in section(page, "outgoing_handovers")
    assert "Ingen overleveringer til denne enheten" in section(page, "incoming_handovers")
    no_shows = section(page, "no_shows")
    assert f'href="/appointments/{world.no_show.id}"' in no_shows
    assert f'href="/persons/{world.person.id}"' in section(page, "unit_gaps")
    assert 'id="escalated_tasks"' not in page  # the leader's list


def test_coordinator_sees_the_incoming_handover_and_the_gaps_of_persons_on_the_care_team(
    client: TestClient, world: World
) -> None:
    page = home_of(client, "koordinator")
    incoming = section(page, "incoming_handovers")
    assert f'href="/handovers/{world.handover.id}"' in incoming
    assert "Poliklinikk rus (test)" in incoming  # from
    assert f'href="/persons/{world.person.id}"' in section(page, "unit_gaps")
    assert "Ring Aud" not in page  # the poliklinikk's tasks are not the kommune's
    assert "Du har ingen åpne oppgaver." in section(page, "my_tasks")


def test_unit_leader_sees_escalated_tasks_first_then_the_queue_and_handovers(client: TestClient, world: World) -> None:
    page = home_of(client, "leder")
    order = [page.index(f'<h2 id="{key}"') for key in ("escalated_tasks", "unit_queue", "outgoing_handovers")]
    assert order == sorted(order)
    escalated = section(page, "escalated_tasks")
    assert f'href="/tasks/{world.escalated.id}"' in escalated
    assert "Eskalert" in escalated
    assert f'href="/tasks/{world.queue_task.id}"' not in escalated
    assert f'href="/tasks/{world.escalated.id}"' in section(page, "unit_queue")
    assert f'href="/handovers/{world.handover.id}"' in section(page, "outgoing_handovers")


def test_no_list_shows_a_person_outside_the_actors_units(client: TestClient, session: Session, world: World) -> None:
    for username in ("kliniker", "leder", "koordinator"):
        page = home_of(client, username)
        assert "Utenforsen" not in page
        assert "Fremmed oppgave" not in page
        client.cookies.clear()
    add_web_user(session, "utenfor", Role.CLINICIAN, "test-other")
    page = home_of(client, "utenfor")
    assert "Forløpsen" not in page.split("<main")[1]
    assert f"/persons/{world.person.id}" not in page
    assert "Fremmed oppgave" in section(page, "unit_queue")  # their own unit's queue works


def test_analyst_sees_no_person_and_is_sent_to_the_atlas(client: TestClient, session: Session, world: World) -> None:
    add_web_user(session, "analytiker", Role.ANALYST)
    page = home_of(client, "analytiker")
    main = page.split("<main")[1]
    assert 'href="/atlas"' in main
    assert "Forløpsen" not in main and "Ring Aud" not in main
    assert "<table" not in main
    assert client.get("/worklists/my_tasks").status_code == 404


def test_counts_match_the_rows_and_overdue_is_counted_in_words(client: TestClient, world: World) -> None:
    page = home_of(client, "leder")
    for key in ("escalated_tasks", "unit_queue", "outgoing_handovers", "no_shows", "unit_gaps", "my_tasks"):
        part = section(page, key)
        shown = rows(part) if "<table" in part else 0
        assert count_shown(page, key) == str(shown), key
    assert count_shown(page, "unit_queue") == "2"  # the escalated task and the one due later
    summary = page[page.index('class="counts"') : page.index("</ul>", page.index('class="counts"'))]
    assert "1 på overtid" in summary  # the escalated queue task is overdue; the other is not
    assert "1 eskalert" in summary


def test_a_long_list_is_capped_with_a_link_to_all_of_it_page_by_page(
    client: TestClient, session: Session, world: World, units: Units
) -> None:
    for n in range(11):
        make_task(session, world.person, units.poli, title=f"Kø-oppgave {n:02d}", due_on=date(2025, 5, 1))
    session.commit()
    page = home_of(client, "kliniker")
    queue = section(page, "unit_queue")
    assert rows(queue) == 10
    assert count_shown(page, "unit_queue") == "10+"
    assert 'href="/worklists/unit_queue"' in page
    full = client.get("/worklists/unit_queue")
    assert full.status_code == 200
    assert full.text.count("/tasks/") == 13  # the 11, the two in the queue before, not the owned one
    assert "<h1>Ueide oppgaver i enheten" in full.text
    assert client.get("/worklists/escalated_tasks").status_code == 404  # a leader's list
    assert client.get("/worklists/no_such_list").status_code == 404


def test_each_list_shown_is_logged_with_the_persons_on_it(client: TestClient, session: Session, world: World) -> None:
    home_of(client, "kliniker")
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.user_id == world.clinician.id, AuditEvent.entity == "worklist")
    ).all()
    logged = {e.entity_id for e in events}
    assert {"my_tasks", "unit_queue", "outgoing_handovers", "no_shows_awaiting_outreach", "unit_gaps"} <= logged
    assert all(world.stranger.id not in (e.detail or {}).get("persons", []) for e in events)


def test_script_in_a_task_title_is_shown_as_text(
    client: TestClient, session: Session, world: World, units: Units
) -> None:
    make_task(session, world.person, units.poli, title="<script>alert(1)</script>", due_on=date(2025, 5, 2))
    session.commit()
    page = home_of(client, "kliniker")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_assessment_unit_sees_referrals_to_assess_and_start_deadlines_at_risk(
    client: TestClient, session: Session, world: World, units: Units
) -> None:
    waiting = referral_to_assessment_unit(session, units, person={"given_name": "Vente"})
    granted = referral_to_assessment_unit(session, units, person={"given_name": "Frist"})
    assessment = grant(session, SYSTEM, granted)
    late = referral_to_assessment_unit(session, units, person={"given_name": "Sen"})
    grant(session, SYSTEM, late).start_deadline = date(2025, 4, 1)  # passed
    session.commit()
    add_web_user(session, "vurderer", Role.CLINICIAN, "test-vurd")
    page = home_of(client, "vurderer")
    due = section(page, "assessments_due")
    assert f'href="/referrals/{waiting.id}/assess"' in due
    assert "På overtid" in due
    at_risk = section(page, "deadlines_at_risk")
    soon = row_of(at_risk, f'href="/referrals/{granted.id}/episodes/new"')
    assert assessment.start_deadline == date(2025, 4, 14)
    assert "4 dager igjen" in soon and "Fristen er passert" not in soon
    assert "Fristen er passert" in row_of(at_risk, f'href="/referrals/{late.id}/episodes/new"')
    assert f'href="/referrals/{waiting.id}/' not in at_risk
    assert "Utenforsen" not in page
