"""Reference data: the counts the rest of Helhet relies on, and an idempotent load."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helhet import reference
from helhet.reference import units as catalogue
from helhet.reference.units import UnitKind
from helhet.units import seed
from helhet.units.models import Municipality, Unit


def test_geography_counts() -> None:
    assert len(reference.municipalities()) == 357
    assert len(reference.counties()) == 15
    assert len(reference.referral_areas()) == 21
    assert {r.code for r in reference.regions()} == {"HSO", "HV", "HMN", "HN"}


def test_every_municipality_and_district_has_one_referral_area() -> None:
    for m in reference.municipalities().values():
        area = reference.referral_area_for(m.number)
        assert area.hf_code
    assert reference.referral_area_for("0301", "030101").name == "Lovisenberg"
    assert reference.referral_area_for("0301").code == "ous"  # unknown district: documented default
    assert reference.referral_area_for("4601").name == "Bergen"


def test_short_names_keep_norwegian_form() -> None:
    assert reference.municipality("0301").short_name == "Oslo"
    names = {m.short_name for m in reference.municipalities().values()}
    assert {"Nord-Aurdal", "Karasjok", "Snåsa", "Sør-Varanger"} <= names


def test_recoding_old_numbers() -> None:
    assert reference.recode_to_2024(2020, "3005") == [("3301", 1.0)]


def test_unit_catalogue() -> None:
    seeds = catalogue.tsb_units()
    codes = [u.code for u in seeds]
    assert len(codes) == len(set(codes))
    trusts_with_assessment = {u.hf_code for u in seeds if u.kind == UnitKind.ASSESSMENT_UNIT}
    assert trusts_with_assessment == {t.code for t in reference.health_trusts()}
    assert next(u.code for u in catalogue.municipal_units("4601")) == "kom-4601-rus"


def test_seed_is_idempotent(session: Session) -> None:
    before = session.scalar(select(func.count()).select_from(Unit))
    summary = seed.load_reference(session)
    assert not any(summary.added.values())
    assert session.scalar(select(func.count()).select_from(Unit)) == before
    assert session.scalar(select(func.count()).select_from(Municipality)) == 357
