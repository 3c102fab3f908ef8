"""The number a relative is given: changed on the relative's edit page; a bad one is refused beside its field
with what was typed kept, and nothing is saved until it is right."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from helhet.persons.models import Person
from helhet.relatives.models import RelativeContact
from tests.e2e.browser import nb, open_page, sign_in
from tests.e2e.world import DOGN, World
from tests.relatives.builders import make_relative

pytestmark = pytest.mark.browser


def test_the_number_the_relative_is_given_is_changed_on_the_edit_page(page: Page, world: World) -> None:
    seeded = world.in_treatment("Amina", "Haugen")
    with world.session() as session:
        person = session.get_one(Person, seeded.person_id)
        actor = world.actor(session, "dogn", DOGN)
        relative_id = make_relative(session, actor, person, given_name="Liv", family_name="Haugen").id

    sign_in(page, world, "dogn", DOGN)
    open_page(page, world, f"/relatives/{relative_id}/edit")
    page.fill("#f-contact_phone", "ring meg")
    page.get_by_role("button", name=nb("Save the details")).click()
    expect(page.locator("#f-contact_phone-error")).to_be_visible()
    expect(page.locator("#f-contact_phone")).to_have_value("ring meg")
    with world.session() as session:
        assert session.get_one(RelativeContact, relative_id).phone is None  # the unit's contact, no number yet

    page.fill("#f-contact_phone", "+47 55 00 11 22")
    page.get_by_role("button", name=nb("Save the details")).click()
    page.wait_for_url(f"**/relatives/{relative_id}")
    expect(page.locator("main")).to_contain_text("+47 55 00 11 22")
    with world.session() as session:
        assert session.get_one(RelativeContact, relative_id).phone == "+47 55 00 11 22"
