"""Flows 5 and 7: another unit's user sees nothing of the person until a reasoned emergency access; signing out
ends the session; a form with a tampered CSRF token is refused and nothing is saved."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from helhet.audit.models import EmergencyAccess
from helhet.referrals.models import Referral
from helhet.users.models import User
from tests.e2e.browser import flash, main_text, nb, nbn, open_page, sign_in, sign_out
from tests.e2e.world import VURD, World

pytestmark = pytest.mark.browser


def _search(page: Page, query: str) -> None:
    page.fill("#f-q", query)
    page.locator("form[role=search] button[type=submit]").click()


def test_outsider_cannot_open_or_find_the_person(page: Page, world: World) -> None:
    seeded = world.referred_person("Silje", "Haugen")
    sign_in(page, world, "utenfor")

    for path in (f"/persons/{seeded.person_id}", f"/referrals/{seeded.referral_id}/assess"):
        assert open_page(page, world, path) == 404
        expect(page.locator("h1")).to_have_text(nb("Not found"))
        text = main_text(page)
        assert "Haugen" not in text and seeded.fodselsnummer not in text.replace(" ", "")

    open_page(page, world, "/persons/search")
    for query in (seeded.fodselsnummer, "Silje Haugen"):
        _search(page, query)
        expect(page.locator("#results-title")).to_have_text(nbn("%(num)d person found", "%(num)d persons found", 0))
        assert "Haugen" not in main_text(page).replace(query, "")


def test_emergency_access_needs_a_reason_and_says_it_is_logged(page: Page, world: World) -> None:
    seeded = world.referred_person("Amina", "Dahl")
    sign_in(page, world, "utenfor")
    page.get_by_role("link", name=nb("Emergency access"), exact=True).click()

    page.fill("#f-fodselsnummer", seeded.fodselsnummer)
    page.get_by_role("button", name=nb("Open the record with emergency access")).click()
    expect(page.locator("#f-reason-error")).to_be_visible()
    expect(page.locator("#f-reason")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-fodselsnummer")).to_have_value(seeded.fodselsnummer)  # what was typed is kept
    assert "Dahl" not in main_text(page)

    page.fill("#f-reason", "Kom inn bevisstløs på legevakten; trenger opplysninger om medisiner.")
    page.get_by_role("button", name=nb("Open the record with emergency access")).click()

    assert page.url.endswith(f"/persons/{seeded.person_id}")
    expect(page.locator("h1")).to_have_text("Amina Dahl")
    before, _, after = nb(
        "Emergency access granted until %(until)s. Your reason is logged and will be reviewed."
    ).partition("%(until)s")
    expect(flash(page)).to_have_text(re.compile(re.escape(before) + ".+" + re.escape(after)))

    with world.session() as session:
        user = session.scalar(select(User).where(User.username == "utenfor"))
        assert user is not None
        grants = session.scalars(
            select(EmergencyAccess).where(
                EmergencyAccess.user_id == user.id, EmergencyAccess.person_id == seeded.person_id
            )
        ).all()
        assert [g.reason for g in grants] == ["Kom inn bevisstløs på legevakten; trenger opplysninger om medisiner."]


def test_sign_out_ends_the_session(page: Page, world: World) -> None:
    seeded = world.referred_person("Espen", "Moen")
    sign_in(page, world, "koordinator")
    open_page(page, world, f"/persons/{seeded.person_id}")
    expect(page.locator("h1")).to_have_text("Espen Moen")

    sign_out(page)
    expect(flash(page)).to_have_text(nb("You are signed out."))
    page.go_back()  # the pathway is not in the cache (no-store): the server asks for a sign-in
    expect(page.locator("form[action='/login']")).to_be_visible()
    assert "Moen" not in main_text(page)
    open_page(page, world, f"/persons/{seeded.person_id}")
    assert "/login" in page.url
    expect(page.locator("h1")).to_have_text(nb("Sign in"))
    assert "Moen" not in main_text(page)


def test_a_form_with_a_tampered_csrf_token_is_refused(page: Page, world: World) -> None:
    seeded = world.referred_person("Tor", "Strand")
    sign_in(page, world, "koordinator")
    open_page(page, world, f"/referrals/new?person_id={seeded.person_id}")
    page.select_option("#f-receiving_unit_id", str(world.unit_id(VURD)))
    page.check("input[name=referrer_kind][value=municipal_service]")
    page.fill("#f-reason", "Ny henvisning som ikke skal lagres.")
    page.check("input[name=substances][value=alcohol]")
    page.locator("main form input[name=csrf_token]").evaluate("input => { input.value = 'tampered' + input.value }")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name=nb("Register the referral")).click()

    assert posted.value.status == 403
    expect(page.locator("h1")).to_have_text(nb("The form could not be sent"))
    expect(page.locator("main")).to_contain_text(
        nb(
            "The form was out of date or did not come from Helhet, so nothing was saved. "
            "Go back, reload the page and try again."
        )
    )
    with world.session() as session:
        referrals = session.scalars(select(Referral).where(Referral.person_id == seeded.person_id)).all()
        assert [r.id for r in referrals] == [seeded.referral_id]

    # a fresh page's own token still works: the session was not spoiled
    open_page(page, world, f"/persons/{seeded.person_id}")
    expect(page.locator("h1")).to_have_text("Tor Strand")
