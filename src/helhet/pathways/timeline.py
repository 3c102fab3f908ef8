"""The person's whole pathway in time order: the hot read path.

Cost is constant in the number of events: one statement loads the person and checks access together, one
UNION ALL gathers every kind of event (mapped straight to the response shape, no ORM objects), and the audit
append adds three at commit. Each domain contributes one SELECT with the same columns to ``EVENT_SOURCES``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, cast, literal, null, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.types import Date, Integer, String

from helhet.assessments.models import Assessment
from helhet.audit import log as audit
from helhet.audit import policy
from helhet.errors import NotFound
from helhet.pathways.models import Episode
from helhet.pathways.schemas import PathwayEvent, PathwayRead
from helhet.persons.models import Person
from helhet.referrals.models import Referral
from helhet.units.models import Unit
from helhet.users.actor import Actor

EventSource = Callable[[ColumnElement[int]], Select[Any]]


def _text(value: Any) -> Any:
    return cast(value, String)


def referral_events(person_id: ColumnElement[int]) -> Select[Any]:
    return (
        select(
            literal("referral").label("kind"),
            Referral.id.label("id"),
            Referral.id.label("referral_id"),
            Referral.received_on.label("on"),
            Referral.closed_on.label("until"),
            Referral.receiving_unit_id.label("unit_id"),
            Unit.name.label("unit_name"),
            _text(Referral.wished_level).label("level"),
            cast(null(), String).label("other_level"),
            _text(Referral.status).label("status"),
            Referral.what_matters.label("note"),
        )
        .join(Unit, Unit.id == Referral.receiving_unit_id)
        .where(Referral.person_id == person_id)
    )


def assessment_events(person_id: ColumnElement[int]) -> Select[Any]:
    return (
        select(
            literal("assessment"),
            Assessment.id,
            Assessment.referral_id,
            Assessment.assessed_on,
            Assessment.start_deadline,
            Assessment.unit_id,
            Unit.name,
            _text(Assessment.assigned_level),
            _text(Assessment.wished_level),
            _text(Assessment.outcome),
            Assessment.wish_difference_note,
        )
        .join(Unit, Unit.id == Assessment.unit_id)
        .where(Assessment.person_id == person_id)
    )


def episode_events(person_id: ColumnElement[int]) -> Select[Any]:
    return (
        select(
            literal("episode"),
            Episode.id,
            Episode.referral_id,
            Episode.started_on,
            Episode.ended_on,
            Episode.unit_id,
            Unit.name,
            _text(Episode.level),
            cast(null(), String),
            _text(Episode.end_reason),
            Episode.end_note,
        )
        .join(Unit, Unit.id == Episode.unit_id)
        .where(Episode.person_id == person_id)
    )


#: every domain with dated events adds its SELECT here (coordination adds handovers, tasks, appointments, ...)
EVENT_SOURCES: list[EventSource] = [referral_events, assessment_events, episode_events]

_ORDER = {"referral": 0, "assessment": 1, "episode": 2}


def _person_row(session: Session, actor: Actor, person_id: int) -> dict[str, Any]:
    stmt = select(
        Person.id,
        Person.given_name,
        Person.family_name,
        Person.fodselsnummer,
        Person.birth_date,
        Person.sex,
        Person.municipality_number,
        Person.preferred_language,
        Person.interpreter_needed,
        Person.interpreter_language,
        Person.version,
        policy.may_see_clause(actor, Person.id).label("allowed"),
    ).where(Person.id == person_id)
    row = session.connection().execute(stmt).mappings().first()
    if row is None or not row["allowed"]:
        raise NotFound("person", person_id)
    person = dict(row)
    del person["allowed"]
    return person


_events_statement: tuple[int, Select[Any]] | None = None


def events_statement() -> Select[Any]:
    """The UNION ALL of every source, built once with a bound person id so SQLAlchemy's compiled cache hits."""
    global _events_statement
    if _events_statement is None or _events_statement[0] != len(EVENT_SOURCES):
        person = bindparam("person_id", type_=Integer)
        query = union_all(*(source(person) for source in EVENT_SOURCES)).subquery()
        _events_statement = (len(EVENT_SOURCES), select(query).order_by(query.c.on, query.c.kind, query.c.id))
    return _events_statement[1]


def read_pathway(session: Session, actor: Actor, person_id: int) -> PathwayRead:
    person = _person_row(session, actor, person_id)
    # Core statement on the session's connection: no ORM layer between the rows and the response shape
    rows = session.connection().execute(events_statement(), {"person_id": person_id}).all()
    events = [
        PathwayEvent(
            kind=r[0],
            id=r[1],
            referral_id=r[2],
            on=r[3],
            until=r[4],
            unit_id=r[5],
            unit_name=r[6],
            level=r[7],
            other_level=r[8],
            status=r[9],
            note=r[10],
        )
        for r in rows
    ]
    events.sort(key=lambda e: (e.on, _ORDER.get(e.kind, 9), e.id))
    audit.record_access(session, actor, person_id, "pathway")
    return PathwayRead(person=person, events=events)


__all__ = ["EVENT_SOURCES", "Date", "Integer", "read_pathway"]
