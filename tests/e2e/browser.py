"""What a user does in the browser, in a few words each: sign in, open a page, save a screenshot.

Expected words come from the same catalogs the server uses (``nb``/``lab``), so a test reads the bokmål the
user sees without copying translations into the tests.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, expect

from helhet.i18n import Language, gettext, ngettext
from helhet.web.labels import label
from tests.e2e.world import World

PASSWORD = "e2e-passord-123"
#: every run saves its screenshots under build/ (ignored by git); HELHET_SCREENSHOTS_DIR=docs/screenshots renews
#: the ones the README shows, so an ordinary test run leaves the working tree clean
SCREENSHOTS = Path(
    os.environ.get("HELHET_SCREENSHOTS_DIR") or Path(__file__).resolve().parents[2] / "build" / "screenshots"
)


def nb(message: str, lang: Language = "nb", **values: Any) -> str:
    """The words the page shows for an English source string (with ``%(name)s`` values filled in)."""
    text = gettext(lang, message)
    return text % values if values else text


def nbn(singular: str, plural: str, num: int, lang: Language = "nb") -> str:
    """A plural string (``ngettext``) with ``%(num)d`` filled in."""
    return ngettext(lang, singular, plural, num) % {"num": num}


def lab(code: object, lang: Language = "nb") -> str:
    """The word a page shows for a coded value (``|label``)."""
    return label(lang, code)


def sign_in(page: Page, world: World, username: str, unit_code: str | None = None) -> None:
    """Sign in through the form; a user of several units chooses ``unit_code`` (or the first) next."""
    page.goto(f"{world.server.url}/login")
    page.fill("#f-username", username)
    page.fill("#f-password", PASSWORD)
    page.locator("form[action='/login'] button[type=submit]").click()
    if page.url.split("?")[0].endswith("/unit"):
        radios = page.locator("input[name=unit_id]")
        chosen = page.locator(f"input[name=unit_id][value='{world.unit_id(unit_code)}']") if unit_code else radios.first
        chosen.check()
        page.locator("main form[action='/unit'] button[type=submit]").click()
    expect(page.locator("form.sign-out")).to_be_visible()


def sign_out(page: Page) -> None:
    page.locator("form.sign-out button").click()
    expect(page.locator("form[action='/login']")).to_be_visible()


def open_page(page: Page, world: World, path: str) -> int:
    """Go to ``path`` and return the HTTP status of the page the browser ends on."""
    response = page.goto(f"{world.server.url}{path}")
    assert response is not None
    return response.status


def shot(page: Page, name: str, at: Locator | None = None) -> Path:
    """The viewport (1280x900) as docs/screenshots/<name>.png: small, and what a user sees first, or the part
    around ``at`` (scrolled to the middle of the view)."""
    if at is None:
        page.evaluate("window.scrollTo(0, 0)")
    else:
        at.evaluate("element => element.scrollIntoView({block: 'center'})")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), animations="disabled", caret="hide")
    return path


def flash(page: Page) -> Locator:
    """The confirmation shown after a form is saved (one per page, from the redirect that ended the form)."""
    return page.locator("main > .notice[role=status]")


def main_text(page: Page) -> str:
    return page.locator("main").inner_text()
