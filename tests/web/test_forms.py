"""The forms: register a referral, assess it against the wish, start and end episodes. Each test checks
what was saved, or that nothing was."""

from __future__ import annotations

import re
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet.assessments.models import Assessment
from helhet.pathways.models import EndReason, Episode
from helhet.persons.models import Person
from helhet.reference.units import CareLevel
from helhet.referrals.models import Referral, ReferralStatus
from helhet.users.actor import SYSTEM
from helhet.users.models import Role
from tests.builders import grant, make_episode
from tests.personas import Units
from tests.web.builders import count, referral_to_assessment_unit
from tests.web.conftest import add_web_user, csrf_from, post_form, sign_in
from tests.web.test_security import referral_form


def assessment_form(**changes: str) -> dict[str, str]:
    data = {
        "assessed_on": "10.03.2025",
        "outcome": "granted",
        "heard_how": "phone",
        "condition": "alcohol_dependence",
        "assigned_level": "inpatient_short",
        "overdose_risk": "unknown",
        "suicide_risk": "unknown",
    }
    data.update(changes)
    return data


# Register a referral ---------------------------------------------------------------------------------------


def test_coordinator_registers_a_referral_with_the_persons_wish(
    client: TestClient, session: Session, units: Units
) -> None:
    add_web_user(session, "koordinator", Role.COORDINATOR, "test-kom-4601")
    sign_in(client, "koordinator")
    form = client.get("/referrals/new").text
    assert form.index("Personens egen stemme") < form.index("Henvisningen")  # the wish comes first
    before = count(session, Referral)
    response = post_form(client, "/referrals/new", referral_form(units, what_matters="Å få være nær barna."))
    assert response.status_code == 303, response.text
    assert count(session, Referral) == before + 1
    referral = session.scalars(select(Referral).order_by(Referral.id.desc())).first()
    assert referral is not None
    assert referral.wished_level == CareLevel.OUTPATIENT
    assert referral.what_matters == "Å få være nær barna."
    assert referral.received_on == date(2025, 3, 3)
    assert referral.referrer_unit_id == units.kommune.id
    assert response.headers["location"] == f"/persons/{referral.person_id}"
    page = client.get(response.headers["location"]).text
    assert "Henvisningen er registrert." in page
    assert "Nora Prøvesen" in page


def test_refused_referral_keeps_what_was_typed_and_saves_nothing(
    client: TestClient, session: Session, units: Units
) -> None:
    add_web_user(session, "koordinator", Role.COORDINATOR, "test-kom-4601")
    sign_in(client, "koordinator")
    before = (count(session, Referral), count(session, Person))
    data = referral_form(units, municipality_number="9999", reason="", what_matters="Jobben <b>min</b>.")
    response = post_form(client, "/referrals/new", data)
    assert response.status_code == 422
    assert (count(session, Referral), count(session, Person)) == before
    page = response.text
    assert 'id="f-reason-error"' in page
    assert "Jobben &lt;b&gt;min&lt;/b&gt;." in page  # typed text kept, and inert
    assert 'value="Nora"' in page
    assert 'value="outpatient" selected' in page


def test_service_problem_is_shown_beside_its_field(client: TestClient, session: Session, units: Units) -> None:
    add_web_user(session, "koordinator", Role.COORDINATOR, "test-kom-4601")
    sign_in(client, "koordinator")
    before = count(session, Person)
    response = post_form(client, "/referrals/new", referral_form(units, municipality_number="9999"))
    assert response.status_code == 422
    error = re.search(r'<p class="error-message" id="f-municipality_number-error">(.*?)</p>', response.text, re.S)
    assert error and "Ingen kommune har dette nummeret" in error.group(1)
    assert 'aria-describedby="f-municipality_number-hint f-municipality_number-error"' in response.text
    assert count(session, Person) == before


# Assess a referral -----------------------------------------------------------------------------------------


def test_assessment_form_shows_the_wish_beside_the_level(assessor: TestClient, session: Session, units: Units) -> None:
    referral = referral_to_assessment_unit(session, units, wished_level=CareLevel.INPATIENT_SHORT)
    page = assessor.get(f"/referrals/{referral.id}/assess").text
    assert 'data-wished="inpatient_short"' in page
    side = page[page.index('class="side-by-side"') :][:2500]
    assert side.index("Personens ønske") < side.index("Tildelt omsorgsnivå")
    assert "Døgnbehandling, korttid" in side


