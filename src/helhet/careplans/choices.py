"""Who can be put on a person's care team or own a measure: the units and named users a form offers.

The service decides (``team._check_member``, ``measures._check_owner``); these lists only keep the choices
short and relevant: the municipal services of the person's kommune, the specialist and private units that
receive TSB referrals (grouped by health trust), and the units already around the person or the actor.
No person data is read beyond the person's kommune, so the caller must already have opened the person.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.careplans.team import current_on
from helhet.pathways.models import CareTeamMember
from helhet.persons.models import Person
from helhet.reference.units import MUNICIPAL_KINDS, UnitKind
from helhet.units.models import HealthTrust, Unit
from helhet.users.models import Membership, User


@dataclass(frozen=True)
class Choice:
    id: int
    name: str


@dataclass(frozen=True)
class ChoiceGroup:
    label: str  # a health trust's name, or empty for the person's kommune (the template names it)
    municipal: bool
    choices: list[Choice]


@dataclass(frozen=True)
class UserChoice:
    id: int
    name: str
    unit_id: int
    unit_name: str


def team_units(session: Session, person_id: int, extra_unit_ids: Iterable[int] = ()) -> list[ChoiceGroup]:
    """Units for a team member or a measure owner: the person's kommune first, then units by health trust."""
    kommune = session.scalar(select(Person.municipality_number).where(Person.id == person_id))
    around = select(CareTeamMember.unit_id).where(CareTeamMember.person_id == person_id, current_on(clock.today()))
    municipal = list(MUNICIPAL_KINDS)
    specialist = [UnitKind.ASSESSMENT_UNIT, UnitKind.TSB_UNIT, UnitKind.PRIVATE_PROVIDER]
    stmt = (
        select(Unit.id, Unit.name, Unit.kind, HealthTrust.name.label("trust"))
        .outerjoin(HealthTrust, HealthTrust.code == Unit.health_trust_code)
        .where(
            Unit.active.is_(True),
            or_(
                Unit.kind.in_(specialist),
                (Unit.kind.in_(municipal) & (Unit.municipality_number == kommune)),
                Unit.id.in_(around),
                Unit.id.in_(list(extra_unit_ids)),
            ),
        )
        .order_by(HealthTrust.name.nulls_first(), Unit.name)
    )
    home: list[Choice] = []
    groups: dict[str, list[Choice]] = {}
    for row in session.execute(stmt):
        if row.kind in MUNICIPAL_KINDS:
            home.append(Choice(row.id, row.name))
        else:
            groups.setdefault(row.trust or "", []).append(Choice(row.id, row.name))
    result = [ChoiceGroup("", True, home)] if home else []
    return result + [ChoiceGroup(label, False, choices) for label, choices in groups.items()]


def named_users(session: Session, unit_ids: Iterable[int]) -> list[UserChoice]:
    """Active users of ``unit_ids`` (the actor's units and the team's), by unit and name."""
    wanted = list(unit_ids)
    if not wanted:
        return []
    stmt = (
        select(User.id, User.full_name, Unit.id.label("unit_id"), Unit.name.label("unit_name"))
        .join(Membership, Membership.user_id == User.id)
        .join(Unit, Unit.id == Membership.unit_id)
        .where(Membership.unit_id.in_(wanted), User.active.is_(True))
        .order_by(Unit.name, User.full_name)
    )
    return [UserChoice(r.id, r.full_name, r.unit_id, r.unit_name) for r in session.execute(stmt)]
