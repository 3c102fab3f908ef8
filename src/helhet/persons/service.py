"""Registering, reading, finding and updating persons, their housing history, and emergency access."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.audit import log as audit
from helhet.audit import policy
from helhet.audit.models import EmergencyAccess
from helhet.config import get_settings
from helhet.errors import Conflict, Forbidden, Invalid, NotFound, check_version
from helhet.persons import fodselsnummer
from helhet.persons.models import HousingPeriod, HousingStatus, Person, Sex
from helhet.persons.schemas import HousingIn, PersonCreate, PersonUpdate
from helhet.units.models import CityDistrict, Municipality
from helhet.users.actor import Actor

LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
MIN_REASON = 10


def parse_fodselsnummer(value: str) -> fodselsnummer.ParsedId:
    try:
        return fodselsnummer.parse(value)
    except fodselsnummer.InvalidId as exc:
        raise Invalid("fodselsnummer", value, exc.reason) from exc


def _check_residence(session: Session, municipality_number: str, district: str | None) -> None:
    if session.get(Municipality, municipality_number) is None:
        raise Invalid("municipality_number", municipality_number, "no municipality has this number (2024 codes)")
    if district is not None:
        row = session.get(CityDistrict, district)
        if row is None or row.municipality_number != municipality_number:
            raise Invalid("city_district_number", district, f"not a city district of {municipality_number}")


def _check_language(field: str, value: str | None) -> None:
    if value is not None and not LANGUAGE_RE.match(value):
        raise Invalid(field, value, "use a language code such as nb, en, ar, so, pl or uk")


def _check_past(field: str, value: date) -> None:
    if value > clock.today():
        raise Invalid(field, value.isoformat(), "cannot be later than today")


def register_person(session: Session, actor: Actor, data: PersonCreate) -> Person:
    """Register a new person. A person already known by the number is a conflict, not a second record."""
    if not policy.sees_person_data(actor):
        raise Forbidden("only clinical roles register persons")
    parsed = parse_fodselsnummer(data.fodselsnummer)
    _check_residence(session, data.municipality_number, data.city_district_number)
    _check_language("preferred_language", data.preferred_language)
    if data.interpreter_needed and not data.interpreter_language:
        raise Invalid("interpreter_language", data.interpreter_language, "say which language the interpreter needs")
    _check_language("interpreter_language", data.interpreter_language)
    if data.housing is not None:
        _check_past("housing.from_date", data.housing.from_date)
    if session.scalar(select(Person.id).where(Person.fodselsnummer == parsed.value)) is not None:
        raise Conflict("a person with this fødselsnummer is already registered")
    person = Person(
        fodselsnummer=parsed.value,
        id_kind=parsed.kind.value,
        birth_date=parsed.birth_date,
        sex=Sex(parsed.sex) if parsed.sex else Sex.UNKNOWN,
        given_name=data.given_name.strip(),
        family_name=data.family_name.strip(),
        municipality_number=data.municipality_number,
        city_district_number=data.city_district_number,
        preferred_language=data.preferred_language,
        interpreter_needed=data.interpreter_needed,
        interpreter_language=data.interpreter_language if data.interpreter_needed else None,
        created_at=clock.now(),
    )
    if data.housing is not None:
        person.housing.append(_housing_row(data.housing))
    session.add(person)
    session.flush()
    audit.record_change(session, actor, "person.registered", "person", person.id, person_id=person.id)
    return person


def find_by_fodselsnummer(session: Session, value: str) -> Person | None:
    """Internal lookup (no access check): used when a referral names a person who may already exist."""
    parsed = parse_fodselsnummer(value)
    return session.scalar(select(Person).where(Person.fodselsnummer == parsed.value))


def get_person(session: Session, actor: Actor, person_id: int, *, what: str = "person") -> Person:
    """The one door to a person's record: not found unless the actor may see them; every read is logged."""
    person = session.get(Person, person_id)
    if person is None or not policy.may_see(session, actor, person_id):
        raise NotFound("person", person_id)
    audit.record_access(session, actor, person_id, what)
    return person


def update_person(session: Session, actor: Actor, person_id: int, data: PersonUpdate) -> Person:
    person = get_person(session, actor, person_id)
    check_version("person", person.version, data.version)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    municipality = changes.get("municipality_number", person.municipality_number)
    district = changes.get("city_district_number", person.city_district_number)
    if "municipality_number" in changes and "city_district_number" not in changes:
        district = None
        changes["city_district_number"] = None
    _check_residence(session, municipality, district)
    _check_language("preferred_language", changes.get("preferred_language"))
    _check_language("interpreter_language", changes.get("interpreter_language"))
    for key, value in changes.items():
        if key in {"given_name", "family_name"} and value is None:
            raise Invalid(key, value, "cannot be empty")
        setattr(person, key, value.strip() if isinstance(value, str) and key.endswith("name") else value)
    if person.interpreter_needed and not person.interpreter_language:
        raise Invalid("interpreter_language", None, "say which language the interpreter needs")
    session.flush()
    audit.record_change(
        session,
        actor,
        "person.updated",
        "person",
        person.id,
        person_id=person.id,
        detail={"fields": sorted(changes)},
    )
    return person


