"""WCAG 2.1 AA: axe-core over every staff page in ``pages.PAGES``, in bokmål and then in English.

Fails with every serious or critical violation per page (rule, impact, selectors, help), and with the house
rules whatever axe calls their impact: one h1, headings in order, one main landmark. Lesser findings are
printed (``pytest -s``) without failing. Screenshots of the main pages are saved on the bokmål pass.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from itertools import groupby
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page
from starlette.routing import Match

from helhet import web
from helhet.analytics.indicators import CATALOGUE
from helhet.app import create_app
from helhet.i18n import Language
from tests.e2e.browser import shot, sign_in, sign_out
from tests.e2e.coordination import awaiting, full_pathway, granted_without_episode
from tests.e2e.pages import PAGES, Check
from tests.e2e.world import World

pytestmark = pytest.mark.browser

FAILING_IMPACTS = {"serious", "critical"}
HOUSE_RULES = {"page-has-heading-one", "heading-order", "landmark-one-main", "landmark-no-duplicate-main"}
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
}
# The English pass checks the same pages with the same styles: only the words differ, so colour contrast
# (axe's slowest rule, the same colours in both languages) is checked in bokmål only.
SAME_IN_BOTH_LANGUAGES = {"color-contrast": {"enabled": False}}
NODES_SHOWN = 6
_axe = Axe()


@pytest.fixture(scope="module")
def ids(world: World, atlas_store: object) -> dict[str, Any]:
    found: dict[str, Any] = dict(full_pathway(world, "Ola", "Nordmann"))
    found["awaiting"] = awaiting(world).referral_id
    found["granted"] = granted_without_episode(world).referral_id
    found["family_name"] = "Nordmann"
    found["indicator"] = CATALOGUE[0].code
    return found


@pytest.fixture(scope="module")
def has_route() -> Iterator[Any]:
    """Whether the app (as it is in this working tree) has a GET route for a path."""
    app = create_app()
    web.install(app)

    def check(path: str) -> bool:
        scope = {"type": "http", "path": path.split("?")[0], "method": "GET"}
        return any(route.matches(scope)[0] == Match.FULL for route in app.routes)

    yield check


def describe(violation: dict[str, Any]) -> str:
    nodes = violation.get("nodes", [])
    targets = [" ".join(str(t) for t in node.get("target", [])) for node in nodes[:NODES_SHOWN]]
    more = f" (+{len(nodes) - NODES_SHOWN} more)" if len(nodes) > NODES_SHOWN else ""
    return (
        f"{violation['id']} [{violation.get('impact')}]: {violation.get('help')} ({violation.get('helpUrl')})\n"
        f"      at: {'; '.join(targets)}{more}"
    )


def house_checks(page: Page, lang: Language) -> list[str]:
    """What axe does not decide for us: exactly one h1, and the page's language is the one chosen."""
    problems = []
    h1s = page.locator("h1").count()
    if h1s != 1:
        problems.append(f"one-h1 [house rule]: the page has {h1s} h1 elements")
    html_lang = page.locator("html").get_attribute("lang")
    if html_lang != lang:
        problems.append(f"html-lang [house rule]: <html lang={html_lang!r}>, expected {lang!r}")
    return problems


def audit_page(page: Page, lang: Language) -> tuple[list[str], list[str]]:
    """(failing, lesser) findings on the page as it is now."""
    options = AXE_OPTIONS if lang == "nb" else {**AXE_OPTIONS, "rules": SAME_IN_BOTH_LANGUAGES}
    results = _axe.run(page, options=options)
    failing, lesser = house_checks(page, lang), list[str]()
    for violation in results.response.get("violations", []):
        serious = violation.get("impact") in FAILING_IMPACTS or violation["id"] in HOUSE_RULES
        (failing if serious else lesser).append(describe(violation))
    return failing, lesser


def by_user(pages: tuple[Check, ...]) -> list[Check]:
    """The pages grouped by who signs in (in order of first appearance), so each user signs in once."""
    first: dict[tuple[str | None, str | None], int] = {}
    for index, check in enumerate(pages):
        first.setdefault((check.user, check.unit), index)
    return sorted(pages, key=lambda c: first[(c.user, c.unit)])


def visit(page: Page, world: World, check: Check, ids: dict[str, Any]) -> str | None:
    """Open the page (and do its step); a problem with getting there, or None."""
    response = page.goto(world.server.url + check.path.format(**ids))
    assert response is not None
    if response.status != check.status:
        return f"answered {response.status}, expected {check.status}"
    if check.then is not None:
        check.then(page)
    return None


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_page_passes_axe(
    browser: Browser, world: World, ids: dict[str, Any], has_route: Any, lang: Language
) -> None:
    context = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    failures: dict[str, list[str]] = {}
    notes: dict[str, list[str]] = {}
    missing: list[str] = []
    checked = 0
    timings: dict[str, float] = {}
    if lang == "en":  # switch once: the choice outlives signing in and out
        page.goto(f"{world.server.url}/login")
        page.get_by_role("link", name="English").click()
    try:
        for (user, unit), group in groupby(by_user(PAGES), key=lambda c: (c.user, c.unit)):
            if user is not None:
                sign_in(page, world, user, unit)
            for check in group:
                path = check.path.format(**ids)
                if not has_route(path):
                    missing.append(f"{check.name} ({check.path})")
                    continue
                label = f"{check.name} {path}"
                trouble = visit(page, world, check, ids)
                if trouble is not None:
                    failures[label] = [trouble]
                    continue
                started = time.monotonic()
                failing, lesser = audit_page(page, lang)
                timings[label] = time.monotonic() - started
                checked += 1
                if failing:
                    failures[label] = failing
                if lesser:
                    notes[label] = lesser
                if check.shot and lang == "nb":
                    page.emulate_media(media=check.shot_media)  # type: ignore[arg-type]
                    shot(page, check.shot)
                    page.emulate_media(media="screen")
            if user is not None:
                sign_out(page)
    finally:
        context.close()

    slowest = ", ".join(f"{k} {v:.1f}s" for k, v in sorted(timings.items(), key=lambda kv: -kv[1])[:5])
    print(f"\naxe ({lang}): {checked} pages checked; not built yet: {', '.join(missing) or 'none'}; slowest: {slowest}")
    for label, found in notes.items():
        print(f"  moderate/minor on {label}:\n    " + "\n    ".join(found))
    report = "\n".join(f"- {label}\n    " + "\n    ".join(found) for label, found in failures.items())
    assert not failures, f"accessibility problems ({lang}), serious/critical or house rules:\n{report}"
    assert checked >= 15, f"only {checked} pages could be checked"


def test_the_check_fails_on_an_inaccessible_page(page: Page) -> None:
    """The checker itself: an unlabelled input, an empty link, two h1s and the wrong language are all caught."""
    page.set_content(
        '<!doctype html><html lang="en"><head><title>Broken</title></head><body><main>'
        '<h1>One</h1><h1>Two</h1><input type="text" id="nameless"><a href="/somewhere"></a>'
        "</main></body></html>"
    )
    failing, _ = audit_page(page, "nb")
    found = "\n".join(failing)
    for rule in ("one-h1", "html-lang", "label [critical]", "link-name [serious]"):
        assert rule in found, f"{rule} not reported:\n{found}"
    assert "#nameless" in found  # the selector is named
