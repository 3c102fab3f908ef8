"""The live server's database, seen from the tests: seeding through the real services, and reading back.

Every flow makes its own persons (a fresh synthetic fødselsnummer each), so tests never share data and can
run in any order. Builders from ``tests/builders.py`` do the work; this only points them at the server's file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.assessments.models import Assessment, HeardHow, Outcome
from helhet.pathways.models import Episode
from helhet.persons.models import Person
from helhet.reference.units import CareLevel
from helhet.referrals.deadlines import Condition
from helhet.referrals.models import Referral
from helhet.units.models import Unit
from helhet.users import service as users
from helhet.users.actor import Actor
from tests.appointments.builders import book
from tests.builders import grant, make_episode, make_person, make_referral

# the units of the users made in conftest._prepare_database
KOMMUNE = "kom-4601-rus"
VURD = "tsb-helse-bergen-hf-vurd"
POLI = "tsb-helse-bergen-hf-poli"
DOGN = "tsb-helse-bergen-hf-dogn"
OSLO_POLI = "tsb-oslo-universitetssykehus-hf-poli"


@dataclass(frozen=True)
class LiveServer:
    url: str
    db_url: str
    data_dir: Path  # HELHET_DATA_DIR of the server: its atlas store is data_dir / "atlas"


@dataclass(frozen=True)
class Seeded:
    """Ids of what a flow was given (objects would be detached from their session)."""

    person_id: int
    fodselsnummer: str
    name: str
    referral_id: int
    episode_id: int | None = None


@dataclass
class World:
    server: LiveServer
    engine: Engine
    _unit_ids: dict[str, int] = field(default_factory=dict)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One committed transaction on the server's database (SQLite waits while the server writes)."""
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    def unit_id(self, code: str) -> int:
        if code not in self._unit_ids:
            with self.session() as session:
                unit = session.scalar(select(Unit).where(Unit.code == code))
                assert unit is not None, f"unit {code} is not loaded"
                self._unit_ids[code] = unit.id
        return self._unit_ids[code]

    def unit_name(self, code: str) -> str:
        with self.session() as session:
            unit = session.get(Unit, self.unit_id(code))
            assert unit is not None
            return unit.name

    def actor(self, session: Session, username: str, unit_code: str | None = None) -> Actor:
        user = users.get_user_by_name(session, username)
        return users.actor_for(user, self.unit_id(unit_code) if unit_code else None)

    def referred_person(
        self,
        given_name: str = "Kari",
        family_name: str = "Nordmann",
        *,
        to: str = VURD,
        wished: CareLevel = CareLevel.INPATIENT_SHORT,
        what_matters: str = "Å beholde leiligheten og kontakten med barna.",
        days_ago: int = 5,
        **person: Any,
    ) -> Seeded:
        """A person referred by the kommune to a TSB unit, awaiting assessment."""
        with self.session() as session:
            kommune = self.actor(session, "koordinator", KOMMUNE)
            made = make_person(session, kommune, given_name=given_name, family_name=family_name, **person)
            referral = make_referral(
                session,
                kommune,
                person=made,
                receiving_unit_id=self.unit_id(to),
                referrer_unit_id=self.unit_id(KOMMUNE),
                received_on=clock.today() - timedelta(days=days_ago),
                wished_level=wished,
                what_matters=what_matters,
            )
            return Seeded(made.id, made.fodselsnummer, f"{given_name} {family_name}", referral.id)

    def granted(
        self,
        given_name: str = "Lars",
        family_name: str = "Eriksen",
        *,
        level: CareLevel = CareLevel.OUTPATIENT,
        **changes: Any,
    ) -> Seeded:
        """A referral the assessment unit granted at ``level`` (the person's wish), no episode yet."""
        seeded = self.referred_person(given_name, family_name, wished=level, days_ago=30, **changes)
        with self.session() as session:
            referral = session.get(Referral, seeded.referral_id)
            assert referral is not None
            grant(
                session,
                self.actor(session, "behandler", VURD),
                referral,
                level,
                assessed_on=clock.today() - timedelta(days=25),
                outcome=Outcome.GRANTED,
                heard_how=HeardHow.IN_PERSON,
                condition=Condition.ALCOHOL_DEPENDENCE,
            )
        return seeded

    def in_treatment(
        self, given_name: str = "Ola", family_name: str = "Nordmann", *, unit: str = DOGN, **changes: Any
    ) -> Seeded:
        """A granted referral and an episode started in ``unit`` (the inpatient unit by default)."""
        level = CareLevel.INPATIENT_SHORT if unit == DOGN else CareLevel.OUTPATIENT
        seeded = self.granted(given_name, family_name, level=level, **changes)
        with self.session() as session:
            referral = session.get(Referral, seeded.referral_id)
            assert referral is not None
            episode = make_episode(
                session,
                self.actor(session, "behandler", VURD),
                referral,
                self.unit_id(unit),
                level,
                started_on=clock.today() - timedelta(days=14),
            )
            return Seeded(seeded.person_id, seeded.fodselsnummer, seeded.name, seeded.referral_id, episode.id)

    def appointment_started_an_hour_ago(self, person_id: int, owner: str, unit_code: str) -> int:
        """An appointment that started an hour ago, booked yesterday: the clock is moved back for the booking
        only, as a booking cannot be made in the past."""
        starts_at = clock.now().replace(microsecond=0) - timedelta(hours=1)
        with self.session() as session, clock.freeze(clock.now() - timedelta(days=1)):
            person = session.get(Person, person_id)
            unit = session.get(Unit, self.unit_id(unit_code))
            assert person is not None and unit is not None
            return book(session, self.actor(session, owner, unit_code), person, unit, starts_at=starts_at).id

    def referral(self, referral_id: int) -> Referral:
        with self.session() as session:
            found = session.get(Referral, referral_id)
            assert found is not None
            return found

    def assessments(self, referral_id: int) -> list[Assessment]:
        with self.session() as session:
            return list(session.scalars(select(Assessment).where(Assessment.referral_id == referral_id)))

    def person(self, person_id: int) -> Person:
        with self.session() as session:
            found = session.get(Person, person_id)
            assert found is not None
            return found

    def episode(self, episode_id: int) -> Episode:
        with self.session() as session:
            found = session.get(Episode, episode_id)
            assert found is not None
            return found
