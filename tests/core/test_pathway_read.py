"""The pathway read: every event in time order, the same day in the order a reader expects, each with its unit."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from helhet.pathways import timeline
from helhet.reference.units import CareLevel
from helhet.users.actor import SYSTEM
from tests.builders import grant, make_episode, make_person, make_referral
from tests.personas import Units

DAY = date(2025, 3, 3)


def test_same_day_events_come_asked_decided_started_then_by_id(session: Session, units: Units) -> None:
    person = make_person(session)
    wish = {"wished_level": CareLevel.OUTPATIENT}
    later = make_referral(session, person=person, receiving_unit_id=units.assessment.id, received_on=date(2025, 3, 4))
    first = make_referral(session, person=person, receiving_unit_id=units.assessment.id, received_on=DAY, **wish)
    second = make_referral(session, person=person, receiving_unit_id=units.assessment.id, received_on=DAY, **wish)
    assessment = grant(session, SYSTEM, first, CareLevel.OUTPATIENT, assessed_on=DAY)
    episode = make_episode(session, SYSTEM, first, units.poli.id, CareLevel.OUTPATIENT, started_on=DAY)

    events = timeline.read_pathway(session, SYSTEM, person.id).events

    assert [(e.kind, e.id) for e in events] == [
        ("referral", first.id),
        ("referral", second.id),
        ("assessment", assessment.id),
        ("episode", episode.id),
        ("referral", later.id),
    ]
    names = {(e.kind, e.id): e.unit_name for e in events}
    assert names[("referral", first.id)] == units.assessment.name
    assert names[("episode", episode.id)] == units.poli.name
