"""Registering a person's relatives (pårørende), the nearest relative, and whether involvement was offered.

A relative is part of the person's record: the person's door (``policy.may_see``) is the relative's door, and
outsiders get "not found". Consent lives in ``relatives/consent.py``; what a relative may see in ``relatives/view.py``.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from sqlalchemy import Executable, bindparam, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from helhet import clock
from helhet.audit import log as audit
from helhet.audit import policy
from helhet.errors import Invalid, NotFound, check_version
from helhet.persons import service as persons
from helhet.persons.service import LANGUAGE_RE
from helhet.referrals import service as referrals
from helhet.relatives.models import Involvement, Relative, RelativeContact
from helhet.relatives.schemas import InvolvementRecord, RelativeCreate, RelativeRead, RelativeUpdate
from helhet.tasks import service as tasks
from helhet.users.actor import Actor

PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()-]{3,38}$")
EARLIEST_BIRTH = date(1900, 1, 1)


def get_relative(session: Session, actor: Actor, relative_id: int, *, what: str = "relative") -> Relative:
    """The door to a relative: not found unless the actor may see the person; the read is logged."""
    relative = session.get(Relative, relative_id)
    if relative is None or not policy.may_see(session, actor, relative.person_id):
        raise NotFound("relative", relative_id)
    audit.record_access(session, actor, relative.person_id, what, entity_id=relative.id)
    return relative


def relatives_of(session: Session, actor: Actor, person_id: int) -> list[Relative]:
    persons.get_person(session, actor, person_id, what="relatives")
    return list(session.scalars(_relatives_statement(), {"person_id": person_id}))


@cache
def _relatives_statement() -> Executable:
    """Built once (every pathway page lists the relatives), the person bound at each call."""
    return (
        select(Relative)
        .where(Relative.person_id == bindparam("person_id"))
        .order_by(Relative.is_nearest.desc(), Relative.id)
    )


def contact_of(session: Session, relative_id: int) -> RelativeContact | None:
    """Internal (no access check): the unit the relative keeps in touch with."""
    return session.get(RelativeContact, relative_id)


def describe(session: Session, relative: Relative) -> RelativeRead:
    """The relative with their contact unit, for the API and pages (the caller went through the door)."""
    contact = contact_of(session, relative.id)
    return RelativeRead(
        id=relative.id,
        person_id=relative.person_id,
        given_name=relative.given_name,
        family_name=relative.family_name,
        relationship=relative.relationship,
        is_nearest=relative.is_nearest,
        birth_date=relative.birth_date,
        phone=relative.phone,
        email=relative.email,
        preferred_language=relative.preferred_language,
        interpreter_needed=relative.interpreter_needed,
        interpreter_language=relative.interpreter_language,
        involvement=relative.involvement,
        involvement_recorded_on=relative.involvement_recorded_on,
        contact_unit_id=contact.unit_id if contact else None,
        contact_phone=contact.phone if contact else None,
        version=relative.version,
    )


def register_relative(session: Session, actor: Actor, person_id: int, data: RelativeCreate) -> Relative:
    persons.get_person(session, actor, person_id, what="relatives")
    _check_details(data.birth_date, data.phone, data.email, data.preferred_language)
    _check_interpreter(data.interpreter_needed, data.interpreter_language)
    _check_phone("contact_phone", data.contact_phone)
    contact_unit_id = _contact_unit(session, actor, person_id, data.contact_unit_id)
    relative = Relative(
        person_id=person_id,
        given_name=data.given_name.strip(),
        family_name=data.family_name.strip(),
        relationship=data.relationship,
        is_nearest=data.is_nearest,
        birth_date=data.birth_date,
        phone=_clean(data.phone),
        email=_clean(data.email),
        preferred_language=data.preferred_language,
        interpreter_needed=data.interpreter_needed,
        interpreter_language=data.interpreter_language if data.interpreter_needed else None,
        created_at=clock.now(),
    )
    session.add(relative)
    session.flush()
    if contact_unit_id is not None:
        session.add(
            RelativeContact(
                relative_id=relative.id,
                unit_id=contact_unit_id,
                phone=_clean(data.contact_phone),
                recorded_at=clock.now(),
            )
        )
    if data.is_nearest:
        _replace_nearest(session, actor, relative)
    session.flush()
    audit.record_change(
        session,
        actor,
        "relative.registered",
        "relative",
        relative.id,
        person_id=person_id,
        detail={"relationship": data.relationship.value, "is_nearest": data.is_nearest},
    )
    return relative


def update_relative(session: Session, actor: Actor, relative_id: int, data: RelativeUpdate) -> Relative:
    relative = get_relative(session, actor, relative_id)
    check_version("relative", relative.version, data.version)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    for key in ("given_name", "family_name", "relationship", "is_nearest", "preferred_language", "interpreter_needed"):
        if key in changes and changes[key] is None:
            raise Invalid(key, None, "cannot be empty")
    _check_details(
        changes.get("birth_date"), changes.get("phone"), changes.get("email"), changes.get("preferred_language")
    )
    needed = changes.get("interpreter_needed", relative.interpreter_needed)
    language = changes.get("interpreter_language", relative.interpreter_language)
    _check_interpreter(needed, language)
    fields = sorted(changes)  # named in the audit event; the values are not logged
    if "contact_phone" in changes:  # kept with the contact unit, not on the relative
        _change_contact_phone(session, actor, relative, changes.pop("contact_phone"))
    for key, value in changes.items():
        if key in ("phone", "email"):
            value = _clean(value)  # an emptied field is no number, as at registration
        elif isinstance(value, str) and key.endswith("name"):
            value = value.strip()
        setattr(relative, key, value)
    if not needed:
        relative.interpreter_language = None
    if changes.get("is_nearest"):
        _replace_nearest(session, actor, relative)
    session.flush()
    audit.record_change(
        session,
        actor,
        "relative.updated",
        "relative",
        relative.id,
        person_id=relative.person_id,
        detail={"fields": fields},
    )
    return relative


def record_involvement(session: Session, actor: Actor, relative_id: int, data: InvolvementRecord) -> Relative:
    """Record that involving the relative was offered to the person, or the person's answer, on a day."""
    relative = get_relative(session, actor, relative_id)
    check_version("relative", relative.version, data.version)
    if data.involvement == Involvement.NOT_OFFERED:
        raise Invalid("involvement", data.involvement.value, "record that it was offered, accepted or declined")
    if data.on > clock.today():
        raise Invalid("on", data.on.isoformat(), "cannot be later than today")
    before = relative.involvement
    relative.involvement = data.involvement
    relative.involvement_recorded_on = data.on
    session.flush()
    audit.record_change(
        session,
        actor,
        "relative.involvement",
        "relative",
        relative.id,
        person_id=relative.person_id,
        detail={"from": before.value, "to": data.involvement.value, "on": data.on.isoformat()},
    )
    return relative


