"""The AUDIT form's live score (our own script, mapping.js) as the clinician answers, and the server's own
score when it is saved."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from helhet.mapping.instruments import get_instrument
from helhet.mapping.models import QuestionnaireResult
from tests.e2e.browser import flash, nb, open_page, shot, sign_in
from tests.e2e.world import DOGN, World

pytestmark = pytest.mark.browser


def test_audit_live_score_then_saved_score(page: Page, world: World) -> None:
    seeded = world.in_treatment("Erik", "Bakken")
    audit = get_instrument("AUDIT")
    sign_in(page, world, "dogn", DOGN)
    open_page(page, world, f"/persons/{seeded.person_id}/mapping/audit")

    output = page.locator("[data-score-text]")
    chosen: dict[int, int] = {}
    for item in audit.items[:-1]:  # all but the last: the score says one is missing
        score = sorted(item.scores)[1]
        page.check(f"input[name=item_{item.number}][value='{score}']")
        chosen[item.number] = score
    expect(output).to_contain_text(nb("1 question is not answered yet."))
    last = audit.items[-1]
    chosen[last.number] = max(last.scores)
    page.check(f"input[name=item_{last.number}][value='{chosen[last.number]}']")
    total = sum(chosen.values())
    expect(output).to_contain_text(nb("Every question is answered."))
    expect(output).to_contain_text(str(total))
    shot(page, "mapping-audit-live-score", at=page.locator("[data-score-output]"))

    page.get_by_role("button", name=nb("Save the %(code)s", code="AUDIT")).click()
    expect(flash(page)).to_be_visible()
    with world.session() as session:
        saved = session.scalar(select(QuestionnaireResult).where(QuestionnaireResult.person_id == seeded.person_id))
        assert saved is not None
        assert saved.total == total
        assert saved.answers == {str(k): v for k, v in sorted(chosen.items())}
    expect(page.locator("main")).to_contain_text(str(total))
