"""Flow 6: keyboard only. Signing in and registering a referral with Tab, Shift+Tab, Enter, Space and the arrow
keys (``page.keyboard``, never a click or a fill), and every stop shows where the focus is."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from helhet.persons.models import Person
from helhet.reference.units import CareLevel
from helhet.referrals.models import Referral
from tests.builders import synthetic_fnr
from tests.e2e.browser import PASSWORD, flash, nb
from tests.e2e.world import VURD, World

pytestmark = pytest.mark.browser
MAX_STOPS = 80

# the focused element and whether its focus can be seen: an outline or a box shadow that is really drawn
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {selector: "body", visible: false};
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow !== "none";
  const id = el.id ? "#" + el.id : "";
  const name = el.getAttribute("name") ? `[name=${el.getAttribute("name")}]` : "";
  const value = el.type === "radio" || el.type === "checkbox" ? `[value=${el.value}]` : "";
  return {selector: el.tagName.toLowerCase() + id + name + value, visible: outline || shadow,
          text: (el.innerText || el.value || "").trim().slice(0, 60)};
}"""


def focused(page: Page) -> dict[str, object]:
    state: dict[str, object] = page.evaluate(FOCUSED)
    return state


def tab_to(page: Page, css: str, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the element matching ``css`` has the focus; each stop must show its focus."""
    target = page.locator(css)
    for _ in range(MAX_STOPS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        state = focused(page)
        assert state["visible"], f"no visible focus on {state['selector']} ({state.get('text')!r})"
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{css} not reached with the keyboard in {MAX_STOPS} stops")


def choose(page: Page, css: str, value: str) -> None:
    """On a focused <select>, move with the arrow keys until ``value`` is chosen (no list is opened)."""
    tab_to(page, css)
    select = page.locator(css)
    for _ in range(60):
        if select.input_value() == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{value} not reachable in {css} with the arrow keys")


def test_sign_in_and_register_a_referral_with_the_keyboard_alone(page: Page, world: World) -> None:
    fnr = synthetic_fnr()
    page.goto(f"{world.server.url}/login")

    # the first Tab lands on the skip link, which is visible when focused
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    assert focused(page)["visible"]
    tab_to(page, "#f-username")
    page.keyboard.type("koordinator")
    tab_to(page, "#f-password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("form.sign-out")).to_be_visible()

    tab_to(page, f"nav a:text-is('{nb('New referral')}')")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(nb("Register a referral"))

    tab_to(page, "#f-fodselsnummer")
    page.keyboard.type(fnr)
    tab_to(page, "details.details summary")
    page.keyboard.press("Enter")  # opens the person's details
    tab_to(page, "#f-given_name")
    page.keyboard.type("Hanne")
    tab_to(page, "#f-family_name")
    page.keyboard.type("Lie")
    tab_to(page, "#f-municipality_number")
    page.keyboard.type("4601")
    tab_to(page, "#f-given_name", backwards=True)  # Shift+Tab back to correct a typo
    page.keyboard.press("End")
    page.keyboard.type("-Marie")
    choose(page, "#f-wished_level", CareLevel.DETOX.value)
    tab_to(page, "#f-what_matters")
    page.keyboard.type("At barna mine får se meg frisk.")
    choose(page, "#f-receiving_unit_id", str(world.unit_id(VURD)))
    tab_to(page, "#f-referrer_kind")  # the first radio of the group
    for _ in range(10):
        if page.locator("input[name=referrer_kind][value=municipal_service]").is_checked():
            break
        page.keyboard.press("ArrowDown")
    tab_to(page, "#f-reason")
    page.keyboard.type("Ønsker avrusning før videre behandling.")
    tab_to(page, "input[name=substances][value=alcohol]")
    page.keyboard.press("Space")
    tab_to(page, f"button:text-is('{nb('Register the referral')}')")
    page.keyboard.press("Enter")

    expect(flash(page)).to_have_text(nb("The referral is registered."))
    expect(page.locator("h1")).to_have_text("Hanne-Marie Lie")
    with world.session() as session:
        person = session.scalar(select(Person).where(Person.fodselsnummer == fnr))
        assert person is not None and person.given_name == "Hanne-Marie"
        referral = session.scalar(select(Referral).where(Referral.person_id == person.id))
        assert referral is not None
        assert referral.receiving_unit_id == world.unit_id(VURD)
        assert referral.wished_level == CareLevel.DETOX
        assert referral.what_matters == "At barna mine får se meg frisk."
        assert [str(s) for s in referral.substances] == ["alcohol"]
