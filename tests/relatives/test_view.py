"""A relative never sees more than the consent allows: each scope, withdrawal and expiry."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.audit import log as audit
from helhet.audit.models import AuditEvent
from helhet.errors import NotFound
from helhet.persons.models import Person
from helhet.reference.units import CareLevel
from helhet.relatives import consent as consents
from helhet.relatives.models import ConsentScope, Relative
from helhet.relatives.schemas import ConsentWithdraw, RelativeView
from helhet.relatives.view import relative_view
from helhet.users.actor import Actor
from tests.appointments.builders import book, treated_person
from tests.careplans.builders import make_goal, make_plan
from tests.personas import Units
from tests.relatives.builders import give_consent, make_relative

GOAL = "Jeg vil ha et sted å bo"
PURPOSE = "Samtale om behandlingen"


def _setup(session: Session, units: Units, clinician: Actor) -> tuple[Person, Relative]:
    """A person in outpatient treatment with a plan, and a relative invited to Monday's appointment."""
    person, _ = treated_person(session, units)
    make_goal(session, clinician, make_plan(session, clinician, person), GOAL)
    relative = make_relative(session, clinician, person)
    give_consent(session, clinician, relative, "meetings", valid_from=date(2025, 4, 1))
    book(session, clinician, person, units.poli, relative_ids=[relative.id], purpose=PURPOSE)
    return person, relative


def _assert_general_only(view: RelativeView, units: Units) -> None:
    assert view.general.unit_name == units.assessment.name  # the unit the relative keeps in touch with
    assert "generell informasjon" in view.general.rights
    assert (view.meetings, view.episodes, view.care_plan) == (None, None, None)
    text = view.model_dump_json()
    for health_data in (GOAL, PURPOSE, units.poli.name, "outpatient"):
        assert health_data not in text


@pytest.mark.parametrize("scope", ["none", "general"])
def test_without_consent_to_more_a_relative_gets_general_information_only(
    session: Session, units: Units, clinician: Actor, scope: str
) -> None:
    _, relative = _setup(session, units, clinician)
    give_consent(session, clinician, relative, scope, valid_from=date(2025, 4, 10))
    view = relative_view(session, relative.id)
    assert view.scope == ConsentScope(scope)
    _assert_general_only(view, units)


def test_a_relative_never_asked_for_consent_gets_general_information_only(
    session: Session, units: Units, clinician: Actor
) -> None:
    person, _ = treated_person(session, units)
    relative = make_relative(session, clinician, person)
    view = relative_view(session, relative.id)
    assert view.scope == ConsentScope.NONE
    _assert_general_only(view, units)


def test_consent_to_meetings_adds_the_meetings_the_relative_takes_part_in(
    session: Session, units: Units, clinician: Actor
) -> None:
    person, relative = _setup(session, units, clinician)
    other = make_relative(session, clinician, person, given_name="Per")
    give_consent(session, clinician, other, "full")
    view = relative_view(session, relative.id)
    assert view.scope == ConsentScope.MEETINGS
    assert view.meetings is not None
    assert [(m.unit_name, m.purpose) for m in view.meetings] == [(units.poli.name, None)]  # not what it is about
    assert (view.episodes, view.care_plan) == (None, None)
    assert GOAL not in view.model_dump_json()
    assert relative_view(session, other.id).meetings == []  # the other relative is not invited


def test_full_consent_adds_the_care_plan_summary_and_current_episodes(
    session: Session, units: Units, clinician: Actor
) -> None:
    _, relative = _setup(session, units, clinician)
    give_consent(session, clinician, relative, "full", valid_from=date(2025, 4, 10))
    view = relative_view(session, relative.id)
    assert view.scope == ConsentScope.FULL
    assert view.meetings is not None
    assert [m.purpose for m in view.meetings] == [PURPOSE]
    assert view.episodes is not None
    assert [(e.level, e.unit_name) for e in view.episodes] == [(CareLevel.OUTPATIENT, units.poli.name)]
    assert view.care_plan is not None
    assert view.care_plan.goals == [GOAL]


def test_after_withdrawal_the_relative_sees_general_information_only(
    session: Session, units: Units, clinician: Actor
) -> None:
    _, relative = _setup(session, units, clinician)
    full = give_consent(session, clinician, relative, "full", valid_from=date(2025, 4, 10))
    consents.withdraw_consent(session, clinician, full.id, ConsentWithdraw(note="Trakk samtykket muntlig"))
    view = relative_view(session, relative.id)
    assert view.scope == ConsentScope.NONE
    _assert_general_only(view, units)


def test_after_expiry_the_relative_sees_general_information_only(
    session: Session, units: Units, clinician: Actor
) -> None:
    _, relative = _setup(session, units, clinician)
    give_consent(session, clinician, relative, "full", valid_from=date(2025, 4, 10), valid_to=date(2025, 4, 11))
    assert relative_view(session, relative.id).scope == ConsentScope.FULL
    with clock.freeze(datetime(2025, 4, 12, 10, 0, tzinfo=UTC)):
        view = relative_view(session, relative.id)
    assert (view.scope, view.consent_valid_to) == (ConsentScope.NONE, None)
    _assert_general_only(view, units)


def test_the_portal_read_is_in_the_access_log_and_staff_previews_go_through_the_door(
    session: Session, units: Units, clinician: Actor, outsider: Actor
) -> None:
    person, relative = _setup(session, units, clinician)
    relative_view(session, relative.id)
    audit.flush_pending(session)
    event = session.scalar(select(AuditEvent).where(AuditEvent.entity == "relative_view"))
    assert event is not None
    assert (event.username, event.person_id) == (f"relative-portal:{relative.id}", person.id)
    assert relative_view(session, relative.id, actor=clinician).scope == ConsentScope.MEETINGS
    with pytest.raises(NotFound):
        relative_view(session, relative.id, actor=outsider)
    with pytest.raises(NotFound):
        relative_view(session, 10_000_000)
