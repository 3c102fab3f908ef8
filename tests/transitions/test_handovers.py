"""Handovers: the sender keeps responsibility until the receiver accepts; the checklist; escalation; worklists."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.appointments.models import Attendance
from helhet.audit import log as audit
from helhet.audit.models import AuditEvent
from helhet.crisis_plans import service as crisis_plans
from helhet.crisis_plans.models import SharedHow
from helhet.crisis_plans.schemas import CrisisPlanShare
from helhet.errors import Conflict, Forbidden, Invalid, NotFound
from helhet.relatives.models import ConsentScope
from helhet.transitions import queries
from helhet.transitions import service as handovers
from helhet.transitions.models import ChecklistItem, Handover, HandoverChecklistItem, HandoverStatus
from helhet.transitions.schemas import ChecklistTick, HandoverAccept, HandoverDecline
from helhet.users.actor import Actor
from tests.crisis_plans.builders import give_consent, make_appointment, make_crisis_plan, make_relative
from tests.personas import Units
from tests.transitions.builders import inpatient_person, lar_episode, make_handover


def handover_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Handover)) or 0


def tick(session: Session, actor: Actor, handover: Handover, item: ChecklistItem, **changes: object) -> Handover:
    data = ChecklistTick(version=handover.version, **changes)
    return handovers.tick_checklist_item(session, actor, handover.id, item, data)


def test_handover_to_the_same_unit_is_refused_and_nothing_is_written(
    session: Session, units: Units, inpatient_clinician: Actor
) -> None:
    person, _ = inpatient_person(session, units)
    before = handover_count(session)
    with pytest.raises(Invalid) as raised:
        make_handover(session, inpatient_clinician, person, units.inpatient, units.inpatient)
    assert (raised.value.field, raised.value.value) == ("to_unit_id", units.inpatient.id)
    assert "another unit" in raised.value.reason
    assert handover_count(session) == before
    assert session.scalar(select(func.count()).select_from(HandoverChecklistItem)) == 0


def test_sender_keeps_responsibility_until_the_receiver_accepts(
    session: Session, units: Units, inpatient_clinician: Actor, coordinator: Actor
) -> None:
    person, _ = inpatient_person(session, units)
    handover = make_handover(session, inpatient_clinician, person, units.inpatient, units.kommune)
    assert handover.status == HandoverStatus.PENDING
    assert handovers.responsible_unit(handover) == units.inpatient.id
    now = handovers.responsibility_now(session, coordinator, person.id)
    assert (now.unit_id, now.source, now.awaiting_unit_id) == (units.inpatient.id, "handover_pending", units.kommune.id)
    # the open handover is on both units' lists
    outgoing = queries.outgoing_handovers(session, inpatient_clinician, units.inpatient.id)
    incoming = queries.incoming_handovers(session, coordinator, units.kommune.id)
    assert [r.handover_id for r in outgoing] == [r.handover_id for r in incoming] == [handover.id]
    assert (incoming[0].checklist_done, incoming[0].checklist_total) == (0, len(ChecklistItem))

    handovers.accept_handover(session, coordinator, handover.id, HandoverAccept(version=handover.version))
    assert handover.status == HandoverStatus.ACCEPTED
    assert handovers.responsible_unit(handover) == units.kommune.id
    assert handover.receiver_user_id == coordinator.user_id
    now = handovers.responsibility_now(session, inpatient_clinician, person.id)
    assert (now.unit_id, now.source, now.awaiting_unit_id) == (units.kommune.id, "handover_accepted", None)
    assert queries.outgoing_handovers(session, inpatient_clinician, units.inpatient.id) == []
    assert queries.incoming_handovers(session, coordinator, units.kommune.id) == []


def test_without_a_handover_the_unit_of_the_open_episode_is_responsible(
    session: Session, units: Units, inpatient_clinician: Actor
) -> None:
    person, _ = inpatient_person(session, units)
    now = handovers.responsibility_now(session, inpatient_clinician, person.id)
    assert (now.unit_id, now.source) == (units.inpatient.id, "episode")


def test_decline_needs_a_reason_and_the_sender_stays_responsible(
    session: Session, units: Units, inpatient_clinician: Actor, coordinator: Actor
) -> None:
    person, _ = inpatient_person(session, units)
    handover = make_handover(session, inpatient_clinician, person, units.inpatient, units.kommune)
    with pytest.raises(Invalid) as raised:
        handovers.decline_handover(session, coordinator, handover.id, HandoverDecline(reason="   ", version=1))
    assert raised.value.field == "reason"
    assert handover.status == HandoverStatus.PENDING
    reason = "Bor ikke lenger i kommunen; send til Askøy"
    handovers.decline_handover(session, coordinator, handover.id, HandoverDecline(reason=reason, version=1))
    assert (handover.status, handover.decision_reason) == (HandoverStatus.DECLINED, reason)
    now = handovers.responsibility_now(session, coordinator, person.id)
    assert (now.unit_id, now.source) == (units.inpatient.id, "handover_declined")
    with pytest.raises(Conflict):
        handovers.accept_handover(session, coordinator, handover.id, HandoverAccept(version=handover.version))


def test_only_members_of_the_receiving_unit_accept(
    session: Session, units: Units, inpatient_clinician: Actor, clinician: Actor, coordinator: Actor
) -> None:
    person, _ = inpatient_person(session, units)
    handover = make_handover(session, inpatient_clinician, person, units.inpatient, units.kommune)
    for someone in (inpatient_clinician, clinician):  # the sender, and a unit that sees the person
        with pytest.raises(Forbidden):
            handovers.accept_handover(session, someone, handover.id, HandoverAccept(version=1))
    assert handover.status == HandoverStatus.PENDING
    with pytest.raises(Forbidden):  # the receiver cannot cancel; only the sender withdraws
        handovers.cancel_handover(session, coordinator, handover.id, HandoverDecline(reason="feil", version=1))
    handovers.cancel_handover(
        session, inpatient_clinician, handover.id, HandoverDecline(reason="Feil mottaker", version=1)
    )
    assert handover.status == HandoverStatus.CANCELLED


def test_only_members_of_the_sending_unit_create_a_handover(session: Session, units: Units, coordinator: Actor) -> None:
    person, _ = inpatient_person(session, units)
    with pytest.raises(Forbidden):
        make_handover(session, coordinator, person, units.inpatient, units.kommune)
    assert handover_count(session) == 0


def test_receiving_unit_must_be_able_to_open_the_record(
    session: Session, units: Units, inpatient_clinician: Actor
) -> None:
    person, _ = inpatient_person(session, units)
    with pytest.raises(Invalid) as raised:
        make_handover(session, inpatient_clinician, person, units.inpatient, units.nav)
    assert (raised.value.field, raised.value.value) == ("to_unit_id", units.nav.id)
    assert handover_count(session) == 0


def test_stale_version_is_refused(
    session: Session, units: Units, inpatient_clinician: Actor, coordinator: Actor
) -> None:
    person, _ = inpatient_person(session, units)
    handover = make_handover(session, inpatient_clinician, person, units.inpatient, units.kommune)
    read_at = handover.version
    tick(session, inpatient_clinician, handover, ChecklistItem.DISCHARGE_SUMMARY_SENT)
    assert handover.version == read_at + 1  # a tick moves the handover's version
    with pytest.raises(Conflict):
        handovers.accept_handover(session, coordinator, handover.id, HandoverAccept(version=read_at))


def test_acceptance_is_due_after_the_set_working_days_or_by_the_planned_day() -> None:
    # created Thursday 10 April 2025; two working days: Fri 11, Mon 14
    assert handovers.acceptance_due(date(2025, 4, 10), date(2025, 4, 30)) == date(2025, 4, 14)
    assert handovers.acceptance_due(date(2025, 4, 10), date(2025, 4, 11)) == date(2025, 4, 11)
    # created Wednesday 16 April: Easter (17, 18, 21) and the weekend are skipped
    assert handovers.acceptance_due(date(2025, 4, 16), date(2025, 5, 30)) == date(2025, 4, 23)
    assert handovers.acceptance_due(date(2025, 4, 10), date(2025, 4, 1)) == date(2025, 4, 10)


def test_handover_not_accepted_in_time_escalates_once(
    session: Session, units: Units, inpatient_clinician: Actor, coordinator: Actor
) -> None:
    person, _ = inpatient_person(session, units)
    late = make_handover(session, inpatient_clinician, person, units.inpatient, units.kommune)
    assert late.acceptance_due == date(2025, 4, 14)
    assert queries.overdue_handovers(session, date(2025, 4, 14)) == []
    assert queries.escalate_overdue_handovers(session, date(2025, 4, 14)) == []
    assert [h.id for h in queries.overdue_handovers(session, date(2025, 4, 15))] == [late.id]
    assert [h.id for h in queries.escalate_overdue_handovers(session, date(2025, 4, 15))] == [late.id]
    assert late.escalated_at is not None
    assert queries.escalate_overdue_handovers(session, date(2025, 4, 16)) == []  # marked once
    row = queries.incoming_handovers(session, coordinator, units.kommune.id, today=date(2025, 4, 15))[0]
    assert row.overdue and row.escalated_at is not None
    audit.flush_pending(session)
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "handover.escalated"))
    assert event is not None
    assert (event.entity_id, event.person_id) == (str(late.id), person.id)
    assert event.detail is not None and event.detail["working_days_late"] == 1
    assert queries.overdue_handover_counts(session, select(Handover.person_id), date(2025, 4, 15)) == {person.id: 1}
    handovers.accept_handover(session, coordinator, late.id, HandoverAccept(version=late.version))
    assert queries.overdue_handovers(session, date(2025, 4, 15)) == []


def test_relatives_informed_needs_a_relative_who_consented_to_meetings_or_more(
    session: Session, units: Units, inpatient_clinician: Actor
) -> None:
    person, _ = inpatient_person(session, units)
    handover = make_handover(session, inpatient_clinician, person, units.inpatient, units.kommune)
    sister = make_relative(session, person)
    give_consent(session, sister, ConsentScope.GENERAL)  # general information only: not enough
    with pytest.raises(Invalid) as raised:
        tick(session, inpatient_clinician, handover, ChecklistItem.RELATIVES_INFORMED)
    assert (raised.value.field, raised.value.value) == ("relative_id", None)
    with pytest.raises(Invalid) as raised:
        tick(session, inpatient_clinician, handover, ChecklistItem.RELATIVES_INFORMED, relative_id=sister.id)
    assert (raised.value.field, raised.value.value) == ("relative_id", sister.id)
    assert "consent" in raised.value.reason
    brother = make_relative(session, person, given_name="Per")
    give_consent(session, brother, ConsentScope.FULL)
    tick(session, inpatient_clinician, handover, ChecklistItem.RELATIVES_INFORMED, relative_id=brother.id)
    read = handovers.handover_read(session, handover)
    item = next(i for i in read.checklist if i.item == ChecklistItem.RELATIVES_INFORMED)
    assert (item.done, item.relative_id, item.done_on) == (True, brother.id, date(2025, 4, 10))


def test_withdrawn_consent_does_not_count_for_informing_relatives(
    session: Session, units: Units, inpatient_clinician: Actor
) -> None:
    person, _ = inpatient_person(session, units)
    handover = make_handover(session, inpatient_clinician, person, units.inpatient, units.kommune)
    sister = make_relative(session, person)
    give_consent(session, sister, ConsentScope.MEETINGS, withdrawn_at=clock.now() - timedelta(days=1))
    with pytest.raises(Invalid):
        tick(session, inpatient_clinician, handover, ChecklistItem.RELATIVES_INFORMED, relative_id=sister.id)


def test_medication_list_for_a_person_in_lar_must_carry_the_lar_dose(
    session: Session, units: Units, inpatient_clinician: Actor
) -> None:
    person, _ = inpatient_person(session, units)
    lar_episode(session, units, person)
    handover = make_handover(session, inpatient_clinician, person, units.inpatient, units.kommune)
    with pytest.raises(Invalid) as raised:
        tick(session, inpatient_clinician, handover, ChecklistItem.MEDICATION_LIST_SENT)
    assert raised.value.field == "lar_dose_included"
    tick(session, inpatient_clinician, handover, ChecklistItem.MEDICATION_LIST_SENT, lar_dose_included=True)


def test_crisis_plan_item_needs_a_plan_shared_with_the_person(
    session: Session, units: Units, inpatient_clinician: Actor
) -> None:
    person, _ = inpatient_person(session, units)
    handover = make_handover(session, inpatient_clinician, person, units.inpatient, units.kommune)
    with pytest.raises(Invalid) as raised:
        tick(session, inpatient_clinician, handover, ChecklistItem.CRISIS_PLAN_SHARED)
    assert "no crisis plan" in raised.value.reason
    plan = make_crisis_plan(session, inpatient_clinician, person)
    with pytest.raises(Invalid) as raised:
        tick(session, inpatient_clinician, handover, ChecklistItem.CRISIS_PLAN_SHARED)
    assert "not yet shared" in raised.value.reason
    share = CrisisPlanShare(how=SharedHow.PAPER, version=plan.version_no)
    crisis_plans.share_crisis_plan(session, inpatient_clinician, person.id, share)
    tick(session, inpatient_clinician, handover, ChecklistItem.CRISIS_PLAN_SHARED)
    item = next(
        i for i in handovers.handover_read(session, handover).checklist if i.item == ChecklistItem.CRISIS_PLAN_SHARED
    )
    assert (item.done, item.crisis_plan_id) == (True, plan.id)


def test_follow_up_appointment_must_be_with_the_receiving_unit(
    session: Session, units: Units, inpatient_clinician: Actor, coordinator: Actor
) -> None:
    person, _ = inpatient_person(session, units)
    handover = make_handover(session, inpatient_clinician, person, units.inpatient, units.kommune)
    elsewhere = make_appointment(session, person, units.poli, date(2025, 5, 2), Attendance.BOOKED)
    with pytest.raises(Invalid) as raised:
        tick(session, coordinator, handover, ChecklistItem.FOLLOWUP_BOOKED, appointment_id=elsewhere.id)
    assert (raised.value.field, raised.value.value) == ("appointment_id", elsewhere.id)
    booked = make_appointment(session, person, units.kommune, date(2025, 5, 2), Attendance.BOOKED)
    tick(session, coordinator, handover, ChecklistItem.FOLLOWUP_BOOKED, appointment_id=booked.id)
    tick(session, coordinator, handover, ChecklistItem.FOLLOWUP_BOOKED, done=False)
    item = next(
        i for i in handovers.handover_read(session, handover).checklist if i.item == ChecklistItem.FOLLOWUP_BOOKED
    )
    assert (item.done, item.appointment_id, item.done_by) == (False, None, None)


def test_outsider_gets_not_found_for_handovers(
    session: Session, units: Units, inpatient_clinician: Actor, outsider: Actor
) -> None:
    person, _ = inpatient_person(session, units)
    handover = make_handover(session, inpatient_clinician, person, units.inpatient, units.kommune)
    calls = [
        lambda: handovers.get_handover(session, outsider, handover.id),
        lambda: handovers.accept_handover(session, outsider, handover.id, HandoverAccept(version=1)),
        lambda: handovers.decline_handover(session, outsider, handover.id, HandoverDecline(reason="nei", version=1)),
        lambda: handovers.cancel_handover(session, outsider, handover.id, HandoverDecline(reason="nei", version=1)),
        lambda: tick(session, outsider, handover, ChecklistItem.HOUSING_ARRANGED),
        lambda: handovers.handovers_of_person(session, outsider, person.id),
        lambda: handovers.responsibility_now(session, outsider, person.id),
        lambda: make_handover(session, outsider, person, units.other, units.kommune),
        lambda: queries.incoming_handovers(session, outsider, units.kommune.id),
        lambda: queries.outgoing_handovers(session, outsider, units.inpatient.id),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            call()
    assert handover_count(session) == 1


def test_each_handover_list_is_one_query_however_many_rows(
    session: Session, units: Units, inpatient_clinician: Actor, coordinator: Actor
) -> None:
    for _ in range(3):
        person, _ = inpatient_person(session, units)
        make_handover(session, inpatient_clinician, person, units.inpatient, units.kommune)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    connection = session.connection()
    event.listen(connection, "before_cursor_execute", count)
    try:
        incoming = queries.incoming_handovers(session, coordinator, units.kommune.id, limit=2)
        assert len(statements) == 1
        outgoing = queries.outgoing_handovers(session, inpatient_clinician, units.inpatient.id, limit=2, offset=2)
        assert len(statements) == 2
    finally:
        event.remove(connection, "before_cursor_execute", count)
    assert (len(incoming), len(outgoing)) == (2, 1)
