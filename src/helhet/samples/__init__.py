"""Sample pathways made through the real services: small, deterministic, valid by construction.

The core of each pathway (person, referral with the wish, assessment, episode, appointments) is made here;
``coordination.py`` adds the care team, plans, mapping, crisis plan, vedtak, relatives and handovers.

Used by ``helhet demo`` for a living app on a fresh machine and by the browser tests. Every row goes through
the same service functions a user's action does, so the sample can never hold what the rules refuse. (The
national-scale generator with planted variation is ``helhet synth``.)
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock, reference
from helhet.appointments.models import Appointment, AppointmentMode, Attendance, InterpreterStatus
from helhet.assessments import service as assessments
from helhet.assessments.models import HeardHow, Outcome, RiskLevel, WishDifferenceReason
from helhet.assessments.schemas import AssessmentCreate
from helhet.collaboration import service as collaboration
from helhet.collaboration.models import ContactKind, Counterpart
from helhet.collaboration.schemas import ContactCreate
from helhet.pathways import episodes
from helhet.pathways.models import CareTeamMember, EndReason, TeamRole
from helhet.pathways.schemas import EpisodeCreate
from helhet.persons import fodselsnummer
from helhet.persons.models import HousingStatus
from helhet.persons.schemas import HousingIn, PersonCreate
from helhet.reference.units import CareLevel
from helhet.referrals import service as referrals
from helhet.referrals.deadlines import Condition
from helhet.referrals.models import ReferrerKind, Substance
from helhet.referrals.schemas import ReferralCreate
from helhet.samples import coordination
from helhet.tasks import service as tasks
from helhet.tasks.models import TaskKind
from helhet.tasks.schemas import TaskCreate
from helhet.units.models import Unit
from helhet.users.actor import SYSTEM

GIVEN_F = ("Kari", "Ingrid", "Sofie", "Nora", "Emma", "Hanne", "Mari", "Silje", "Amina", "Aisha", "Oksana", "Liv")
GIVEN_M = ("Ola", "Jonas", "Lars", "Erik", "Kristian", "Mohammed", "Ali", "Piotr", "Tor", "Anders", "Espen", "Ivar")
FAMILY = (
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Karlsen",
    "Berg",
    "Haugen",
    "Hagen",
    "Eriksen",
    "Bakken",
    "Lie",
    "Dahl",
    "Moen",
    "Strand",
    "Solberg",
)
WHAT_MATTERS = (
    "Å få beholde leiligheten min.",
    "At barna mine får se meg frisk.",
    "Å komme i jobb igjen.",
    "Å slippe å være alene når det er vanskelig.",
    "Å få hjelp nær der jeg bor.",
    "At noen ringer meg hvis jeg ikke møter opp.",
)
WISHES = (
    CareLevel.OUTPATIENT,
    CareLevel.INPATIENT_SHORT,
    CareLevel.INPATIENT_LONG,
    CareLevel.DETOX,
    CareLevel.LAR,
    CareLevel.AMBULANT,
)


@dataclass
class SampleSummary:
    persons: int = 0
    referrals: int = 0
    assessments: int = 0
    episodes: int = 0
    tasks: int = 0
    appointments: int = 0
    coordination: coordination.CoordinationSummary = field(default_factory=coordination.CoordinationSummary)
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"Sample pathways: {self.persons} persons, {self.referrals} referrals, {self.assessments} "
            f"assessments, {self.episodes} episodes, {self.tasks} tasks, {self.appointments} appointments. "
            f"{self.coordination}"
        )


def _unit(session: Session, code: str) -> Unit:
    unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise LookupError(f"unit {code} is not loaded; run helhet init first")
    return unit


def generate(
    session: Session,
    persons: int = 120,
    seed: int = 2026,
    hf: str = "helse-bergen-hf",
    kommuner: tuple[str, ...] = ("4601", "4626", "4627", "4631"),
) -> SampleSummary:
    """Make ``persons`` pathways in one health trust's area and a few of its municipalities."""
    rng = random.Random(seed)
    today = clock.today()
    vurd, poli, dogn, avrus, lar = (_unit(session, f"tsb-{hf}-{s}") for s in ("vurd", "poli", "dogn", "avrus", "lar"))
    summary = SampleSummary()
    issued: set[str] = set()
    for i in range(persons):
        kommune = kommuner[i % len(kommuner)]
        if kommune not in reference.municipalities():
            continue
        municipal = _unit(session, f"kom-{kommune}-rus")
        nav = _unit(session, f"kom-{kommune}-nav")
        sex = "male" if rng.random() < 0.7 else "female"
        born = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 365 * 42))
        fnr = fodselsnummer.generate_synthetic(rng, born, sex)  # type: ignore[arg-type]
        if fnr in issued:
            continue
        issued.add(fnr)
        homeless = rng.random() < 0.15
        interpreter = rng.random() < 0.06
        received = today - timedelta(days=rng.randrange(3, 420))
        person_data = PersonCreate(
            fodselsnummer=fnr,
            given_name=rng.choice(GIVEN_M if sex == "male" else GIVEN_F),
            family_name=rng.choice(FAMILY),
            municipality_number=kommune,
            interpreter_needed=interpreter,
            interpreter_language=rng.choice(("ar", "so", "pl", "uk")) if interpreter else None,
            housing=HousingIn(
                status=HousingStatus.HOMELESS
                if homeless
                else rng.choice((HousingStatus.RENTED, HousingStatus.OWN_HOME)),
                from_date=received - timedelta(days=rng.randrange(30, 900)),
            ),
        )
        wished = rng.choice(WISHES)
        substance = rng.choice(
            (
                Substance.ALCOHOL,
                Substance.ALCOHOL,
                Substance.OPIOIDS,
                Substance.STIMULANTS,
                Substance.CANNABIS,
                Substance.BENZODIAZEPINES,
            )
        )
        referral = referrals.register_referral(
            session,
            SYSTEM,
            ReferralCreate(
                person=person_data,
                receiving_unit_id=vurd.id,
                referrer_kind=rng.choice((ReferrerKind.GP, ReferrerKind.MUNICIPAL_SERVICE)),
                referrer_unit_id=municipal.id,
                received_on=received,
                reason="Økende rusmiddelbruk og behov for vurdering i TSB.",
                substances=[substance],
                rop=rng.random() < 0.3,
                injecting=substance == Substance.OPIOIDS and rng.random() < 0.5,
                wished_level=wished,
                what_matters=rng.choice(WHAT_MATTERS),
            ),
        )
        summary.persons += 1
        summary.referrals += 1
        person_id = referral.person_id
        session.add(
            CareTeamMember(
                person_id=person_id, unit_id=municipal.id, role=TeamRole.MUNICIPAL_CONTACT, from_date=received
            )
        )
        age_days = (today - received).days
        if age_days < 12 and rng.random() < 0.6:
            continue  # still awaiting assessment: the worklist shows it
        assessed_on = min(today, received + timedelta(days=rng.randrange(3, 16)))
        if rng.random() < 0.08:
            assessments.assess_referral(
                session,
                SYSTEM,
                referral.id,
                AssessmentCreate(
                    assessed_on=assessed_on,
                    outcome=Outcome.REJECTED,
                    heard_how=HeardHow.REFERRAL_ONLY,
                    heard_note="Vurdert på henvisningen alene.",
                    rejection_reason="Ikke behov for TSB nå.",
                    advice_to_referrer="Oppfølging i kommunen; ny henvisning ved forverring.",
                ),
            )
            summary.assessments += 1
            continue
        inpatient_wish = wished in (CareLevel.INPATIENT_SHORT, CareLevel.INPATIENT_LONG)
        overridden = inpatient_wish and rng.random() < (0.55 if homeless else 0.35)
        assigned = CareLevel.OUTPATIENT if overridden else wished
        condition = {
            Substance.ALCOHOL: Condition.ALCOHOL_DEPENDENCE,
            Substance.OPIOIDS: Condition.OPIOID_DEPENDENCE,
        }.get(substance, Condition.OTHER)
        assessments.assess_referral(
            session,
            SYSTEM,
            referral.id,
            AssessmentCreate(
                assessed_on=assessed_on,
                outcome=Outcome.GRANTED,
                heard_how=rng.choice((HeardHow.PHONE, HeardHow.IN_PERSON)),
                condition=condition,
                assigned_level=assigned,
                relapse_risk=rng.randrange(0, 5),
                overdose_risk=RiskLevel.HIGH if substance == Substance.OPIOIDS else RiskLevel.LOW,
                wish_difference_reason=WishDifferenceReason.LEVEL_NOT_AVAILABLE if overridden else None,
                wish_difference_note="Ingen ledig døgnplass; poliklinisk oppfølging til plass er klar."
                if overridden
                else None,
            ),
        )
        summary.assessments += 1
        waited = rng.randrange(5, 70)
        start = received + timedelta(days=waited)
        if start > today:
            continue  # waiting: deadlines at risk show on the worklist
        unit = {
            CareLevel.INPATIENT_SHORT: dogn,
            CareLevel.INPATIENT_LONG: dogn,
            CareLevel.DETOX: avrus,
            CareLevel.LAR: lar,
        }.get(assigned, poli)
        episode = episodes.start_episode(
            session, SYSTEM, referral.id, EpisodeCreate(unit_id=unit.id, level=assigned, started_on=start)
        )
        summary.episodes += 1
        pathway = coordination.Pathway(
            person_id=person_id,
            family_name=person_data.family_name,
            municipal=municipal,
            treating=unit,
            episode=episode,
            started=start,
            substance=substance,
            homeless=homeless,
            what_matters=referral.what_matters or WHAT_MATTERS[0],
        )
        coordination.add_coordination(session, rng, pathway, summary.coordination)
        inpatient = assigned in (CareLevel.DETOX, CareLevel.INPATIENT_SHORT)
        if inpatient and (today - start).days > 40 and rng.random() < 0.7:
            ended = start + timedelta(days=rng.randrange(7, 35))
            reason = EndReason.DROPOUT if rng.random() < 0.2 else EndReason.PLANNED_COMPLETION
            summary.coordination.handovers += coordination.discharge_with_handover(session, rng, pathway, ended, reason)
        elif inpatient and rng.random() < 0.5:
            coordination.pending_handover(session, rng, pathway, today)
            summary.coordination.handovers += 1
        if rng.random() < 0.5:
            collaboration.record_contact(
                session,
                SYSTEM,
                person_id,
                ContactCreate(
                    unit_id=municipal.id,
                    counterpart=Counterpart.GP if rng.random() < 0.6 else Counterpart.SPECIALIST,
                    kind=rng.choice((ContactKind.MEETING, ContactKind.MESSAGE, ContactKind.ANSVARSGRUPPE)),
                    contact_on=min(today, start + timedelta(days=rng.randrange(0, 30))),
                ),
            )
        if homeless and rng.random() < 0.5:
            collaboration.record_contact(
                session,
                SYSTEM,
                person_id,
                ContactCreate(
                    unit_id=municipal.id,
                    counterpart=Counterpart.NAV,
                    counterpart_unit_id=nav.id,
                    kind=ContactKind.INFORMATION_ADVICE,
                    contact_on=min(today, start + timedelta(days=3)),
                ),
            )
        # appointments: one past (attended or a no-show), one upcoming
        past = datetime.combine(
            min(today - timedelta(days=1), start + timedelta(days=14)), datetime.min.time(), tzinfo=UTC
        ) + timedelta(hours=9)
        no_show = rng.random() < 0.2
        status = InterpreterStatus.USED if interpreter else InterpreterStatus.NOT_NEEDED
        appointment = Appointment(
            person_id=person_id,
            unit_id=unit.id,
            episode_id=episode.id,
            mode=AppointmentMode.IN_PERSON,
            starts_at=past,
            purpose="Samtale",
            attendance=Attendance.NO_SHOW if no_show else Attendance.ATTENDED,
            attendance_recorded_at=clock.now(),
            interpreter_status=status,
            interpreter_language=person_data.interpreter_language,
            created_at=clock.now(),
        )
        session.add(appointment)
        session.flush()
        summary.appointments += 1
        if no_show:
            task = tasks.create_task(
                session,
                SYSTEM,
                TaskCreate(
                    person_id=person_id,
                    unit_id=unit.id,
                    to_unit_queue=True,
                    kind=TaskKind.OUTREACH,
                    title="Ta kontakt etter uteblitt time",
                    due_on=clock.add_working_days(past.date(), 2),
                    source_type="appointment",
                    source_id=appointment.id,
                ),
            )
            appointment.outreach_task_id = task.id
            summary.tasks += 1
        upcoming = datetime.combine(
            today + timedelta(days=rng.randrange(1, 21)), datetime.min.time(), tzinfo=UTC
        ) + timedelta(hours=10)
        needs_booking = interpreter and rng.random() < 0.5
        session.add(
            Appointment(
                person_id=person_id,
                unit_id=unit.id,
                episode_id=episode.id,
                mode=rng.choice(list(AppointmentMode)),
                starts_at=upcoming,
                purpose="Oppfølging",
                interpreter_status=(
                    InterpreterStatus.NEEDED_NOT_BOOKED
                    if needs_booking
                    else InterpreterStatus.BOOKED
                    if interpreter
                    else InterpreterStatus.NOT_NEEDED
                ),
                interpreter_language=person_data.interpreter_language,
                created_at=clock.now(),
            )
        )
        summary.appointments += 1
        if rng.random() < 0.4:
            tasks.create_task(
                session,
                SYSTEM,
                TaskCreate(
                    person_id=person_id,
                    unit_id=municipal.id,
                    to_unit_queue=True,
                    kind=TaskKind.SOMATIC_FOLLOW_UP,
                    title="Avtale somatisk helsesjekk hos fastlege",
                    due_on=today + timedelta(days=rng.randrange(-20, 20)),
                ),
            )
            summary.tasks += 1
    session.flush()
    return summary
