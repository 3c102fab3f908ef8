"""Handing a person over between units: create, accept, decline, cancel, and work through the checklist (ROP-13).

The sending unit creates the handover (the actor works there) with a planned date; every handover gets the whole
checklist. The receiving unit accepts, or declines with a reason. **Until the receiver accepts, the sender keeps
responsibility**: ``responsible_unit`` says who holds it for one handover, ``responsibility_now`` for a person.
The receiver must accept by ``acceptance_due``: ``settings.handover_acceptance_working_days`` working days after
creation, or the planned day if that comes first (``transitions/queries.py`` escalates the ones that are late).

Work is handed only to a unit that can open the person's record (a referral, an episode or the care team), the
same rule tasks use, so the receiver can see what it is asked to accept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from helhet import clock
from helhet.appointments.models import Appointment, Attendance
from helhet.audit import log as audit
from helhet.audit import policy
from helhet.config import get_settings
from helhet.crisis_plans import consent
from helhet.crisis_plans import service as crisis_plans
from helhet.errors import Conflict, Forbidden, Invalid, NotFound, check_version
from helhet.pathways.models import Episode
from helhet.persons import service as persons
from helhet.reference.units import CareLevel
from helhet.referrals import service as referrals
from helhet.tasks import service as tasks
from helhet.transitions.models import ChecklistItem, Handover, HandoverChecklistItem, HandoverStatus
from helhet.transitions.schemas import (
    ChecklistItemRead,
    ChecklistTick,
    HandoverAccept,
    HandoverCreate,
    HandoverDecline,
    HandoverRead,
    ReceiverName,
    Responsibility,
)
from helhet.units.models import Unit
from helhet.users.actor import Actor
from helhet.users.models import Membership, User


def acceptance_due(created_on: date, planned_on: date) -> date:
    """The last day the receiver may accept: N working days after creation, or the planned day if earlier (but
    never before the day it was created)."""
    by_working_days = clock.add_working_days(created_on, get_settings().handover_acceptance_working_days)
    return min(by_working_days, max(planned_on, created_on))


def responsible_unit(handover: Handover) -> int:
    """The unit responsible for the person in this handover: the sender until the receiver has accepted."""
    return handover.to_unit_id if handover.status == HandoverStatus.ACCEPTED else handover.from_unit_id


def create_handover(session: Session, actor: Actor, data: HandoverCreate) -> Handover:
    persons.get_person(session, actor, data.person_id, what="handover")
    if data.to_unit_id == data.from_unit_id:
        raise Invalid("to_unit_id", data.to_unit_id, "a handover goes to another unit; this is the sending unit")
    from_unit = referrals.get_unit(session, data.from_unit_id, "from_unit_id")
    if not actor.is_system and from_unit.id not in actor.unit_ids:
        raise Forbidden("only members of the sending unit create its handovers")
    to_unit = referrals.get_unit(session, data.to_unit_id, "to_unit_id")
    if not tasks.unit_serves_person(session, to_unit.id, data.person_id):
        raise Invalid(
            "to_unit_id",
            data.to_unit_id,
            "the receiving unit has no care relationship with the person (referral, episode or care team); "
            "add it to the care team first",
        )
    if data.episode_id is not None:
        _check_episode(session, data)
    if data.receiver_user_id is not None and not _is_member(session, data.receiver_user_id, to_unit.id):
        raise Invalid("receiver_user_id", data.receiver_user_id, "the receiver must be a member of the receiving unit")
    duplicate = session.scalar(
        select(Handover.id).where(
            Handover.person_id == data.person_id,
            Handover.from_unit_id == from_unit.id,
            Handover.to_unit_id == to_unit.id,
            Handover.status == HandoverStatus.PENDING,
        )
    )
    if duplicate is not None:
        raise Conflict(f"handover {duplicate} between these units is still pending; change or cancel it")
    now = clock.now()
    handover = Handover(
        person_id=data.person_id,
        kind=data.kind,
        from_unit_id=from_unit.id,
        to_unit_id=to_unit.id,
        episode_id=data.episode_id,
        planned_on=data.planned_on,
        acceptance_due=acceptance_due(clock.today(), data.planned_on),
        receiver_user_id=data.receiver_user_id,
        note=(data.note or "").strip() or None,
        created_at=now,
        created_by=actor.user_id,
        updated_at=now,
    )
    session.add(handover)
    session.flush()
    session.add_all(HandoverChecklistItem(handover_id=handover.id, item=item) for item in ChecklistItem)
    session.flush()
    audit.record_change(
        session,
        actor,
        "handover.created",
        "handover",
        handover.id,
        person_id=data.person_id,
        detail={
            "kind": data.kind.value,
            "from_unit_id": from_unit.id,
            "to_unit_id": to_unit.id,
            "planned_on": data.planned_on.isoformat(),
            "acceptance_due": handover.acceptance_due.isoformat(),
        },
    )
    return handover


def get_handover(session: Session, actor: Actor, handover_id: int) -> Handover:
    """The door to a handover: not found unless the actor may see the person; the read is logged."""
    handover = session.get(Handover, handover_id)
    if handover is None or not policy.may_see(session, actor, handover.person_id):
        raise NotFound("handover", handover_id)
    audit.record_access(session, actor, handover.person_id, "handover", entity_id=handover.id)
    return handover


def handovers_of_person(session: Session, actor: Actor, person_id: int) -> list[Handover]:
    """Every handover of the person, newest first."""
    persons.get_person(session, actor, person_id, what="handover")
    stmt = (
        select(Handover).where(Handover.person_id == person_id).order_by(Handover.created_at.desc(), Handover.id.desc())
    )
    return list(session.scalars(stmt))


def accept_handover(session: Session, actor: Actor, handover_id: int, data: HandoverAccept) -> Handover:
    """The receiving unit takes over responsibility."""
    handover = _to_decide(session, actor, handover_id, data.version, handover_side="to")
    handover.status = HandoverStatus.ACCEPTED
    handover.decision_reason = (data.note or "").strip() or None
    if handover.receiver_user_id is None:
        handover.receiver_user_id = actor.user_id
    _decided(session, actor, handover, "handover.accepted", handover.decision_reason)
    return handover


def decline_handover(session: Session, actor: Actor, handover_id: int, data: HandoverDecline) -> Handover:
    """The receiving unit says no, with a reason; the sender keeps responsibility and must act on it."""
    reason = data.reason.strip()
    if not reason:
        raise Invalid("reason", data.reason, "say why the handover is declined")
    handover = _to_decide(session, actor, handover_id, data.version, handover_side="to")
    handover.status = HandoverStatus.DECLINED
    handover.decision_reason = reason
    _decided(session, actor, handover, "handover.declined", reason)
    return handover


def cancel_handover(session: Session, actor: Actor, handover_id: int, data: HandoverDecline) -> Handover:
    """The sending unit withdraws a pending handover, with a reason."""
    reason = data.reason.strip()
    if not reason:
        raise Invalid("reason", data.reason, "say why the handover is cancelled")
    handover = _to_decide(session, actor, handover_id, data.version, handover_side="from")
    handover.status = HandoverStatus.CANCELLED
    handover.decision_reason = reason
    _decided(session, actor, handover, "handover.cancelled", reason)
    return handover


def name_receiver(session: Session, actor: Actor, handover_id: int, data: ReceiverName) -> Handover:
    """Name, or change, the receiver: a user of the receiving unit (ROP-13: every handover has a named receiver).
    Either unit may do it while the handover is pending; after acceptance, the receiving unit."""
    handover = get_handover(session, actor, handover_id)
    check_version("handover", handover.version, data.version)
    allowed = {handover.from_unit_id, handover.to_unit_id}
    if handover.status == HandoverStatus.ACCEPTED:
        allowed = {handover.to_unit_id}
    if not (actor.is_system or allowed & actor.unit_ids):
        raise Forbidden("only the sending and receiving units name the receiver")
    if handover.status not in (HandoverStatus.PENDING, HandoverStatus.ACCEPTED):
        raise Conflict(f"the handover is {handover.status.value}")
    if not _is_member(session, data.receiver_user_id, handover.to_unit_id):
        raise Invalid("receiver_user_id", data.receiver_user_id, "the receiver must be a member of the receiving unit")
    if data.receiver_user_id == handover.receiver_user_id:
        raise Invalid("receiver_user_id", data.receiver_user_id, "this is already the receiver")
    before = handover.receiver_user_id
    handover.receiver_user_id, handover.updated_at = data.receiver_user_id, clock.now()
    session.flush()
    audit.record_change(
        session,
        actor,
        "handover.receiver_named",
        "handover",
        handover.id,
        person_id=handover.person_id,
        detail={"receiver_user_id": data.receiver_user_id, "previous_receiver_user_id": before},
    )
    return handover


def tick_checklist_item(
    session: Session, actor: Actor, handover_id: int, item: ChecklistItem, data: ChecklistTick
) -> Handover:
    """Mark a checklist item done (or not done). Either unit may tick, while the handover is pending or accepted."""
    handover = get_handover(session, actor, handover_id)
    check_version("handover", handover.version, data.version)
    if not (actor.is_system or {handover.from_unit_id, handover.to_unit_id} & actor.unit_ids):
        raise Forbidden("only the sending and receiving units work on the checklist")
    if handover.status not in (HandoverStatus.PENDING, HandoverStatus.ACCEPTED):
        raise Conflict(f"the handover is {handover.status.value}")
    row = session.scalar(
        select(HandoverChecklistItem).where(
            HandoverChecklistItem.handover_id == handover.id, HandoverChecklistItem.item == item
        )
    )
    assert row is not None  # every handover gets every item at creation
    if data.done:
        done_on = data.done_on or clock.today()
        if done_on > clock.today():
            raise Invalid("done_on", done_on.isoformat(), "cannot be later than today")
        _check_item(session, handover, item, data, row)
        row.done, row.done_on, row.done_by = True, done_on, actor.user_id
    else:
        row.done, row.done_on, row.done_by = False, None, None
        row.appointment_id = row.relative_id = row.crisis_plan_id = row.lar_dose_included = None
    if data.note is not None:
        row.note = data.note.strip() or None
    handover.updated_at = clock.now()
    flag_modified(handover, "updated_at")  # always an UPDATE, so the handover's version (ETag) covers the checklist
    session.flush()
    audit.record_change(
        session,
        actor,
        "handover.checklist_ticked" if data.done else "handover.checklist_unticked",
        "handover",
        handover.id,
        person_id=handover.person_id,
        detail={"item": item.value, "relative_id": row.relative_id, "appointment_id": row.appointment_id},
    )
    return handover


def responsibility_now(session: Session, actor: Actor, person_id: int) -> Responsibility:
    """Who holds responsibility for the person now. The latest handover that was not cancelled decides: pending or
    declined, the sender; accepted, the receiver. Without one, the unit of the latest open episode."""
    persons.get_person(session, actor, person_id, what="handover")
    latest = session.scalar(
        select(Handover)
        .where(Handover.person_id == person_id, Handover.status != HandoverStatus.CANCELLED)
        .order_by(Handover.created_at.desc(), Handover.id.desc())
        .limit(1)
    )
    if latest is not None:
        return responsibility_from(person_id, latest, None, session.get_one(Unit, responsible_unit(latest)).name)
    episode = session.execute(
        select(Episode.unit_id, Unit.name)
        .join(Unit, Unit.id == Episode.unit_id)
        .where(Episode.person_id == person_id, Episode.ended_on.is_(None))
        .order_by(Episode.started_on.desc(), Episode.id.desc())
        .limit(1)
    ).first()
    return responsibility_from(person_id, None, episode[0] if episode else None, episode[1] if episode else None)


def latest_handover(newest_first: Iterable[Handover]) -> Handover | None:
    """The handover that decides responsibility, among the person's handovers newest first (as
    ``handovers_of_person`` reads them): the first one not cancelled."""
    return next((h for h in newest_first if h.status != HandoverStatus.CANCELLED), None)


def responsibility_from(
    person_id: int, latest: Handover | None, episode_unit_id: int | None, unit_name: str | None
) -> Responsibility:
    """``responsibility_now`` from rows already read: ``latest`` the handover that decides (``latest_handover``),
    else ``episode_unit_id`` the unit of the newest open episode; ``unit_name`` the responsible unit's name."""
    if latest is not None:
        pending = latest.status == HandoverStatus.PENDING
        return Responsibility(
            person_id=person_id,
            unit_id=responsible_unit(latest),
            unit_name=unit_name,
            source=f"handover_{latest.status.value}",
            handover_id=latest.id,
            awaiting_unit_id=latest.to_unit_id if pending else None,
        )
    if episode_unit_id is not None:
        return Responsibility(
            person_id=person_id,
            unit_id=episode_unit_id,
            unit_name=unit_name,
            source="episode",
            handover_id=None,
            awaiting_unit_id=None,
        )
    return Responsibility(
        person_id=person_id, unit_id=None, unit_name=None, source="none", handover_id=None, awaiting_unit_id=None
    )


