"""Recording and listing cooperation contacts around a person."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.audit import log as audit
from helhet.collaboration.models import CollaborationContact
from helhet.collaboration.schemas import ContactCreate
from helhet.errors import Forbidden, Invalid
from helhet.persons import service as persons
from helhet.referrals import service as referrals
from helhet.users.actor import Actor


def record_contact(session: Session, actor: Actor, person_id: int, data: ContactCreate) -> CollaborationContact:
    persons.get_person(session, actor, person_id, what="collaboration")
    referrals.get_unit(session, data.unit_id)
    if not actor.is_system and data.unit_id not in actor.unit_ids:
        raise Forbidden("record contacts for one of your own units")
    if data.counterpart_unit_id is not None:
        referrals.get_unit(session, data.counterpart_unit_id, "counterpart_unit_id")
        if data.counterpart_unit_id == data.unit_id:
            raise Invalid("counterpart_unit_id", data.counterpart_unit_id, "a unit does not cooperate with itself")
    if data.contact_on > clock.today():
        raise Invalid("contact_on", data.contact_on.isoformat(), "cannot be later than today")
    contact = CollaborationContact(
        person_id=person_id,
        unit_id=data.unit_id,
        counterpart=data.counterpart,
        counterpart_unit_id=data.counterpart_unit_id,
        kind=data.kind,
        contact_on=data.contact_on,
        topic=data.topic,
        note=data.note,
        person_took_part=data.person_took_part,
        recorded_at=clock.now(),
        recorded_by=actor.user_id,
    )
    session.add(contact)
    session.flush()
    audit.record_change(
        session,
        actor,
        "collaboration.recorded",
        "collaboration_contact",
        contact.id,
        person_id=person_id,
        detail={"counterpart": data.counterpart.value, "kind": data.kind.value},
    )
    return contact


def contacts_of(session: Session, actor: Actor, person_id: int) -> list[CollaborationContact]:
    persons.get_person(session, actor, person_id, what="collaboration")
    stmt = (
        select(CollaborationContact)
        .where(CollaborationContact.person_id == person_id)
        .order_by(CollaborationContact.contact_on.desc(), CollaborationContact.id.desc())
    )
    return list(session.scalars(stmt))
