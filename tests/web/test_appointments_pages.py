"""The appointments pages: book (a past time refused beside the field), record attendance (a no-show makes one
outreach task for the owner), outreach attempts, interpreters (never a child), outsiders and forged forms.
Runs at Thursday 10 April 2025, 12:00 in Oslo."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.appointments.models import Appointment, Attendance, InterpreterStatus, OutreachAttempt
from helhet.config import get_settings
from helhet.persons.models import Person
from helhet.tasks.models import Task, TaskKind, TaskStatus
from helhet.units.models import Unit
from helhet.users import service as users
from helhet.users.models import Role, User
from tests.appointments.builders import NEXT_MONDAY, THIS_MORNING, book, treated_person
from tests.personas import Units
from tests.relatives.builders import make_relative
from tests.web.builders import count
from tests.web.conftest import add_web_user, csrf_from, post_form, sign_in

NOW = datetime(2025, 4, 10, 10, 0, tzinfo=UTC)  # 12:00 in Oslo


@pytest.fixture(autouse=True)
def today() -> Iterator[date]:
    with clock.freeze(NOW):
        yield date(2025, 4, 10)


@pytest.fixture
def owner(session: Session, units: Units) -> User:
    return add_web_user(session, "behandler", Role.CLINICIAN, "test-vurd", "test-poli")


@pytest.fixture
def behandler(client: TestClient, owner: User) -> TestClient:
    sign_in(client, "behandler")
    return client


@pytest.fixture
def person(session: Session, units: Units) -> Person:
    person, _ = treated_person(session, units)
    session.commit()
    return person


def booked(session: Session, owner: User, person: Person, unit: Unit, **changes: object) -> Appointment:
    """An appointment booked the day before (so it may start this morning), committed for the pages."""
    with clock.freeze(datetime(2025, 4, 9, 8, 0, tzinfo=UTC)):
        appointment = book(session, users.actor_for(owner), person, unit, **changes)
    session.commit()
    return appointment


def booking_form(units: Units, owner: User, **changes: str) -> dict[str, str]:
    data = {
        "starts_on": "14.04.2025",
        "starts_time": "09:00",
        "minutes": "45",
        "mode": "video",
        "unit_id": str(units.poli.id),
        "owner_user_id": str(owner.id),
        "purpose": "Oppfølgingssamtale",
        "participants": "Fastlege\nNAV-veileder",
    }
    data.update(changes)
    return data


def outreach_tasks(session: Session) -> list[Task]:
    return list(session.scalars(select(Task).where(Task.kind == TaskKind.OUTREACH)))


def test_an_appointment_is_booked_and_listed_as_upcoming(
    behandler: TestClient, session: Session, units: Units, owner: User, person: Person
) -> None:
    response = post_form(behandler, f"/persons/{person.id}/appointments/new", booking_form(units, owner))
    assert response.status_code == 303, response.text
    appointment = session.scalars(select(Appointment).where(Appointment.person_id == person.id)).one()
    assert appointment.starts_at == NEXT_MONDAY  # 09:00 in Oslo is 07:00 UTC
    assert (appointment.owner_user_id, appointment.unit_id, appointment.minutes) == (owner.id, units.poli.id, 45)
    assert appointment.participants == ["Fastlege", "NAV-veileder"]
    assert response.headers["location"] == f"/appointments/{appointment.id}"
    listed = behandler.get(f"/persons/{person.id}/appointments").text
    upcoming = listed[listed.index('id="upcoming-title"') : listed.index('id="past-title"')]
    assert f'href="/appointments/{appointment.id}"' in upcoming and "14.04.2025 kl. 09:00" in upcoming


def test_booking_in_the_past_is_refused_beside_the_field_and_nothing_saved(
    behandler: TestClient, session: Session, units: Units, owner: User, person: Person
) -> None:
    response = post_form(
        behandler, f"/persons/{person.id}/appointments/new", booking_form(units, owner, starts_on="09.04.2025")
    )
    assert response.status_code == 422
    assert 'id="f-starts_on-error"' in response.text
    assert "Er tilbake i tid" in response.text
    assert 'value="09.04.2025"' in response.text and 'value="Oppfølgingssamtale"' in response.text
    bad_time = post_form(
        behandler, f"/persons/{person.id}/appointments/new", booking_form(units, owner, starts_time="25:00")
    )
    assert bad_time.status_code == 422
    assert 'id="f-starts_time-error"' in bad_time.text and 'id="f-starts_on-error"' not in bad_time.text
    assert count(session, Appointment) == 0


def test_a_no_show_through_the_page_creates_one_outreach_task_for_the_owner(
    behandler: TestClient, session: Session, units: Units, owner: User, person: Person
) -> None:
    appointment = booked(session, owner, person, units.poli, starts_at=THIS_MORNING)
    page_path = f"/appointments/{appointment.id}"
    response = post_form(
        behandler, f"{page_path}/attendance", {"attendance": "no_show", "version": "1"}, page=page_path
    )
    assert response.status_code == 303, response.text
    [task] = outreach_tasks(session)
    assert (task.owner_user_id, task.person_id, task.status) == (owner.id, person.id, TaskStatus.OPEN)
    working_days = get_settings().outreach_working_days
    assert task.due_on == clock.add_working_days(date(2025, 4, 10), working_days)
    assert task.due_on == date(2025, 4, 14)  # two working days after Thursday: Friday, Monday
    page = behandler.get(page_path).text
    assert "Det er opprettet en oppgave om oppsøkende kontakt" in page
    assert f'href="/tasks/{task.id}"' in page and "14.04.2025" in page
    assert "Behandler" in page[page.index('id="outreach-task"') :][:600]

    again = behandler.get(page_path)  # reading the page does not make another
    assert again.status_code == 200
    assert len(outreach_tasks(session)) == 1


def test_attended_creates_no_task(
    behandler: TestClient, session: Session, units: Units, owner: User, person: Person
) -> None:
    appointment = booked(session, owner, person, units.poli, starts_at=THIS_MORNING)
    page_path = f"/appointments/{appointment.id}"
    response = post_form(
        behandler, f"{page_path}/attendance", {"attendance": "attended", "version": "1"}, page=page_path
    )
    assert response.status_code == 303, response.text
    session.expire_all()
    assert session.get_one(Appointment, appointment.id).attendance == Attendance.ATTENDED
    assert outreach_tasks(session) == []
    assert "Det er opprettet en oppgave" not in behandler.get(page_path).text


def test_a_future_appointment_cannot_be_attended_and_a_stale_form_is_refused(
    behandler: TestClient, session: Session, units: Units, owner: User, person: Person
) -> None:
    appointment = booked(session, owner, person, units.poli)  # next Monday
    page_path = f"/appointments/{appointment.id}"
    early = post_form(behandler, f"{page_path}/attendance", {"attendance": "no_show", "version": "1"}, page=page_path)
    assert early.status_code == 422
    assert 'id="f-attendance-error"' in early.text
    stale = post_form(
        behandler, f"{page_path}/attendance", {"attendance": "cancelled_by_person", "version": "0"}, page=page_path
    )
    assert stale.status_code == 422 and "Noen andre endret dette mens du arbeidet" in stale.text
    session.expire_all()
    assert session.get_one(Appointment, appointment.id).attendance == Attendance.BOOKED
    assert outreach_tasks(session) == []


def test_an_outreach_attempt_that_reaches_the_person_completes_the_task(
    behandler: TestClient, session: Session, units: Units, owner: User, person: Person
) -> None:
    appointment = booked(session, owner, person, units.poli, starts_at=THIS_MORNING)
    page_path = f"/appointments/{appointment.id}"
    post_form(behandler, f"{page_path}/attendance", {"attendance": "no_show", "version": "1"}, page=page_path)
    missing = post_form(behandler, f"{page_path}/outreach", {"attempted_on": "10.04.2025"}, page=page_path)
    assert missing.status_code == 422
    assert 'id="f-outreach_mode-error"' in missing.text and 'id="f-reached-error"' in missing.text
    response = post_form(
        behandler,
        f"{page_path}/outreach",
        {"attempted_on": "10.04.2025", "outreach_mode": "phone", "reached": "true", "outreach_note": "Ny time avtalt"},
        page=page_path,
    )
    assert response.status_code == 303, response.text
    attempt = session.scalars(select(OutreachAttempt)).one()
    assert (attempt.reached, attempt.note) == (True, "Ny time avtalt")
    session.expire_all()
    [task] = outreach_tasks(session)
    assert task.status == TaskStatus.DONE
    assert "Ny time avtalt" in behandler.get(page_path).text


def test_a_child_cannot_be_the_interpreter(
    behandler: TestClient, session: Session, units: Units, owner: User, person: Person
) -> None:
    child = make_relative(session, users.actor_for(owner), person, given_name="Lille", birth_date=date(2012, 6, 1))
    appointment = booked(session, owner, person, units.poli)
    page_path = f"/appointments/{appointment.id}"
    response = post_form(
        behandler,
        f"{page_path}/interpreter",
        {"status": "booked", "language": "ar", "interpreter_relative_id": str(child.id), "version": "1"},
        page=page_path,
    )
    assert response.status_code == 422
    assert 'id="f-interpreter_relative_id-error"' in response.text
    assert "er 12 år; barn skal aldri brukes som tolk" in response.text
    session.expire_all()
    assert session.get_one(Appointment, appointment.id).interpreter_status == InterpreterStatus.NOT_NEEDED
    booked_interpreter = post_form(
        behandler, f"{page_path}/interpreter", {"status": "booked", "language": "ar", "version": "1"}, page=page_path
    )
    assert booked_interpreter.status_code == 303, booked_interpreter.text
    session.expire_all()
    assert session.get_one(Appointment, appointment.id).interpreter_status == InterpreterStatus.BOOKED


def test_outsider_gets_not_found_on_every_appointments_page(
    client: TestClient, session: Session, units: Units, owner: User, person: Person
) -> None:
    appointment = booked(session, owner, person, units.poli, starts_at=THIS_MORNING)
    add_web_user(session, "utenfor", Role.CLINICIAN, "test-other")
    sign_in(client, "utenfor")
    for path in (
        f"/persons/{person.id}/appointments",
        f"/persons/{person.id}/appointments/new",
        f"/appointments/{appointment.id}",
    ):
        assert client.get(path).status_code == 404, path
    for path, data in (
        (f"/persons/{person.id}/appointments/new", booking_form(units, owner)),
        (f"/appointments/{appointment.id}/attendance", {"attendance": "no_show", "version": "1"}),
        (f"/appointments/{appointment.id}/interpreter", {"status": "booked", "language": "ar", "version": "1"}),
        (f"/appointments/{appointment.id}/outreach", {"attempted_on": "10.04.2025", "outreach_mode": "phone"}),
    ):
        response = post_form(client, path, data, page="/")
        assert response.status_code == 404, path
        assert "Testesen" not in response.text
    session.expire_all()
    assert session.get_one(Appointment, appointment.id).attendance == Attendance.BOOKED
    assert count(session, Appointment) == 1 and outreach_tasks(session) == []


def test_a_tampered_csrf_token_is_refused_and_nothing_saved(
    behandler: TestClient, session: Session, units: Units, owner: User, person: Person
) -> None:
    appointment = booked(session, owner, person, units.poli, starts_at=THIS_MORNING)
    page_path = f"/appointments/{appointment.id}"
    token = csrf_from(behandler.get(page_path).text)
    tampered = token[:-2] + ("aa" if not token.endswith("aa") else "bb")
    response = behandler.post(
        f"{page_path}/attendance",
        data={"attendance": "no_show", "version": "1", "csrf_token": tampered},
        follow_redirects=False,
    )
    assert response.status_code == 403
    booking = behandler.post(
        f"/persons/{person.id}/appointments/new", data=booking_form(units, owner), follow_redirects=False
    )
    assert booking.status_code == 403  # no token at all
    session.expire_all()
    assert session.get_one(Appointment, appointment.id).attendance == Attendance.BOOKED
    assert count(session, Appointment) == 1 and outreach_tasks(session) == []


def test_a_relative_without_consent_to_meetings_is_refused_beside_the_choice(
    behandler: TestClient, session: Session, units: Units, owner: User, person: Person
) -> None:
    relative = make_relative(session, users.actor_for(owner), person, given_name="Uten")
    session.commit()
    form = booking_form(units, owner)
    response = behandler.post(
        f"/persons/{person.id}/appointments/new",
        data={**form, "relative_ids": str(relative.id), "csrf_token": csrf_from(behandler.get("/").text)},
        follow_redirects=False,
    )
    assert response.status_code == 422
    assert 'id="f-relative_ids-error"' in response.text
    assert f'value="{relative.id}" checked' in response.text  # the choice is kept
    assert count(session, Appointment) == 0


def test_the_appointment_page_in_english(
    behandler: TestClient, session: Session, units: Units, owner: User, person: Person
) -> None:
    appointment = booked(session, owner, person, units.poli)
    behandler.get("/lang/en")
    page = behandler.get(f"/appointments/{appointment.id}").text
    assert '<html lang="en">' in page
    assert "Record attendance" in page and "Interpreter status" in page and "Registrer oppmøte" not in page


# Moving or changing a booked appointment -------------------------------------------------------------------


def change_form(appointment: Appointment, owner: User, **changes: str) -> dict[str, str]:
    data = {
        "starts_on": "15.04.2025",
        "starts_time": "13:30",
        "minutes": "60",
        "mode": "phone",
        "owner_user_id": str(owner.id),
        "purpose": "",
        "participants": "Fastlege",
        "version": str(appointment.version),
    }
    data.update(changes)
    return data


def test_a_booked_appointment_is_moved_and_the_pathway_shows_the_new_time(
    behandler: TestClient, session: Session, units: Units, owner: User, person: Person
) -> None:
    appointment = booked(session, owner, person, units.poli)
    path = f"/appointments/{appointment.id}/edit"
    assert f'href="{path}"' in behandler.get(f"/appointments/{appointment.id}").text
    shown = behandler.get(path)
    assert shown.status_code == 200 and 'value="14.04.2025"' in shown.text and 'value="09:00"' in shown.text

    moved = post_form(behandler, path, change_form(appointment, owner))
    assert moved.status_code == 303, moved.text
    assert moved.headers["location"] == f"/appointments/{appointment.id}"
    session.expire_all()
    changed = session.get_one(Appointment, appointment.id)
    assert changed.starts_at == datetime(2025, 4, 15, 11, 30, tzinfo=UTC)  # 13:30 in Oslo
    assert (changed.minutes, changed.mode, changed.purpose, changed.participants) == (60, "phone", None, ["Fastlege"])
    assert "15.04.2025 kl. 13:30" in behandler.get(f"/persons/{person.id}").text


def test_moving_to_the_past_is_refused_beside_the_date_with_what_was_typed_kept(
    behandler: TestClient, session: Session, units: Units, owner: User, person: Person
) -> None:
    appointment = booked(session, owner, person, units.poli)
    path = f"/appointments/{appointment.id}/edit"
    refused = post_form(behandler, path, change_form(appointment, owner, starts_on="09.04.2025", purpose="Ny plan"))
    assert refused.status_code == 422
    assert 'id="f-starts_on-error"' in refused.text and "kan ikke flyttes tilbake i tid" in refused.text
    assert 'value="09.04.2025"' in refused.text and 'value="Ny plan"' in refused.text
    bad_time = post_form(behandler, path, change_form(appointment, owner, starts_time="25:00"))
    assert bad_time.status_code == 422 and 'id="f-starts_time-error"' in bad_time.text
    stale = post_form(behandler, path, change_form(appointment, owner, version=str(appointment.version - 1)))
    assert stale.status_code == 422 and "Noen andre endret avtalen" in stale.text
    session.expire_all()
    assert session.get_one(Appointment, appointment.id).starts_at == NEXT_MONDAY


def test_a_cancelled_appointment_offers_no_change_and_outsiders_get_not_found(
    behandler: TestClient, client: TestClient, session: Session, units: Units, owner: User, person: Person
) -> None:
    appointment = booked(session, owner, person, units.poli, attendance="cancelled_by_person")
    path = f"/appointments/{appointment.id}/edit"
    assert f'href="{path}"' not in behandler.get(f"/appointments/{appointment.id}").text
    refused = post_form(behandler, path, change_form(appointment, owner))
    assert refused.status_code == 422 and "bare bestilte avtaler kan endres" in refused.text.lower()
    assert behandler.post(path, data=change_form(appointment, owner), follow_redirects=False).status_code == 403
    add_web_user(session, "utenfor", Role.CLINICIAN, "test-other")
    sign_in(client, "utenfor")
    assert client.get(path).status_code == 404
    response = post_form(client, path, change_form(appointment, owner), page="/")
    assert response.status_code == 404 and "Testesen" not in response.text
    session.expire_all()
    assert session.get_one(Appointment, appointment.id).starts_at == NEXT_MONDAY
