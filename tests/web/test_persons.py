"""The person pages: worklist, search, the pathway (outsiders get 404), and emergency access."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet.audit.models import AuditEvent, EmergencyAccess
from helhet.persons.models import Person
from helhet.reference.units import CareLevel
from helhet.users.actor import SYSTEM
from helhet.users.models import Role
from tests.builders import grant, make_episode, synthetic_fnr
from tests.personas import Units
from tests.web.builders import count, referral_to_assessment_unit
from tests.web.conftest import add_web_user, post_form, sign_in

# Worklist and search ---------------------------------------------------------------------------------------


def test_worklist_shows_referrals_awaiting_assessment_with_overdue_marked(
    assessor: TestClient, session: Session, units: Units
) -> None:
    referral = referral_to_assessment_unit(session, units, person={"given_name": "Oline"})
    page = assessor.get("/").text
    assert "Henvisninger som venter på vurdering" in page
    row = page[page.index("Oline Testesen") :][:800]
    assert "På overtid" in row  # received 03.03.2025: long past due
    assert f'href="/referrals/{referral.id}/assess"' in page
    assert "Personer du følger" in page


def test_search_finds_only_persons_one_may_see(assessor: TestClient, session: Session, units: Units) -> None:
    referral_to_assessment_unit(session, units, person={"family_name": "Synligsen"})
    elsewhere = referral_to_assessment_unit(session, units, person={"family_name": "Usynligsen"})
    elsewhere.receiving_unit_id = units.other.id
    elsewhere.referrer_unit_id = None
    session.commit()
    page = assessor.get("/persons/search", params={"q": "sen"}).text
    assert "Synligsen" in page
    assert "Usynligsen" not in page


def test_search_by_birth_date_in_norwegian_format(assessor: TestClient, session: Session, units: Units) -> None:
    referral_to_assessment_unit(session, units, person={"birth_date": date(1979, 12, 24), "family_name": "Juleaften"})
    page = assessor.get("/persons/search", params={"q": "24.12.1979"}).text
    assert "Juleaften" in page
    assert "24.12.1979" in page


def test_too_short_search_shows_the_problem_beside_the_field(assessor: TestClient) -> None:
    page = assessor.get("/persons/search", params={"q": "k"}).text
    assert 'id="f-q-error"' in page
    assert "Skriv minst to tegn" in page
    assert 'aria-describedby="f-q-hint f-q-error"' in page


# The pathway page ------------------------------------------------------------------------------------------


def test_outsider_gets_not_found_for_the_pathway_page(client: TestClient, session: Session, units: Units) -> None:
    referral = referral_to_assessment_unit(session, units)
    add_web_user(session, "utenfor", Role.CLINICIAN, "test-other")
    sign_in(client, "utenfor")
    outsider = client.get(f"/persons/{referral.person_id}")
    missing = client.get("/persons/987654321")
    assert outsider.status_code == missing.status_code == 404
    assert "Ikke funnet" in outsider.text
    assert "Testesen" not in outsider.text
    assert client.get(f"/referrals/{referral.id}/assess").status_code == 404


def test_pathway_shows_wish_beside_assigned_level_with_the_reason(
    assessor: TestClient, session: Session, units: Units, clinician: object
) -> None:
    referral = referral_to_assessment_unit(session, units, wished_level=CareLevel.INPATIENT_SHORT)
    grant(
        session,
        SYSTEM,
        referral,
        CareLevel.OUTPATIENT,
        wish_difference_reason="level_not_available",
        wish_difference_note="Ingen ledig døgnplass før sommeren.",
    )
    session.commit()
    page = assessor.get(f"/persons/{referral.person_id}").text
    assert "Personens ønske" in page
    compare = page[page.index('class="compare"') :][:900]
    assert compare.index("Døgnbehandling, korttid") < compare.index("Poliklinisk")  # wished first, then assigned
    assert "Avviker fra ønsket" in compare
    assert "Ønsket omsorgsnivå er ikke tilgjengelig" in page
    assert "Ingen ledig døgnplass før sommeren." in page
    assert "Å beholde leiligheten og kontakten med barna." in page  # what matters to me
    assert "03.03.2025" in page
    # one timeline, oldest first: the referral before the assessment
    assert page.index('id="event-referral-') < page.index('id="event-assessment-')


def test_pathway_read_is_logged(assessor: TestClient, session: Session, units: Units) -> None:
    referral = referral_to_assessment_unit(session, units)
    assessor.get(f"/persons/{referral.person_id}")
    logged = session.scalars(
        select(AuditEvent).where(AuditEvent.person_id == referral.person_id, AuditEvent.entity == "pathway")
    ).all()
    assert [e.username for e in logged] == ["vurderer"]


def test_pathway_shows_episodes_and_deadline_facts(client: TestClient, session: Session, units: Units) -> None:
    referral = referral_to_assessment_unit(session, units, wished_level=CareLevel.OUTPATIENT)
    grant(session, SYSTEM, referral, CareLevel.OUTPATIENT)
    make_episode(session, SYSTEM, referral, units.poli.id, CareLevel.OUTPATIENT, started_on=date(2025, 3, 20))
    session.commit()
    add_web_user(session, "poli", Role.CLINICIAN, "test-poli")
    sign_in(client, "poli")
    page = client.get(f"/persons/{referral.person_id}").text
    assert "Behandlingsepisode" in page
    assert "17 dagers ventetid" in page
    assert "Avslutt denne episoden" in page


# Emergency access ------------------------------------------------------------------------------------------


def test_emergency_access_needs_a_reason_and_is_logged(client: TestClient, session: Session, units: Units) -> None:
    referral = referral_to_assessment_unit(session, units)
    person = session.get_one(Person, referral.person_id)
    add_web_user(session, "legevakt", Role.CLINICIAN, "test-other")
    sign_in(client, "legevakt")
    page = client.get("/persons/emergency").text
    assert "logges" in page and "kontrollerer" in page
    short = post_form(client, "/persons/emergency", {"fodselsnummer": person.fodselsnummer, "reason": "akutt"})
    assert short.status_code == 422
    assert 'id="f-reason-error"' in short.text
    assert count(session, EmergencyAccess) == 0
    reason = "Kom bevisstløs inn på legevakten, trenger legemiddelliste."
    granted = post_form(client, "/persons/emergency", {"fodselsnummer": person.fodselsnummer, "reason": reason})
    assert granted.status_code == 303
    assert granted.headers["location"] == f"/persons/{person.id}"
    grants = session.scalars(select(EmergencyAccess)).all()
    assert [(g.person_id, g.reason) for g in grants] == [(person.id, reason)]
    assert client.get(f"/persons/{person.id}").status_code == 200


def test_emergency_access_to_an_unknown_number_gives_a_neutral_answer(
    client: TestClient, session: Session, units: Units
) -> None:
    add_web_user(session, "legevakt", Role.CLINICIAN, "test-other")
    sign_in(client, "legevakt")
    response = post_form(
        client, "/persons/emergency", {"fodselsnummer": synthetic_fnr(), "reason": "Bevisstløs, trenger opplysninger."}
    )
    assert response.status_code == 404
    assert "Ingen journal kunne åpnes for dette nummeret." in response.text
    assert count(session, EmergencyAccess) == 0