def test_differing_level_without_reason_is_refused_beside_the_field_keeping_typed_values(
    assessor: TestClient, session: Session, units: Units
) -> None:
    referral = referral_to_assessment_unit(session, units, wished_level=CareLevel.INPATIENT_SHORT)
    before = count(session, Assessment)
    response = post_form(
        assessor,
        f"/referrals/{referral.id}/assess",
        assessment_form(assigned_level="outpatient", heard_note="Snakket med personen i telefon."),
        page=f"/referrals/{referral.id}/assess",
    )
    assert response.status_code == 422
    assert count(session, Assessment) == before
    session.refresh(referral)
    assert referral.status == ReferralStatus.RECEIVED
    page = response.text
    error = re.search(r'<p class="error-message" id="f-wish_difference_reason-error">(.*?)</p>', page, re.S)
    assert error is not None
    assert "Personen ønsket Døgnbehandling, korttid, men Poliklinisk er tildelt" in error.group(1)
    assert 'aria-describedby="f-wish_difference_reason-error" aria-invalid="true"' in page
    assert '<option value="outpatient" selected>' in page  # the typed level is kept
    assert "Snakket med personen i telefon." in page
    assert 'value="2025-03-10"' not in page and 'value="10.03.2025"' in page


def test_differing_level_with_reason_is_saved(assessor: TestClient, session: Session, units: Units) -> None:
    referral = referral_to_assessment_unit(session, units, wished_level=CareLevel.INPATIENT_SHORT)
    response = post_form(
        assessor,
        f"/referrals/{referral.id}/assess",
        assessment_form(
            assigned_level="outpatient",
            wish_difference_reason="clinical_judgement",
            wish_difference_note="Poliklinisk først, døgn om det ikke går.",
        ),
    )
    assert response.status_code == 303, response.text
    saved = session.scalars(select(Assessment).where(Assessment.referral_id == referral.id)).one()
    assert saved.assigned_level == CareLevel.OUTPATIENT
    assert saved.wished_level == CareLevel.INPATIENT_SHORT
    assert saved.wish_difference_note == "Poliklinisk først, døgn om det ikke går."


def test_coordinator_cannot_assess(client: TestClient, session: Session, units: Units) -> None:
    referral = referral_to_assessment_unit(session, units)
    add_web_user(session, "koordinator", Role.COORDINATOR, "test-kom-4601")
    sign_in(client, "koordinator")
    page = client.get(f"/referrals/{referral.id}/assess").text
    assert "Bare behandlere og ledere i mottakende enhet" in page
    token = csrf_from(page)
    response = client.post(f"/referrals/{referral.id}/assess", data={**assessment_form(), "csrf_token": token})
    assert response.status_code == 422
    assert count(session, Assessment) == 0


# Episodes --------------------------------------------------------------------------------------------------


def test_start_and_end_an_episode_through_the_forms(client: TestClient, session: Session, units: Units) -> None:
    referral = referral_to_assessment_unit(session, units, wished_level=CareLevel.OUTPATIENT)
    grant(session, SYSTEM, referral, CareLevel.OUTPATIENT)
    session.commit()
    # the assessment unit's clinician, who also works in the outpatient clinic, starts the treatment there
    add_web_user(session, "behandler", Role.CLINICIAN, "test-vurd", "test-poli")
    sign_in(client, "behandler")
    started = post_form(
        client,
        f"/referrals/{referral.id}/episodes/new",
        {"unit_id": str(units.poli.id), "level": "outpatient", "started_on": "20.03.2025"},
    )
    assert started.status_code == 303, started.text
    episode = session.scalars(select(Episode).where(Episode.referral_id == referral.id)).one()
    assert episode.started_on == date(2025, 3, 20)
    end_page = client.get(f"/episodes/{episode.id}/end").text
    token = csrf_from(end_page)
    refused = client.post(
        f"/episodes/{episode.id}/end",
        data={"csrf_token": token, "version": str(episode.version), "ended_on": "01.04.2025", "end_reason": "other"},
    )
    assert refused.status_code == 422
    assert 'id="f-end_note-error"' in refused.text
    ended = client.post(
        f"/episodes/{episode.id}/end",
        data={
            "csrf_token": token,
            "version": str(episode.version),
            "ended_on": "01.04.2025",
            "end_reason": "planned_completion",
        },
        follow_redirects=False,
    )
    assert ended.status_code == 303, ended.text
    session.refresh(episode)
    assert episode.ended_on == date(2025, 4, 1)
    assert episode.end_reason == EndReason.PLANNED_COMPLETION