def handover_reads(session: Session, handovers: Sequence[Handover], today: date | None = None) -> list[HandoverRead]:
    """Read shapes with their checklists: one query for every checklist."""
    if not handovers:
        return []
    today = today or clock.today()
    items: dict[int, list[ChecklistItemRead]] = {h.id: [] for h in handovers}
    order = {item: i for i, item in enumerate(ChecklistItem)}
    rows = session.scalars(
        select(HandoverChecklistItem).where(HandoverChecklistItem.handover_id.in_(list(items)))
    ).all()
    for row in sorted(rows, key=lambda r: (r.handover_id, order[r.item])):
        items[row.handover_id].append(ChecklistItemRead.model_validate(row))
    return [
        HandoverRead(
            id=h.id,
            person_id=h.person_id,
            kind=h.kind,
            from_unit_id=h.from_unit_id,
            to_unit_id=h.to_unit_id,
            episode_id=h.episode_id,
            planned_on=h.planned_on,
            status=h.status,
            responsible_unit_id=responsible_unit(h),
            acceptance_due=h.acceptance_due,
            overdue=h.status == HandoverStatus.PENDING and h.acceptance_due < today,
            receiver_user_id=h.receiver_user_id,
            note=h.note,
            decided_at=h.decided_at,
            decided_by=h.decided_by,
            decision_reason=h.decision_reason,
            escalated_at=h.escalated_at,
            created_at=h.created_at,
            created_by=h.created_by,
            checklist=items[h.id],
            version=h.version,
        )
        for h in handovers
    ]


