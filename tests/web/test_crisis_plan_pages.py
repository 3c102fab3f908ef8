"""The crisis-plan pages: the plan with whether it is required and why, a new version (pre-filled, version + 1,
the old kept), contacts only among consenting relatives, sharing, the printable page, and outsiders kept out."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.assessments.models import RiskLevel
from helhet.crisis_plans.models import CrisisPlan, CrisisPlanContact, CrisisPlanSharing
from helhet.persons.models import Person
from helhet.referrals.models import Referral
from helhet.relatives.models import ConsentScope
from helhet.users import service as users
from helhet.users.actor import SYSTEM
from helhet.users.models import Role
from tests.builders import grant
from tests.crisis_plans.builders import give_consent, make_crisis_plan, make_relative
from tests.personas import Units
from tests.web.builders import count, referral_to_assessment_unit
from tests.web.conftest import add_web_user, csrf_from, post_form, sign_in


def plan_form(**changes: str) -> dict[str, str]:
    data = {
        "warning_signs": "Sover dårlig\nTrekker meg unna",
        "what_helps": "Gå tur med hunden\nRinge søsteren min",
        "what_to_avoid": "Være alene i helgene",
        "overdose_risk": "high",
        "overdose_factors": "lowered_tolerance_after_prison",
        "made_on": clock.today().strftime("%d.%m.%Y"),
    }
    data.update(changes)
    return data


def person_with_referral(session: Session, units: Units) -> Referral:
    return referral_to_assessment_unit(session, units)


def person_of(session: Session, referral: Referral) -> Person:
    return session.get_one(Person, referral.person_id)


def edit_path(referral: Referral) -> str:
    return f"/persons/{referral.person_id}/crisis-plan/edit"


def versions(session: Session, person_id: int) -> list[CrisisPlan]:
    session.expire_all()
    stmt = select(CrisisPlan).where(CrisisPlan.person_id == person_id).order_by(CrisisPlan.version_no)
    return list(session.scalars(stmt))


def test_first_plan_then_a_new_version_prefilled_and_the_old_kept(
    assessor: TestClient, session: Session, units: Units
) -> None:
    referral = person_with_referral(session, units)
    response = post_form(assessor, edit_path(referral), plan_form())
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/persons/{referral.person_id}/crisis-plan"
    [first] = versions(session, referral.person_id)
    assert (first.version_no, first.warning_signs) == (1, ["Sover dårlig", "Trekker meg unna"])
    assert first.overdose_factors == ["lowered_tolerance_after_prison"]

    page = assessor.get(edit_path(referral)).text  # pre-filled from version 1, made against it
    assert 'name="version" value="1"' in page
    assert "Gå tur med hunden\nRinge søsteren min</textarea>" in page
    assert 'value="lowered_tolerance_after_prison" checked' in page
    response = post_form(assessor, edit_path(referral), plan_form(what_helps="Musikk", version="1"))
    assert response.status_code == 303, response.text
    old, new = versions(session, referral.person_id)
    assert (old.version_no, old.what_helps) == (1, ["Gå tur med hunden", "Ringe søsteren min"])
    assert (new.version_no, new.what_helps) == (2, ["Musikk"])

    shown = assessor.get(response.headers["location"]).text
    assert "Versjon 2 av kriseplanen er lagret." in shown
    assert "Gjeldende versjon: 2" in shown and "Musikk" in shown
    assert "Senket toleranse etter soning" in shown
    earlier = assessor.get(f"/persons/{referral.person_id}/crisis-plan", params={"version": 1}).text
    assert "Tidligere versjon: 1" in earlier and "Ringe søsteren min" in earlier


def test_stale_version_is_refused_with_a_clear_message(assessor: TestClient, session: Session, units: Units) -> None:
    referral = person_with_referral(session, units)
    clinician = add_web_user(session, "kollega", Role.CLINICIAN, "test-vurd")
    actor = users.actor_for(clinician)
    person = person_of(session, referral)
    make_crisis_plan(session, actor, person)
    make_crisis_plan(session, actor, person, version=1)  # someone saved version 2 meanwhile
    session.commit()
    response = post_form(assessor, edit_path(referral), plan_form(version="1"))
    assert response.status_code == 422
    assert "Noen andre lagret kriseplanen mens du arbeidet" in response.text
    assert "Sover dårlig" in response.text  # what was typed is kept
    assert len(versions(session, referral.person_id)) == 2


def test_required_plan_shows_why(assessor: TestClient, session: Session, units: Units) -> None:
    referral = person_with_referral(session, units)
    grant(session, SYSTEM, referral, overdose_risk=RiskLevel.HIGH)
    session.commit()
    page = assessor.get(f"/persons/{referral.person_id}/crisis-plan").text
    assert "Kriseplan kreves nå, fordi:" in page
    assert "overdoserisiko høy i vurderingen" in page
    assert "Ingen gjeldende kriseplan" in page


def test_only_relatives_with_consent_in_force_are_offered_as_contacts(
    assessor: TestClient, session: Session, units: Units
) -> None:
    referral = person_with_referral(session, units)
    person = person_of(session, referral)
    consenting = make_relative(session, person, given_name="Kari")
    give_consent(session, consenting, ConsentScope.MEETINGS)
    no_consent = make_relative(session, person, given_name="Per")
    general_only = make_relative(session, person, given_name="Liv")
    give_consent(session, general_only, ConsentScope.GENERAL)
    withdrawn_today = make_relative(session, person, given_name="Siri")
    consent = give_consent(session, withdrawn_today, ConsentScope.FULL)
    consent.withdrawn_at = clock.now()  # withdrawn today: no longer in force today
    session.commit()
    page = assessor.get(edit_path(referral)).text
    assert f'<option value="{consenting.id}">Kari Testesen' in page
    for relative in (no_consent, general_only, withdrawn_today):
        assert f'<option value="{relative.id}">{relative.given_name}' not in page
        assert f"{relative.given_name} Testesen (" not in page
    # posting the withdrawn relative anyway is refused beside the row, and nothing is saved
    data = plan_form(contact_0_kind="relative", contact_0_relative_id=str(withdrawn_today.id))
    response = post_form(assessor, edit_path(referral), data)
    assert response.status_code == 422
    assert 'id="f-contact_0_relative_id-error"' in response.text
    assert versions(session, referral.person_id) == []
    ok = plan_form(
        contact_0_kind="relative", contact_0_relative_id=str(consenting.id), contact_0_role_note="Ring først"
    )
    assert post_form(assessor, edit_path(referral), ok).status_code == 303
    [plan] = versions(session, referral.person_id)
    [contact] = session.scalars(select(CrisisPlanContact).where(CrisisPlanContact.crisis_plan_id == plan.id))
    assert (contact.relative_id, contact.role_note) == (consenting.id, "Ring først")


def test_script_in_what_helps_is_inert(assessor: TestClient, session: Session, units: Units) -> None:
    referral = person_with_referral(session, units)
    data = plan_form(what_helps="<script>alert(1)</script>")
    assert post_form(assessor, edit_path(referral), data).status_code == 303
    for path in ("", "/print"):
        page = assessor.get(f"/persons/{referral.person_id}/crisis-plan{path}").text
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_oversize_text_is_refused_beside_the_field(assessor: TestClient, session: Session, units: Units) -> None:
    referral = person_with_referral(session, units)
    response = post_form(assessor, edit_path(referral), plan_form(what_to_avoid="x" * 501, overdose_note="y" * 2001))
    assert response.status_code == 422
    assert 'id="f-what_to_avoid-error"' in response.text
    assert 'id="f-overdose_note-error"' in response.text
    assert "Bruk høyst 500 tegn" in response.text
    assert versions(session, referral.person_id) == []


def test_sharing_is_recorded_for_the_current_version(assessor: TestClient, session: Session, units: Units) -> None:
    referral = person_with_referral(session, units)
    post_form(assessor, edit_path(referral), plan_form())
    path = f"/persons/{referral.person_id}/crisis-plan"
    assert "Ikke delt ennå" in assessor.get(path).text
    missing_how = post_form(assessor, f"{path}/share", {"version": "1"}, page=path)
    assert missing_how.status_code == 422 and 'id="f-how-error"' in missing_how.text
    response = post_form(assessor, f"{path}/share", {"version": "1", "how": "paper"}, page=path)
    assert response.status_code == 303, response.text
    assert count(session, CrisisPlanSharing) == 1
    assert "På papir" in assessor.get(path).text


def test_printable_page_has_the_plan_and_only_contacts_with_consent(
    assessor: TestClient, session: Session, units: Units
) -> None:
    referral = person_with_referral(session, units)
    sister = make_relative(session, person_of(session, referral), given_name="Kari", phone="+47 911 11 111")
    consent = give_consent(session, sister, ConsentScope.MEETINGS)
    session.commit()
    data = plan_form(contact_0_kind="relative", contact_0_relative_id=str(sister.id))
    data.update(contact_1_kind="professional", contact_1_name="Legevakten", contact_1_phone="116 117")
    assert post_form(assessor, edit_path(referral), data).status_code == 303
    page = assessor.get(f"/persons/{referral.person_id}/crisis-plan/print").text
    assert "Min kriseplan" in page and "+47 911 11 111" in page and "Legevakten" in page
    consent.withdrawn_at = clock.now() - timedelta(minutes=5)
    session.commit()
    page = assessor.get(f"/persons/{referral.person_id}/crisis-plan/print").text
    assert "+47 911 11 111" not in page and "Legevakten" in page


def test_outsider_gets_not_found_on_every_crisis_plan_page(client: TestClient, session: Session, units: Units) -> None:
    referral = person_with_referral(session, units)
    add_web_user(session, "utenfor", Role.CLINICIAN, "test-other")
    insider = add_web_user(session, "innenfor", Role.CLINICIAN, "test-vurd")
    make_crisis_plan(session, users.actor_for(insider), person_of(session, referral))
    session.commit()
    sign_in(client, "utenfor")
    base = f"/persons/{referral.person_id}/crisis-plan"
    for path in (base, f"{base}?version=1", f"{base}/edit", f"{base}/print"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Testesen" not in response.text
    token = csrf_from(client.get("/").text)
    for path, data in ((f"{base}/edit", plan_form(version="1")), (f"{base}/share", {"version": "1", "how": "paper"})):
        assert client.post(path, data={**data, "csrf_token": token}).status_code == 404, path
    assert len(versions(session, referral.person_id)) == 1
    assert count(session, CrisisPlanSharing) == 0


def test_post_without_csrf_token_is_refused(assessor: TestClient, session: Session, units: Units) -> None:
    referral = person_with_referral(session, units)
    assert assessor.post(edit_path(referral), data=plan_form()).status_code == 403
    assert versions(session, referral.person_id) == []


def test_no_plan_yet_says_so_and_has_nothing_to_print(assessor: TestClient, session: Session, units: Units) -> None:
    referral = person_with_referral(session, units)
    page = assessor.get(f"/persons/{referral.person_id}/crisis-plan").text
    assert "Det er ikke laget noen kriseplan for denne personen." in page
    assert f'href="/persons/{referral.person_id}/crisis-plan/edit">Lag en kriseplan' in page
    assert assessor.get(f"/persons/{referral.person_id}/crisis-plan/print").status_code == 404
    assert assessor.get(f"/persons/{referral.person_id}/crisis-plan", params={"version": 3}).status_code == 404