def test_stale_episode_form_is_refused(client: TestClient, session: Session, units: Units) -> None:
    referral = referral_to_assessment_unit(session, units, wished_level=CareLevel.OUTPATIENT)
    grant(session, SYSTEM, referral, CareLevel.OUTPATIENT)
    episode = make_episode(session, SYSTEM, referral, units.poli.id, CareLevel.OUTPATIENT)
    session.commit()
    add_web_user(session, "poli", Role.CLINICIAN, "test-poli")
    sign_in(client, "poli")
    response = post_form(
        client,
        f"/episodes/{episode.id}/end",
        {"version": str(episode.version + 5), "ended_on": "01.04.2025", "end_reason": "planned_completion"},
    )
    assert response.status_code == 422
    assert "noen andre endret episoden" in response.text.lower()
    session.refresh(episode)
    assert episode.ended_on is None


def test_referral_from_the_person_page_links_to_that_person(
    assessor: TestClient, session: Session, units: Units
) -> None:
    first = referral_to_assessment_unit(session, units)
    page = assessor.get(f"/persons/{first.person_id}").text
    assert f'href="/referrals/new?person_id={first.person_id}"' in page
    form = assessor.get(f"/referrals/new?person_id={first.person_id}").text
    assert f'name="person_id" value="{first.person_id}"' in form
    data = {
        "person_id": str(first.person_id),
        "receiving_unit_id": str(units.assessment.id),
        "received_on": "10.03.2025",
        "referrer_kind": "specialist",
        "reason": "Ny henvisning etter innleggelse.",
        "substances": ["opioids"],
        "wished_level": "lar",
    }
    response = post_form(assessor, "/referrals/new", data, page=f"/referrals/new?person_id={first.person_id}")
    assert response.status_code == 303, response.text
    second = session.scalars(select(Referral).order_by(Referral.id.desc())).first()
    assert second is not None and second.person_id == first.person_id and second.wished_level == CareLevel.LAR


def test_unknown_number_without_details_asks_for_the_details(
    client: TestClient, session: Session, units: Units
) -> None:
    add_web_user(session, "koordinator", Role.COORDINATOR, "test-kom-4601")
    sign_in(client, "koordinator")
    data = referral_form(units, given_name="", family_name="")
    response = post_form(client, "/referrals/new", data)
    assert response.status_code == 422
    error = re.search(r'id="f-fodselsnummer-error">(.*?)</p>', response.text, re.S)
    assert error and "Ingen er registrert med dette nummeret; fyll inn opplysningene" in error.group(1)


def test_problems_are_in_english_when_english_is_chosen(client: TestClient, session: Session, units: Units) -> None:
    add_web_user(session, "koordinator", Role.COORDINATOR, "test-kom-4601")
    sign_in(client, "koordinator")
    client.get("/lang/en")
    response = post_form(client, "/referrals/new", referral_form(units, municipality_number="9999"))
    assert "There is a problem" in response.text
    assert "Municipality number: No municipality has this number (2024 codes)" in response.text


def test_roles_without_person_access_see_no_worklist_of_persons(
    client: TestClient, session: Session, units: Units
) -> None:
    referral_to_assessment_unit(session, units)
    add_web_user(session, "analytiker", Role.ANALYST)
    sign_in(client, "analytiker")
    page = client.get("/").text
    assert "Rollen din gir ikke tilgang til personopplysninger" in page
    assert "Testesen" not in page
    assert "0 personer funnet" in client.get("/persons/search", params={"q": "Testesen"}).text