def handover_read(session: Session, handover: Handover) -> HandoverRead:
    return handover_reads(session, [handover])[0]


# --- checks and helpers ------------------------------------------------------------------------------------------


def _is_member(session: Session, user_id: int, unit_id: int) -> bool:
    stmt = (
        select(Membership.id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.user_id == user_id, Membership.unit_id == unit_id, User.active.is_(True))
    )
    return session.scalar(stmt) is not None


def _check_episode(session: Session, data: HandoverCreate) -> None:
    episode = session.get(Episode, data.episode_id)
    if episode is None or episode.person_id != data.person_id:
        raise Invalid("episode_id", data.episode_id, "not an episode of this person")
    if episode.unit_id != data.from_unit_id:
        raise Invalid("episode_id", data.episode_id, "the episode is not in the sending unit")


def _to_decide(session: Session, actor: Actor, handover_id: int, version: int | None, handover_side: str) -> Handover:
    handover = get_handover(session, actor, handover_id)
    check_version("handover", handover.version, version)
    unit_id = handover.to_unit_id if handover_side == "to" else handover.from_unit_id
    if not actor.is_system and unit_id not in actor.unit_ids:
        side = "receiving" if handover_side == "to" else "sending"
        raise Forbidden(f"only members of the {side} unit may do this")
    if handover.status != HandoverStatus.PENDING:
        raise Conflict(f"the handover is already {handover.status.value}")
    return handover


