"""Population: national totals, the standard population and adults (18+) from five-year groups."""

from __future__ import annotations

import pytest

from helhet import reference
from helhet.reference import population as pop


def test_national_totals_match_ssb() -> None:
    assert sum(c.persons for c in pop.population(2024, "land")) == 5_550_203
    assert sum(c.persons for c in pop.population(2025, "land")) == 5_594_340


def test_municipalities_sum_to_the_national_total() -> None:
    for year in (2024, 2025, 2026):
        national = sum(c.persons for c in pop.population(year, "land"))
        assert sum(c.persons for c in pop.population(year, "kommune")) == national


def test_cells_cover_every_code_sex_and_age_group() -> None:
    cells = pop.population(2024, "kommune")
    assert len(cells) == 357 * 2 * len(pop.AGE_GROUPS)
    assert {c.code for c in cells} == set(reference.municipalities())
    assert {c.sex for c in cells} == {"male", "female"}
    districts = {c.code for c in pop.population(2024, "bydel")}
    assert districts == {d.number for d in reference.city_districts()}


def test_municipality_population_matches_the_reference_list() -> None:
    by_code: dict[str, int] = {}
    for c in pop.population(2024, "kommune"):
        by_code[c.code] = by_code.get(c.code, 0) + c.persons
    assert all(by_code[m.number] == m.population for m in reference.municipalities().values())


def test_national_standard_population() -> None:
    standard = pop.national_standard_population(2024)
    assert len(standard) == 38
    assert sum(standard.values()) == 5_550_203
    assert standard[("female", "000_004")] > 0
    standard.clear()  # a copy: the cache is untouched
    assert len(pop.national_standard_population(2024)) == 38


def test_adults_count_two_fifths_of_the_15_to_19_group() -> None:
    cells = [c for c in pop.population(2024, "kommune") if c.code == "4601"]
    whole = sum(c.persons for c in cells if int(c.age_group[:3]) >= 20)
    teens = sum(c.persons for c in cells if c.age_group == "015_019")
    assert pop.adults(2024, "4601") == round(whole + 0.4 * teens)


def test_adults_are_sane() -> None:
    norway = pop.adults(2024, "0")
    assert 0.78 < norway / 5_550_203 < 0.82
    # SKDE counted single years of age (leaving out Oslo's unknown district): within 0.5 %
    skde = sum(a.population_18plus for a in reference.referral_areas())
    assert norway == pytest.approx(skde, rel=0.005)
    oslo_districts = sum(pop.adults(2024, d.number) for d in reference.city_districts() if d.kommunenummer == "0301")
    assert 0 < pop.adults(2024, "0301") - oslo_districts < 1_449
    assert pop.adults(2025, "0") > norway


def test_unknown_year_level_and_code_are_refused() -> None:
    with pytest.raises(ValueError, match="2020–2026"):
        pop.population(2019, "kommune")
    with pytest.raises(ValueError, match="level"):
        pop.population(2024, "fylke")  # type: ignore[arg-type]
    with pytest.raises(KeyError, match="no kommune"):
        pop.adults(2024, "9999")
    with pytest.raises(KeyError, match="6-digit"):
        pop.adults(2024, "03")