def _replace_nearest(session: Session, actor: Actor, relative: Relative) -> None:
    """At most one nearest relative: naming one ends the former's status (the person names who it is)."""
    former = session.scalars(
        select(Relative).where(
            Relative.person_id == relative.person_id, Relative.is_nearest.is_(True), Relative.id != relative.id
        )
    ).all()
    for row in former:
        row.is_nearest = False
        audit.record_change(
            session,
            actor,
            "relative.nearest_replaced",
            "relative",
            row.id,
            person_id=relative.person_id,
            detail={"by": relative.id},
        )


def _change_contact_phone(session: Session, actor: Actor, relative: Relative, phone: str | None) -> None:
    """Give the relative another number (or none). It belongs to the relative's contact unit; a relative without
    one gets the actor's unit that serves the person, as at registration."""
    _check_phone("contact_phone", phone)
    phone = _clean(phone)
    contact = contact_of(session, relative.id)
    if contact is None and phone is None:
        return
    if contact is None:
        unit_id = _contact_unit(session, actor, relative.person_id, None)
        if unit_id is None:
            raise Invalid("contact_phone", phone, "none of your units serves the person, so no unit gives this number")
        session.add(RelativeContact(relative_id=relative.id, unit_id=unit_id, phone=phone, recorded_at=clock.now()))
    elif contact.phone != phone:
        contact.phone = phone
        contact.recorded_at = clock.now()
    else:
        return
    flag_modified(relative, "phone")  # always an UPDATE, so the relative's version (ETag) covers the number


def _contact_unit(session: Session, actor: Actor, person_id: int, given: int | None) -> int | None:
    """The unit the relative keeps in touch with: the one given, else the actor's (active first) that serves
    the person. A unit without a care relationship with the person cannot be the relative's contact."""
    if given is not None:
        referrals.get_unit(session, given, "contact_unit_id")
        if not tasks.unit_serves_person(session, given, person_id):
            raise Invalid("contact_unit_id", given, "the unit has no care relationship with the person")
        return given
    candidates = ([actor.active_unit_id] if actor.active_unit_id else []) + sorted(actor.unit_ids)
    for unit_id in candidates:
        if tasks.unit_serves_person(session, unit_id, person_id):
            return unit_id
    return None


def _check_details(birth_date: date | None, phone: str | None, email: str | None, language: str | None) -> None:
    if birth_date is not None and not EARLIEST_BIRTH <= birth_date <= clock.today():
        raise Invalid("birth_date", birth_date.isoformat(), "must be a real date no later than today")
    _check_phone("phone", phone)
    if email is not None and email.strip() and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email.strip()):
        raise Invalid("email", email, "not an e-mail address")
    if language is not None and not LANGUAGE_RE.match(language):
        raise Invalid("preferred_language", language, "use a language code such as nb, en, ar, so, pl or uk")


def _check_phone(field: str, phone: str | None) -> None:
    if phone is not None and phone.strip() and not PHONE_RE.match(phone.strip()):
        raise Invalid(field, phone, "use digits, spaces and an optional leading +")


def _check_interpreter(needed: bool, language: str | None) -> None:
    if needed and not language:
        raise Invalid("interpreter_language", language, "say which language the interpreter needs")
    if needed and language and not LANGUAGE_RE.match(language):
        raise Invalid("interpreter_language", language, "use a language code such as ar, so, pl, uk or nsl")


def _clean(value: str | None) -> str | None:
    return (value or "").strip() or None