def _decided(session: Session, actor: Actor, handover: Handover, action: str, reason: str | None) -> None:
    now = clock.now()
    handover.decided_at, handover.decided_by, handover.updated_at = now, actor.user_id, now
    session.flush()
    audit.record_change(
        session,
        actor,
        action,
        "handover",
        handover.id,
        person_id=handover.person_id,
        reason=reason,
        detail={"responsible_unit_id": responsible_unit(handover), "to_unit_id": handover.to_unit_id},
    )


def person_in_lar(session: Session, person_id: int) -> bool:
    """An open LAR episode: the medication list must then carry the LAR dose."""
    stmt = select(Episode.id).where(
        Episode.person_id == person_id, Episode.level == CareLevel.LAR, Episode.ended_on.is_(None)
    )
    return session.scalar(stmt.limit(1)) is not None


def _check_item(
    session: Session, handover: Handover, item: ChecklistItem, data: ChecklistTick, row: HandoverChecklistItem
) -> None:
    """What must be true before an item counts as done; links the record that shows it."""
    if item == ChecklistItem.MEDICATION_LIST_SENT:
        if person_in_lar(session, handover.person_id) and not data.lar_dose_included:
            raise Invalid(
                "lar_dose_included",
                data.lar_dose_included,
                "the person is in LAR; the medication list must include the LAR dose",
            )
        row.lar_dose_included = data.lar_dose_included
    elif item == ChecklistItem.CRISIS_PLAN_SHARED:
        plan = crisis_plans.latest_plan(session, handover.person_id)
        if plan is None:
            raise Invalid("item", item.value, "the person has no crisis plan; make one with the person first")
        if not crisis_plans.is_shared(session, plan.id):
            raise Invalid(
                "item",
                item.value,
                f"crisis plan version {plan.version_no} is not yet shared with the person; record how it was shared",
            )
        row.crisis_plan_id = plan.id
    elif item == ChecklistItem.FOLLOWUP_BOOKED and data.appointment_id is not None:
        appointment = session.get(Appointment, data.appointment_id)
        if appointment is None or appointment.person_id != handover.person_id:
            raise Invalid("appointment_id", data.appointment_id, "not an appointment of this person")
        if appointment.unit_id != handover.to_unit_id:
            raise Invalid("appointment_id", data.appointment_id, "the follow-up is booked with the receiving unit")
        if appointment.attendance in (Attendance.CANCELLED_BY_PERSON, Attendance.CANCELLED_BY_SERVICE):
            raise Invalid("appointment_id", data.appointment_id, "the appointment is cancelled")
        row.appointment_id = appointment.id
    elif item == ChecklistItem.RELATIVES_INFORMED:
        today = clock.today()
        purpose = "telling a relative about the handover"
        if data.relative_id is not None:
            consent.check_consenting_relative(
                session, handover.person_id, data.relative_id, today, "relative_id", purpose
            )
        elif not consent.consenting_relative_ids(session, handover.person_id, today):
            raise Invalid(
                "relative_id",
                None,
                "no relative has a current consent (take part in meetings, or full information); general "
                "information needs no consent, but telling them about the handover does",
            )
        row.relative_id = data.relative_id
