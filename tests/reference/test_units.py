"""The seed catalogue of units: every trust can assess, codes are unique and stable."""

from __future__ import annotations

import re

import pytest

from helhet import reference
from helhet.reference import units
from helhet.reference.units import CareLevel, UnitKind

CODE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def all_seeds() -> list[units.UnitSeed]:
    seeds = units.tsb_units()
    for number in reference.municipalities():
        seeds += units.municipal_units(number)
    return seeds


def test_care_levels_are_the_agreed_values() -> None:
    assert [level.value for level in CareLevel] == [
        "detox",
        "outpatient",
        "ambulant",
        "day",
        "inpatient_short",
        "inpatient_long",
        "user_controlled_bed",
        "lar",
    ]


def test_inpatient_levels() -> None:
    assert units.is_inpatient(CareLevel.DETOX)
    assert units.is_inpatient("inpatient_long")
    assert not units.is_inpatient(CareLevel.OUTPATIENT)
    assert not units.is_inpatient(CareLevel.LAR)
    with pytest.raises(ValueError):
        units.is_inpatient("hospital")


def test_every_trust_has_an_assessment_unit_and_the_basic_units() -> None:
    seeds = units.tsb_units()
    for trust in reference.health_trusts():
        kinds = {u.code.removeprefix(f"tsb-{trust.code}-") for u in seeds if u.hf_code == trust.code}
        assert {"vurd", "poli", "avrus", "dogn", "lar"} <= kinds
        assessment = next(u for u in seeds if u.code == f"tsb-{trust.code}-vurd")
        assert assessment.kind == UnitKind.ASSESSMENT_UNIT
        assert assessment.name.startswith("Vurderingsinstans TSB, ")
        assert assessment.rhf_code == trust.rhf_code


def test_larger_trusts_have_a_fact_team() -> None:
    codes = {u.code for u in units.tsb_units()}
    assert "tsb-akershus-universitetssykehus-hf-fact" in codes
    assert "tsb-helgelandssykehuset-hf-fact" not in codes


def test_unit_codes_are_unique_ascii_slugs() -> None:
    codes = [u.code for u in all_seeds()]
    assert len(codes) == len(set(codes))
    assert all(CODE.match(code) for code in codes)


def test_codes_the_demo_relies_on_stay() -> None:
    codes = {u.code for u in all_seeds()}
    assert {"tsb-helse-bergen-hf-vurd", "tsb-helse-bergen-hf-poli", "kom-4601-rus", "kom-0301-nav"} <= codes
    assert "priv-tyrilistiftelsen" in codes


def test_private_providers_in_every_region() -> None:
    providers = [u for u in units.tsb_units() if u.kind == UnitKind.PRIVATE_PROVIDER]
    assert {u.rhf_code for u in providers} == {"HSO", "HV", "HMN", "HN"}
    assert all(u.levels and u.hf_code is None for u in providers)


def test_municipal_units() -> None:
    seeds = units.municipal_units("0301")
    assert [u.kind for u in seeds] == [
        UnitKind.MUNICIPAL_SERVICE,
        UnitKind.NAV,
        UnitKind.HOUSING_OFFICE,
        UnitKind.COORDINATING_UNIT,
        UnitKind.GP,
    ]
    assert seeds[0].name == "Psykisk helse og rus, Oslo"
    assert all(u.kommunenummer == "0301" and u.kind in units.MUNICIPAL_KINDS for u in seeds)
    with pytest.raises(KeyError):
        units.municipal_units("0300")


def test_units_for_region() -> None:
    north = units.units_for_region("HN")
    assert north and all(u.rhf_code == "HN" for u in north)
    assert sum(len(units.units_for_region(r.code)) for r in reference.regions()) == len(units.tsb_units())
    with pytest.raises(KeyError, match="no region"):
        units.units_for_region("XX")


def test_catalogue_lists_are_copies() -> None:
    units.tsb_units().clear()
    assert units.tsb_units()
