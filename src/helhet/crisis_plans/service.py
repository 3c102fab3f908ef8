"""Recording, reading and sharing crisis plans (DOMAIN.md §4.2, ROP-11).

Each save is a new version (``version_no`` 1, 2, ...); earlier versions stay readable and the current plan is the
latest. A new version is sent with the ``version_no`` it was based on, so two people editing at once cannot
overwrite each other. Contacts are checked when the version is made: a relative needs a current consent of scope
meetings or full (``crisis_plans/consent.py``); a unit must exist; a professional outside Helhet needs a name and a
phone number. A relative whose consent later ends stays on that version, shown as needing review, and is left out
of the printed summary.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.audit import log as audit
from helhet.audit import policy
from helhet.crisis_plans import consent
from helhet.crisis_plans.models import ContactKind, CrisisPlan, CrisisPlanContact, CrisisPlanSharing, OverdoseFactor
from helhet.crisis_plans.schemas import (
    ContactIn,
    ContactRead,
    CrisisPlanCreate,
    CrisisPlanRead,
    CrisisPlanShare,
    CrisisPlanSummary,
    SharingRead,
    SummaryContact,
    UserControlledAdmissionIn,
    UserControlledAdmissionRead,
)
from helhet.errors import Invalid, InvalidMany, NotFound, Problem, check_version
from helhet.persons import service as persons
from helhet.reference.units import CareLevel
from helhet.relatives.models import Relative
from helhet.units.models import Unit
from helhet.users.actor import Actor


def latest_plan(session: Session, person_id: int) -> CrisisPlan | None:
    """Internal (no access check): the person's current plan, the highest version."""
    stmt = select(CrisisPlan).where(CrisisPlan.person_id == person_id).order_by(CrisisPlan.version_no.desc()).limit(1)
    return session.scalar(stmt)


def current_crisis_plan(session: Session, actor: Actor, person_id: int) -> CrisisPlan | None:
    persons.get_person(session, actor, person_id, what="crisis_plan")
    return latest_plan(session, person_id)


def crisis_plan_versions(session: Session, actor: Actor, person_id: int) -> list[CrisisPlan]:
    """Every version, newest first."""
    persons.get_person(session, actor, person_id, what="crisis_plan")
    stmt = select(CrisisPlan).where(CrisisPlan.person_id == person_id).order_by(CrisisPlan.version_no.desc())
    return list(session.scalars(stmt))


def crisis_plan_version(session: Session, actor: Actor, person_id: int, version_no: int) -> CrisisPlan:
    persons.get_person(session, actor, person_id, what="crisis_plan")
    plan = session.scalar(
        select(CrisisPlan).where(CrisisPlan.person_id == person_id, CrisisPlan.version_no == version_no)
    )
    if plan is None:
        raise NotFound("crisis plan version", version_no)
    return plan


def get_crisis_plan(session: Session, actor: Actor, plan_id: int) -> CrisisPlan:
    """The door to one version by its id: not found unless the actor may see the person; the read is logged."""
    plan = session.get(CrisisPlan, plan_id)
    if plan is None or not policy.may_see(session, actor, plan.person_id):
        raise NotFound("crisis plan", plan_id)
    audit.record_access(session, actor, plan.person_id, "crisis_plan", entity_id=plan.id)
    return plan


