"""The handover and discharge pages: the sender keeps responsibility until the receiver accepts; decisions,
the checklist and discharges go through the services, and outsiders get 404 everywhere."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.audit.models import AuditEvent
from helhet.pathways.models import Episode
from helhet.persons.models import Person
from helhet.relatives.models import ConsentScope
from helhet.transitions import service as handovers
from helhet.transitions.models import (
    ChecklistItem,
    Discharge,
    Handover,
    HandoverChecklistItem,
    HandoverStatus,
)
from helhet.transitions.schemas import ChecklistTick, HandoverAccept
from helhet.users import service as users
from helhet.users.actor import Actor
from helhet.users.models import Role, User
from tests.careplans.builders import TODAY
from tests.crisis_plans.builders import give_consent, make_appointment, make_relative
from tests.personas import Units
from tests.transitions.builders import inpatient_person, make_handover
from tests.web.builders import count
from tests.web.conftest import add_web_user, post_form, sign_in


@pytest.fixture(autouse=True)
def today() -> Iterator[date]:
    with clock.freeze(datetime(TODAY.year, TODAY.month, TODAY.day, 10, 0, tzinfo=UTC)):
        yield TODAY


@dataclass
class World:
    person: Person
    episode: Episode
    sender: User  # clinician of the inpatient unit, where the person's episode is
    receiver: User  # coordinator of the kommune, on the person's care team
    outsider: User  # clinician of a unit of another trust

    def actor(self, user: User) -> Actor:
        return users.actor_for(user)


@pytest.fixture
def world(session: Session, units: Units) -> World:
    person, episode = inpatient_person(session, units)
    session.commit()
    return World(
        person=person,
        episode=episode,
        sender=add_web_user(session, "dogn", Role.CLINICIAN, "test-dogn"),
        receiver=add_web_user(session, "koord", Role.COORDINATOR, "test-kom-4601"),
        outsider=add_web_user(session, "fremmed", Role.CLINICIAN, "test-other"),
    )


def pending_handover(session: Session, world: World, units: Units, **changes: object) -> Handover:
    handover = make_handover(
        session, world.actor(world.sender), world.person, units.inpatient, units.kommune, **changes
    )
    session.commit()
    return handover


def handover_form(units: Units, world: World, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "discharge",
        "from_unit_id": units.inpatient.id,
        "to_unit_id": units.kommune.id,
        "planned_on": "24.04.2025",
        "episode_id": world.episode.id,
        "note": "Trenger oppfølging første uke.",
        "checklist": ["discharge_summary_sent", "housing_arranged"],
    }
    data.update(changes)
    return data


def fresh(session: Session, handover: Handover) -> Handover:
    session.expire_all()
    return session.get_one(Handover, handover.id)


# Create ----------------------------------------------------------------------------------------------------


def test_sender_creates_a_handover_and_keeps_responsibility(
    client: TestClient, session: Session, units: Units, world: World
) -> None:
    sign_in(client, "dogn")
    path = f"/persons/{world.person.id}/handovers/new"
    page = client.get(path, params={"episode_id": world.episode.id})
    assert page.status_code == 200
    assert "Psykisk helse og rus, Bergen (test)" in page.text  # the kommune on the care team can receive
    assert "Poliklinikk rus, annet HF (test)" not in page.text  # a unit with no relation to the person is not offered
    before = count(session, Handover)
    response = post_form(client, path, handover_form(units, world))
    assert response.status_code == 303, response.text
    assert count(session, Handover) == before + 1
    handover = session.scalars(select(Handover).order_by(Handover.id.desc())).first()
    assert handover is not None
    assert (handover.status, handover.from_unit_id, handover.to_unit_id) == (
        HandoverStatus.PENDING,
        units.inpatient.id,
        units.kommune.id,
    )
    assert handover.planned_on == date(2025, 4, 24) and handover.episode_id == world.episode.id
    done = set(
        session.scalars(
            select(HandoverChecklistItem.item).where(
                HandoverChecklistItem.handover_id == handover.id, HandoverChecklistItem.done.is_(True)
            )
        )
    )
    assert done == {ChecklistItem.DISCHARGE_SUMMARY_SENT, ChecklistItem.HOUSING_ARRANGED}
    assert handovers.responsible_unit(handover) == units.inpatient.id
    assert response.headers["location"] == f"/handovers/{handover.id}"
    detail = client.get(response.headers["location"]).text
    assert "Døgnavdeling rus (test), sendende enhet, har ansvaret for personen" in detail
    assert "2 av 7 gjort." in detail


def test_refused_handover_keeps_what_was_typed_and_saves_nothing(
    client: TestClient, session: Session, units: Units, world: World
) -> None:
    sign_in(client, "dogn")
    before = (count(session, Handover), count(session, HandoverChecklistItem))
    path = f"/persons/{world.person.id}/handovers/new"
    data = handover_form(units, world, planned_on="31.02.2025", checklist=["relatives_informed"])
    response = post_form(client, path, data)
    assert response.status_code == 422
    assert 'id="f-planned_on-error"' in response.text
    assert "Trenger oppfølging første uke." in response.text  # the note typed is kept
    assert (count(session, Handover), count(session, HandoverChecklistItem)) == before
    # with a good date, telling relatives without consent is refused beside the checklist: still nothing saved
    response = post_form(client, path, handover_form(units, world, checklist=["relatives_informed"]))
    assert response.status_code == 422
    assert 'id="f-checklist-error"' in response.text
    assert "samtykke" in response.text
    assert (count(session, Handover), count(session, HandoverChecklistItem)) == before


def test_a_handover_to_the_same_unit_or_with_another_persons_episode_is_refused_beside_the_field(
    client: TestClient, session: Session, units: Units, world: World
) -> None:
    _, their_episode = inpatient_person(session, units)
    session.commit()
    sign_in(client, "dogn")
    before = (count(session, Handover), count(session, HandoverChecklistItem))
    path = f"/persons/{world.person.id}/handovers/new"
    same = post_form(client, path, handover_form(units, world, to_unit_id=units.inpatient.id))
    assert same.status_code == 422 and 'id="f-to_unit_id-error"' in same.text
    assert "Trenger oppfølging første uke." in same.text
    theirs = post_form(client, path, handover_form(units, world, episode_id=their_episode.id))
    assert theirs.status_code == 422 and 'id="f-episode_id-error"' in theirs.text
    assert f'<option value="{their_episode.id}" selected>{their_episode.id} (avvist)</option>' in theirs.text
    assert (count(session, Handover), count(session, HandoverChecklistItem)) == before
    forged = post_form(client, path, handover_form(units, world, checklist=["housing_arranged", "<i>alt</i>"]))
    assert forged.status_code == 422 and 'id="f-checklist-error"' in forged.text
    assert 'value="housing_arranged" checked>' in forged.text  # the known item as ticked
    assert 'value="&lt;i&gt;alt&lt;/i&gt;" checked>' in forged.text and "&lt;i&gt;alt&lt;/i&gt; (avvist)" in forged.text
    assert (count(session, Handover), count(session, HandoverChecklistItem)) == before


def test_script_in_the_note_renders_inert(client: TestClient, session: Session, units: Units, world: World) -> None:
    handover = pending_handover(session, world, units, note="<script>alert('x')</script> Ring meg")
    sign_in(client, "koord")
    page = client.get(f"/handovers/{handover.id}").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Ring meg" in page


# Decide ----------------------------------------------------------------------------------------------------


def test_receiving_unit_accepts_and_responsibility_moves(
    client: TestClient, session: Session, units: Units, world: World
) -> None:
    handover = pending_handover(session, world, units)
    sign_in(client, "koord")
    path = f"/handovers/{handover.id}"
    page = client.get(path).text
    assert "Godta overleveringen" in page and "Avlys overleveringen" not in page  # the receiver's forms only
    response = post_form(client, f"{path}/accept", {"version": handover.version, "accept_note": "Vi tar over."}, path)
    assert response.status_code == 303, response.text
    handover = fresh(session, handover)
    assert handover.status == HandoverStatus.ACCEPTED
    assert handover.decided_by == world.receiver.id and handover.decision_reason == "Vi tar over."
    assert handovers.responsible_unit(handover) == units.kommune.id
    page = client.get(path).text
    assert "Psykisk helse og rus, Bergen (test), mottakende enhet, har ansvaret for personen" in page
    assert "Godta overleveringen" not in page  # decided: no forms any more


def test_decline_without_a_reason_is_refused_beside_the_field(
    client: TestClient, session: Session, units: Units, world: World
) -> None:
    handover = pending_handover(session, world, units)
    sign_in(client, "koord")
    path = f"/handovers/{handover.id}"
    response = post_form(client, f"{path}/decline", {"version": handover.version, "decline_reason": "   "}, path)
    assert response.status_code == 422
    assert 'id="f-decline_reason-error"' in response.text
    handover = fresh(session, handover)
    assert (handover.status, handover.decided_at) == (HandoverStatus.PENDING, None)
    response = post_form(
        client, f"{path}/decline", {"version": handover.version, "decline_reason": "Ingen ledig plass."}, path
    )
    assert response.status_code == 303
    handover = fresh(session, handover)
    assert (handover.status, handover.decision_reason) == (HandoverStatus.DECLINED, "Ingen ledig plass.")
    assert handovers.responsible_unit(handover) == units.inpatient.id
    assert "fortsatt ansvaret" in client.get(path).text


def test_sender_cannot_accept_its_own_handover_but_can_cancel_it(
    client: TestClient, session: Session, units: Units, world: World
) -> None:
    handover = pending_handover(session, world, units)
    sign_in(client, "dogn")
    path = f"/handovers/{handover.id}"
    page = client.get(path).text
    assert "Godta overleveringen" not in page and "Avlys overleveringen" in page
    response = post_form(client, f"{path}/accept", {"version": handover.version}, path)
    assert response.status_code == 422
    assert "mottakende enhet" in response.text
    assert fresh(session, handover).status == HandoverStatus.PENDING
    response = post_form(client, f"{path}/cancel", {"version": handover.version, "cancel_reason": ""}, path)
    assert response.status_code == 422 and 'id="f-cancel_reason-error"' in response.text
    assert fresh(session, handover).status == HandoverStatus.PENDING
    data = {"version": handover.version, "cancel_reason": "Utskrivningen er utsatt."}
    assert post_form(client, f"{path}/cancel", data, path).status_code == 303
    assert fresh(session, handover).status == HandoverStatus.CANCELLED


def test_stale_version_is_refused_with_a_clear_message(
    client: TestClient, session: Session, units: Units, world: World
) -> None:
    handover = pending_handover(session, world, units)
    read_at = handover.version
    # the sender ticks an item meanwhile: the handover's version moves
    tick = ChecklistTick(version=read_at)
    handovers.tick_checklist_item(
        session, world.actor(world.sender), handover.id, ChecklistItem.DISCHARGE_SUMMARY_SENT, tick
    )
    session.commit()
    sign_in(client, "koord")
    path = f"/handovers/{handover.id}"
    response = post_form(client, f"{path}/accept", {"version": read_at}, path)
    assert response.status_code == 422
    assert "Noen andre endret overleveringen" in response.text
    assert fresh(session, handover).status == HandoverStatus.PENDING


def test_tampered_csrf_token_is_refused(client: TestClient, session: Session, units: Units, world: World) -> None:
    handover = pending_handover(session, world, units)
    sign_in(client, "koord")
    client.get(f"/handovers/{handover.id}")
    response = client.post(
        f"/handovers/{handover.id}/accept",
        data={"version": handover.version, "csrf_token": "forfalsket"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert fresh(session, handover).status == HandoverStatus.PENDING


def test_outsider_gets_not_found_on_every_page_and_post(
    client: TestClient, session: Session, units: Units, world: World
) -> None:
    handover = pending_handover(session, world, units)
    sign_in(client, "fremmed")
    pages = [
        f"/handovers/{handover.id}",
        f"/persons/{world.person.id}/handovers/new",
        f"/episodes/{world.episode.id}/discharge",
    ]
    for path in pages:
        assert client.get(path).status_code == 404, path
    posts = {
        f"/handovers/{handover.id}/accept": {"version": handover.version},
        f"/handovers/{handover.id}/decline": {"version": handover.version, "decline_reason": "Nei"},
        f"/handovers/{handover.id}/cancel": {"version": handover.version, "cancel_reason": "Nei"},
        f"/handovers/{handover.id}/checklist": {"version": handover.version, "item": "housing_arranged"},
        f"/persons/{world.person.id}/handovers/new": handover_form(units, world, from_unit_id=units.other.id),
        f"/episodes/{world.episode.id}/discharge": {
            "version": world.episode.version,
            "ended_on": "10.04.2025",
            "end_reason": "planned_completion",
            "handover_id": "none",
            "reason_without_handover": "Nei",
        },
    }
    before = count(session, Handover)
    for path, data in posts.items():
        assert post_form(client, path, data, page="/").status_code == 404, path
    handover = fresh(session, handover)
    assert (handover.status, count(session, Handover)) == (HandoverStatus.PENDING, before)
    assert session.get_one(Episode, world.episode.id).ended_on is None


# Checklist -------------------------------------------------------------------------------------------------


def test_ticking_the_checklist_on_the_page(client: TestClient, session: Session, units: Units, world: World) -> None:
    handover = pending_handover(session, world, units)
    sign_in(client, "koord")
    path = f"/handovers/{handover.id}"
    data = {"version": handover.version, "item": "income_arranged", "done": "true"}
    assert post_form(client, f"{path}/checklist", data, path).status_code == 303
    row = session.scalars(
        select(HandoverChecklistItem).where(
            HandoverChecklistItem.handover_id == handover.id,
            HandoverChecklistItem.item == ChecklistItem.INCOME_ARRANGED,
        )
    ).one()
    session.refresh(row)
    assert (row.done, row.done_on, row.done_by) == (True, TODAY, world.receiver.id)
    # relatives without consent: refused beside the item, nothing changes
    handover = fresh(session, handover)
    data = {"version": handover.version, "item": "relatives_informed", "done": "true"}
    response = post_form(client, f"{path}/checklist", data, path)
    assert response.status_code == 422
    assert 'id="f-relative_id-error"' in response.text
    assert fresh(session, handover).version == handover.version


# Discharge -------------------------------------------------------------------------------------------------


def test_discharge_without_an_accepted_handover_needs_a_reason_and_is_flagged(
    client: TestClient, session: Session, units: Units, world: World
) -> None:
    sign_in(client, "dogn")
    path = f"/episodes/{world.episode.id}/discharge"
    page = client.get(path).text
    assert "flagget" in page
    data = {
        "version": world.episode.version,
        "ended_on": "10.04.2025",
        "end_reason": "planned_completion",
        "handover_id": "none",
    }
    response = post_form(client, path, data)
    assert response.status_code == 422
    assert 'id="f-reason_without_handover-error"' in response.text
    assert session.get_one(Episode, world.episode.id).ended_on is None
    assert count(session, Discharge) == 0
    data["reason_without_handover"] = "Personen skrev seg ut selv."
    response = post_form(client, path, data)
    assert response.status_code == 303, response.text
    session.expire_all()
    record = session.scalars(select(Discharge).where(Discharge.episode_id == world.episode.id)).one()
    assert record.without_accepted_handover and record.reason_without_handover == "Personen skrev seg ut selv."
    assert session.get_one(Episode, world.episode.id).ended_on == TODAY
    page = client.get(path).text
    assert "Flagget: skrevet ut uten godtatt overlevering" in page
    assert "17.04.2025" in page  # the 7-day follow-up window is still open


def test_discharge_with_the_accepted_handover_is_not_flagged(
    client: TestClient, session: Session, units: Units, world: World
) -> None:
    handover = pending_handover(session, world, units, episode_id=world.episode.id)
    handovers.accept_handover(session, world.actor(world.receiver), handover.id, HandoverAccept())
    session.commit()
    sign_in(client, "dogn")
    path = f"/episodes/{world.episode.id}/discharge"
    page = client.get(path).text
    assert f'value="{handover.id}" checked' in page  # the accepted handover is chosen
    data = {
        "version": world.episode.version,
        "ended_on": "10.04.2025",
        "end_reason": "planned_completion",
        "handover_id": handover.id,
    }
    assert post_form(client, path, data).status_code == 303
    session.expire_all()
    record = session.scalars(select(Discharge).where(Discharge.episode_id == world.episode.id)).one()
    assert (record.handover_id, record.without_accepted_handover) == (handover.id, False)


def test_opening_a_handover_is_logged(client: TestClient, session: Session, units: Units, world: World) -> None:
    handover = pending_handover(session, world, units)
    sign_in(client, "koord")
    reads = select(AuditEvent).where(
        AuditEvent.action == "read", AuditEvent.entity == "handover", AuditEvent.entity_id == str(handover.id)
    )
    before = len(session.scalars(reads).all())
    assert client.get(f"/handovers/{handover.id}").status_code == 200
    session.expire_all()
    logged = session.scalars(reads).all()
    assert len(logged) > before and logged[-1].user_id == world.receiver.id


def test_crisis_plan_item_needs_a_shared_plan_and_relatives_need_consent(
    client: TestClient, session: Session, units: Units, world: World
) -> None:
    handover = pending_handover(session, world, units)
    sign_in(client, "dogn")
    path = f"/handovers/{handover.id}"
    data = {"version": handover.version, "item": "crisis_plan_shared", "done": "true"}
    response = post_form(client, f"{path}/checklist", data, path)
    assert response.status_code == 422
    assert 'id="f-item-error"' in response.text and "personen har ingen kriseplan" in response.text.lower()
    # a relative with consent to take part in meetings may be told, and is named on the item
    relative = make_relative(session, world.person)
    give_consent(session, relative, ConsentScope.MEETINGS)
    session.commit()
    page = client.get(path).text
    assert f'<option value="{relative.id}">Ola Testesen</option>' in page
    data = {"version": fresh(session, handover).version, "item": "relatives_informed", "relative_id": relative.id}
    assert post_form(client, f"{path}/checklist", data, path).status_code == 303
    row = session.scalars(
        select(HandoverChecklistItem).where(
            HandoverChecklistItem.handover_id == handover.id,
            HandoverChecklistItem.item == ChecklistItem.RELATIVES_INFORMED,
        )
    ).one()
    session.refresh(row)
    assert (row.done, row.relative_id) == (True, relative.id)


def test_another_persons_relative_or_appointment_is_refused_on_the_checklist(
    client: TestClient, session: Session, units: Units, world: World
) -> None:
    handover = pending_handover(session, world, units)
    other, _ = inpatient_person(session, units)
    stranger = make_relative(session, other, given_name="Sigrid", family_name="Annensen")
    give_consent(session, stranger, ConsentScope.FULL)
    their_appointment = make_appointment(session, other, units.kommune, date(2025, 4, 14))
    session.commit()
    sign_in(client, "dogn")
    path = f"/handovers/{handover.id}"
    for item, field, value, why in (
        ("relatives_informed", "relative_id", stranger.id, "Ikke registrert som pårørende til denne personen"),
        ("followup_booked", "appointment_id", their_appointment.id, "Ikke en time for denne personen"),
    ):
        data = {"version": handover.version, "item": item, "done": "true", field: value}
        refused = post_form(client, f"{path}/checklist", data, path)
        assert refused.status_code == 422 and why in refused.text, item
        assert f'id="f-{field}-error"' in refused.text, item  # beside its field, also when the list is empty
        assert f'<option value="{value}" selected>{value} (avvist)</option>' in refused.text  # the id, not whose
        assert "Sigrid" not in refused.text and "Annensen" not in refused.text
    ticked = session.scalars(
        select(HandoverChecklistItem).where(
            HandoverChecklistItem.handover_id == handover.id, HandoverChecklistItem.done.is_(True)
        )
    ).all()
    assert ticked == []


def test_discharge_page_shows_follow_up_within_7_days(
    client: TestClient, session: Session, units: Units, world: World
) -> None:
    sign_in(client, "dogn")
    path = f"/episodes/{world.episode.id}/discharge"
    data = {
        "version": world.episode.version,
        "ended_on": "07.04.2025",
        "end_reason": "planned_completion",
        "handover_id": "none",
        "reason_without_handover": "Kommunen var ikke klar.",
    }
    assert post_form(client, path, data).status_code == 303
    make_appointment(session, world.person, units.kommune, date(2025, 4, 9))
    session.commit()
    page = client.get(path).text
    assert "Fulgt opp innen 7 dager" in page and "09.04.2025" in page


# The named receiver ----------------------------------------------------------------------------------------


def test_sender_names_the_receiver_and_the_handover_page_shows_who(
    client: TestClient, session: Session, units: Units, world: World
) -> None:
    handover = pending_handover(session, world, units)
    sign_in(client, "dogn")
    page = client.get(f"/handovers/{handover.id}").text
    path = f"/handovers/{handover.id}/receiver"
    assert "Ikke navngitt ennå" in page and f'href="{path}"' in page
    shown = client.get(path)
    assert shown.status_code == 200 and "Koord" in shown.text

    refused = post_form(client, path, {"receiver_user_id": str(world.sender.id), "version": handover.version})
    assert refused.status_code == 422
    assert 'id="f-receiver_user_id-error"' in refused.text and "Mottakeren må være medarbeider" in refused.text
    assert fresh(session, handover).receiver_user_id is None

    named = post_form(client, path, {"receiver_user_id": str(world.receiver.id), "version": handover.version})
    assert named.status_code == 303, named.text
    assert named.headers["location"] == f"/handovers/{handover.id}"
    handover = fresh(session, handover)
    assert handover.receiver_user_id == world.receiver.id
    page = client.get(f"/handovers/{handover.id}").text
    assert "Koord" in page and "Ikke navngitt ennå" not in page
    stale = post_form(client, path, {"receiver_user_id": str(world.receiver.id), "version": handover.version - 1})
    assert stale.status_code == 422 and "Noen andre endret overleveringen" in stale.text


def test_a_refused_receiver_stays_chosen_on_the_failed_form(
    client: TestClient, session: Session, units: Units, world: World
) -> None:
    handover = pending_handover(session, world, units)
    sign_in(client, "dogn")
    path = f"/handovers/{handover.id}/receiver"
    not_member = post_form(client, path, {"receiver_user_id": str(world.sender.id), "version": handover.version})
    assert not_member.status_code == 422 and "Mottakeren må være medarbeider" in not_member.text
    assert f'<option value="{world.sender.id}" selected>Dogn (avvist)</option>' in not_member.text
    assert f'<option value="{world.receiver.id}">Koord</option>' in not_member.text  # the real choices stay
    stranger = post_form(client, path, {"receiver_user_id": str(world.outsider.id), "version": handover.version})
    assert f'<option value="{world.outsider.id}" selected>{world.outsider.id} (avvist)</option>' in stranger.text
    assert "Fremmed" not in stranger.text  # a user of neither unit is not named
    forged = post_form(client, path, {"receiver_user_id": "<script>x</script>", "version": handover.version})
    assert forged.status_code == 422 and "<script>x" not in forged.text
    assert "&lt;script&gt;x&lt;/script&gt; (avvist)</option>" in forged.text
    assert fresh(session, handover).receiver_user_id is None
    assert "(avvist)" not in client.get(path).text


def test_after_acceptance_only_the_receiving_unit_changes_the_receiver(
    client: TestClient, session: Session, units: Units, world: World
) -> None:
    handover = pending_handover(session, world, units)
    handovers.accept_handover(
        session, world.actor(world.receiver), handover.id, HandoverAccept(version=handover.version)
    )
    session.commit()
    sign_in(client, "dogn")
    path = f"/handovers/{handover.id}/receiver"
    assert f'href="{path}"' not in client.get(f"/handovers/{handover.id}").text
    refused = post_form(client, path, {"receiver_user_id": str(world.receiver.id), "version": handover.version})
    assert refused.status_code == 422 and "Bare sendende og mottakende enhet" in refused.text
    sign_in(client, "koord")
    assert f'href="{path}"' in client.get(f"/handovers/{handover.id}").text


def test_outsider_gets_not_found_and_a_forged_form_is_refused_on_the_receiver_page(
    client: TestClient, session: Session, units: Units, world: World
) -> None:
    handover = pending_handover(session, world, units)
    path = f"/handovers/{handover.id}/receiver"
    sign_in(client, "dogn")
    forged = client.post(path, data={"receiver_user_id": str(world.receiver.id), "version": handover.version})
    assert forged.status_code == 403
    sign_in(client, "fremmed")
    assert client.get(path).status_code == 404
    response = post_form(client, path, {"receiver_user_id": str(world.outsider.id), "version": "1"}, page="/")
    assert response.status_code == 404
    assert fresh(session, handover).receiver_user_id is None
