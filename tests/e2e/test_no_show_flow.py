"""Flow 4: a no-show recorded on an appointment creates the outreach task, which its owner sees on the worklist
and on the task page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from helhet.appointments.models import Appointment, Attendance
from helhet.tasks.models import Task, TaskKind
from tests.e2e.browser import nb, open_page, shot, sign_in
from tests.e2e.world import DOGN, World

pytestmark = pytest.mark.browser


def test_no_show_creates_the_outreach_task_for_the_owner(page: Page, world: World) -> None:
    seeded = world.in_treatment("Piotr", "Nilsen")
    appointment_id = world.appointment_started_an_hour_ago(seeded.person_id, "dogn", DOGN)

    sign_in(page, world, "dogn", DOGN)
    open_page(page, world, f"/appointments/{appointment_id}")
    page.check(f"input[name=attendance][value={Attendance.NO_SHOW.value}]")
    page.get_by_role("button", name=nb("Record attendance")).click()

    notice = page.locator("#outreach-task")
    expect(notice).to_contain_text(nb("The person did not attend."))
    with world.session() as session:
        appointment = session.get(Appointment, appointment_id)
        assert appointment is not None and appointment.attendance == Attendance.NO_SHOW
        task = session.scalar(select(Task).where(Task.person_id == seeded.person_id, Task.kind == TaskKind.OUTREACH))
        assert task is not None
        assert appointment.outreach_task_id == task.id
        assert task.owner_user_id == world.actor(session, "dogn").user_id
        assert task.source_id == appointment_id
        task_id, title = task.id, task.title

    # the owner's worklist lists the task, and the no-show awaiting outreach
    open_page(page, world, "/")
    mine = page.locator("section[aria-labelledby=my_tasks] tr").filter(has_text="Piotr Nilsen")
    expect(mine.get_by_role("link", name=title)).to_be_visible()
    expect(page.locator("section[aria-labelledby=no_shows] tr").filter(has_text="Piotr Nilsen")).to_have_count(1)
    shot(page, "worklist-no-show", at=page.locator("#my_tasks"))

    mine.get_by_role("link", name=title).click()
    assert page.url.endswith(f"/tasks/{task_id}")
    expect(page.locator("main")).to_contain_text(title)
    expect(page.locator("main")).to_contain_text("Piotr Nilsen")
