"""Loading the facts the gap rules need, for one person or a whole unit.

Each loader takes a subquery of person ids and fills ``PersonFacts`` in place, so the cost of a unit's gap list
is a constant number of statements however many persons the unit has. The pathway core's facts come in one
statement (``core_facts``: one aggregate per kind of fact, joined on the id list); domains add their loader to
``LOADERS``. For a few persons ``gaps/combined.py`` sends every loader's statements as one; so a loader's statements
depend on the ids and the day only (not on rows it read before), and an early return on empty rows comes before the
statements it skips.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, bindparam, case, func, select
from sqlalchemy.dialects import postgresql
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
from helhet.transitions.models import Handover, HandoverStatus

Loader = Callable[[Session, Select[Any], date, dict[int, PersonFacts]], None]
LOADERS: list[Loader] = []


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def loader(fn: Loader) -> Loader:
    LOADERS.append(fn)
    return fn


def _in(column: Any, ids: Any) -> ColumnElement[bool]:
    return column.in_(select(ids.c[0]))


@loader
def core_facts(session: Session, ids: Select[Any], today: date, facts: dict[int, PersonFacts]) -> None:
    """Every fact of the pathway core in one statement: the id list once (a CTE), one aggregate per kind of fact
    (service start, housing, open referrals, overdue tasks, missing interpreters, care team, cooperation,
    overdue handovers) joined on it, and plain tuples back, so 2,000 persons cost one round trip."""
    if session.get_bind().dialect.name == "postgresql":
        # one kept statement per day over the ids as an array parameter: the ids are the persons in ``facts``
        stmt, params = _kept_core_statement(today, _at_risk_days()), {"gap_person_ids": list(facts)}
    else:
        stmt, params = _core_statement(ids, today, _at_risk_days()), {}
    for row in session.connection().execute(stmt, params):
        f = facts.get(row[0])
        if f is not None:
            _apply(f, row)


@lru_cache(maxsize=16)
def _kept_core_statement(today: date, at_risk_days: int) -> Select[Any]:
    """Built once per day: building the eight aggregates costs more than running them for a few stale persons."""
    array = select(func.unnest(bindparam("gap_person_ids", type_=postgresql.ARRAY(Integer))))
    return _core_statement(array, today, at_risk_days)


def _at_risk_days() -> int:
    return get_settings().deadline_at_risk_days


def _core_statement(ids: Select[Any], today: date, at_risk_days: int) -> Select[Any]:
    """The core facts per person id (columns 0-13)."""
    person = ids.cte("gap_persons")
    pid = person.c[0]
    service = (
        select(Episode.person_id.label("pid"), func.min(Episode.started_on).label("start"))
        .where(_in(Episode.person_id, person))
        .group_by(Episode.person_id)
        .subquery("service")
    )
    ranked = (
        select(
            HousingPeriod.person_id.label("pid"),
            HousingPeriod.status.label("status"),
            func.row_number()
            .over(
                partition_by=HousingPeriod.person_id, order_by=(HousingPeriod.from_date.desc(), HousingPeriod.id.desc())
            )
            .label("rn"),
        )
        .where(_in(HousingPeriod.person_id, person), HousingPeriod.from_date <= today)
        .subquery("housing_ranked")
    )
    housing = select(ranked.c.pid, ranked.c.status).where(ranked.c.rn == 1).subquery("housing")
    at_risk = today + timedelta(days=at_risk_days)
    started = select(Episode.id).where(Episode.referral_id == Referral.id).exists()
    waiting = Referral.status.in_([ReferralStatus.RECEIVED, ReferralStatus.RETURNED])
    referrals = (
        select(
            Referral.person_id.label("pid"),
            func.count(Referral.wished_level).label("wishes"),
            count_if(waiting & (Referral.assessment_due < today)).label("overdue"),
            count_if(
                (Referral.status == ReferralStatus.GRANTED) & (Assessment.start_deadline <= at_risk) & ~started
            ).label("risk"),
        )
        .outerjoin(Assessment, (Assessment.referral_id == Referral.id) & (Assessment.outcome == Outcome.GRANTED))
        .where(_in(Referral.person_id, person), Referral.status.in_(OPEN_STATUSES))
        .group_by(Referral.person_id)
        .subquery("referrals")
    )
    tasks = (
        select(Task.person_id.label("pid"), func.count().label("n"))
        .where(_in(Task.person_id, person), Task.status.in_(OPEN_TASK_STATUSES), Task.due_on < today)
        .group_by(Task.person_id)
        .subquery("tasks")
    )
    interpreters = (
        select(Appointment.person_id.label("pid"), func.count().label("n"))
        .where(
            _in(Appointment.person_id, person),
            Appointment.attendance == Attendance.BOOKED,
            Appointment.interpreter_status == InterpreterStatus.NEEDED_NOT_BOOKED,
        )
        .group_by(Appointment.person_id)
        .subquery("interpreters")
    )
    current = (CareTeamMember.to_date.is_(None)) | (CareTeamMember.to_date >= today)
    team = (
        select(
            CareTeamMember.person_id.label("pid"),
            func.count(func.distinct(CareTeamMember.unit_id)).label("units"),
            count_if(CareTeamMember.role == TeamRole.COORDINATOR).label("coordinators"),
        )
        .where(_in(CareTeamMember.person_id, person), current)
        .group_by(CareTeamMember.person_id)
        .subquery("team")
    )
    c = CollaborationContact

    def last(counterpart: Counterpart) -> ColumnElement[date]:
        return func.max(case((c.counterpart == counterpart, c.contact_on)))

    cooperation = (
        select(
            c.person_id.label("pid"),
            last(Counterpart.GP).label("gp"),
            last(Counterpart.SPECIALIST).label("specialist"),
            last(Counterpart.NAV).label("nav"),
        )
        .where(_in(c.person_id, person), c.contact_on <= today)
        .group_by(c.person_id)
        .subquery("cooperation")
    )
    handovers = (
        select(Handover.person_id.label("pid"), func.count().label("n"))
        .where(
            _in(Handover.person_id, person),
            Handover.status == HandoverStatus.PENDING,
            Handover.acceptance_due < today,
        )
        .group_by(Handover.person_id)
        .subquery("handovers")
    )
    parts = (service, housing, referrals, tasks, interpreters, team, cooperation, handovers)
    stmt = select(
        pid,
        service.c.start,
        housing.c.status,
        referrals.c.wishes,
        referrals.c.overdue,
        referrals.c.risk,
        tasks.c.n,
        interpreters.c.n,
        team.c.units,
        team.c.coordinators,
        cooperation.c.gp,
        cooperation.c.specialist,
        cooperation.c.nav,
        handovers.c.n,
    ).select_from(person)
    for part in parts:
        stmt = stmt.outerjoin(part, part.c.pid == pid)
    return stmt


_UNSTABLE = frozenset({s.value for s in UNSTABLE_HOUSING} | set(UNSTABLE_HOUSING))


def _apply(f: PersonFacts, row: Sequence[Any]) -> None:
    (_, f.service_start, status, wishes, overdue, risk, tasks_overdue, missing, units, coordinators) = row[:10]
    if status is not None:
        f.housing_known = True
        f.housing_unstable = status in _UNSTABLE
        f.financial_or_housing_problem = f.financial_or_housing_problem or f.housing_unstable
    f.wish_recorded = bool(wishes)
    f.assessments_overdue = int(overdue or 0)
    f.deadlines_at_risk = int(risk or 0)
    f.tasks_overdue = int(tasks_overdue or 0)
    f.interpreter_missing = int(missing or 0)
    f.needs_coordinator = f.needs_coordinator or int(units or 0) >= 2
    f.has_coordinator = bool(coordinators)
    f.last_gp_contact, f.last_specialist_contact, f.last_nav_contact = row[10], row[11], row[12]
    f.handovers_overdue = int(row[13] or 0)


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
            crisis_plans,
            mapping_facts.load_mapping_facts,
            vedtak_facts.load_vedtak_facts,
        ]
    )


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


def id_array(session: Session, person_ids: list[int]) -> Select[Any] | None:
    """On PostgreSQL, ids already read as one array parameter (``unnest``), so the loaders do not evaluate the
    list's own query again in each of their statements; None on SQLite (no arrays)."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    return select(func.unnest(bindparam("gap_person_ids", person_ids, type_=postgresql.ARRAY(Integer))))
