"""Input and output shapes of persons."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from helhet.persons.models import HousingStatus, Sex


class HousingIn(BaseModel):
    status: HousingStatus
    from_date: date
    note: str | None = Field(default=None, max_length=500)


class PersonCreate(BaseModel):
    fodselsnummer: str = Field(min_length=1, max_length=20)
    given_name: str = Field(min_length=1, max_length=120)
    family_name: str = Field(min_length=1, max_length=120)
    municipality_number: str = Field(min_length=1, max_length=4)
    city_district_number: str | None = Field(default=None, max_length=6)
    preferred_language: str = Field(default="nb", max_length=8)
    interpreter_needed: bool = False
    interpreter_language: str | None = Field(default=None, max_length=40)
    housing: HousingIn | None = None


class PersonUpdate(BaseModel):
    version: int | None = None
    given_name: str | None = Field(default=None, min_length=1, max_length=120)
    family_name: str | None = Field(default=None, min_length=1, max_length=120)
    municipality_number: str | None = Field(default=None, max_length=4)
    city_district_number: str | None = Field(default=None, max_length=6)
    preferred_language: str | None = Field(default=None, max_length=8)
    interpreter_needed: bool | None = None
    interpreter_language: str | None = Field(default=None, max_length=40)


class HousingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    status: HousingStatus
    from_date: date
    note: str | None


class PersonRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    fodselsnummer: str
    birth_date: date
    sex: Sex
    given_name: str
    family_name: str
    municipality_number: str
    city_district_number: str | None
    preferred_language: str
    interpreter_needed: bool
    interpreter_language: str | None
    housing: list[HousingRead]
    version: int


class EmergencyAccessCreate(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)