def _housing_row(data: HousingIn) -> HousingPeriod:
    return HousingPeriod(status=data.status, from_date=data.from_date, note=data.note, recorded_at=clock.now())


def record_housing(session: Session, actor: Actor, person_id: int, data: HousingIn) -> HousingPeriod:
    person = get_person(session, actor, person_id)
    _check_past("from_date", data.from_date)
    row = _housing_row(data)
    person.housing.append(row)
    session.flush()
    audit.record_change(
        session,
        actor,
        "housing.recorded",
        "housing_period",
        row.id,
        person_id=person.id,
        detail={"status": data.status.value},
    )
    return row


def housing_on(person: Person, day: date) -> HousingStatus | None:
    return person.housing_on(day)


def search_persons(session: Session, actor: Actor, query: str, limit: int = 25) -> list[Person]:
    """Persons the actor may see, by fødselsnummer, birth date (dd.mm.yyyy or yyyy-mm-dd) or name."""
    query = query.strip()
    if len(query) < 2:
        raise Invalid("q", query, "type at least two characters")
    if not policy.sees_person_data(actor):
        return []
    stmt = select(Person).where(Person.id.in_(policy.visible_person_ids(actor)))
    digits = re.sub(r"\s", "", query)
    if digits.isdigit() and len(digits) == 11:
        stmt = stmt.where(Person.fodselsnummer == digits)
    elif (day := _parse_day(query)) is not None:
        stmt = stmt.where(Person.birth_date == day)
    else:
        for word in query.split()[:4]:
            pattern = f"%{word.lower()}%"
            stmt = stmt.where(or_(Person.given_name.ilike(pattern), Person.family_name.ilike(pattern)))
    people = list(session.scalars(stmt.order_by(Person.family_name, Person.given_name).limit(limit)))
    for person in people:
        audit.record_access(session, actor, person.id, "search", reason=None)
    return people


def _parse_day(text: str) -> date | None:
    for pattern in (r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$", r"^(\d{4})-(\d{2})-(\d{2})$"):
        m = re.match(pattern, text)
        if m:
            a, b, c = (int(g) for g in m.groups())
            try:
                return date(c, b, a) if pattern.startswith("^(\\d{1,2})") else date(a, b, c)
            except ValueError:
                return None
    return None


def break_glass(session: Session, actor: Actor, person_id: int, reason: str) -> EmergencyAccess:
    """Emergency access: a reason, a time limit, and a flag for the unit leader to review."""
    if not actor.is_clinical or actor.user_id is None:
        raise NotFound("person", person_id)
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise Invalid("reason", reason, f"explain why you need access (at least {MIN_REASON} characters)")
    if session.get(Person, person_id) is None:
        raise NotFound("person", person_id)
    now = clock.now()
    grant = EmergencyAccess(
        user_id=actor.user_id,
        unit_id=actor.active_unit_id,
        person_id=person_id,
        reason=reason,
        granted_at=now,
        expires_at=now + timedelta(hours=get_settings().emergency_access_hours),
    )
    session.add(grant)
    session.flush()
    audit.record_change(
        session,
        actor,
        "emergency_access.granted",
        "emergency_access",
        grant.id,
        person_id=person_id,
        reason=reason,
    )
    return grant


def emergency_grants_to_review(session: Session, actor: Actor) -> list[EmergencyAccess]:
    if not policy.may_review_emergency_access(actor):
        return []
    stmt = (
        select(EmergencyAccess)
        .where(EmergencyAccess.reviewed_at.is_(None), EmergencyAccess.unit_id.in_(actor.unit_ids))
        .order_by(EmergencyAccess.granted_at)
    )
    return list(session.scalars(stmt))


def review_emergency_access(session: Session, actor: Actor, grant_id: int, note: str) -> EmergencyAccess:
    grant = session.get(EmergencyAccess, grant_id)
    if grant is None or not policy.may_review_emergency_access(actor) or grant.unit_id not in actor.unit_ids:
        raise NotFound("emergency_access", grant_id)
    if grant.reviewed_at is not None:
        raise Conflict("this emergency access has already been reviewed")
    if not note.strip():
        raise Invalid("note", note, "write what the review found")
    grant.reviewed_by = actor.user_id
    grant.reviewed_at = clock.now()
    grant.review_note = note.strip()
    audit.record_change(
        session, actor, "emergency_access.reviewed", "emergency_access", grant.id, person_id=grant.person_id
    )
    return grant
