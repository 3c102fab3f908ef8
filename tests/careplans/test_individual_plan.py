"""The individual plan (IP) status: history kept, dates checked, and the coordinator offered even when declined."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helhet.careplans import individual_plan as ip
from helhet.careplans import team
from helhet.careplans.models import IndividualPlanStatus, IpStatus, OfferAnswer
from helhet.careplans.schemas import CoordinatorAssign, IpStatusRecord
from helhet.errors import Conflict, Invalid, NotFound
from helhet.users.actor import Actor
from tests.careplans.builders import served_person
from tests.personas import Units


def rows(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(IndividualPlanStatus)) or 0


def test_offer_answer_and_review_are_kept_as_history(session: Session, units: Units, coordinator: Actor) -> None:
    person = served_person(session, units)
    ip.record_ip_status(
        session, coordinator, person.id, IpStatusRecord(status=IpStatus.OFFERED, offered_on=date(2025, 3, 5))
    )
    accepted = ip.record_ip_status(
        session,
        coordinator,
        person.id,
        IpStatusRecord(status=IpStatus.ACCEPTED, answered_on=date(2025, 3, 12), version=1),
    )
    assert (accepted.offered_on, accepted.answered_on) == (date(2025, 3, 5), date(2025, 3, 12))
    assert ip.ip_read(accepted).review_due == date(2025, 9, 12)  # ip_review_months = 6
    reviewed = ip.record_ip_status(
        session,
        coordinator,
        person.id,
        IpStatusRecord(status=IpStatus.ACCEPTED, reviewed_on=date(2025, 4, 8), note="Gjennomgått", version=2),
    )
    assert (reviewed.answered_on, reviewed.reviewed_on, reviewed.recorded_by) == (
        date(2025, 3, 12),
        date(2025, 4, 8),
        coordinator.user_id,
    )
    assert ip.ip_read(reviewed).review_due == date(2025, 10, 8)
    current = ip.current_ip_status(session, coordinator, person.id)
    assert current is not None and current.id == reviewed.id
    history = ip.ip_status_history(session, coordinator, person.id)
    assert [(h.version, h.status) for h in history] == [
        (3, IpStatus.ACCEPTED),
        (2, IpStatus.ACCEPTED),
        (1, IpStatus.OFFERED),
    ]


def test_a_change_needs_the_current_version(session: Session, units: Units, coordinator: Actor) -> None:
    person = served_person(session, units)
    ip.record_ip_status(session, coordinator, person.id, IpStatusRecord(status=IpStatus.NOT_ASKED))
    offered = IpStatusRecord(status=IpStatus.OFFERED, offered_on=date(2025, 4, 1))
    with pytest.raises(Invalid) as missing:
        ip.record_ip_status(session, coordinator, person.id, offered)
    assert missing.value.field == "version"
    with pytest.raises(Conflict):
        ip.record_ip_status(session, coordinator, person.id, offered.model_copy(update={"version": 5}))
    assert rows(session) == 1


def test_ip_declined_without_a_coordinator_offer_is_refused(session: Session, units: Units, coordinator: Actor) -> None:
    person = served_person(session, units)
    declined = IpStatusRecord(status=IpStatus.DECLINED, offered_on=date(2025, 4, 2), answered_on=date(2025, 4, 2))
    with pytest.raises(Invalid) as raised:
        ip.record_ip_status(session, coordinator, person.id, declined)
    assert (raised.value.field, raised.value.value) == ("coordinator_offered_on", None)
    assert "even when" in raised.value.reason
    assert rows(session) == 0


def test_ip_declined_but_coordinator_offered_is_recorded(session: Session, units: Units, coordinator: Actor) -> None:
    person = served_person(session, units)
    row = ip.record_ip_status(
        session,
        coordinator,
        person.id,
        IpStatusRecord(
            status=IpStatus.DECLINED,
            answered_on=date(2025, 4, 2),
            coordinator_offered_on=date(2025, 4, 2),
            coordinator_answer=OfferAnswer.ACCEPTED,
            note="Ønsker ikke IP nå, men vil ha koordinator",
        ),
    )
    assert (row.status, row.offered_on, row.coordinator_offered_on, row.coordinator_answer) == (
        IpStatus.DECLINED,
        date(2025, 4, 2),  # offered and answered in the same conversation
        date(2025, 4, 2),
        OfferAnswer.ACCEPTED,
    )
    assert ip.ip_read(row).review_due is None  # no plan to review
    # a later offer keeps the coordinator offer on record
    again = ip.record_ip_status(
        session,
        coordinator,
        person.id,
        IpStatusRecord(status=IpStatus.OFFERED, offered_on=date(2025, 4, 9), version=row.version),
    )
    assert (again.answered_on, again.coordinator_offered_on) == (None, date(2025, 4, 2))


def test_ip_declined_is_allowed_when_a_coordinator_is_on_the_team(
    session: Session, units: Units, coordinator: Actor
) -> None:
    person = served_person(session, units)
    team.assign_coordinator(
        session, coordinator, person.id, CoordinatorAssign(unit_id=units.kommune.id, user_id=coordinator.user_id)
    )
    row = ip.record_ip_status(
        session, coordinator, person.id, IpStatusRecord(status=IpStatus.DECLINED, answered_on=date(2025, 4, 10))
    )
    assert row.status == IpStatus.DECLINED


@pytest.mark.parametrize(
    ("record", "field"),
    [
        (IpStatusRecord(status=IpStatus.OFFERED), "offered_on"),
        (IpStatusRecord(status=IpStatus.OFFERED, offered_on=date(2025, 4, 11)), "offered_on"),
        (IpStatusRecord(status=IpStatus.ACCEPTED), "answered_on"),
        (
            IpStatusRecord(status=IpStatus.ACCEPTED, offered_on=date(2025, 4, 5), answered_on=date(2025, 4, 1)),
            "answered_on",
        ),
        (
            IpStatusRecord(status=IpStatus.OFFERED, offered_on=date(2025, 4, 1), reviewed_on=date(2025, 4, 2)),
            "reviewed_on",
        ),
        (IpStatusRecord(status=IpStatus.NOT_ASKED, coordinator_answer=OfferAnswer.DECLINED), "coordinator_offered_on"),
    ],
)
def test_inconsistent_ip_status_is_refused(
    session: Session, units: Units, coordinator: Actor, record: IpStatusRecord, field: str
) -> None:
    person = served_person(session, units)
    with pytest.raises(Invalid) as raised:
        ip.record_ip_status(session, coordinator, person.id, record)
    assert raised.value.field == field
    assert rows(session) == 0


def test_outsider_gets_not_found_for_the_ip_status(session: Session, units: Units, outsider: Actor) -> None:
    person = served_person(session, units)
    with pytest.raises(NotFound):
        ip.current_ip_status(session, outsider, person.id)
    with pytest.raises(NotFound):
        ip.record_ip_status(session, outsider, person.id, IpStatusRecord(status=IpStatus.NOT_ASKED))