def record_crisis_plan(session: Session, actor: Actor, person_id: int, data: CrisisPlanCreate) -> CrisisPlan:
    """Save the plan as agreed now, as the next version."""
    persons.get_person(session, actor, person_id, what="crisis_plan")
    previous = latest_plan(session, person_id)
    if previous is not None and data.version is None:
        raise Invalid("version", None, "a crisis plan exists; send the version you read (If-Match)")
    check_version("crisis plan", previous.version_no if previous else 0, data.version)
    made_on = data.made_on or clock.today()
    warning_signs, what_helps, what_to_avoid = (
        _lines(data.warning_signs),
        _lines(data.what_helps),
        _lines(data.what_to_avoid),
    )
    problems = _check_dates(previous, made_on, data.review_by)
    if not warning_signs and not what_helps:
        problems.append(Problem("warning_signs", [], "write at least the warning signs or what helps"))
    if OverdoseFactor.OTHER in data.overdose_factors and not (data.overdose_note or "").strip():
        problems.append(Problem("overdose_note", data.overdose_note, "say what the other overdose risk factor is"))
    problems += _check_contacts(session, person_id, data.contacts)
    if data.user_controlled_admission is not None:
        problems += _check_admission(session, data.user_controlled_admission, made_on)
    _raise(problems)
    plan = CrisisPlan(
        person_id=person_id,
        version_no=previous.version_no + 1 if previous else 1,
        made_on=made_on,
        review_by=data.review_by,
        warning_signs=warning_signs,
        what_helps=what_helps,
        what_to_avoid=what_to_avoid,
        overdose_risk=data.overdose_risk,
        overdose_factors=list(dict.fromkeys(f.value for f in data.overdose_factors)),
        overdose_note=(data.overdose_note or "").strip() or None,
        note=(data.note or "").strip() or None,
        created_at=clock.now(),
        created_by=actor.user_id,
    )
    if (uca := data.user_controlled_admission) is not None:
        plan.admission_unit_id = uca.unit_id
        plan.admission_max_days_per_stay = uca.max_days_per_stay
        plan.admission_min_days_between = uca.min_days_between
        plan.admission_valid_until = uca.valid_until
    session.add(plan)
    session.flush()
    session.add_all(_contact_row(plan.id, i, c) for i, c in enumerate(data.contacts, start=1))
    session.flush()
    audit.record_change(
        session,
        actor,
        "crisis_plan.version_recorded",
        "crisis_plan",
        plan.id,
        person_id=person_id,
        detail={
            "version_no": plan.version_no,
            "contacts": len(data.contacts),
            "user_controlled_admission": plan.admission_unit_id is not None,
            "overdose_risk": plan.overdose_risk.value,
        },
    )
    return plan


def share_crisis_plan(session: Session, actor: Actor, person_id: int, data: CrisisPlanShare) -> CrisisPlan:
    """Record that the person got the current version (on paper, digitally, or gone through in person)."""
    persons.get_person(session, actor, person_id, what="crisis_plan")
    plan = latest_plan(session, person_id)
    if plan is None:
        raise NotFound("crisis plan", person_id)
    if data.version is None:
        raise Invalid("version", None, "send the version you share (If-Match)")
    check_version("crisis plan", plan.version_no, data.version)
    shared_on = data.shared_on or clock.today()
    if shared_on > clock.today():
        raise Invalid("shared_on", shared_on.isoformat(), "cannot be later than today")
    if shared_on < plan.made_on:
        raise Invalid("shared_on", shared_on.isoformat(), f"cannot be before the version was made ({plan.made_on})")
    row = CrisisPlanSharing(
        crisis_plan_id=plan.id,
        shared_on=shared_on,
        how=data.how,
        note=(data.note or "").strip() or None,
        recorded_at=clock.now(),
        recorded_by=actor.user_id,
    )
    session.add(row)
    session.flush()
    audit.record_change(
        session,
        actor,
        "crisis_plan.shared",
        "crisis_plan",
        plan.id,
        person_id=person_id,
        detail={"version_no": plan.version_no, "how": data.how.value, "shared_on": shared_on.isoformat()},
    )
    return plan


def is_shared(session: Session, plan_id: int) -> bool:
    return (
        session.scalar(select(CrisisPlanSharing.id).where(CrisisPlanSharing.crisis_plan_id == plan_id).limit(1))
        is not None
    )


# --- reading ---------------------------------------------------------------------------------------------------


def crisis_plan_reads(session: Session, plans: Sequence[CrisisPlan]) -> list[CrisisPlanRead]:
    """Read shapes for versions of one person's plan: three queries however many versions."""
    if not plans:
        return []
    ids = [p.id for p in plans]
    person_id = plans[0].person_id
    contacts = _contacts(session, ids, person_id)
    sharings: dict[int, list[SharingRead]] = {i: [] for i in ids}
    stmt = (
        select(CrisisPlanSharing)
        .where(CrisisPlanSharing.crisis_plan_id.in_(ids))
        .order_by(CrisisPlanSharing.shared_on, CrisisPlanSharing.id)
    )
    for s in session.scalars(stmt):
        sharings[s.crisis_plan_id].append(
            SharingRead(shared_on=s.shared_on, how=s.how, note=s.note, recorded_by=s.recorded_by)
        )
    latest = latest_plan(session, person_id)
    admission_units = _unit_names(session, {p.admission_unit_id for p in plans if p.admission_unit_id})
    return [
        CrisisPlanRead(
            id=p.id,
            person_id=p.person_id,
            version_no=p.version_no,
            version=p.version_no,
            current=latest is not None and latest.id == p.id,
            made_on=p.made_on,
            review_by=p.review_by,
            warning_signs=list(p.warning_signs),
            what_helps=list(p.what_helps),
            what_to_avoid=list(p.what_to_avoid),
            contacts=contacts.get(p.id, []),
            overdose_risk=p.overdose_risk,
            overdose_factors=[OverdoseFactor(f) for f in p.overdose_factors],
            overdose_note=p.overdose_note,
            user_controlled_admission=_admission_read(p, admission_units),
            note=p.note,
            shared=sharings[p.id],
            created_at=p.created_at,
            created_by=p.created_by,
        )
        for p in plans
    ]


