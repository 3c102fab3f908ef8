"""The pathway's event sources: one SELECT per kind of dated event, all in the same columns (the shape of
``PathwayEvent``), run together as one UNION ALL by ``pathways.timeline``. A domain with dated events adds its
source to ``timeline.EVENT_SOURCES``. Days of timestamp-based events are Oslo days (``oslo_date``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Select, case, cast, literal_column, null, select
from sqlalchemy.types import Date, Integer, String

from helhet.appointments.models import Appointment
from helhet.assessments.models import Assessment
from helhet.crisis_plans.models import CrisisPlan
from helhet.mapping.models import ChildrenRecord, MentalHealthScreening, QuestionnaireResult, Situation, SomaticCheck
from helhet.pathways.models import Episode
from helhet.pathways.oslo_day import oslo_date
from helhet.referrals.models import Referral
from helhet.relatives.models import Consent, Relative
from helhet.tasks.models import Task, TaskStatus
from helhet.transitions.models import Discharge, Handover
from helhet.vedtak.models import Vedtak

EventSource = Callable[[ColumnElement[int]], Select[Any]]


def _text(value: Any) -> Any:
    return cast(value, String)


def _constant(value: str) -> Any:
    """A constant text written into the SQL, not a bind parameter: the statement then has one parameter (the
    person), not fifty for the driver to adapt and send on every read. Only our own fixed words come here."""
    if "'" in value:
        raise ValueError(f"not a plain constant: {value!r}")
    return literal_column(f"'{value}'", String)


def _day(value: Any) -> Any:
    """The Oslo calendar day of a timestamp."""
    return oslo_date(value)


#: on the same day, the order a reader expects: asked, decided, started, handed over, ... (a kind not named here
#: comes last); each source carries its rank as the constant column ``same_day``
SAME_DAY_ORDER = {
    kind: i
    for i, kind in enumerate(
        (
            "referral",
            "assessment",
            "episode",
            "vedtak",
            "handover",
            "handover_decision",
            "discharge",
            "crisis_plan",
            "mapping",
            "appointment",
            "task",
            "task_done",
            "consent",
            "consent_withdrawn",
        )
    )
}

_NO_TEXT = cast(null(), String)
_NO_ID = cast(null(), Integer)
_NO_DAY = cast(null(), Date)


def _event(
    kind: str,
    id_: Any,
    on: Any,
    unit_id: Any,
    *,
    referral_id: Any = _NO_ID,
    until: Any = _NO_DAY,
    level: Any = _NO_TEXT,
    other_level: Any = _NO_TEXT,
    status: Any = _NO_TEXT,
    note: Any = _NO_TEXT,
    owner_id: Any = _NO_ID,
    other_unit_id: Any = _NO_ID,
) -> Select[Any]:
    """One SELECT in the shape every source shares (the labels name the UNION's columns) and its same-day rank.
    The unit's name is not here: ``timeline`` joins the unit once, outside the UNION (one join, not one per
    source)."""
    return select(
        _constant(kind).label("kind"),
        id_.label("id"),
        referral_id.label("referral_id"),
        on.label("on"),
        until.label("until"),
        unit_id.label("unit_id"),
        level.label("level"),
        other_level.label("other_level"),
        status.label("status"),
        note.label("note"),
        owner_id.label("owner_id"),
        other_unit_id.label("other_unit_id"),
        literal_column(str(SAME_DAY_ORDER.get(kind, len(SAME_DAY_ORDER))), Integer).label("same_day"),
    )


def referral_events(person_id: ColumnElement[int]) -> Select[Any]:
    r = Referral
    return _event(
        "referral",
        r.id,
        r.received_on,
        r.receiving_unit_id,
        referral_id=r.id,
        until=r.closed_on,
        level=_text(r.wished_level),
        status=_text(r.status),
        note=r.what_matters,
        owner_id=r.registered_by,
        other_unit_id=r.referrer_unit_id,
    ).where(r.person_id == person_id)


def assessment_events(person_id: ColumnElement[int]) -> Select[Any]:
    a = Assessment
    return _event(
        "assessment",
        a.id,
        a.assessed_on,
        a.unit_id,
        referral_id=a.referral_id,
        until=a.start_deadline,
        level=_text(a.assigned_level),
        other_level=_text(a.wished_level),
        status=_text(a.outcome),
        note=a.wish_difference_note,
        owner_id=a.assessed_by,
    ).where(a.person_id == person_id)


def episode_events(person_id: ColumnElement[int]) -> Select[Any]:
    e = Episode
    return _event(
        "episode",
        e.id,
        e.started_on,
        e.unit_id,
        referral_id=e.referral_id,
        until=e.ended_on,
        level=_text(e.level),
        status=_text(e.end_reason),
        note=e.end_note,
        owner_id=e.responsible_user_id,
    ).where(e.person_id == person_id)


def handover_events(person_id: ColumnElement[int]) -> Select[Any]:
    """A handover as it was created, from the sending unit (status: where it stands now)."""
    h = Handover
    return _event(
        "handover",
        h.id,
        _day(h.created_at),
        h.from_unit_id,
        until=h.planned_on,
        level=_text(h.kind),
        status=_text(h.status),
        note=h.note,
        owner_id=h.created_by,
        other_unit_id=h.to_unit_id,
    ).where(h.person_id == person_id)


def handover_decision_events(person_id: ColumnElement[int]) -> Select[Any]:
    """Accepted or declined by the receiver, or cancelled by the sender: the day responsibility was settled."""
    h = Handover
    return _event(
        "handover_decision",
        h.id,
        _day(h.decided_at),
        h.to_unit_id,
        level=_text(h.kind),
        status=_text(h.status),
        note=h.decision_reason,
        owner_id=h.decided_by,
        other_unit_id=h.from_unit_id,
    ).where(h.person_id == person_id, h.decided_at.is_not(None))


def discharge_events(person_id: ColumnElement[int]) -> Select[Any]:
    d = Discharge
    with_handover = case((d.without_accepted_handover, _constant("without_handover")), else_=_constant("with_handover"))
    return _event(
        "discharge",
        d.id,
        d.discharged_on,
        d.unit_id,
        status=with_handover,
        note=d.reason_without_handover,
        owner_id=d.recorded_by,
    ).where(d.person_id == person_id)


def task_events(person_id: ColumnElement[int]) -> Select[Any]:
    """A task as it was created; ``until`` is its due day, ``status`` where it stands now."""
    t = Task
    return _event(
        "task",
        t.id,
        _day(t.created_at),
        t.unit_id,
        until=t.due_on,
        level=_text(t.kind),
        status=_text(t.status),
        note=t.title,
        owner_id=t.owner_user_id,
    ).where(t.person_id == person_id)


def task_done_events(person_id: ColumnElement[int]) -> Select[Any]:
    t = Task
    return _event(
        "task_done",
        t.id,
        t.completed_on,
        t.unit_id,
        level=_text(t.kind),
        status=_text(t.status),
        note=t.title,
        owner_id=t.owner_user_id,
    ).where(t.person_id == person_id, t.status == _constant(TaskStatus.DONE.value), t.completed_on.is_not(None))


def appointment_events(person_id: ColumnElement[int]) -> Select[Any]:
    """An appointment with its attendance (``status``) and interpreter status (``other_level``)."""
    a = Appointment
    return _event(
        "appointment",
        a.id,
        _day(a.starts_at),
        a.unit_id,
        level=_text(a.mode),
        other_level=_text(a.interpreter_status),
        status=_text(a.attendance),
        note=a.purpose,
        owner_id=a.owner_user_id,
    ).where(a.person_id == person_id)


def crisis_plan_events(person_id: ColumnElement[int]) -> Select[Any]:
    """Each version of the crisis plan; ``status`` is its version number, ``until`` its review day."""
    c = CrisisPlan
    return (
        _event(
            "crisis_plan",
            c.id,
            c.made_on,
            _NO_ID,
            until=c.review_by,
            level=_text(c.overdose_risk),
            status=_text(c.version_no),
            note=c.note,
            owner_id=c.created_by,
        )
    ).where(c.person_id == person_id)


def _mapping(area: str, model: Any, on: Any, **columns: Any) -> Callable[[ColumnElement[int]], Select[Any]]:
    def source(person_id: ColumnElement[int]) -> Select[Any]:
        return _event("mapping", model.id, on, model.unit_id, level=_constant(area), **columns).where(
            model.person_id == person_id
        )

    source.__name__ = f"mapping_{area}_events"
    return source


q, m, s, sit, ch = QuestionnaireResult, MentalHealthScreening, SomaticCheck, Situation, ChildrenRecord
mapping_questionnaire_events = _mapping(
    "questionnaire",
    q,
    q.done_on,
    other_level=q.instrument,
    status=_text(q.band),
    note=_text(q.total),
    owner_id=q.done_by_user_id,
)
mapping_screening_events = _mapping(
    "screening", m, m.screened_on, other_level=m.instrument, status=_text(m.status), owner_id=m.recorded_by
)
mapping_somatic_events = _mapping(
    "somatic", s, s.checked_on, other_level=_text(s.examiner), note=s.examiner_name, owner_id=s.recorded_by
)
mapping_situation_events = _mapping(
    "situation",
    sit,
    sit.recorded_on,
    other_level=_text(sit.income),
    status=_text(sit.activity),
    owner_id=sit.recorded_by,
)
mapping_children_events = _mapping(
    "children", ch, ch.asked_on, until=ch.needs_assessed_on, status=_text(ch.answer), owner_id=ch.recorded_by
)
del q, m, s, sit, ch


def vedtak_events(person_id: ColumnElement[int]) -> Select[Any]:
    """A vedtak from its decision; ``other_level`` is the decided weekly volume as text."""
    v = Vedtak
    return _event(
        "vedtak",
        v.id,
        v.decided_on,
        v.unit_id,
        until=v.end_on,
        level=_text(v.service_type),
        other_level=_text(v.volume),
        status=_text(v.status),
        note=v.legal_basis,
        owner_id=v.created_by,
    ).where(v.person_id == person_id)


def _relative_name() -> Any:
    return Relative.given_name + _constant(" ") + Relative.family_name


def consent_events(person_id: ColumnElement[int]) -> Select[Any]:
    """A consent as given (``status`` says whether it was later withdrawn); ``other_level`` names the relative."""
    c = Consent
    withdrawn = case((c.withdrawn_at.is_not(None), _constant("withdrawn")), else_=_constant("given"))
    return (
        _event(
            "consent",
            c.id,
            c.valid_from,
            _NO_ID,
            until=c.valid_to,
            level=_text(c.scope),
            other_level=_relative_name(),
            status=withdrawn,
            owner_id=c.recorded_by,
        )
        .join(Relative, Relative.id == c.relative_id)
        .where(c.person_id == person_id)
    )


def consent_withdrawn_events(person_id: ColumnElement[int]) -> Select[Any]:
    c = Consent
    return (
        _event(
            "consent_withdrawn",
            c.id,
            _day(c.withdrawn_at),
            _NO_ID,
            level=_text(c.scope),
            other_level=_relative_name(),
            status=_constant("withdrawn"),
            note=c.withdrawn_note,
        )
        .join(Relative, Relative.id == c.relative_id)
        .where(c.person_id == person_id, c.withdrawn_at.is_not(None))
    )


__all__ = ["EventSource", "oslo_date"]
