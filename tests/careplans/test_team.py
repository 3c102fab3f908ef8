"""The care team across organisations, the coordinator, and long-term coordinated needs."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helhet.careplans import team
from helhet.careplans.schemas import CoordinatorAssign, OrganisationKind, TeamMemberCreate, TeamMemberEnd
from helhet.errors import Conflict, Invalid, NotFound
from helhet.pathways.models import CareTeamMember, TeamRole
from helhet.reference.units import CareLevel
from helhet.users.actor import Actor
from helhet.users.models import Role
from tests.builders import grant, make_episode, make_referral
from tests.careplans.builders import add_to_team, colleague, served_person
from tests.personas import Units


def members(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(CareTeamMember)) or 0


def test_team_lists_each_member_with_unit_and_organisation_kind(
    session: Session, units: Units, clinician: Actor
) -> None:
    person = served_person(session, units)
    add_to_team(session, person.id, units.nav, TeamRole.NAV_CONTACT, clinician, name="Nora Veileder")
    add_to_team(session, person.id, units.kommune, TeamRole.PEER_WORKER, clinician, name="Per Erfaring")
    add_to_team(session, person.id, units.poli, TeamRole.THERAPIST, clinician, user_id=clinician.user_id)
    rows = team.current_team(session, clinician, person.id)
    seen = {(r.role, r.unit_name, r.organisation, r.user_name or r.name) for r in rows}
    assert seen == {
        (TeamRole.MUNICIPAL_CONTACT, units.kommune.name, OrganisationKind.MUNICIPAL, None),
        (TeamRole.NAV_CONTACT, units.nav.name, OrganisationKind.MUNICIPAL, "Nora Veileder"),
        (TeamRole.PEER_WORKER, units.kommune.name, OrganisationKind.MUNICIPAL, "Per Erfaring"),
        (TeamRole.THERAPIST, units.poli.name, OrganisationKind.SPECIALIST, "Clinician"),
    }
    assert all(r.current for r in rows)


def test_member_from_a_unit_that_does_not_exist_is_refused(session: Session, units: Units, clinician: Actor) -> None:
    person = served_person(session, units)
    before = members(session)
    with pytest.raises(Invalid) as raised:
        team.add_member(session, clinician, person.id, TeamMemberCreate(unit_id=987654, role=TeamRole.GP))
    assert (raised.value.field, raised.value.value) == ("unit_id", 987654)
    assert members(session) == before


def test_named_member_must_belong_to_the_unit(session: Session, units: Units, clinician: Actor) -> None:
    person = served_person(session, units)
    data = TeamMemberCreate(unit_id=units.nav.id, user_id=clinician.user_id, role=TeamRole.NAV_CONTACT)
    with pytest.raises(Invalid) as raised:
        team.add_member(session, clinician, person.id, data)
    assert (raised.value.field, raised.value.value) == ("user_id", clinician.user_id)


def test_same_member_twice_is_a_conflict(session: Session, units: Units, clinician: Actor) -> None:
    person = served_person(session, units)
    with pytest.raises(Conflict):
        add_to_team(session, person.id, units.kommune, TeamRole.MUNICIPAL_CONTACT, clinician)


def test_ending_a_membership_keeps_it_in_the_history(session: Session, units: Units, clinician: Actor) -> None:
    person = served_person(session, units)
    nav = add_to_team(session, person.id, units.nav, TeamRole.NAV_CONTACT, clinician)
    with pytest.raises(Invalid):
        team.end_member(session, clinician, nav.id, TeamMemberEnd(to_date=date(2025, 3, 1)))
    team.end_member(session, clinician, nav.id, TeamMemberEnd(to_date=date(2025, 4, 9), version=nav.version))
    assert [r.unit_id for r in team.current_team(session, clinician, person.id)] == [units.kommune.id]
    history = team.team_history(session, clinician, person.id)
    ended = next(r for r in history if r.id == nav.id)
    assert (ended.to_date, ended.current) == (date(2025, 4, 9), False)
    earlier = team.current_team(session, clinician, person.id, on=date(2025, 4, 1))
    assert {r.unit_id for r in earlier} == {units.kommune.id, units.nav.id}
    with pytest.raises(Conflict):
        team.end_member(session, clinician, nav.id, TeamMemberEnd())


def test_coordinator_handover_keeps_history(
    session: Session, units: Units, clinician: Actor, coordinator: Actor
) -> None:
    person = served_person(session, units)
    first = team.assign_coordinator(
        session,
        clinician,
        person.id,
        CoordinatorAssign(unit_id=units.kommune.id, user_id=coordinator.user_id, from_date=date(2025, 3, 10)),
    )
    successor = colleague(session, "koordinator2", units.kommune.code, Role.COORDINATOR)
    handover = CoordinatorAssign(unit_id=units.kommune.id, user_id=successor.user_id, from_date=date(2025, 4, 10))
    with pytest.raises(Invalid) as no_version:
        team.assign_coordinator(session, clinician, person.id, handover)
    assert no_version.value.field == "version"
    with pytest.raises(Conflict):
        team.assign_coordinator(session, clinician, person.id, handover.model_copy(update={"version": 7}))
    second = team.assign_coordinator(
        session, clinician, person.id, handover.model_copy(update={"version": first.version})
    )
    assert first.to_date == date(2025, 4, 9)
    current = team.current_coordinator(session, clinician, person.id)
    assert current is not None and (current.id, current.user_name) == (second.id, "Koordinator2")
    coordinators = [r for r in team.team_history(session, clinician, person.id) if r.role == TeamRole.COORDINATOR]
    assert [(r.user_id, r.from_date, r.to_date) for r in coordinators] == [
        (successor.user_id, date(2025, 4, 10), None),
        (coordinator.user_id, date(2025, 3, 10), date(2025, 4, 9)),
    ]


def test_coordinator_is_assigned_only_through_assign_coordinator(
    session: Session, units: Units, clinician: Actor
) -> None:
    person = served_person(session, units)
    with pytest.raises(Invalid) as raised:
        add_to_team(session, person.id, units.kommune, TeamRole.COORDINATOR, clinician)
    assert raised.value.field == "role"


def test_needs_coordinator_when_two_units_serve_the_person(session: Session, units: Units, clinician: Actor) -> None:
    person = served_person(session, units)  # the kommune only
    today = date(2025, 4, 10)
    assert not team.needs_coordinator(session, person.id, today)
    add_to_team(session, person.id, units.kommune, TeamRole.PEER_WORKER, clinician, name="Per Erfaring")
    assert not team.needs_coordinator(session, person.id, today)  # still one unit
    referral = make_referral(
        session, clinician, person=person, receiving_unit_id=units.assessment.id, wished_level=CareLevel.OUTPATIENT
    )
    grant(session, clinician, referral, CareLevel.OUTPATIENT)
    make_episode(session, clinician, referral, units.poli.id, CareLevel.OUTPATIENT, started_on=date(2025, 3, 20))
    assert team.needs_coordinator(session, person.id, today)
    assert not team.needs_coordinator(session, person.id, date(2025, 3, 19))  # before the episode began


def test_outsider_gets_not_found_for_the_team(
    session: Session, units: Units, clinician: Actor, outsider: Actor
) -> None:
    person = served_person(session, units)
    member = team.current_team(session, clinician, person.id)[0]
    with pytest.raises(NotFound):
        team.current_team(session, outsider, person.id)
    with pytest.raises(NotFound):
        add_to_team(session, person.id, units.other, TeamRole.THERAPIST, outsider)
    with pytest.raises(NotFound):
        team.end_member(session, outsider, member.id, TeamMemberEnd())
    with pytest.raises(NotFound):
        team.assign_coordinator(session, outsider, person.id, CoordinatorAssign(unit_id=units.other.id))
