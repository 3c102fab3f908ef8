"""Geography: the counts the rest of Helhet relies on, Oslo's districts, and recoding old numbers."""

from __future__ import annotations

import csv
from collections import Counter
from importlib import resources

import polars as pl
import pytest

from helhet import reference
from helhet.reference import geography


def test_counts_match_the_2024_lists() -> None:
    assert len(reference.municipalities()) == 357
    assert len(reference.counties()) == 15
    assert len(reference.referral_areas()) == 21
    assert len(reference.health_trusts()) == 21
    assert len(reference.city_districts()) == 38
    assert [r.code for r in reference.regions()] == ["HSO", "HV", "HMN", "HN"]


def test_codes_are_unique_ascii_slugs() -> None:
    codes = [a.code for a in reference.referral_areas()] + [t.code for t in reference.health_trusts()]
    assert len(set(codes)) == len(codes)
    assert all(code.isascii() and code == geography.slug(code) for code in codes)
    assert {"ous", "lovisenberg", "diakonhjemmet", "akershus", "st-olav", "more-og-romsdal"} <= {
        a.code for a in reference.referral_areas()
    }


def test_every_area_belongs_to_a_known_trust_and_region() -> None:
    trusts = {t.code: t for t in reference.health_trusts()}
    for area in reference.referral_areas():
        assert trusts[area.hf_code].rhf_code == area.rhf_code
    assert {t.rhf_code for t in trusts.values()} == {r.code for r in reference.regions()}


def test_municipality_fields() -> None:
    bergen = reference.municipality("4601")
    assert (bergen.name, bergen.county_number, bergen.referral_area_code) == ("Bergen", "46", "bergen")
    assert sum(m.population for m in reference.municipalities().values()) == 5_550_203
    counties = {c.number for c in reference.counties()}
    assert all(
        m.county_number in counties and m.number[:2] == m.county_number for m in reference.municipalities().values()
    )


def test_short_names_keep_the_norwegian_form() -> None:
    names = {m.number: m.short_name for m in reference.municipalities().values()}
    assert names["0301"] == "Oslo"
    assert names["5610"] == "Karasjok"  # Kárášjohka-Karasjok: Norwegian form second
    assert names["5622"] == "Porsanger"  # Porsanger-Porsáŋgu-Porsanki
    assert names["3226"] == "Aurskog-Høland"  # one Norwegian name, not parallel forms
    assert names["3451"] == "Nord-Aurdal"
    assert all("-" not in n or n.startswith(geography.COMPOUND_PREFIXES) for n in names.values())


def test_every_municipality_and_district_maps_to_exactly_one_area() -> None:
    with resources.files("helhet.reference").joinpath("data", geography.AREA_MAPPING_FILE).open(encoding="utf-8") as fh:
        mapped = Counter(row["kode"] for row in csv.DictReader(fh))
    assert max(mapped.values()) == 1
    areas = {a.code for a in reference.referral_areas()}
    for m in reference.municipalities().values():
        if m.number == geography.OSLO:
            assert m.referral_area_code is None  # split by district
        else:
            assert m.number in mapped and m.referral_area_code in areas
        assert reference.referral_area_for(m.number).code in areas
    for d in reference.city_districts():
        assert reference.referral_area_for(d.kommunenummer, d.number).code == d.referral_area_code
    used = {m.referral_area_code for m in reference.municipalities().values()} | {
        d.referral_area_code for d in reference.city_districts()
    }
    assert used - {None} == areas


def test_oslo_districts_decide_the_area() -> None:
    assert reference.referral_area_for("0301", "030101").code == "lovisenberg"  # Gamle Oslo
    assert reference.referral_area_for("0301", "030105").code == "diakonhjemmet"  # Frogner
    assert reference.referral_area_for("0301", "030112").code == "akershus"  # Alna
    assert reference.referral_area_for("0301", "030103").code == "ous"  # Sagene
    oslo = [d for d in reference.city_districts() if d.kommunenummer == "0301"]
    assert len(oslo) == 17
    assert {d.referral_area_code for d in oslo} == {"ous", "lovisenberg", "diakonhjemmet", "akershus"}


def test_oslo_without_a_known_district_belongs_to_ous() -> None:
    assert reference.referral_area_for("0301").code == "ous"
    assert reference.referral_area_for("0301", "030199").code == "ous"  # uoppgitt bydel, as SKDE maps it
    assert reference.referral_area_for("0301", "").code == "ous"


def test_home_area_is_the_municipalitys_own_or_ous_for_oslo() -> None:
    assert reference.home_area_code(reference.municipality("0301")) == "ous"
    assert reference.home_area_code(reference.municipality("4601")) == "bergen"
    for m in reference.municipalities().values():  # the area a resident with no known district counts in
        assert reference.home_area_code(m) == reference.referral_area_for(m.number).code


def test_the_atlas_rolls_municipalities_up_by_the_home_area() -> None:
    from helhet.analytics import pages, privacy

    parents = privacy.parents().filter(pl.col("level") == "municipality")
    by_number = dict(zip(parents["code"].to_list(), parents["parent_code"].to_list(), strict=True))
    for m in reference.municipalities().values():
        assert by_number[m.number] == reference.home_area_code(m)
        assert pages.places()[m.number].parents["area"] == reference.home_area_code(m)


def test_districts_elsewhere_follow_their_municipality() -> None:
    assert reference.referral_area_for("4601", "460108").code == "bergen"
    assert reference.referral_area_for("5001", "500101").code == "st-olav"
    assert reference.referral_area_for("1103").hf_code == "helse-stavanger-hf"


def test_district_outside_its_municipality_is_refused() -> None:
    with pytest.raises(ValueError, match="does not lie in"):
        reference.referral_area_for("4601", "030101")


def test_unknown_municipality_says_why() -> None:
    with pytest.raises(KeyError, match="leading zero"):
        reference.municipality("301")
    with pytest.raises(KeyError, match=r"recode_to_2024\(2023, '3005'\) gives 3301"):
        reference.municipality("3005")
    with pytest.raises(KeyError, match="bydelsnummer"):
        reference.referral_area_for("030101")
    with pytest.raises(KeyError, match="the codes are"):
        reference.referral_area("oslo")


def test_recoding_old_numbers() -> None:
    assert reference.recode_to_2024(2020, "3005") == [("3301", 1.0)]  # Drammen
    assert reference.recode_to_2024(2020, "5401") == [("5501", 1.0)]  # Tromsø
    assert reference.recode_to_2024(2023, "3301") == [("3301", 1.0)]  # 2023 accepts the new numbers too
    assert reference.recode_to_2024(2024, "0301") == [("0301", 1.0)]
    assert reference.recode_to_2024(2026, "4601") == [("4601", 1.0)]  # 2024 borders still hold


def test_split_municipalities_have_weights_summing_to_one() -> None:
    alesund = reference.recode_to_2024(2020, "1507")
    assert sorted(code for code, _ in alesund) == ["1508", "1580"]  # Ålesund and Haram
    assert sum(weight for _, weight in alesund) == pytest.approx(1.0)
    for (year, number), targets in geography._recoding().items():
        assert sum(w for _, w in targets) == pytest.approx(1.0), (year, number)
        assert all(code in reference.municipalities() for code, _ in targets)


def test_recoding_refuses_unknown_numbers_and_years() -> None:
    with pytest.raises(KeyError, match="not known for 2020"):
        reference.recode_to_2024(2020, "9999")
    with pytest.raises(KeyError, match="2015–2024"):
        reference.recode_to_2024(2014, "0301")
