"""Flows 1 and 2: a coordinator registers a referral with the person's wish; the assessment unit assesses it
against that wish, and the pathway shows wished and assigned side by side."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from helhet.assessments.models import Assessment, WishDifferenceReason
from helhet.persons.models import Person
from helhet.reference.units import CareLevel
from helhet.referrals.models import Referral, ReferralStatus
from tests.builders import synthetic_fnr
from tests.e2e.browser import flash, lab, main_text, nb, nbn, shot, sign_in
from tests.e2e.world import KOMMUNE, VURD, World

pytestmark = pytest.mark.browser


def test_coordinator_registers_a_referral_with_the_persons_wish(page: Page, world: World) -> None:
    fnr = synthetic_fnr()
    sign_in(page, world, "koordinator")

    # not registered yet: the search finds nobody
    page.get_by_role("link", name=nb("Find a person"), exact=True).click()
    page.fill("#f-q", fnr)
    page.locator("form[role=search] button[type=submit]").click()
    expect(page.locator("#results-title")).to_have_text(nbn("%(num)d person found", "%(num)d persons found", 0))

    page.get_by_role("link", name=nb("New referral"), exact=True).click()
    page.fill("#f-fodselsnummer", fnr)
    page.locator("details.details summary").click()
    page.fill("#f-given_name", "Ingrid")
    page.fill("#f-family_name", "Solberg")
    page.fill("#f-municipality_number", "4601")
    page.select_option("#f-wished_level", CareLevel.OUTPATIENT.value)
    page.fill("#f-what_matters", "Å få hjelp nær der jeg bor, så jeg kan beholde jobben.")
    page.select_option("#f-receiving_unit_id", str(world.unit_id(VURD)))
    page.check("input[name=referrer_kind][value=municipal_service]")
    page.fill("#f-reason", "Drikker daglig, ønsker hjelp til å slutte. <script>alert(1)</script>")
    page.check("input[name=substances][value=alcohol]")
    page.get_by_role("button", name=nb("Register the referral")).click()

    expect(flash(page)).to_have_text(nb("The referral is registered."))
    expect(page.locator("h1")).to_have_text("Ingrid Solberg")
    table = page.locator("section[aria-labelledby=referrals-title] table")
    expect(table).to_contain_text(world.unit_name(VURD))
    expect(table).to_contain_text(lab(CareLevel.OUTPATIENT))
    voice = page.locator(".timeline .voice")
    expect(voice).to_contain_text("Å få hjelp nær der jeg bor, så jeg kan beholde jobben.")
    expect(page.locator(".timeline")).to_contain_text("<script>alert(1)</script>")  # shown as text, inert

    with world.session() as session:
        person = session.scalar(select(Person).where(Person.fodselsnummer == fnr))
        assert person is not None and page.url.endswith(f"/persons/{person.id}")
        referral = session.scalar(select(Referral).where(Referral.person_id == person.id))
        assert referral is not None
        assert referral.receiving_unit_id == world.unit_id(VURD)
        assert referral.referrer_unit_id == world.unit_id(KOMMUNE)
        assert referral.wished_level == CareLevel.OUTPATIENT
        assert referral.what_matters == "Å få hjelp nær der jeg bor, så jeg kan beholde jobben."
        assert referral.status == ReferralStatus.RECEIVED


def test_clinician_assesses_against_the_wish_and_must_explain_a_difference(page: Page, world: World) -> None:
    seeded = world.referred_person("Jonas", "Berg", wished=CareLevel.INPATIENT_SHORT)
    sign_in(page, world, "behandler", VURD)

    # the worklist lists the referral; its link leads to the assessment form
    row = page.locator("#assessments_due ~ table tr, section[aria-labelledby=assessments_due] tr").filter(
        has_text="Jonas Berg"
    )
    expect(row.first).to_contain_text(lab(CareLevel.INPATIENT_SHORT))
    row.first.get_by_role("link", name=f"{nb('Assess')} Jonas Berg").click()
    assert page.url.endswith(f"/referrals/{seeded.referral_id}/assess")

    # the wish stands beside the level being assigned
    compare = page.locator(".side-by-side")
    expect(compare.locator(".wish")).to_have_text(lab(CareLevel.INPATIENT_SHORT))
    expect(compare.locator("#f-assigned_level")).to_have_value(CareLevel.INPATIENT_SHORT.value)

    page.check("input[name=outcome][value=granted]")
    page.check("input[name=heard_how][value=in_person]")
    page.select_option("#f-condition", "alcohol_dependence")
    page.select_option("#f-assigned_level", CareLevel.OUTPATIENT.value)
    expect(page.locator("#wish-reason")).to_be_visible()  # the script shows the reason once they differ
    shot(page, "assessment-wish-beside-level", at=page.locator("fieldset.panel--voice"))
    page.get_by_role("button", name=nb("Save the assessment")).click()

    # refused: the error stands beside the reason field, and what was typed is kept
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator(".error-summary")).to_be_focused()
    error = page.locator("#f-wish_difference_reason-error")
    expect(error).to_be_visible()
    expect(page.locator("#f-wish_difference_reason")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-assigned_level")).to_have_value(CareLevel.OUTPATIENT.value)
    expect(page.locator("input[name=outcome][value=granted]")).to_be_checked()
    expect(page.locator("input[name=heard_how][value=in_person]")).to_be_checked()
    assert world.assessments(seeded.referral_id) == []

    page.select_option("#f-wish_difference_reason", WishDifferenceReason.CLINICAL_JUDGEMENT.value)
    page.fill("#f-wish_difference_note", "Stabil bolig og jobb; poliklinikk først, døgn om det ikke holder.")
    page.get_by_role("button", name=nb("Save the assessment")).click()

    expect(flash(page)).to_have_text(nb("The assessment is saved."))
    assert page.url.endswith(f"/persons/{seeded.person_id}")
    compare_table = page.locator("table.compare")
    expect(compare_table.locator("td").nth(0)).to_have_text(lab(CareLevel.INPATIENT_SHORT))
    expect(compare_table.locator("td").nth(1)).to_contain_text(lab(CareLevel.OUTPATIENT))
    expect(compare_table).to_contain_text(nb("Differs from the wish"))
    assert "Stabil bolig og jobb" in main_text(page)
    shot(page, "pathway-wished-vs-assigned")

    [assessment] = world.assessments(seeded.referral_id)
    assert isinstance(assessment, Assessment)
    assert assessment.assigned_level == CareLevel.OUTPATIENT
    assert assessment.wish_difference_reason == WishDifferenceReason.CLINICAL_JUDGEMENT
    assert world.referral(seeded.referral_id).status == ReferralStatus.GRANTED
