"""Assessing a referral within 10 working days: rights, start deadline, level of care beside the wish."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.assessments import wish
from helhet.assessments.models import Assessment, HeardHow, Outcome
from helhet.assessments.schemas import AssessmentCreate, DeadlineChange
from helhet.audit import log as audit
from helhet.audit import policy
from helhet.errors import Conflict, Forbidden, Invalid, NotFound, check_version
from helhet.persons.models import Person
from helhet.reference.units import CareLevel
from helhet.referrals import deadlines
from helhet.referrals import service as referrals
from helhet.referrals.models import Referral, ReferralStatus
from helhet.users.actor import Actor
from helhet.users.models import Role

ASSESSING_ROLES = frozenset({Role.CLINICIAN, Role.UNIT_LEADER})


def _need(field: str, value: str | None, reason: str) -> str:
    if not (value or "").strip():
        raise Invalid(field, value, reason)
    return (value or "").strip()


def suggested_deadline(referral: Referral, person: Person, data: AssessmentCreate) -> date | None:
    if data.condition is None:
        return None
    result = deadlines.guideline_start_deadline(
        deadlines.DeadlineInput(
            received_on=referral.received_on,
            condition=data.condition,
            age_at_receipt=deadlines.age_on(person.birth_date, referral.received_on),
            heavy_daily_alcohol=data.heavy_daily_alcohol,
            injecting=referral.injecting,
            groin_or_neck_injection=data.groin_or_neck_injection,
        )
    )
    return result.deadline


def _check_granted(referral: Referral, person: Person, data: AssessmentCreate) -> tuple[date, date]:
    if data.assigned_level is None:
        raise Invalid("assigned_level", None, "choose the level of care when the right is granted")
    if data.condition is None:
        raise Invalid("condition", None, "choose the condition, so the guideline deadline can be found")
    guideline = suggested_deadline(referral, person, data)
    assert guideline is not None
    chosen = data.start_deadline or guideline
    if chosen != guideline:
        _need("deadline_reason", data.deadline_reason, "say why the start deadline differs from the guideline")
    if chosen < data.assessed_on:
        raise Invalid("start_deadline", chosen.isoformat(), "cannot be before the assessment date")
    try:
        deadlines.validate_chosen_deadline(
            referral.received_on, chosen, deadlines.age_on(person.birth_date, referral.received_on)
        )
    except ValueError as exc:
        raise Invalid("start_deadline", chosen.isoformat(), str(exc)) from exc
    wish.require_reason_when_different(
        referral.wished_level, data.assigned_level, data.wish_difference_reason, data.wish_difference_note
    )
    return guideline, chosen


def assess_referral(session: Session, actor: Actor, referral_id: int, data: AssessmentCreate) -> Assessment:
    referral = referrals.get_referral(session, actor, referral_id)
    if not actor.is_system and (actor.role not in ASSESSING_ROLES or referral.receiving_unit_id not in actor.unit_ids):
        raise Forbidden("only clinicians of the receiving unit assess a referral")
    if referral.status not in (ReferralStatus.RECEIVED, ReferralStatus.RETURNED):
        raise Conflict(f"the referral is already {referral.status.value}")
    if data.assessed_on > clock.today():
        raise Invalid("assessed_on", data.assessed_on.isoformat(), "cannot be later than today")
    if data.assessed_on < referral.received_on:
        raise Invalid("assessed_on", data.assessed_on.isoformat(), "cannot be before the referral was received")
    if data.heard_how in (HeardHow.NOT_HEARD, HeardHow.REFERRAL_ONLY):
        _need("heard_note", data.heard_note, "say why the person was not heard directly")
    person = session.get_one(Person, referral.person_id)
    guideline = chosen = None
    if data.outcome == Outcome.GRANTED:
        guideline, chosen = _check_granted(referral, person, data)
        referral.status = ReferralStatus.GRANTED
    elif data.outcome == Outcome.REJECTED:
        _need("rejection_reason", data.rejection_reason, "say why the referral is rejected")
        _need("advice_to_referrer", data.advice_to_referrer, "give the referrer advice on what to do instead")
        referral.status = ReferralStatus.REJECTED
        referral.closed_on = data.assessed_on
    else:
        _need("advice_to_referrer", data.advice_to_referrer, "say what information is missing")
        referral.status = ReferralStatus.RETURNED
    assigned = data.assigned_level if data.outcome == Outcome.GRANTED else None
    assessment = Assessment(
        referral_id=referral.id,
        person_id=referral.person_id,
        unit_id=referral.receiving_unit_id,
        assessed_by=actor.user_id,
        assessed_on=data.assessed_on,
        outcome=data.outcome,
        condition=data.condition,
        assigned_level=assigned,
        guideline_deadline=guideline,
        start_deadline=chosen,
        deadline_reason=(data.deadline_reason or "").strip() or None if chosen != guideline else None,
        rejection_reason=data.rejection_reason,
        advice_to_referrer=data.advice_to_referrer,
        withdrawal_risk=data.withdrawal_risk,
        somatic_health=data.somatic_health,
        mental_health=data.mental_health,
        readiness=data.readiness,
        relapse_risk=data.relapse_risk,
        living_situation=data.living_situation,
        overdose_risk=data.overdose_risk,
        suicide_risk=data.suicide_risk,
        heard_how=data.heard_how,
        heard_note=data.heard_note,
        wished_level=referral.wished_level,
        wish_difference_reason=data.wish_difference_reason if wish.differs(referral.wished_level, assigned) else None,
        wish_difference_note=data.wish_difference_note if wish.differs(referral.wished_level, assigned) else None,
        recorded_at=clock.now(),
    )
    session.add(assessment)
    session.flush()
    audit.record_change(
        session,
        actor,
        "referral.assessed",
        "assessment",
        assessment.id,
        person_id=referral.person_id,
        detail={
            "outcome": data.outcome.value,
            "assigned_level": assigned.value if assigned else None,
            "wished_level": referral.wished_level.value if referral.wished_level else None,
        },
    )
    return assessment


def get_assessment(session: Session, actor: Actor, assessment_id: int) -> Assessment:
    assessment = session.get(Assessment, assessment_id)
    if assessment is None or not policy.may_see(session, actor, assessment.person_id):
        raise NotFound("assessment", assessment_id)
    audit.record_access(session, actor, assessment.person_id, "assessment", entity_id=assessment.id)
    return assessment


def latest_assessment(session: Session, referral_id: int) -> Assessment | None:
    stmt = (
        select(Assessment)
        .where(Assessment.referral_id == referral_id)
        .order_by(Assessment.assessed_on.desc(), Assessment.id.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def change_start_deadline(session: Session, actor: Actor, assessment_id: int, data: DeadlineChange) -> Assessment:
    """The individual deadline is editable, with a reason, within the legal ceiling."""
    assessment = get_assessment(session, actor, assessment_id)
    check_version("assessment", assessment.version, data.version)
    if not actor.is_system and assessment.unit_id not in actor.unit_ids:
        raise Forbidden("only the assessing unit changes the start deadline")
    if assessment.outcome != Outcome.GRANTED:
        raise Conflict("only a granted right has a start deadline")
    referral = session.get_one(Referral, assessment.referral_id)
    person = session.get_one(Person, assessment.person_id)
    if data.start_deadline < assessment.assessed_on:
        raise Invalid("start_deadline", data.start_deadline.isoformat(), "cannot be before the assessment date")
    try:
        deadlines.validate_chosen_deadline(
            referral.received_on,
            data.start_deadline,
            deadlines.age_on(person.birth_date, referral.received_on),
        )
    except ValueError as exc:
        raise Invalid("start_deadline", data.start_deadline.isoformat(), str(exc)) from exc
    old = assessment.start_deadline
    assessment.start_deadline = data.start_deadline
    assessment.deadline_reason = _need("reason", data.reason, "say why the deadline changes")
    session.flush()
    audit.record_change(
        session,
        actor,
        "assessment.deadline_changed",
        "assessment",
        assessment.id,
        person_id=assessment.person_id,
        reason=data.reason,
        detail={"from": old.isoformat() if old else None, "to": data.start_deadline.isoformat()},
    )
    return assessment


__all__ = ["CareLevel", "assess_referral", "change_start_deadline", "get_assessment", "latest_assessment"]
