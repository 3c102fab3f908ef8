"""Loading the facts the gap rules need, for one person or a whole unit, with one query per kind of fact.

Each loader takes a subquery of person ids and fills ``PersonFacts`` in place, so the cost of a unit's gap list
is a constant number of statements however many persons the unit has. Domains add their loader to
``LOADERS``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session

from helhet.appointments.models import Appointment, Attendance, InterpreterStatus
from helhet.assessments.models import Assessment, Outcome
from helhet.collaboration.models import CollaborationContact, Counterpart
from helhet.config import get_settings
from helhet.gaps.rules import PersonFacts
from helhet.pathways.models import CareTeamMember, Episode, TeamRole
from helhet.persons.models import UNSTABLE_HOUSING, HousingPeriod
from helhet.referrals.models import OPEN_STATUSES, Referral, ReferralStatus
from helhet.tasks.models import OPEN_TASK_STATUSES, Task

Loader = Callable[[Session, Select[Any], date, dict[int, PersonFacts]], None]
LOADERS: list[Loader] = []


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def loader(fn: Loader) -> Loader:
    LOADERS.append(fn)
    return fn


@loader
def service_start(session: Session, ids: Select[Any], today: date, facts: dict[int, PersonFacts]) -> None:
    stmt = (
        select(Episode.person_id, func.min(Episode.started_on))
        .where(Episode.person_id.in_(ids))
        .group_by(Episode.person_id)
    )
    for person_id, started in session.execute(stmt):
        facts[person_id].service_start = started


@loader
def housing(session: Session, ids: Select[Any], today: date, facts: dict[int, PersonFacts]) -> None:
    latest = (
        select(
            HousingPeriod.person_id,
            HousingPeriod.status,
            func.row_number()
            .over(
                partition_by=HousingPeriod.person_id, order_by=(HousingPeriod.from_date.desc(), HousingPeriod.id.desc())
            )
            .label("rn"),
        )
        .where(HousingPeriod.person_id.in_(ids), HousingPeriod.from_date <= today)
        .subquery()
    )
    for person_id, status in session.execute(select(latest.c.person_id, latest.c.status).where(latest.c.rn == 1)):
        f = facts[person_id]
        f.housing_known = True
        f.housing_unstable = status in {s.value for s in UNSTABLE_HOUSING} or status in UNSTABLE_HOUSING
        f.financial_or_housing_problem = f.financial_or_housing_problem or f.housing_unstable


@loader
def referrals_and_deadlines(session: Session, ids: Select[Any], today: date, facts: dict[int, PersonFacts]) -> None:
    """Wish recorded, assessments overdue and start deadlines at risk, from open referrals."""
    at_risk = today + timedelta(days=get_settings().deadline_at_risk_days)
    started = select(Episode.id).where(Episode.referral_id == Referral.id).exists()
    stmt = (
        select(
            Referral.person_id,
            func.count(Referral.wished_level),
            count_if(
                Referral.status.in_([ReferralStatus.RECEIVED, ReferralStatus.RETURNED])
                & (Referral.assessment_due < today)
            ),
            count_if((Referral.status == ReferralStatus.GRANTED) & (Assessment.start_deadline <= at_risk) & ~started),
        )
        .outerjoin(Assessment, (Assessment.referral_id == Referral.id) & (Assessment.outcome == Outcome.GRANTED))
        .where(Referral.person_id.in_(ids), Referral.status.in_(OPEN_STATUSES))
        .group_by(Referral.person_id)
    )
    for person_id, wishes, overdue, risk in session.execute(stmt):
        f = facts[person_id]
        f.wish_recorded = bool(wishes)
        f.assessments_overdue = int(overdue or 0)
        f.deadlines_at_risk = int(risk or 0)


@loader
def tasks(session: Session, ids: Select[Any], today: date, facts: dict[int, PersonFacts]) -> None:
    stmt = (
        select(Task.person_id, func.count())
        .where(Task.person_id.in_(ids), Task.status.in_(OPEN_TASK_STATUSES), Task.due_on < today)
        .group_by(Task.person_id)
    )
    for person_id, count in session.execute(stmt):
        facts[person_id].tasks_overdue = int(count)


@loader
def interpreters(session: Session, ids: Select[Any], today: date, facts: dict[int, PersonFacts]) -> None:
    stmt = (
        select(Appointment.person_id, func.count())
        .where(
            Appointment.person_id.in_(ids),
            Appointment.attendance == Attendance.BOOKED,
            Appointment.interpreter_status == InterpreterStatus.NEEDED_NOT_BOOKED,
        )
        .group_by(Appointment.person_id)
    )
    for person_id, count in session.execute(stmt):
        facts[person_id].interpreter_missing = int(count)


@loader
def coordinator(session: Session, ids: Select[Any], today: date, facts: dict[int, PersonFacts]) -> None:
    """Coordinator on the team, and long-term coordinated needs: current team members from two or more units."""
    current = (CareTeamMember.to_date.is_(None)) | (CareTeamMember.to_date >= today)
    stmt = (
        select(
            CareTeamMember.person_id,
            func.count(func.distinct(CareTeamMember.unit_id)),
            count_if(CareTeamMember.role == TeamRole.COORDINATOR),
        )
        .where(CareTeamMember.person_id.in_(ids), current)
        .group_by(CareTeamMember.person_id)
    )
    for person_id, units, coordinators in session.execute(stmt):
        f = facts[person_id]
        f.needs_coordinator = f.needs_coordinator or int(units) >= 2
        f.has_coordinator = bool(coordinators)


@loader
def cooperation(session: Session, ids: Select[Any], today: date, facts: dict[int, PersonFacts]) -> None:
    c = CollaborationContact
    stmt = (
        select(c.person_id, c.counterpart, func.max(c.contact_on))
        .where(c.person_id.in_(ids), c.contact_on <= today)
        .group_by(c.person_id, c.counterpart)
    )
    for person_id, counterpart, last in session.execute(stmt):
        f = facts[person_id]
        if counterpart == Counterpart.GP:
            f.last_gp_contact = last
        elif counterpart == Counterpart.SPECIALIST:
            f.last_specialist_contact = last
        elif counterpart == Counterpart.NAV:
            f.last_nav_contact = last


def _register_domain_loaders() -> None:
    """Loaders that live with their domains (they have the same shape and import nothing from here)."""
    from helhet.careplans import facts as careplan_facts
    from helhet.mapping import facts as mapping_facts
    from helhet.vedtak import facts as vedtak_facts

    # after the housing loader: these read housing_known
    LOADERS.extend(
        [
            careplan_facts.plan_facts,
            careplan_facts.ip_facts,
            handovers,
            crisis_plans,
            mapping_facts.load_mapping_facts,
            vedtak_facts.load_vedtak_facts,
        ]
    )


def handovers(session: Session, ids: Select[Any], today: date, facts: dict[int, PersonFacts]) -> None:
    from helhet.transitions.queries import overdue_handover_counts

    for person_id, count in overdue_handover_counts(session, ids, today).items():
        if person_id in facts:
            facts[person_id].handovers_overdue = count


def crisis_plans(session: Session, ids: Select[Any], today: date, facts: dict[int, PersonFacts]) -> None:
    from helhet.crisis_plans.requirement import crisis_plan_facts

    for person_id, (required, current) in crisis_plan_facts(session, ids, today).items():
        if person_id in facts:
            facts[person_id].crisis_plan_required = required
            facts[person_id].crisis_plan_current = current


_register_domain_loaders()


def load(session: Session, ids: Select[Any], person_ids: list[int], today: date) -> dict[int, PersonFacts]:
    facts = {pid: PersonFacts(person_id=pid, today=today) for pid in person_ids}
    for fn in LOADERS:
        fn(session, ids, today, facts)
    return facts
