"""Care team, coordinator, individual plan and care plan pages: each action through the page, what was saved
(or that nothing was), and that a user of another unit sees nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.careplans.models import CarePlan, Evaluation, Goal, IndividualPlanStatus, Measure
from helhet.pathways.models import CareTeamMember, TeamRole
from helhet.persons.models import Person
from helhet.users.actor import SYSTEM
from helhet.users.models import Role
from tests.careplans.builders import TODAY, make_goal, make_measure, make_plan, served_person
from tests.personas import Units
from tests.web.builders import count
from tests.web.conftest import add_web_user, post_form, sign_in


@pytest.fixture(autouse=True)
def today() -> Iterator[date]:
    with clock.freeze(datetime(TODAY.year, TODAY.month, TODAY.day, 10, 0, tzinfo=UTC)):
        yield TODAY


@pytest.fixture
def person(session: Session, units: Units) -> Person:
    person = served_person(session, units)
    session.commit()
    return person


@pytest.fixture
def koordinator(client: TestClient, session: Session, units: Units) -> TestClient:
    add_web_user(session, "koordinator", Role.COORDINATOR, "test-kom-4601")
    sign_in(client, "koordinator")
    return client


def _members(session: Session, person: Person) -> list[CareTeamMember]:
    session.expire_all()
    return list(session.scalars(select(CareTeamMember).where(CareTeamMember.person_id == person.id)))


# Care team ------------------------------------------------------------------------------------------------


def test_care_team_page_shows_members_and_the_missing_coordinator(
    koordinator: TestClient, session: Session, units: Units, person: Person
) -> None:
    page = koordinator.get(f"/persons/{person.id}/care-team")
    assert page.status_code == 200
    assert "Kommunal kontakt" in page.text  # the kommune's membership, in bokmål
    assert units.kommune.name in page.text
    assert "Ingen koordinator er tildelt." in page.text


def test_member_is_added_through_the_page(
    koordinator: TestClient, session: Session, units: Units, person: Person
) -> None:
    path = f"/persons/{person.id}/care-team/members"
    form = koordinator.get(path).text
    assert units.nav.name in form  # the person's kommune's services are offered
    data = {"unit_id": str(units.nav.id), "role": "nav_contact", "from_date": "07.04.2025", "note": "Fast kontakt"}
    response = post_form(koordinator, path, data)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/persons/{person.id}/care-team"
    added = [m for m in _members(session, person) if m.unit_id == units.nav.id]
    assert [(m.role, m.from_date) for m in added] == [(TeamRole.NAV_CONTACT, date(2025, 4, 7))]
    assert "NAV-kontakt" in koordinator.get(response.headers["location"]).text


def test_refused_member_keeps_what_was_typed_and_saves_nothing(
    koordinator: TestClient, session: Session, units: Units, person: Person
) -> None:
    before = len(_members(session, person))
    path = f"/persons/{person.id}/care-team/members"
    data = {"unit_id": str(units.nav.id), "role": "", "from_date": "01.05.2025", "name": "<script>x</script>"}
    response = post_form(koordinator, path, data)
    assert response.status_code == 422
    assert 'id="f-role-error"' in response.text
    assert "&lt;script&gt;x&lt;/script&gt;" in response.text
    assert "<script>x</script>" not in response.text
    assert len(_members(session, person)) == before


def test_future_start_is_refused_beside_its_field(
    koordinator: TestClient, session: Session, units: Units, person: Person
) -> None:
    path = f"/persons/{person.id}/care-team/members"
    data = {"unit_id": str(units.nav.id), "role": "nav_contact", "from_date": "01.05.2025"}
    response = post_form(koordinator, path, data)
    assert response.status_code == 422
    assert 'id="f-from_date-error"' in response.text
    assert 'value="01.05.2025"' in response.text


def test_coordinator_is_assigned_and_a_new_one_ends_the_old(
    koordinator: TestClient, session: Session, units: Units, person: Person
) -> None:
    path = f"/persons/{person.id}/coordinator"
    response = post_form(koordinator, path, {"unit_id": str(units.kommune.id), "from_date": "01.04.2025"})
    assert response.status_code == 303, response.text
    page = koordinator.get(f"/persons/{person.id}/care-team").text
    assert "Endre koordinator" in page
    # the second assignment carries the version of the current coordinator (a hidden field on the form)
    form = koordinator.get(path).text
    assert 'name="version"' in form
    response = post_form(koordinator, path, {"unit_id": str(units.poli.id), "from_date": "10.04.2025", "version": "1"})
    assert response.status_code == 303, response.text
    coordinators = sorted(
        (m for m in _members(session, person) if m.role == TeamRole.COORDINATOR), key=lambda m: m.from_date
    )
    assert [(m.unit_id, m.to_date) for m in coordinators] == [
        (units.kommune.id, date(2025, 4, 9)),
        (units.poli.id, None),
    ]


def test_membership_is_ended_and_kept_in_the_history(
    koordinator: TestClient, session: Session, units: Units, person: Person
) -> None:
    member = next(m for m in _members(session, person) if m.unit_id == units.kommune.id)
    path = f"/persons/{person.id}/care-team/members/{member.id}/end"
    response = post_form(koordinator, path, {"to_date": "10.04.2025", "version": str(member.version)})
    assert response.status_code == 303, response.text
    ended = next(m for m in _members(session, person) if m.id == member.id)
    assert ended.to_date == date(2025, 4, 10)


def test_stale_version_is_refused_with_a_message(
    koordinator: TestClient, session: Session, units: Units, person: Person
) -> None:
    member = next(m for m in _members(session, person) if m.unit_id == units.kommune.id)
    path = f"/persons/{person.id}/care-team/members/{member.id}/end"
    response = post_form(koordinator, path, {"to_date": "10.04.2025", "version": str(member.version + 5)})
    assert response.status_code == 422
    assert 'class="error-summary"' in response.text
    assert next(m for m in _members(session, person) if m.id == member.id).to_date is None


def test_individual_plan_offer_and_answer_are_recorded(
    koordinator: TestClient, session: Session, units: Units, person: Person
) -> None:
    path = f"/persons/{person.id}/individual-plan"
    data = {"status": "declined", "offered_on": "01.04.2025", "answered_on": "03.04.2025", "note": "Vil tenke på det"}
    refused = post_form(koordinator, path, data)
    assert refused.status_code == 422  # a coordinator must be offered even when the plan is declined
    assert "koordinator skal tilbys selv om individuell plan avslås" in refused.text.lower()
    assert 'id="f-coordinator_offered_on-error"' in refused.text
    data.update(coordinator_offered_on="03.04.2025", coordinator_answer="accepted")
    response = post_form(koordinator, path, data)
    assert response.status_code == 303, response.text
    rows = list(session.scalars(select(IndividualPlanStatus).where(IndividualPlanStatus.person_id == person.id)))
    assert [(r.status.value, r.offered_on, r.answered_on) for r in rows] == [
        ("declined", date(2025, 4, 1), date(2025, 4, 3))
    ]
    assert "Avslått" in koordinator.get(f"/persons/{person.id}/care-team").text


# Care plan ------------------------------------------------------------------------------------------------


def test_plan_is_started_and_goals_in_the_persons_words_are_added(
    koordinator: TestClient, session: Session, units: Units, person: Person
) -> None:
    assert "Start en tiltaksplan" in koordinator.get(f"/persons/{person.id}/care-plan").text
    response = post_form(koordinator, f"/persons/{person.id}/care-plan/start", {"started_on": "08.04.2025"})
    assert response.status_code == 303, response.text
    response = post_form(
        koordinator,
        f"/persons/{person.id}/care-plan/goals",
        {"text": "Jeg vil ha min egen leilighet", "own_words": "true"},
    )
    assert response.status_code == 303, response.text
    goal = session.scalars(select(Goal).where(Goal.person_id == person.id)).one()
    assert (goal.text, goal.own_words) == ("Jeg vil ha min egen leilighet", True)
    assert "Jeg vil ha min egen leilighet" in koordinator.get(f"/persons/{person.id}/care-plan").text


def test_measure_needs_a_named_owner_or_the_queue_on_purpose(
    koordinator: TestClient, session: Session, units: Units, person: Person
) -> None:
    plan = make_plan(session, SYSTEM, person)
    goal = make_goal(session, SYSTEM, plan)
    session.commit()
    path = f"/persons/{person.id}/care-plan/goals/{goal.id}/measures"
    data = {
        "description": "Søke bolig",
        "owner_unit_id": str(units.kommune.id),
        "owner_user_id": "",
        "evaluate_by": "24.04.2025",
    }
    refused = post_form(koordinator, path, data)
    assert refused.status_code == 422
    assert count(session, Measure) == 0
    assert "Søke bolig" in refused.text  # what was typed is kept
    queued = post_form(koordinator, path, {**data, "to_unit_queue": "true"})
    assert queued.status_code == 303, queued.text
    measure = session.scalars(select(Measure).where(Measure.goal_id == goal.id)).one()
    assert (measure.owner_unit_id, measure.owner_user_id) == (units.kommune.id, None)
    assert "Enhetens kø" in koordinator.get(f"/persons/{person.id}/care-plan").text


def test_measure_is_evaluated(koordinator: TestClient, session: Session, units: Units, person: Person) -> None:
    plan = make_plan(session, SYSTEM, person)
    measure = make_measure(session, SYSTEM, make_goal(session, SYSTEM, plan), units.kommune)
    session.commit()
    path = f"/persons/{person.id}/care-plan/measures/{measure.id}/evaluate"
    data = {
        "evaluated_on": "10.04.2025",
        "outcome": "progressing",
        "note": "Søknaden er sendt",
        "next_evaluate_by": "08.05.2025",
        "version": str(measure.version),
    }
    response = post_form(koordinator, path, data)
    assert response.status_code == 303, response.text
    evaluation = session.scalars(select(Evaluation).where(Evaluation.measure_id == measure.id)).one()
    assert (evaluation.outcome.value, evaluation.note) == ("progressing", "Søknaden er sendt")


def test_declining_a_plan_needs_what_the_person_said(
    koordinator: TestClient, session: Session, units: Units, person: Person
) -> None:
    refused = post_form(koordinator, f"/persons/{person.id}/care-plan/decline", {"declined_on": "10.04.2025"})
    assert refused.status_code == 422
    assert 'id="f-reason-error"' in refused.text
    assert count(session, CarePlan) == 0


# Access ---------------------------------------------------------------------------------------------------


def test_outsider_gets_not_found_on_every_care_team_and_plan_page(
    client: TestClient, session: Session, units: Units, person: Person
) -> None:
    plan = make_plan(session, SYSTEM, person)
    goal = make_goal(session, SYSTEM, plan)
    measure = make_measure(session, SYSTEM, goal, units.kommune)
    member = _members(session, person)[0]
    session.commit()
    add_web_user(session, "utenfor", Role.CLINICIAN, "test-other")
    sign_in(client, "utenfor")
    pid = person.id
    pages = [
        f"/persons/{pid}/care-team",
        f"/persons/{pid}/care-plan",
        f"/persons/{pid}/care-team/members",
        f"/persons/{pid}/care-team/members/{member.id}/end",
        f"/persons/{pid}/coordinator",
        f"/persons/{pid}/individual-plan",
        f"/persons/{pid}/care-plan/goals",
        f"/persons/{pid}/care-plan/goals/{goal.id}/measures",
        f"/persons/{pid}/care-plan/measures/{measure.id}/evaluate",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 404, path
        assert person.family_name not in response.text
    before = len(_members(session, person))
    response = post_form(
        client,
        f"/persons/{pid}/care-team/members",
        {"unit_id": str(units.other.id), "role": "therapist"},
        page="/persons/search",
    )
    assert response.status_code == 404
    assert len(_members(session, person)) == before


def test_an_item_of_another_person_is_not_found_under_this_person(
    koordinator: TestClient, session: Session, units: Units, person: Person
) -> None:
    other = served_person(session, units)
    goal = make_goal(session, SYSTEM, make_plan(session, SYSTEM, other))
    session.commit()
    response = koordinator.get(f"/persons/{person.id}/care-plan/goals/{goal.id}/measures")
    assert response.status_code == 404


def test_tampered_csrf_token_is_refused(
    koordinator: TestClient, session: Session, units: Units, person: Person
) -> None:
    before = len(_members(session, person))
    response = koordinator.post(
        f"/persons/{person.id}/care-team/members",
        data={"unit_id": str(units.nav.id), "role": "nav_contact", "csrf_token": "forged"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert len(_members(session, person)) == before
