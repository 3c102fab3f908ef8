"""The mapping facts the gap checks need (ROP-01..04, ROP-14, ROP-15), for one person or a whole unit.

``load_mapping_facts`` has the signature of a ``gaps.facts`` loader: it takes a subquery of person ids and fills
``PersonFacts`` in place with a constant number of statements (seven), whatever the number of persons. It reads
``housing_known`` and adds to ``financial_or_housing_problem``, so it runs after the gap module's housing loader.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from helhet.mapping import rules
from helhet.mapping.models import (
    SCREENED,
    STRAINED_INCOME,
    ChildrenAnswer,
    ChildrenRecord,
    MappingArea,
    MappingDeclined,
    MentalHealthScreening,
    QuestionnaireResult,
    Situation,
    SomaticCheck,
)
from helhet.tasks.models import OPEN_TASK_STATUSES, Task, TaskKind

if TYPE_CHECKING:
    from helhet.gaps.rules import PersonFacts


def _latest(model: Any, day: Any, ids: Select[Any], today: date) -> Any:
    """The latest row per person on or before ``today`` (a subquery with the model's columns)."""
    ranked = (
        select(
            model,
            func.row_number().over(partition_by=model.person_id, order_by=(day.desc(), model.id.desc())).label("rn"),
        )
        .where(model.person_id.in_(ids), day <= today)
        .subquery()
    )
    return ranked


def load_mapping_facts(session: Session, ids: Select[Any], today: date, facts: dict[int, PersonFacts]) -> None:
    for load in (_substance, _screening, _somatic, _unowned_follow_ups, _situation, _children, _declined):
        load(session, ids, today, facts)


def _substance(session: Session, ids: Select[Any], today: date, facts: dict[int, PersonFacts]) -> None:
    q = QuestionnaireResult
    stmt = (
        select(q.person_id, func.min(q.done_on), func.max(q.done_on))
        .where(q.person_id.in_(ids), q.done_on <= today)
        .group_by(q.person_id)
    )
    for person_id, first, last in session.execute(stmt):
        facts[person_id].first_substance_mapping = first
        facts[person_id].last_substance_mapping = last


def _screening(session: Session, ids: Select[Any], today: date, facts: dict[int, PersonFacts]) -> None:
    s = MentalHealthScreening
    stmt = (
        select(s.person_id, func.max(s.screened_on))
        .where(s.person_id.in_(ids), s.screened_on <= today, s.status.in_(SCREENED))
        .group_by(s.person_id)
    )
    for person_id, on in session.execute(stmt):
        facts[person_id].mental_screening_on = on


def _somatic(session: Session, ids: Select[Any], today: date, facts: dict[int, PersonFacts]) -> None:
    c = SomaticCheck
    stmt = (
        select(c.person_id, func.max(c.checked_on))
        .where(c.person_id.in_(ids), c.checked_on <= today)
        .group_by(c.person_id)
    )
    for person_id, on in session.execute(stmt):
        facts[person_id].last_somatic_check = on


def _unowned_follow_ups(session: Session, ids: Select[Any], today: date, facts: dict[int, PersonFacts]) -> None:
    stmt = (
        select(Task.person_id, func.count())
        .where(
            Task.person_id.in_(ids),
            Task.kind == TaskKind.SOMATIC_FOLLOW_UP,
            Task.status.in_(OPEN_TASK_STATUSES),
            Task.owner_user_id.is_(None),
        )
        .group_by(Task.person_id)
    )
    for person_id, unowned in session.execute(stmt):
        facts[person_id].unowned_followups = int(unowned)


def _situation(session: Session, ids: Select[Any], today: date, facts: dict[int, PersonFacts]) -> None:
    latest = _latest(Situation, Situation.recorded_on, ids, today)
    stmt = select(
        latest.c.person_id, latest.c.income, latest.c.activity, latest.c.network, latest.c.financial_problems
    ).where(latest.c.rn == 1)
    for person_id, income, activity, network, financial_problems in session.execute(stmt):
        f = facts[person_id]
        f.situation_complete = f.housing_known and rules.situation_fields_known(income, activity, network)
        strained = income in STRAINED_INCOME or bool(financial_problems)
        f.financial_or_housing_problem = f.financial_or_housing_problem or strained


def _children(session: Session, ids: Select[Any], today: date, facts: dict[int, PersonFacts]) -> None:
    latest = _latest(ChildrenRecord, ChildrenRecord.asked_on, ids, today)
    stmt = select(latest.c.person_id, latest.c.answer, latest.c.needs_assessed_on).where(latest.c.rn == 1)
    for person_id, answer, assessed_on in session.execute(stmt):
        f = facts[person_id]
        f.children_asked = True
        f.has_minor_children = {ChildrenAnswer.YES: True, ChildrenAnswer.NO: False}.get(ChildrenAnswer(answer))
        f.children_needs_assessed = rules.children_needs_assessed(ChildrenAnswer(answer), assessed_on)


def _declined(session: Session, ids: Select[Any], today: date, facts: dict[int, PersonFacts]) -> None:
    """A decline after the last mapping of its area excludes the person from that check (ROP-01, ROP-03)."""
    d = MappingDeclined
    areas = [MappingArea.SUBSTANCE_USE, MappingArea.SOMATIC]
    stmt = (
        select(d.person_id, d.area, func.max(d.declined_on))
        .where(d.person_id.in_(ids), d.declined_on <= today, d.area.in_(areas))
        .group_by(d.person_id, d.area)
    )
    for person_id, area, on in session.execute(stmt):
        f = facts[person_id]
        if MappingArea(area) == MappingArea.SUBSTANCE_USE:
            f.mapping_declined = f.last_substance_mapping is None or f.last_substance_mapping < on
        else:
            f.somatic_declined = f.last_somatic_check is None or f.last_somatic_check < on