def crisis_plan_read(session: Session, plan: CrisisPlan) -> CrisisPlanRead:
    return crisis_plan_reads(session, [plan])[0]


def crisis_plan_summary(
    session: Session, actor: Actor, person_id: int, version_no: int | None = None
) -> CrisisPlanSummary:
    """The compact shape a one-page print view needs: the current version unless one is named."""
    person = persons.get_person(session, actor, person_id, what="crisis_plan")
    if version_no is None:
        plan = latest_plan(session, person_id)
        if plan is None:
            raise NotFound("crisis plan", person_id)
    else:
        plan = session.scalar(
            select(CrisisPlan).where(CrisisPlan.person_id == person_id, CrisisPlan.version_no == version_no)
        )
        if plan is None:
            raise NotFound("crisis plan version", version_no)
    full = crisis_plan_read(session, plan)
    usable = [c for c in full.contacts if c.consent_current is not False]
    last = full.shared[-1] if full.shared else None
    return CrisisPlanSummary(
        person_id=person.id,
        person_name=f"{person.given_name} {person.family_name}",
        version_no=full.version_no,
        made_on=full.made_on,
        review_by=full.review_by,
        warning_signs=full.warning_signs,
        what_helps=full.what_helps,
        what_to_avoid=full.what_to_avoid,
        contacts=[SummaryContact(name=c.name or "", phone=c.phone, note=c.role_note) for c in usable],
        contacts_to_review=len(full.contacts) - len(usable),
        overdose_risk=full.overdose_risk,
        overdose_factors=full.overdose_factors,
        overdose_note=full.overdose_note,
        user_controlled_admission=full.user_controlled_admission,
        last_shared_on=last.shared_on if last else None,
        last_shared_how=last.how if last else None,
    )


# --- checks and helpers ------------------------------------------------------------------------------------------


def _lines(lines: list[str]) -> list[str]:
    return [line.strip() for line in lines if line.strip()]


def _check_dates(previous: CrisisPlan | None, made_on: date, review_by: date | None) -> list[Problem]:
    problems = []
    if made_on > clock.today():
        problems.append(Problem("made_on", made_on.isoformat(), "cannot be later than today"))
    if previous is not None and made_on < previous.made_on:
        problems.append(
            Problem("made_on", made_on.isoformat(), f"cannot be before the current version ({previous.made_on})")
        )
    if review_by is not None and review_by < made_on:
        problems.append(Problem("review_by", review_by.isoformat(), "cannot be before the plan is made"))
    return problems


def _check_contacts(session: Session, person_id: int, contacts: list[ContactIn]) -> list[Problem]:
    problems: list[Problem] = []
    allowed = consent.consenting_relative_ids(session, person_id, clock.today())
    seen: set[int] = set()
    for i, c in enumerate(contacts):
        at = f"contacts[{i}]."
        if c.kind == ContactKind.RELATIVE:
            if c.relative_id is None:
                problems.append(Problem(f"{at}relative_id", None, "say which relative"))
                continue
            relative = session.get(Relative, c.relative_id)
            if relative is None or relative.person_id != person_id:
                problems.append(Problem(f"{at}relative_id", c.relative_id, "not a registered relative of this person"))
            elif c.relative_id not in allowed:
                problems.append(
                    Problem(
                        f"{at}relative_id",
                        c.relative_id,
                        "the person has no current consent (take part in meetings, or full information) for this "
                        "relative; only a consenting relative can be a crisis contact",
                    )
                )
            elif c.relative_id in seen:
                problems.append(Problem(f"{at}relative_id", c.relative_id, "this relative is listed twice"))
            seen.add(c.relative_id)
        elif c.kind == ContactKind.UNIT:
            unit = session.get(Unit, c.unit_id) if c.unit_id is not None else None
            if unit is None or not unit.active:
                problems.append(Problem(f"{at}unit_id", c.unit_id, "no active unit has this id"))
        else:
            if not (c.name or "").strip():
                problems.append(Problem(f"{at}name", c.name, "name the professional to contact"))
            if not (c.phone or "").strip():
                problems.append(Problem(f"{at}phone", c.phone, "give a phone number for the professional"))
    return problems


