"""The coordination part of a sample pathway, through the real services: care team and coordinator, individual
plan, care plan with goals and measures, mapping (AUDIT or DUDIT), crisis plan, vedtak with delivered service,
relatives with consent, and handovers at discharge (accepted, still waiting, or left without one).

Each step runs on the clock of the day it happens in the story (``clock.freeze``), so the services' own rules
about dates (no future dates, deadlines counted from today) hold as they would have on that day, and the
worklists find some of it overdue now.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from helhet import clock
from helhet.assessments.models import RiskLevel
from helhet.careplans import individual_plan, measures, plans, team
from helhet.careplans.models import IpStatus, OfferAnswer
from helhet.careplans.schemas import CarePlanCreate, CoordinatorAssign, GoalCreate, IpStatusRecord, MeasureCreate
from helhet.crisis_plans import service as crisis_plans
from helhet.crisis_plans.models import ContactKind, OverdoseFactor, SharedHow
from helhet.crisis_plans.schemas import ContactIn, CrisisPlanCreate, CrisisPlanShare
from helhet.mapping import instruments
from helhet.mapping import service as mapping
from helhet.mapping.schemas import QuestionnaireCreate
from helhet.pathways.models import EndReason, Episode
from helhet.referrals.models import Substance
from helhet.relatives import consent as consents
from helhet.relatives import service as relatives
from helhet.relatives.models import ConsentScope, Relationship
from helhet.relatives.schemas import ConsentCreate, RelativeCreate
from helhet.transitions import discharge as discharges
from helhet.transitions import service as handovers
from helhet.transitions.models import ChecklistItem, HandoverKind
from helhet.transitions.schemas import ChecklistTick, HandoverAccept, HandoverCreate
from helhet.units.models import Unit
from helhet.users.actor import SYSTEM
from helhet.vedtak import service as vedtak
from helhet.vedtak.models import ServiceType, VolumeUnit
from helhet.vedtak.schemas import DeliveryCreate, VedtakCreate

RELATIVE_NAMES = (
    ("Berit", "mother"),
    ("Knut", "father"),
    ("Lene", "sister"),
    ("Stian", "brother"),
    ("Anne", "partner"),
)
RELATIONSHIPS = {
    "mother": Relationship.PARENT,
    "father": Relationship.PARENT,
    "sister": Relationship.SIBLING,
    "brother": Relationship.SIBLING,
    "partner": Relationship.SPOUSE_PARTNER,
}
WARNING_SIGNS = ("Sover dårlig flere netter på rad", "Trekker meg unna venner", "Slutter å svare på telefonen")
WHAT_HELPS = ("Gå en tur og ringe noen jeg stoler på", "Ringe poliklinikken på dagtid", "Være sammen med familien")
WHAT_TO_AVOID = ("Være alene i helgene", "Steder der jeg pleide å kjøpe")
MEASURES = ("Søke kommunal bolig sammen med boligkontoret", "Faste samtaler hver uke", "Avtale time hos fastlegen")


@dataclass(frozen=True)
class Pathway:
    """What the core sample already made for one person, which the coordination steps build on."""

    person_id: int
    family_name: str
    municipal: Unit  # the person's kommune's rustjeneste
    treating: Unit  # the TSB unit of the first episode
    episode: Episode
    started: date
    substance: Substance
    homeless: bool
    what_matters: str


@dataclass
class CoordinationSummary:
    coordinators: int = 0
    care_plans: int = 0
    questionnaires: int = 0
    crisis_plans: int = 0
    vedtak: int = 0
    relatives: int = 0
    handovers: int = 0

    def __str__(self) -> str:
        return (
            f"Coordination: {self.coordinators} coordinators, {self.care_plans} care plans, {self.questionnaires} "
            f"AUDIT/DUDIT, {self.crisis_plans} crisis plans, {self.vedtak} vedtak, {self.relatives} relatives, "
            f"{self.handovers} handovers"
        )


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


def _on(day: date) -> date:
    """A story day, never later than today."""
    return min(day, clock.today())


def add_coordination(session: Session, rng: random.Random, p: Pathway, summary: CoordinationSummary) -> None:
    today = clock.today()
    if rng.random() < 0.6:
        _coordinator(session, rng, p, today)
        summary.coordinators += 1
    if rng.random() < 0.5:
        _care_plan(session, rng, p)
        summary.care_plans += 1
    if rng.random() < 0.7:
        _questionnaire(session, rng, p)
        summary.questionnaires += 1
    relative_id: int | None = None
    if rng.random() < 0.45:
        relative_id = _relative(session, rng, p)
        summary.relatives += 1
    if p.substance == Substance.OPIOIDS or rng.random() < 0.25:
        _crisis_plan(session, rng, p, relative_id)
        summary.crisis_plans += 1
    if p.homeless or rng.random() < 0.2:
        _vedtak(session, rng, p, today)
        summary.vedtak += 1


def _coordinator(session: Session, rng: random.Random, p: Pathway, today: date) -> None:
    offered = _on(p.started + timedelta(days=rng.randrange(3, 20)))
    with clock.freeze(_at(offered)):
        team.assign_coordinator(
            session, SYSTEM, p.person_id, CoordinatorAssign(unit_id=p.municipal.id, from_date=offered)
        )
        answer = rng.random()
        if answer < 0.6:
            data = IpStatusRecord(
                status=IpStatus.ACCEPTED,
                offered_on=offered,
                answered_on=offered,
                coordinator_offered_on=offered,
                coordinator_answer=OfferAnswer.ACCEPTED,
            )
        elif answer < 0.8:
            data = IpStatusRecord(
                status=IpStatus.DECLINED,
                offered_on=offered,
                answered_on=offered,
                coordinator_offered_on=offered,
                coordinator_answer=OfferAnswer.ACCEPTED,
                note="Vil ikke ha IP nå, men ønsker koordinator.",
            )
        else:
            data = IpStatusRecord(status=IpStatus.OFFERED, offered_on=offered)
        individual_plan.record_ip_status(session, SYSTEM, p.person_id, data)


def _care_plan(session: Session, rng: random.Random, p: Pathway) -> None:
    started = _on(p.started + timedelta(days=rng.randrange(2, 14)))
    with clock.freeze(_at(started)):
        plan = plans.start_plan(session, SYSTEM, p.person_id, CarePlanCreate(started_on=started))
        goal = plans.add_goal(session, SYSTEM, plan.id, GoalCreate(text=p.what_matters.rstrip(".")))
        measures.add_measure(
            session,
            SYSTEM,
            goal.id,
            MeasureCreate(
                description=rng.choice(MEASURES),
                owner_unit_id=p.municipal.id,
                to_unit_queue=True,
                evaluate_by=started + timedelta(days=rng.randrange(14, 90)),  # some are overdue by now
            ),
        )


def _questionnaire(session: Session, rng: random.Random, p: Pathway) -> None:
    code = "AUDIT" if p.substance == Substance.ALCOHOL else "DUDIT"
    instrument = instruments.get_instrument(code)
    answers = {str(item.number): rng.choice(item.scores) for item in instrument.items}
    done = _on(p.started + timedelta(days=rng.randrange(0, 10)))
    with clock.freeze(_at(done)):
        mapping.record_questionnaire(
            session,
            SYSTEM,
            p.person_id,
            QuestionnaireCreate(instrument=code, answers=answers, done_on=done, unit_id=p.treating.id),
        )


def _crisis_plan(session: Session, rng: random.Random, p: Pathway, relative_id: int | None) -> None:
    """After the relative (if any): a relative who consented to meetings or more is the first to call."""
    made = _on(p.started + timedelta(days=rng.randrange(10, 21)))
    opioids = p.substance == Substance.OPIOIDS
    contacts = [
        ContactIn(kind=ContactKind.UNIT, unit_id=p.municipal.id, role_note="Dagtid, hverdager"),
        ContactIn(kind=ContactKind.UNIT, unit_id=p.treating.id, role_note="Behandlingsstedet"),
    ]
    if relative_id is not None and consents.current_scope(session, relative_id, made) in (
        ConsentScope.MEETINGS,
        ConsentScope.FULL,
    ):
        contacts.insert(0, ContactIn(kind=ContactKind.RELATIVE, relative_id=relative_id))
    with clock.freeze(_at(made)):
        plan = crisis_plans.record_crisis_plan(
            session,
            SYSTEM,
            p.person_id,
            CrisisPlanCreate(
                made_on=made,
                review_by=made + timedelta(days=90),
                warning_signs=rng.sample(WARNING_SIGNS, 2),
                what_helps=rng.sample(WHAT_HELPS, 2),
                what_to_avoid=rng.sample(WHAT_TO_AVOID, 1),
                overdose_risk=RiskLevel.HIGH if opioids else RiskLevel.MODERATE,
                overdose_factors=[OverdoseFactor.USING_ALONE, OverdoseFactor.MIXING_SUBSTANCES] if opioids else [],
                contacts=contacts,
            ),
        )
        if rng.random() < 0.75:  # the rest are not yet shared with the person: a gap to close
            crisis_plans.share_crisis_plan(
                session,
                SYSTEM,
                p.person_id,
                CrisisPlanShare(shared_on=made, how=SharedHow.IN_PERSON, version=plan.version_no),
            )


def _vedtak(session: Session, rng: random.Random, p: Pathway, today: date) -> None:
    decided = _on(p.started + timedelta(days=rng.randrange(0, 14)))
    start = decided + timedelta(days=(7 - decided.weekday()) % 7)  # the next Monday
    if start >= today:
        return
    hours = float(rng.choice((2, 4, 6, 8)))
    with clock.freeze(_at(decided)):
        row = vedtak.create_vedtak(
            session,
            SYSTEM,
            p.person_id,
            VedtakCreate(
                unit_id=p.municipal.id,
                service_type=ServiceType.HOUSING_ASSISTANCE if p.homeless else ServiceType.PRACTICAL_HELP,
                legal_basis="hol § 3-2 første ledd nr. 6 b",
                volume=hours,
                volume_unit=VolumeUnit.HOURS_PER_WEEK,
                decided_on=decided,
                start_on=start,
                end_on=start + timedelta(days=364),
                review_on=start + timedelta(days=182),
            ),
        )
    share = rng.choice((1.0, 1.0, 0.9, 0.75, 0.5))  # some municipalities deliver less than decided
    week = start
    while week + timedelta(days=6) < today and (week - start).days < 26 * 7:
        delivered = round(hours * share * rng.uniform(0.85, 1.1), 1)
        day = week + timedelta(days=rng.randrange(0, 5))
        if delivered > 0:
            with clock.freeze(_at(day, 15)):
                vedtak.record_delivery(session, SYSTEM, row.id, DeliveryCreate(delivered_on=day, amount=delivered))
        week += timedelta(days=7)


def _relative(session: Session, rng: random.Random, p: Pathway) -> int:
    given, kind = rng.choice(RELATIVE_NAMES)
    on = _on(p.started + timedelta(days=rng.randrange(0, 10)))
    with clock.freeze(_at(on)):
        relative = relatives.register_relative(
            session,
            SYSTEM,
            p.person_id,
            RelativeCreate(
                given_name=given,
                family_name=p.family_name,
                relationship=RELATIONSHIPS[kind],
                is_nearest=True,
                birth_date=date(1950 + rng.randrange(0, 40), rng.randrange(1, 13), rng.randrange(1, 28)),
                # +47 0…: no Norwegian number starts with 0, so no real person can be rung by mistake
                phone=f"+47 0{rng.randrange(10, 100)} {rng.randrange(10, 100)} {rng.randrange(100, 1000)}",
                contact_unit_id=p.municipal.id,
            ),
        )
        scope = rng.choice(("general", "meetings", "meetings", "full"))
        consents.give_consent(
            session, SYSTEM, relative.id, ConsentCreate(scope=scope, valid_from=on, given_how="written")
        )
    return relative.id


# Discharge from inpatient care -------------------------------------------------------------------------------


def discharge_with_handover(
    session: Session, rng: random.Random, p: Pathway, ended: date, end_reason: EndReason
) -> bool:
    """End an inpatient or detox episode on ``ended``: mostly with a handover to the kommune accepted before,
    sometimes without one (a recorded reason, flagged). Returns whether a handover was made."""
    if rng.random() < 0.2:
        with clock.freeze(_at(ended)):
            discharges.discharge(
                session,
                SYSTEM,
                p.episode.id,
                ended,
                end_reason,
                reason_without_handover="Personen skrev seg ut selv samme dag; kommunen er varslet på telefon.",
                version=p.episode.version,
            )
        return False
    created = max(p.started, ended - timedelta(days=rng.randrange(3, 10)))
    with clock.freeze(_at(created)):
        handover = handovers.create_handover(
            session,
            SYSTEM,
            HandoverCreate(
                person_id=p.person_id,
                kind=HandoverKind.DISCHARGE,
                from_unit_id=p.treating.id,
                to_unit_id=p.municipal.id,
                planned_on=ended,
                episode_id=p.episode.id,
                note="Utskrivning planlagt; kommunen følger opp bolig og oppfølging.",
            ),
        )
        for item in (
            ChecklistItem.DISCHARGE_SUMMARY_SENT,
            ChecklistItem.HOUSING_ARRANGED,
            ChecklistItem.INCOME_ARRANGED,
        ):
            if rng.random() < 0.8:
                handovers.tick_checklist_item(
                    session, SYSTEM, handover.id, item, ChecklistTick(done_on=created, version=handover.version)
                )
    accepted = _on(created + timedelta(days=rng.randrange(0, 4)))
    with clock.freeze(_at(accepted, 14)):
        handovers.accept_handover(session, SYSTEM, handover.id, HandoverAccept(version=handover.version))
    with clock.freeze(_at(max(ended, accepted), 16)):
        discharges.discharge(
            session, SYSTEM, p.episode.id, max(ended, accepted), end_reason, handover.id, version=p.episode.version
        )
    return True


def pending_handover(session: Session, rng: random.Random, p: Pathway, today: date) -> None:
    """An open inpatient episode with a discharge handover still waiting for the kommune to accept it: it shows
    on both units' worklists, and some wait past their acceptance date (escalated)."""
    created = max(p.started, today - timedelta(days=rng.randrange(0, 12)))
    with clock.freeze(_at(created)):
        handovers.create_handover(
            session,
            SYSTEM,
            HandoverCreate(
                person_id=p.person_id,
                kind=HandoverKind.DISCHARGE,
                from_unit_id=p.treating.id,
                to_unit_id=p.municipal.id,
                planned_on=created + timedelta(days=rng.randrange(5, 15)),
                episode_id=p.episode.id,
                note="Ønsker oppfølging fra kommunen etter utskrivning.",
            ),
        )
