"""What the crisis-plan form offers: the relatives who may be named as contacts, the units with user-controlled
beds, and the names of the users who wrote or shared versions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.crisis_plans import consent
from helhet.persons import service as persons
from helhet.reference.units import CareLevel
from helhet.relatives.models import Relative
from helhet.units.models import Unit
from helhet.users.actor import Actor
from helhet.users.models import User


def contact_choices(session: Session, actor: Actor, person_id: int) -> list[Relative]:
    """The relatives who may be named as crisis contacts today: those with a consent in force of scope meetings or
    full (``relatives.consent.in_force_clause``, so a consent withdrawn today no longer counts)."""
    persons.get_person(session, actor, person_id, what="crisis_plan")
    return consent.consenting_relatives(session, person_id, clock.today())


def admission_units(session: Session) -> list[Unit]:
    """Active units with user-controlled beds, for an agreement on user-controlled admission."""
    stmt = select(Unit).where(Unit.active.is_(True)).order_by(Unit.name)
    return [u for u in session.scalars(stmt) if CareLevel.USER_CONTROLLED_BED.value in (u.levels or [])]


def author_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    """Full names of the users who wrote or shared versions (for "made by")."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {i: n for i, n in session.execute(select(User.id, User.full_name).where(User.id.in_(wanted)))}