def _check_admission(session: Session, uca: UserControlledAdmissionIn, made_on: date) -> list[Problem]:
    at = "user_controlled_admission."
    unit = session.get(Unit, uca.unit_id)
    if unit is None or not unit.active:
        return [Problem(f"{at}unit_id", uca.unit_id, "no active unit has this id")]
    problems = []
    if CareLevel.USER_CONTROLLED_BED.value not in unit.levels:
        problems.append(Problem(f"{at}unit_id", uca.unit_id, f"{unit.name} has no user-controlled beds"))
    if uca.valid_until < made_on:
        problems.append(Problem(f"{at}valid_until", uca.valid_until.isoformat(), "the agreement has already ended"))
    return problems


def _raise(problems: list[Problem]) -> None:
    if len(problems) == 1:
        p = problems[0]
        raise Invalid(p.field, p.value, p.reason)
    if problems:
        raise InvalidMany(problems)


def _contact_row(plan_id: int, position: int, c: ContactIn) -> CrisisPlanContact:
    row = CrisisPlanContact(
        crisis_plan_id=plan_id, position=position, kind=c.kind, role_note=(c.role_note or "").strip() or None
    )
    if c.kind == ContactKind.RELATIVE:
        row.relative_id = c.relative_id
    elif c.kind == ContactKind.UNIT:
        row.unit_id, row.phone = c.unit_id, (c.phone or "").strip() or None
    else:
        row.name, row.phone = (c.name or "").strip(), (c.phone or "").strip()
    return row


def _contacts(session: Session, plan_ids: list[int], person_id: int) -> dict[int, list[ContactRead]]:
    stmt = (
        select(CrisisPlanContact, Relative.given_name, Relative.family_name, Relative.phone, Unit.name)
        .outerjoin(Relative, Relative.id == CrisisPlanContact.relative_id)
        .outerjoin(Unit, Unit.id == CrisisPlanContact.unit_id)
        .where(CrisisPlanContact.crisis_plan_id.in_(plan_ids))
        .order_by(CrisisPlanContact.crisis_plan_id, CrisisPlanContact.position)
    )
    consenting = consent.consenting_relative_ids(session, person_id, clock.today())
    result: dict[int, list[ContactRead]] = {}
    for c, given, family, relative_phone, unit_name in session.execute(stmt):
        name: str | None
        current: bool | None
        if c.kind == ContactKind.RELATIVE:
            name, phone, current = f"{given} {family}", relative_phone, c.relative_id in consenting
        elif c.kind == ContactKind.UNIT:
            name, phone, current = unit_name, c.phone, None
        else:
            name, phone, current = c.name, c.phone, None
        result.setdefault(c.crisis_plan_id, []).append(
            ContactRead(
                position=c.position,
                kind=c.kind,
                relative_id=c.relative_id,
                unit_id=c.unit_id,
                name=name,
                phone=phone,
                role_note=c.role_note,
                consent_current=current,
            )
        )
    return result


def _unit_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {i: n for i, n in session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids)))}


def _admission_read(plan: CrisisPlan, units: dict[int, str]) -> UserControlledAdmissionRead | None:
    if plan.admission_unit_id is None:
        return None
    assert plan.admission_max_days_per_stay is not None and plan.admission_min_days_between is not None
    assert plan.admission_valid_until is not None
    return UserControlledAdmissionRead(
        unit_id=plan.admission_unit_id,
        unit_name=units.get(plan.admission_unit_id, ""),
        max_days_per_stay=plan.admission_max_days_per_stay,
        min_days_between=plan.admission_min_days_between,
        valid_until=plan.admission_valid_until,
        in_force=plan.admission_valid_until >= clock.today(),
    )
