"""Every staff page the accessibility test visits: one line each, so a new page is one more line.

``path`` takes ids from ``coordination.full_pathway`` and friends: ``{person}``, ``{episode}``, ``{handover}``,
``{task}``, ``{appointment}``, ``{vedtak}``, ``{relative}``, ``{awaiting}`` (a referral awaiting assessment),
``{granted}`` (a granted referral without an episode), ``{family_name}``, ``{indicator}``. ``user`` signs in
(``None``: nobody), in ``unit`` when the user has several. ``then`` does something on the page first (a refused
submit, so the error summary and field errors are checked too). A page whose route the app does not have yet is
reported as missing instead of checked, so pages are checked from the moment they land.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from playwright.sync_api import Page

from tests.e2e.world import DOGN, VURD


@dataclass(frozen=True)
class Check:
    name: str
    path: str
    user: str | None
    unit: str | None = None
    then: Callable[[Page], None] | None = None
    status: int = 200  # what the page answers (an error page is checked too)
    shot: str | None = None  # saved as docs/screenshots/<shot>.png (in bokmål)
    shot_media: str = "screen"  # "print": the screenshot shows the page as printed


def submit_empty(page: Page) -> None:
    """Send the main form as it is; the page comes back with its problems beside the fields."""
    page.locator("main form[method=post] button[type=submit]").last.click()
    page.wait_for_load_state()


def cleared(selector: str) -> Callable[[Page], None]:
    """Empty one field, then send the form: refused, with the other typed values kept (and nothing saved)."""

    def then(page: Page) -> None:
        page.fill(selector, "")
        submit_empty(page)

    return then


def assign_other_level(page: Page) -> None:
    page.check("input[name=outcome][value=granted]")
    page.select_option("#f-assigned_level", "detox")
    submit_empty(page)


PAGES: tuple[Check, ...] = (
    # sign-in and the core pages
    Check("sign-in", "/login", None),
    Check("worklist (coordinator)", "/", "koordinator", shot="worklist"),
    Check("worklist (clinician, assessment unit)", "/", "behandler", VURD),
    Check("worklist (inpatient clinician)", "/", "dogn", DOGN),
    Check("worklist (unit leader)", "/", "leder"),
    Check("choose unit", "/unit", "behandler", VURD),
    Check("search with results", "/persons/search?q={family_name}", "koordinator"),
    Check("search with an error", "/persons/search?q=" + "x" * 101, "koordinator"),
    Check("emergency access", "/persons/emergency", "utenfor"),
    Check("emergency access refused", "/persons/emergency", "utenfor", then=submit_empty),
    Check("not found (outsider)", "/persons/{person}", "utenfor", status=404),
    Check("pathway", "/persons/{person}", "koordinator"),
    Check("register a referral", "/referrals/new", "koordinator"),
    Check("register a referral refused", "/referrals/new", "koordinator", then=submit_empty),
    Check("register a referral for a known person", "/referrals/new?person_id={person}", "koordinator"),
    Check("assessment form", "/referrals/{awaiting}/assess", "behandler", VURD),
    Check("assessment form refused", "/referrals/{awaiting}/assess", "behandler", VURD, then=assign_other_level),
    Check("start an episode", "/referrals/{granted}/episodes/new", "behandler", VURD),
    Check("end an episode", "/episodes/{episode}/end", "dogn", DOGN),
    # handovers and discharge
    Check("new handover", "/persons/{person}/handovers/new?episode_id={episode}", "dogn", DOGN),
    Check("handover (sender)", "/handovers/{handover}", "dogn", DOGN),
    Check("handover (receiver)", "/handovers/{handover}", "koordinator", shot="handover"),
    Check("discharge", "/episodes/{episode}/discharge", "dogn", DOGN),
    Check("name the receiver", "/handovers/{handover}/receiver", "koordinator"),
    Check("name the receiver refused", "/handovers/{handover}/receiver", "koordinator", then=submit_empty),
    # tasks
    Check("new task", "/persons/{person}/tasks/new", "koordinator"),
    Check("task", "/tasks/{task}", "koordinator"),
    # care team and plan
    Check("care team", "/persons/{person}/care-team", "koordinator"),
    Check("care plan", "/persons/{person}/care-plan", "koordinator"),
    # crisis plan
    Check("crisis plan", "/persons/{person}/crisis-plan", "dogn", DOGN),
    Check("crisis plan edit", "/persons/{person}/crisis-plan/edit", "dogn", DOGN),
    Check(
        "crisis plan print",
        "/persons/{person}/crisis-plan/print",
        "dogn",
        DOGN,
        shot="crisis-plan-print",
        shot_media="print",
    ),
    # mapping
    Check("mapping", "/persons/{person}/mapping", "dogn", DOGN),
    Check("AUDIT form", "/persons/{person}/mapping/audit", "dogn", DOGN),
    Check("DUDIT form", "/persons/{person}/mapping/dudit", "dogn", DOGN),
    Check("mental health screening", "/persons/{person}/mapping/screening", "dogn", DOGN),
    Check("somatic check", "/persons/{person}/mapping/somatic", "dogn", DOGN),
    Check("situation", "/persons/{person}/mapping/situation", "dogn", DOGN),
    Check("minor children", "/persons/{person}/mapping/children", "dogn", DOGN),
    # vedtak
    Check("vedtak of the person", "/persons/{person}/vedtak", "koordinator"),
    Check("new vedtak", "/persons/{person}/vedtak/new", "koordinator"),
    Check("vedtak", "/vedtak/{vedtak}", "koordinator"),
    Check("change a vedtak", "/vedtak/{vedtak}/edit", "koordinator"),
    Check("end a vedtak", "/vedtak/{vedtak}/end", "koordinator"),
    Check("end a vedtak refused", "/vedtak/{vedtak}/end", "koordinator", then=cleared("#f-end_on")),
    Check("withdraw a vedtak", "/vedtak/{vedtak}/withdraw", "koordinator"),
    Check("withdraw a vedtak refused", "/vedtak/{vedtak}/withdraw", "koordinator", then=submit_empty),
    # relatives
    Check("relatives", "/persons/{person}/relatives", "koordinator"),
    Check("new relative", "/persons/{person}/relatives/new", "koordinator"),
    Check("relative", "/relatives/{relative}", "koordinator"),
    Check("change a relative", "/relatives/{relative}/edit", "koordinator"),
    Check("change a relative refused", "/relatives/{relative}/edit", "koordinator", then=cleared("#f-given_name")),
    # appointments
    Check("new appointment", "/persons/{person}/appointments/new", "dogn", DOGN),
    Check("appointment", "/appointments/{appointment}", "dogn", DOGN),
    Check("move an appointment", "/appointments/{appointment}/edit", "dogn", DOGN),
    Check(
        "move an appointment refused", "/appointments/{appointment}/edit", "dogn", DOGN, then=cleared("#f-starts_on")
    ),
    # atlas (aggregates only)
    Check("atlas", "/atlas", "leder"),
    Check("atlas indicator", "/atlas/{indicator}", "leder", shot="atlas-indicator"),
)
