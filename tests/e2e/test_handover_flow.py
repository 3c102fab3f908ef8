"""Flow 3: the inpatient unit sends a discharge handover; until the kommune accepts it the sender is shown as
responsible; the kommune finds it on its worklist and accepts; responsibility moves."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from helhet import clock
from helhet.i18n import format_date
from helhet.transitions.models import Handover, HandoverKind, HandoverStatus
from helhet.users.models import User
from tests.e2e.browser import flash, nb, open_page, shot, sign_in, sign_out
from tests.e2e.world import DOGN, KOMMUNE, World

pytestmark = pytest.mark.browser


def test_discharge_handover_is_accepted_and_responsibility_moves(page: Page, world: World) -> None:
    seeded = world.in_treatment("Nora", "Strand")
    sender, receiver = world.unit_name(DOGN), world.unit_name(KOMMUNE)
    planned = clock.today() + timedelta(days=5)

    sign_in(page, world, "dogn", DOGN)
    open_page(page, world, f"/persons/{seeded.person_id}/handovers/new?episode_id={seeded.episode_id}")
    page.check(f"input[name=kind][value={HandoverKind.DISCHARGE.value}]")
    page.select_option("#f-from_unit_id", str(world.unit_id(DOGN)))
    page.select_option("#f-to_unit_id", str(world.unit_id(KOMMUNE)))
    page.fill("#f-planned_on", format_date(planned))
    page.select_option("#f-episode_id", str(seeded.episode_id))
    page.fill("#f-note", "Reiser hjem til egen leilighet. Trenger besøk første uke.")
    page.check("input[name=checklist][value=discharge_summary_sent]")
    page.get_by_role("button", name=nb("Send the handover")).click()

    expect(flash(page)).to_have_text(nb("The handover is sent. Your unit is responsible until it is accepted."))
    responsible = page.locator("section[aria-labelledby=responsible-title]")
    expect(responsible).to_contain_text(
        nb(
            "%(unit)s, the sending unit, is responsible for the person until %(receiver)s accepts the handover.",
            unit=sender,
            receiver=receiver,
        )
    )
    with world.session() as session:
        handover = session.scalar(select(Handover).where(Handover.person_id == seeded.person_id))
        assert handover is not None
        assert page.url.endswith(f"/handovers/{handover.id}")
        assert (handover.status, handover.from_unit_id, handover.to_unit_id) == (
            HandoverStatus.PENDING,
            world.unit_id(DOGN),
            world.unit_id(KOMMUNE),
        )
        assert handover.planned_on == planned and handover.episode_id == seeded.episode_id
        handover_id = handover.id
    # the sender cannot accept its own handover: no accept button for it
    expect(page.get_by_role("button", name=nb("Accept the handover"))).to_have_count(0)
    open_page(page, world, f"/persons/{seeded.person_id}")
    now = page.locator(".responsibility")
    expect(now).to_contain_text(sender)
    expect(now).to_contain_text(nb("until the handover to %(unit)s is accepted", unit=receiver))
    sign_out(page)

    sign_in(page, world, "koordinator")
    incoming = page.locator("section[aria-labelledby=incoming_handovers] tr").filter(has_text="Nora Strand")
    expect(incoming).to_contain_text(sender)
    incoming.get_by_role("link", name=nb("Go to handover"), exact=False).click()
    assert page.url.endswith(f"/handovers/{handover_id}")
    expect(page.locator("section[aria-labelledby=responsible-title]")).to_contain_text(sender)
    page.fill("#f-accept_note", "Tatt imot; hjemmebesøk avtalt.")
    page.get_by_role("button", name=nb("Accept the handover")).click()

    expect(flash(page)).to_have_text(nb("The handover is accepted. Your unit is now responsible."))
    accepted = nb("%(unit)s, the receiving unit, is responsible for the person. It accepted the handover %(when)s.")
    expect(page.locator("section[aria-labelledby=responsible-title]")).to_contain_text(
        accepted.partition("%(when)s")[0] % {"unit": receiver}
    )
    shot(page, "handover-accepted")
    open_page(page, world, f"/persons/{seeded.person_id}")
    expect(page.locator(".responsibility")).to_contain_text(receiver)
    expect(page.locator(".responsibility")).to_contain_text(nb("by an accepted handover"))
    with world.session() as session:
        handover = session.get(Handover, handover_id)
        coordinator = session.scalar(select(User).where(User.username == "koordinator"))
        assert handover is not None and coordinator is not None
        assert handover.status == HandoverStatus.ACCEPTED
        assert handover.decided_by == coordinator.id
