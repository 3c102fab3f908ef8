"""Discharge with an accepted handover, or flagged without one; follow-up within 7 days of leaving inpatient care."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helhet.appointments.models import Attendance
from helhet.errors import Invalid, NotFound
from helhet.pathways.models import EndReason
from helhet.reference.units import CareLevel
from helhet.transitions import discharge as discharges
from helhet.transitions import service as handovers
from helhet.transitions.models import Discharge
from helhet.transitions.schemas import HandoverAccept
from helhet.users.actor import Actor
from tests.crisis_plans.builders import make_appointment
from tests.personas import Units
from tests.transitions.builders import inpatient_person, make_handover


def discharge_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Discharge)) or 0


def test_discharge_without_an_accepted_handover_is_refused_without_a_reason(
    session: Session, units: Units, inpatient_clinician: Actor
) -> None:
    _, episode = inpatient_person(session, units)
    with pytest.raises(Invalid) as raised:
        discharges.discharge(session, inpatient_clinician, episode.id, date(2025, 4, 9), EndReason.PLANNED_COMPLETION)
    assert (raised.value.field, raised.value.value) == ("reason_without_handover", None)
    assert episode.ended_on is None
    assert discharge_count(session) == 0


def test_discharge_with_a_reason_is_allowed_and_flagged(
    session: Session, units: Units, inpatient_clinician: Actor
) -> None:
    person, episode = inpatient_person(session, units)
    reason = "Skrev seg ut selv på kvelden; kommunen varslet på telefon"
    row = discharges.discharge(
        session, inpatient_clinician, episode.id, date(2025, 4, 9), EndReason.DROPOUT, None, reason
    )
    assert episode.ended_on == date(2025, 4, 9)
    assert (row.without_accepted_handover, row.reason_without_handover) == (True, reason)
    assert [d.id for d in discharges.discharges_of_person(session, inpatient_clinician, person.id)] == [row.id]


def test_pending_handover_does_not_count_as_accepted(
    session: Session, units: Units, inpatient_clinician: Actor
) -> None:
    person, episode = inpatient_person(session, units)
    pending = make_handover(session, inpatient_clinician, person, units.inpatient, units.kommune)
    with pytest.raises(Invalid) as raised:
        discharges.discharge(
            session, inpatient_clinician, episode.id, date(2025, 4, 9), EndReason.PLANNED_COMPLETION, pending.id
        )
    assert (raised.value.field, raised.value.value) == ("handover_id", pending.id)
    assert "pending" in raised.value.reason
    assert episode.ended_on is None


def test_discharge_with_an_accepted_handover_is_not_flagged(
    session: Session, units: Units, inpatient_clinician: Actor, coordinator: Actor
) -> None:
    person, episode = inpatient_person(session, units)
    handover = make_handover(session, inpatient_clinician, person, units.inpatient, units.kommune)
    handovers.accept_handover(session, coordinator, handover.id, HandoverAccept(version=handover.version))
    row = discharges.discharge(
        session,
        inpatient_clinician,
        episode.id,
        date(2025, 4, 10),
        EndReason.PLANNED_COMPLETION,
        handover.id,
        version=episode.version,
    )
    assert (row.without_accepted_handover, row.handover_id, row.reason_without_handover) == (False, handover.id, None)
    assert episode.end_reason == EndReason.PLANNED_COMPLETION


def test_follow_up_attended_on_day_five_is_within_seven_days(
    session: Session, units: Units, inpatient_clinician: Actor
) -> None:
    person, episode = inpatient_person(session, units)
    discharges.discharge(session, inpatient_clinician, episode.id, date(2025, 4, 1), EndReason.DROPOUT, None, "Avbrøt")
    make_appointment(session, person, units.poli, date(2025, 4, 1))  # the discharge day does not count
    make_appointment(session, person, units.kommune, date(2025, 4, 6))
    [followup] = discharges.followup_after_discharge(session, inpatient_clinician, person.id)
    assert (followup.episode_id, followup.discharged_on) == (episode.id, date(2025, 4, 1))
    assert (followup.attended_on, followup.within_7_days) == (date(2025, 4, 6), True)


def test_only_a_no_show_after_discharge_is_not_follow_up(
    session: Session, units: Units, inpatient_clinician: Actor
) -> None:
    person, episode = inpatient_person(session, units)
    discharges.discharge(session, inpatient_clinician, episode.id, date(2025, 4, 1), EndReason.DROPOUT, None, "Avbrøt")
    make_appointment(session, person, units.kommune, date(2025, 4, 4), Attendance.NO_SHOW)
    [followup] = discharges.followup_after_discharge(session, inpatient_clinician, person.id)
    assert (followup.attended_on, followup.within_7_days) == (None, False)


def test_follow_up_is_open_while_the_window_is(session: Session, units: Units, inpatient_clinician: Actor) -> None:
    person, episode = inpatient_person(session, units)
    discharges.discharge(session, inpatient_clinician, episode.id, date(2025, 4, 8), EndReason.DROPOUT, None, "Avbrøt")
    make_appointment(session, person, units.kommune, date(2025, 4, 9), Attendance.NO_SHOW)
    [followup] = discharges.followup_after_discharge(session, inpatient_clinician, person.id)
    assert (followup.window_ends_on, followup.within_7_days) == (date(2025, 4, 15), None)


def test_follow_up_is_only_derived_for_inpatient_care(session: Session, units: Units, clinician: Actor) -> None:
    person, episode = inpatient_person(session, units, CareLevel.OUTPATIENT)  # not at an inpatient level
    discharges.discharge(session, clinician, episode.id, date(2025, 4, 1), EndReason.DROPOUT, None, "Avbrøt")
    assert discharges.followup_after_discharge(session, clinician, person.id) == []


def test_outsider_gets_not_found_for_discharge_and_follow_up(session: Session, units: Units, outsider: Actor) -> None:
    person, episode = inpatient_person(session, units)
    with pytest.raises(NotFound):
        discharges.discharge(session, outsider, episode.id, date(2025, 4, 9), EndReason.DROPOUT, None, "Avbrøt")
    with pytest.raises(NotFound):
        discharges.followup_after_discharge(session, outsider, person.id)
    with pytest.raises(NotFound):
        discharges.discharges_of_person(session, outsider, person.id)
    assert episode.ended_on is None
