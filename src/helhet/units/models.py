"""Geography (RHF → HF → referral area → municipality/district) and the care units that serve people."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from helhet.db import Base
from helhet.reference.units import UnitKind


class Region(Base):
    """Regional health authority (RHF)."""

    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))


class HealthTrust(Base):
    """Health trust (helseforetak, HF) or a private hospital with a catchment area."""

    __tablename__ = "health_trust"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))


class ReferralArea(Base):
    """SKDE opptaksområde: the hospital referral area that residence maps to."""

    __tablename__ = "referral_area"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    health_trust_code: Mapped[str] = mapped_column(ForeignKey("health_trust.code"))
    adults: Mapped[int] = mapped_column(default=0)


class County(Base):
    __tablename__ = "county"

    number: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))


class Municipality(Base):
    __tablename__ = "municipality"

    number: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    short_name: Mapped[str] = mapped_column(String(80))
    county_number: Mapped[str] = mapped_column(ForeignKey("county.number"))
    population: Mapped[int] = mapped_column(default=0)
    # None when the municipality is split between areas by city district (Oslo)
    referral_area_code: Mapped[str | None] = mapped_column(ForeignKey("referral_area.code"))


class CityDistrict(Base):
    __tablename__ = "city_district"

    number: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    municipality_number: Mapped[str] = mapped_column(ForeignKey("municipality.number"))
    referral_area_code: Mapped[str] = mapped_column(ForeignKey("referral_area.code"))


class Unit(Base):
    """A unit that serves people: a TSB unit, a private provider, or a municipal service (NAV, GP, ...)."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[UnitKind]
    health_trust_code: Mapped[str | None] = mapped_column(ForeignKey("health_trust.code"))
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    municipality_number: Mapped[str | None] = mapped_column(ForeignKey("municipality.number"))
    levels: Mapped[list[str]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def is_municipal(self) -> bool:
        return self.municipality_number is not None and self.health_trust_code is None
