"""Registering and reading referrals. The person's wish is recorded with the referral, before any decision."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.audit import log as audit
from helhet.audit import policy
from helhet.errors import Forbidden, Invalid, NotFound
from helhet.persons import service as persons
from helhet.persons.models import Person, Sex
from helhet.reference.units import CareLevel, UnitKind
from helhet.referrals import deadlines
from helhet.referrals.models import Referral, ReferralStatus, ReferrerKind
from helhet.referrals.schemas import ReferralCreate
from helhet.units.models import Unit
from helhet.users.actor import Actor

RECEIVING_KINDS = frozenset({UnitKind.TSB_UNIT, UnitKind.ASSESSMENT_UNIT, UnitKind.PRIVATE_PROVIDER})


def get_unit(session: Session, unit_id: int, field: str = "unit_id") -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None or not unit.active:
        raise Invalid(field, unit_id, "no active unit has this id")
    return unit


def _resolve_person(session: Session, actor: Actor, data: ReferralCreate) -> Person:
    given = [data.person_id is not None, data.fodselsnummer is not None, data.person is not None]
    if sum(given) != 1:
        raise Invalid("person_id", data.person_id, "give exactly one of person_id, fodselsnummer or person")
    if data.person_id is not None:
        return persons.get_person(session, actor, data.person_id)
    if data.fodselsnummer is not None:
        known = persons.find_by_fodselsnummer(session, data.fodselsnummer)
        if known is None:
            raise Invalid(
                "fodselsnummer", data.fodselsnummer, "nobody is registered with this number; give the details"
            )
        return known
    assert data.person is not None
    # A person already known elsewhere is linked, not duplicated; nothing of the other record is shown.
    existing = persons.find_by_fodselsnummer(session, data.person.fodselsnummer)
    if existing is not None:
        return existing
    return persons.register_person(session, actor, data.person)


def _check(session: Session, actor: Actor, data: ReferralCreate) -> tuple[Unit, int | None]:
    if data.received_on > clock.today():
        raise Invalid("received_on", data.received_on.isoformat(), "cannot be later than today")
    if not data.reason.strip():
        raise Invalid("reason", data.reason, "say why the person is referred")
    receiving = get_unit(session, data.receiving_unit_id, "receiving_unit_id")
    if receiving.kind not in RECEIVING_KINDS:
        raise Invalid("receiving_unit_id", data.receiving_unit_id, f"{receiving.name} does not receive TSB referrals")
    referrer_unit_id = data.referrer_unit_id
    if referrer_unit_id is None and actor.active_unit_id not in (None, receiving.id):
        referrer_unit_id = actor.active_unit_id
    if referrer_unit_id is not None:
        get_unit(session, referrer_unit_id, "referrer_unit_id")
        if referrer_unit_id == receiving.id:
            raise Invalid("referrer_unit_id", referrer_unit_id, "a unit cannot refer to itself")
    if not actor.is_system and not ({receiving.id, referrer_unit_id} & actor.unit_ids):
        raise Forbidden("register referrals sent from or received by one of your units")
    if data.referrer_kind == ReferrerKind.SELF and CareLevel.USER_CONTROLLED_BED.value not in receiving.levels:
        raise Invalid(
            "referrer_kind",
            data.referrer_kind.value,
            "self-referral is only possible to a unit with user-controlled beds (brukerstyrt innleggelse)",
        )
    if data.primary_substance is not None and data.primary_substance not in data.substances:
        raise Invalid("primary_substance", data.primary_substance.value, "must be one of the listed substances")
    if len(set(data.substances)) != len(data.substances):
        raise Invalid("substances", [s.value for s in data.substances], "a substance is listed twice")
    return receiving, referrer_unit_id


def register_referral(session: Session, actor: Actor, data: ReferralCreate) -> Referral:
    if not policy.sees_person_data(actor):
        raise Forbidden("only clinical roles register referrals")
    receiving, referrer_unit_id = _check(session, actor, data)
    person = _resolve_person(session, actor, data)
    if data.pregnant and person.sex == Sex.MALE:
        raise Invalid("pregnant", True, "the person is registered as male")
    if data.received_on < person.birth_date:
        raise Invalid("received_on", data.received_on.isoformat(), "is before the person's birth date")
    previous = session.scalar(
        select(Referral.id)
        .where(Referral.person_id == person.id, Referral.received_on <= data.received_on)
        .order_by(Referral.received_on.desc(), Referral.id.desc())
        .limit(1)
    )
    referral = Referral(
        person_id=person.id,
        receiving_unit_id=receiving.id,
        referrer_kind=data.referrer_kind,
        referrer_unit_id=referrer_unit_id,
        referrer_name=data.referrer_name,
        received_on=data.received_on,
        reason=data.reason.strip(),
        substances=[s.value for s in data.substances],
        primary_substance=data.primary_substance or data.substances[0],
        rop=data.rop,
        pregnant=data.pregnant,
        injecting=data.injecting,
        under_23=deadlines.age_on(person.birth_date, data.received_on) < 23,
        wished_level=data.wished_level,
        what_matters=(data.what_matters or "").strip() or None,
        previous_referral_id=previous,
        status=ReferralStatus.RECEIVED,
        assessment_due=deadlines.assessment_due(data.received_on),
        registered_at=clock.now(),
        registered_by=actor.user_id,
    )
    session.add(referral)
    session.flush()
    audit.record_change(
        session,
        actor,
        "referral.registered",
        "referral",
        referral.id,
        person_id=person.id,
        detail={"wished_level": data.wished_level.value if data.wished_level else None},
    )
    return referral


def get_referral(session: Session, actor: Actor, referral_id: int) -> Referral:
    referral = session.get(Referral, referral_id)
    if referral is None or not policy.may_see(session, actor, referral.person_id):
        raise NotFound("referral", referral_id)
    audit.record_access(session, actor, referral.person_id, "referral", entity_id=referral.id)
    return referral


def referrals_of(session: Session, actor: Actor, person_id: int) -> list[Referral]:
    persons.get_person(session, actor, person_id, what="referrals")
    stmt = select(Referral).where(Referral.person_id == person_id).order_by(Referral.received_on, Referral.id)
    return list(session.scalars(stmt))
