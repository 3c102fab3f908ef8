from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.errors import Conflict, Invalid, NotFound
from helhet.persons import service as persons
from helhet.persons.models import HousingStatus, Person, Sex
from helhet.persons.schemas import HousingIn, PersonUpdate
from helhet.users.actor import SYSTEM, Actor
from tests.builders import make_person, make_referral, person_data, synthetic_fnr
from tests.personas import Units


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Person)) or 0


def test_register_person_derives_birth_date_and_sex(session: Session) -> None:
    person = make_person(session, birth_date=date(1990, 2, 14), sex="male")
    assert person.birth_date == date(1990, 2, 14)
    assert person.sex == Sex.MALE
    assert person.id_kind == "synthetic"


def test_bad_fodselsnummer_names_field_value_and_check_digit(session: Session) -> None:
    good = synthetic_fnr()
    bad = good[:9] + str((int(good[9]) + 1) % 10) + good[10]
    before = _count(session)
    with pytest.raises(Invalid) as err:
        persons.register_person(session, SYSTEM, person_data(fodselsnummer=bad))
    assert err.value.field == "fodselsnummer"
    assert err.value.value == bad
    assert "check digit 1 should be" in err.value.reason
    assert _count(session) == before


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("municipality_number", "9999", "no municipality"),
        ("preferred_language", "Norsk!", "language code"),
    ],
)
def test_bad_person_fields_are_refused(session: Session, field: str, value: str, reason: str) -> None:
    with pytest.raises(Invalid) as err:
        persons.register_person(session, SYSTEM, person_data(**{field: value}))
    assert err.value.field == field
    assert reason in err.value.reason


def test_housing_in_the_future_is_refused_and_nothing_written(session: Session) -> None:
    tomorrow = clock.today() + timedelta(days=1)
    before = _count(session)
    with pytest.raises(Invalid) as err:
        persons.register_person(
            session, SYSTEM, person_data(housing=HousingIn(status=HousingStatus.HOMELESS, from_date=tomorrow))
        )
    assert err.value.field == "housing.from_date"
    assert _count(session) == before


def test_district_must_belong_to_the_municipality(session: Session) -> None:
    with pytest.raises(Invalid) as err:
        persons.register_person(session, SYSTEM, person_data(municipality_number="4601", city_district_number="030101"))
    assert err.value.field == "city_district_number"


def test_same_number_twice_is_a_conflict(session: Session) -> None:
    data = person_data()
    persons.register_person(session, SYSTEM, data)
    with pytest.raises(Conflict):
        persons.register_person(session, SYSTEM, data)


def test_housing_history_is_dated_not_overwritten(session: Session, units: Units, clinician: Actor) -> None:
    person = make_person(session, housing=HousingIn(status=HousingStatus.RENTED, from_date=date(2020, 1, 1)))
    make_referral(session, clinician, person=person, receiving_unit_id=units.assessment.id)
    persons.record_housing(
        session, clinician, person.id, HousingIn(status=HousingStatus.HOMELESS, from_date=date(2025, 1, 15))
    )
    assert person.housing_on(date(2024, 12, 31)) == HousingStatus.RENTED
    assert person.housing_on(date(2025, 2, 1)) == HousingStatus.HOMELESS
    assert len(person.housing) == 2


def test_stale_update_is_refused(session: Session, units: Units, clinician: Actor) -> None:
    person = make_person(session)
    make_referral(session, clinician, person=person, receiving_unit_id=units.assessment.id)
    version = person.version
    persons.update_person(session, clinician, person.id, PersonUpdate(version=version, given_name="Kari Anne"))
    with pytest.raises(Conflict) as err:
        persons.update_person(session, clinician, person.id, PersonUpdate(version=version, family_name="Nytt"))
    assert err.value.current_version == version + 1
    assert person.family_name == "Testesen"


def test_search_finds_only_visible_persons(session: Session, units: Units, clinician: Actor, outsider: Actor) -> None:
    visible = make_person(session, given_name="Synnøve", family_name="Søkbar", birth_date=date(1985, 5, 17))
    make_person(session, given_name="Synnøve", family_name="Usynlig")
    make_referral(session, clinician, person=visible, receiving_unit_id=units.assessment.id)
    found = persons.search_persons(session, clinician, "synnøve")
    assert [p.id for p in found] == [visible.id]
    assert persons.search_persons(session, outsider, "synnøve") == []
    assert [p.id for p in persons.search_persons(session, clinician, visible.fodselsnummer)] == [visible.id]
    assert [p.id for p in persons.search_persons(session, clinician, "17.05.1985")] == [visible.id]


def test_unknown_person_is_not_found(session: Session, clinician: Actor) -> None:
    with pytest.raises(NotFound):
        persons.get_person(session, clinician, 987654)
