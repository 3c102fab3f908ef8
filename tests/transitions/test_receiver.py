"""Naming the receiver of a handover (ROP-13): a user of the receiving unit, by either unit while it is pending,
by the receiving unit after acceptance; version-checked, logged, and refused for outsiders."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet.audit import log as audit
from helhet.audit.models import AuditEvent
from helhet.errors import Conflict, Forbidden, Invalid, NotFound
from helhet.transitions import service as handovers
from helhet.transitions.schemas import HandoverAccept, HandoverDecline, ReceiverName
from helhet.users.actor import Actor
from helhet.users.models import Role
from tests.personas import Units, _actor
from tests.transitions.builders import inpatient_person, make_handover
from tests.transitions.test_api import auth, client  # noqa: F401 (the API client fixture)


@pytest.fixture
def colleague(session: Session, units: Units) -> Actor:
    """A second user of the receiving unit (the kommune)."""
    return _actor(session, "colleague", Role.COORDINATOR, "test-kom-4601")


def name(session: Session, actor: Actor, handover_id: int, user_id: int, version: int | None) -> object:
    return handovers.name_receiver(session, actor, handover_id, ReceiverName(receiver_user_id=user_id, version=version))


def test_sender_names_the_receiver_and_the_receiving_unit_changes_it_after_acceptance(
    session: Session, units: Units, inpatient_clinician: Actor, coordinator: Actor, colleague: Actor
) -> None:
    person, _ = inpatient_person(session, units)
    handover = make_handover(session, inpatient_clinician, person, units.inpatient, units.kommune)
    assert handover.receiver_user_id is None

    name(session, inpatient_clinician, handover.id, coordinator.user_id, handover.version)
    assert handover.receiver_user_id == coordinator.user_id
    handovers.accept_handover(session, colleague, handover.id, HandoverAccept(version=handover.version))
    assert handover.receiver_user_id == coordinator.user_id  # the named receiver stays when a colleague accepts

    with pytest.raises(Forbidden):  # accepted: the receiving unit decides who receives
        name(session, inpatient_clinician, handover.id, colleague.user_id, handover.version)
    name(session, coordinator, handover.id, colleague.user_id, handover.version)
    assert handover.receiver_user_id == colleague.user_id
    audit.flush_pending(session)
    named = AuditEvent.action == "handover.receiver_named"
    events = session.scalars(select(AuditEvent).where(named, AuditEvent.entity_id == str(handover.id))).all()
    assert [e.detail["receiver_user_id"] for e in events] == [coordinator.user_id, colleague.user_id]


def test_receiver_must_be_a_member_of_the_receiving_unit_and_not_the_same_again(
    session: Session, units: Units, inpatient_clinician: Actor, coordinator: Actor
) -> None:
    person, _ = inpatient_person(session, units)
    handover = make_handover(session, inpatient_clinician, person, units.inpatient, units.kommune)
    with pytest.raises(Invalid) as raised:
        name(session, inpatient_clinician, handover.id, inpatient_clinician.user_id, handover.version)
    assert (raised.value.field, raised.value.value) == ("receiver_user_id", inpatient_clinician.user_id)
    assert raised.value.reason == "the receiver must be a member of the receiving unit"
    name(session, inpatient_clinician, handover.id, coordinator.user_id, handover.version)
    with pytest.raises(Invalid, match="already the receiver"):
        name(session, inpatient_clinician, handover.id, coordinator.user_id, handover.version)


def test_stale_version_closed_handover_and_outsider_are_refused(
    session: Session, units: Units, inpatient_clinician: Actor, coordinator: Actor, outsider: Actor
) -> None:
    person, _ = inpatient_person(session, units)
    handover = make_handover(session, inpatient_clinician, person, units.inpatient, units.kommune)
    with pytest.raises(NotFound):
        name(session, outsider, handover.id, coordinator.user_id, handover.version)
    with pytest.raises(Conflict, match="someone else"):
        name(session, inpatient_clinician, handover.id, coordinator.user_id, handover.version - 1)
    handovers.cancel_handover(
        session, inpatient_clinician, handover.id, HandoverDecline(reason="Feil mottaker", version=handover.version)
    )
    with pytest.raises(Conflict, match="cancelled"):
        name(session, inpatient_clinician, handover.id, coordinator.user_id, handover.version)
    assert handover.receiver_user_id is None


def test_receiver_is_named_over_the_api_with_if_match(
    client: TestClient,  # noqa: F811
    session: Session,
    units: Units,
    inpatient_clinician: Actor,
    coordinator: Actor,
) -> None:
    person, _ = inpatient_person(session, units)
    handover = make_handover(session, inpatient_clinician, person, units.inpatient, units.kommune)
    session.commit()
    headers = auth(session, inpatient_clinician)
    path, body = f"/api/v1/handovers/{handover.id}/receiver", {"receiver_user_id": coordinator.user_id}

    missing = client.put(path, json=body, headers=headers)
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "version"
    refused = client.put(path, json={"receiver_user_id": 0}, headers={**headers, "If-Match": f'"{handover.version}"'})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "receiver_user_id"
    named = client.put(path, json=body, headers={**headers, "If-Match": f'"{handover.version}"'})
    assert named.status_code == 200, named.text
    assert named.json()["receiver_user_id"] == coordinator.user_id
    stale = client.put(path, json=body, headers={**headers, "If-Match": f'"{handover.version - 1}"'})
    assert stale.status_code in (409, 412)
