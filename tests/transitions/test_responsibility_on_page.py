"""The pathway page decides responsibility from the rows it already read: the same answer as
``responsibility_now`` (pending, cancelled, accepted handovers; the open episode without one)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from helhet.pathways import views
from helhet.transitions import service as handovers
from helhet.transitions.schemas import HandoverAccept, HandoverDecline, Responsibility
from helhet.users.actor import Actor
from tests.personas import Units
from tests.transitions.builders import inpatient_person, make_handover


def on_page(session: Session, actor: Actor, person_id: int) -> Responsibility:
    page = views.pathway_page(session, actor, person_id)
    assert page.coordination is not None
    return page.coordination.responsibility


def test_page_responsibility_is_responsibility_now_through_a_handovers_life(
    session: Session, units: Units, inpatient_clinician: Actor, coordinator: Actor
) -> None:
    person, _ = inpatient_person(session, units)
    seen = []

    def same() -> None:
        now = handovers.responsibility_now(session, inpatient_clinician, person.id)
        assert on_page(session, inpatient_clinician, person.id) == now
        seen.append((now.source, now.unit_name))

    same()  # no handover: the open episode's unit
    first = make_handover(session, inpatient_clinician, person, units.inpatient, units.kommune)
    same()  # pending: the sender, awaiting the receiver
    handovers.cancel_handover(
        session, inpatient_clinician, first.id, HandoverDecline(reason="Feil kommune", version=first.version)
    )
    same()  # cancelled handovers do not count: the episode again
    second = make_handover(session, inpatient_clinician, person, units.inpatient, units.kommune)
    handovers.accept_handover(session, coordinator, second.id, HandoverAccept(version=second.version))
    same()  # accepted: the receiver, though an older cancelled one exists
    assert seen == [
        ("episode", units.inpatient.name),
        ("handover_pending", units.inpatient.name),
        ("episode", units.inpatient.name),
        ("handover_accepted", units.kommune.name),
    ]
