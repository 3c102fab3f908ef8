"""Worklists of the pathway core: referrals awaiting assessment and start deadlines at risk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from sqlalchemy import Executable, bindparam, exists, select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.assessments.models import Assessment, Outcome
from helhet.audit import log as audit
from helhet.config import get_settings
from helhet.errors import NotFound
from helhet.pathways.models import Episode
from helhet.persons.models import Person
from helhet.referrals.models import Referral, ReferralStatus
from helhet.users.actor import Actor

MAX_PAGE = 200


@dataclass(frozen=True)
class Page:
    limit: int = 50
    offset: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_PAGE or self.offset < 0:
            from helhet.errors import Invalid

            raise Invalid("limit", self.limit, f"use a page size from 1 to {MAX_PAGE} and an offset of 0 or more")

    @property
    def params(self) -> dict[str, int]:
        """The values of a kept statement's ``page_limit`` and ``page_offset`` parameters."""
        return {"page_limit": self.limit, "page_offset": self.offset}


@dataclass(frozen=True)
class AssessmentDue:
    referral_id: int
    person_id: int
    person_name: str
    received_on: date
    assessment_due: date
    wished_level: str | None
    overdue: bool


@dataclass(frozen=True)
class DeadlineAtRisk:
    referral_id: int
    person_id: int
    person_name: str
    start_deadline: date
    assigned_level: str | None
    days_left: int
    breached: bool


def log_list_view(session: Session, actor: Actor, name: str, unit_id: int, person_ids: list[int]) -> None:
    """A worklist shows names: one audit event per view lists every person it showed."""
    if person_ids:
        audit.record_change(
            session, actor, "read", "worklist", name, detail={"unit_id": unit_id, "persons": sorted(set(person_ids))}
        )


def unit_of(actor: Actor, unit_id: int | None) -> int:
    """The unit a worklist is for: the given one if the actor belongs to it, else the active unit."""
    chosen = unit_id if unit_id is not None else actor.active_unit_id
    if chosen is None or chosen not in actor.unit_ids:
        raise NotFound("unit", unit_id)
    return chosen


@cache
def _assessments_due_statement() -> Executable:
    """Built once, the unit and page bound at each call: a kept statement also keeps its cache key, so neither the
    statement nor its key is made again per request (the compiled SQL is SQLAlchemy's cache)."""
    return (
        select(
            Referral.id,
            Referral.person_id,
            Person.given_name,
            Person.family_name,
            Referral.received_on,
            Referral.assessment_due,
            Referral.wished_level,
        )
        .join(Person, Person.id == Referral.person_id)
        .where(
            Referral.receiving_unit_id == bindparam("unit_id"),
            Referral.status.in_([ReferralStatus.RECEIVED, ReferralStatus.RETURNED]),
        )
        .order_by(Referral.assessment_due, Referral.id)
        .limit(bindparam("page_limit"))
        .offset(bindparam("page_offset"))  # bound from ``Page.params``
    )


def assessments_due(
    session: Session, actor: Actor, unit_id: int | None = None, page: Page = Page()
) -> list[AssessmentDue]:
    unit = unit_of(actor, unit_id)
    today = clock.today()
    params = {"unit_id": unit, **page.params}
    rows = [
        AssessmentDue(r[0], r[1], f"{r[2]} {r[3]}", r[4], r[5], r[6].value if r[6] else None, r[5] < today)
        for r in session.execute(_assessments_due_statement(), params)
    ]
    log_list_view(session, actor, "assessments_due", unit, [r.person_id for r in rows])
    return rows


@cache
def _deadlines_statement() -> Executable:
    """Built once (see ``_assessments_due_statement``); the unit, horizon and page bound at each call."""
    started = exists().where(Episode.referral_id == Referral.id)
    return (
        select(
            Referral.id,
            Referral.person_id,
            Person.given_name,
            Person.family_name,
            Assessment.start_deadline,
            Assessment.assigned_level,
        )
        .join(Person, Person.id == Referral.person_id)
        .join(Assessment, (Assessment.referral_id == Referral.id) & (Assessment.outcome == Outcome.GRANTED))
        .where(
            Referral.receiving_unit_id == bindparam("unit_id"),
            Referral.status == ReferralStatus.GRANTED,
            ~started,
            Assessment.start_deadline <= bindparam("horizon", type_=Assessment.start_deadline.type),
        )
        .order_by(Assessment.start_deadline, Referral.id)
        .limit(bindparam("page_limit"))
        .offset(bindparam("page_offset"))
    )


def deadlines_at_risk(
    session: Session, actor: Actor, unit_id: int | None = None, page: Page = Page()
) -> list[DeadlineAtRisk]:
    """Granted referrals without a started episode whose start deadline is within the warning window or passed."""
    unit = unit_of(actor, unit_id)
    today = clock.today()
    params = {"unit_id": unit, "horizon": today + timedelta(days=get_settings().deadline_at_risk_days), **page.params}
    rows = []
    for r in session.execute(_deadlines_statement(), params):
        deadline = r[4]
        assert deadline is not None  # the <= horizon condition filters out NULL
        level = r[5].value if r[5] else None
        rows.append(
            DeadlineAtRisk(r[0], r[1], f"{r[2]} {r[3]}", deadline, level, (deadline - today).days, deadline < today)
        )
    log_list_view(session, actor, "deadlines_at_risk", unit, [r.person_id for r in rows])
    return rows
