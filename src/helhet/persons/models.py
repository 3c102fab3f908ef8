"""The person in treatment: identity, residence, language and interpreter need, and housing history."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helhet.db import Base


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    UNKNOWN = "unknown"


class HousingStatus(StrEnum):
    OWN_HOME = "own_home"
    RENTED = "rented"
    TEMPORARY = "temporary"  # shelter, hospits, nødbolig
    HOMELESS = "homeless"
    INSTITUTION = "institution"
    PRISON = "prison"


#: statuses that count as homeless or unstable housing for the gap checks and the atlas (DOMAIN.md §5.4 ROP-10)
UNSTABLE_HOUSING = frozenset({HousingStatus.HOMELESS, HousingStatus.TEMPORARY})


class Person(Base):
    __tablename__ = "person"
    __table_args__ = (Index("ix_person_names", "family_name", "given_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fodselsnummer: Mapped[str] = mapped_column(String(11), unique=True)
    id_kind: Mapped[str] = mapped_column(String(20))
    birth_date: Mapped[date] = mapped_column(index=True)
    sex: Mapped[Sex]
    given_name: Mapped[str] = mapped_column(String(120))
    family_name: Mapped[str] = mapped_column(String(120))
    municipality_number: Mapped[str] = mapped_column(ForeignKey("municipality.number"), index=True)
    city_district_number: Mapped[str | None] = mapped_column(ForeignKey("city_district.number"))
    preferred_language: Mapped[str] = mapped_column(String(8), default="nb")
    interpreter_needed: Mapped[bool] = mapped_column(default=False)
    interpreter_language: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)

    housing: Mapped[list[HousingPeriod]] = relationship(
        back_populates="person", order_by="HousingPeriod.from_date", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def housing_on(self, day: date) -> HousingStatus | None:
        current = None
        for period in self.housing:
            if period.from_date <= day:
                current = period.status
        return current


class HousingPeriod(Base):
    """Housing situation from a date on; the next period ends it (a dated history, never overwritten)."""

    __tablename__ = "housing_period"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    status: Mapped[HousingStatus]
    from_date: Mapped[date]
    note: Mapped[str | None] = mapped_column(String(500))
    recorded_at: Mapped[datetime]

    person: Mapped[Person] = relationship(back_populates="housing")
