"""Municipal decisions (vedtak) on services, and the log of service delivered against them (DOMAIN.md §4.3, §4.4,
§5.4 ROP-09 and ROP-10).

A vedtak decides a service type with a volume per week for a period, and names the municipal unit responsible for
it. Deliveries are logged one by one (a visit, a day, a number of hours), so "decided but not delivered" can be
computed per week (``vedtak/delivery.py``).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from helhet.db import Base


class ServiceType(StrEnum):
    PRACTICAL_HELP = "practical_help"  # praktisk bistand (hol § 3-2 første ledd nr. 6 b)
    DAILY_LIFE_TRAINING = "daily_life_training"  # opplæring i dagliglivets gjøremål
    HOME_HEALTH_CARE = "home_health_care"  # helsetjenester i hjemmet
    PERSONAL_ASSISTANCE = "personal_assistance"  # personlig assistanse, incl. BPA
    HOUSING_ASSISTANCE = "housing_assistance"  # individuell bistand, boligsosial lov § 6
    TEMPORARY_ACCOMMODATION = "temporary_accommodation"  # midlertidig botilbud, stjl § 27
    SUPPORTED_HOUSING = "supported_housing"  # bolig med oppfølging / bemannet bolig
    DAY_ACTIVITY = "day_activity"  # dagaktivitetstilbud
    INSTITUTION = "institution"  # plass i institusjon
    FINANCIAL_ASSISTANCE = "financial_assistance"  # økonomisk stønad, stjl § 18
    OTHER = "other"


#: services that count as housing assistance or a housing offer for ROP-10
HOUSING_SERVICES = frozenset(
    {ServiceType.HOUSING_ASSISTANCE, ServiceType.TEMPORARY_ACCOMMODATION, ServiceType.SUPPORTED_HOUSING}
)


class VolumeUnit(StrEnum):
    HOURS_PER_WEEK = "hours_per_week"
    UNITS_PER_WEEK = "units_per_week"  # visits, days or nights per week


class VedtakStatus(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"  # the period is over or the service was stopped; end_on says when
    WITHDRAWN = "withdrawn"  # annulled (made in error, or the person said no before it began): never counts


class Vedtak(Base):
    __tablename__ = "vedtak"
    __table_args__ = (
        Index("ix_vedtak_person", "person_id", "status", "start_on"),
        Index("ix_vedtak_unit", "unit_id", "status", "start_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))  # the responsible municipal unit
    service_type: Mapped[ServiceType]
    legal_basis: Mapped[str] = mapped_column(String(80))  # free text code: "hol § 3-2", "boligsosial lov § 6"
    volume: Mapped[float | None]  # per week; None: not a weekly volume (e.g. a one-off financial assistance)
    volume_unit: Mapped[VolumeUnit | None]
    decided_on: Mapped[date]
    start_on: Mapped[date]
    end_on: Mapped[date | None]  # None: until further notice
    review_on: Mapped[date | None]
    status: Mapped[VedtakStatus] = mapped_column(default=VedtakStatus.ACTIVE)
    status_reason: Mapped[str | None] = mapped_column(Text)  # why it ended early or was withdrawn
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ServiceDelivery(Base):
    """Service delivered against a vedtak on one day: hours or units, in the vedtak's volume unit."""

    __tablename__ = "service_delivery"
    __table_args__ = (
        Index("ix_service_delivery_vedtak", "vedtak_id", "delivered_on"),
        Index("ix_service_delivery_person", "person_id", "delivered_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vedtak_id: Mapped[int] = mapped_column(ForeignKey("vedtak.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))  # the vedtak's person, for per-person queries
    delivered_on: Mapped[date]
    amount: Mapped[float]
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))  # the unit that delivered it
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
