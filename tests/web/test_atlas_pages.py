"""The atlas pages: catalogue and indicator pages for analysts and unit leaders, refused to clinical roles,
suppression in the HTML, bad filters, no data, and no store yet.

The store is built by hand (tests/analytics/store_builder.py) with known counts per area, and person ids far
from any number a page shows, so a leaked key would be found.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from helhet.config import get_settings
from helhet.users.models import Role
from tests.analytics.store_builder import StoreBuilder
from tests.personas import Units
from tests.web.conftest import add_web_user, sign_in

FIRST_ID = 7_300_000_000  # person and record ids in the store start here


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    b = StoreBuilder()
    unit = b.unit()  # unit ids are not person data: units are shown by name
    b.next_id = FIRST_ID
    # municipality, referrals per year, of which assigned the wished level
    plan = [("4601", 60, 45), ("4626", 30, 10), ("1103", 40, 12), ("1108", 24, 20), ("1106", 30, 25), ("4647", 26, 20)]
    for year in (2023, 2024):
        for municipality, total, concordant in plan:
            for i in range(total):
                assigned = "inpatient_short" if i < concordant else "outpatient"
                b.referral(unit, municipality, received=date(year, 3, 4), assigned=assigned)
        for _ in range(3):  # Kinn: 3 referrals a year, always suppressed
            b.referral(unit, "4602", received=date(year, 3, 4), assigned="outpatient")
    return b.write(tmp_path_factory.mktemp("atlas") / "store")


@pytest.fixture
def with_store(store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(get_settings(), "atlas_store", store_dir)
    return store_dir


@pytest.fixture
def analyst(client: TestClient, session: Session, with_store: Path) -> TestClient:
    add_web_user(session, "analytiker", Role.ANALYST)
    sign_in(client, "analytiker")
    return client


def row_of(page: str, name: str) -> str:
    """The <tr> of the ranked table whose row header is ``name``."""
    table = page[page.index('id="atlas-table"') :]
    table = table[: table.index("</table>")]
    for row in table.split("<tr")[1:]:
        if re.search(rf">{re.escape(name)}(<|:)", row):
            return row
    raise AssertionError(f"no row for {name}")


def test_analyst_sees_the_catalogue_with_definitions_and_a_picker(analyst: TestClient) -> None:
    response = analyst.get("/atlas")
    assert response.status_code == 200
    page = response.text
    assert "<h1>Atlas: variasjon i rusbehandling</h1>" in page
    assert 'href="/atlas/wish_concordance"' in page
    assert "Samsvar mellom ønsket og tildelt nivå" in page
    # the definitions in bokmål, not marked as English
    assert "henvisninger med rett som er tildelt det ønskede behandlingsnivået" in page
    assert "granted referrals assigned the wished level" not in page and '<dd lang="en">' not in page
    wish = page[page.index('href="/atlas/wish_concordance"') :]
    assert "kalenderåret henvisningen ble mottatt" in wish[: wish.index("</tr>")]  # the period
    assert "Høyere er bedre" in page
    assert 'name="level"' in page and 'name="year"' in page
    assert '<option value="2024">2024</option>' in page
    assert 'href="/atlas" aria-current="page"' in page  # the menu link


def test_picker_leads_to_the_indicator_page(analyst: TestClient) -> None:
    response = analyst.get(
        "/atlas", params={"indicator": "wish_concordance", "level": "hf", "year": "2023"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/atlas/wish_concordance?level=hf&year=2023"


def test_indicator_page_ranks_areas_with_intervals_flags_and_charts(analyst: TestClient) -> None:
    response = analyst.get("/atlas/wish_concordance", params={"level": "area", "year": "2024"})
    assert response.status_code == 200
    page = response.text
    assert page.count("<h1>") == 1
    assert "henvisninger med rett som er tildelt det ønskede behandlingsnivået / henvisninger med rett og med" in page
    assert '<span lang="en">' not in page
    bergen = row_of(page, "Bergen")
    assert ">90<" in bergen  # n: 60 + 30
    assert "61,1 %" in bergen  # 55 of 90
    assert "–" in bergen and "%" in bergen.split("61,1 %")[1]  # an interval follows
    stavanger = row_of(page, "Stavanger")
    assert ">64<" in stavanger and "50 %" in stavanger  # 32 of 64
    assert re.search(r"Over|Under|Innenfor", stavanger)  # a funnel flag in words
    # drill-down to the municipalities of the area
    assert 'href="/atlas/wish_concordance?level=municipality&amp;year=2024&amp;area=bergen"' in page
    # charts: map as SVG, figures as JSON data blocks, each with a text summary
    assert '<svg class="atlas-map__svg"' in page and "<title>Bergen: 61,1 %</title>" in page
    funnel = re.search(r'aria-labelledby="funnel-title"', page)
    assert funnel and page.count('data-figure="{&#34;data&#34;') == 2  # funnel and trend figures as JSON
    assert "Norge 2024:" in page
    assert "99,8 %-grensen" in page or "99,8 %-grensene" in page
    assert "FT (høyeste / laveste)" not in page or "Variasjon" in page


def test_indicator_page_keeps_script_strict_and_serves_plotly_from_the_package(analyst: TestClient) -> None:
    response = analyst.get("/atlas/wish_concordance")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "cdn" not in response.text.lower()
    src = re.search(r'<script src="(/atlas/assets/plotly\.min\.js\?v=[^"]+)"', response.text)
    assert src
    script = analyst.get(src.group(1).replace("&amp;", "&"))
    assert script.status_code == 200 and len(script.content) > 1_000_000
    assert "max-age" in script.headers["cache-control"]
    assert "style-src 'self';" in analyst.get("/atlas").headers["content-security-policy"]  # only indicator pages


def test_suppressed_counts_never_appear(analyst: TestClient) -> None:
    page = analyst.get("/atlas/wish_concordance", params={"level": "municipality", "year": "2024"}).text
    kinn = row_of(page, "Kinn")
    assert "Skjult" in kinn
    assert not re.search(r">\s*3\s*<", kinn)
    assert "0 %" not in kinn  # 0 of 3 concordant: the share is hidden too
    # secondary suppression: a second municipality is hidden as well, so Kinn cannot be worked out
    assert page.count('class="atlas-suppressed"') >= 2
    assert "<title>Kinn: –</title>" in page


def test_drill_down_shows_only_what_lies_within(analyst: TestClient) -> None:
    page = analyst.get(
        "/atlas/wish_concordance", params={"level": "municipality", "year": "2024", "area": "bergen"}
    ).text
    assert row_of(page, "Bergen") and row_of(page, "Øygarden")
    with pytest.raises(AssertionError):
        row_of(page, "Stavanger")
    assert 'aria-label="Hvor i landet"' in page  # breadcrumbs back up
    hf = analyst.get("/atlas/wish_concordance", params={"level": "hf", "area": "HV"}).text
    assert row_of(hf, "Helse Bergen HF") and row_of(hf, "Helse Stavanger HF")


def test_unknown_indicator_is_a_404_naming_it(analyst: TestClient) -> None:
    response = analyst.get("/atlas/no_such_thing")
    assert response.status_code == 404
    assert "no_such_thing" in response.text


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"year": "1999"}, "year", "Det finnes ingen data for 1999. År med data: 2023, 2024"),
        ({"year": "abc"}, "year", "Skriv året med fire sifre"),
        ({"level": "galaxy"}, "level", "Velg et av nivåene i listen"),
        ({"area": "atlantis"}, "area", "atlantis"),
        ({"level": "rhf", "area": "bergen"}, "area", "Bergen"),
    ],
)
def test_invalid_filters_are_refused_beside_the_field(
    analyst: TestClient, params: dict[str, str], field: str, message: str
) -> None:
    response = analyst.get("/atlas/wish_concordance", params=params)
    assert response.status_code == 422
    error = re.search(rf'<p class="error-message" id="f-{field}-error">(.*?)</p>', response.text, re.S)
    assert error and message in error.group(1)
    assert 'id="atlas-table"' not in response.text


def test_an_area_without_data_says_so(analyst: TestClient) -> None:
    response = analyst.get("/atlas/wish_concordance", params={"level": "municipality", "area": "unn"})
    assert response.status_code == 200
    assert "Ingen data for kommuner i" in response.text
    assert 'id="atlas-table"' not in response.text


def test_pages_show_no_person_keys(analyst: TestClient, store_dir: Path) -> None:
    pages = [analyst.get("/atlas").text]
    for level in ("rhf", "hf", "area", "municipality", "unit"):
        pages.append(analyst.get("/atlas/wish_concordance", params={"level": level}).text)
    pages.append(analyst.get("/atlas/waiting_days").text)
    for page in pages:
        assert not re.search(r"73000\d{5}", page), "a person or record id from the store is on the page"


def test_unit_leader_may_see_the_atlas(client: TestClient, session: Session, units: Units, with_store: Path) -> None:
    add_web_user(session, "leder", Role.UNIT_LEADER, "test-vurd")
    sign_in(client, "leder")
    assert client.get("/atlas/wish_concordance").status_code == 200


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.COORDINATOR])
def test_clinical_roles_are_refused(
    client: TestClient, session: Session, units: Units, with_store: Path, role: Role
) -> None:
    add_web_user(session, "kliniker", role, "test-vurd")
    sign_in(client, "kliniker")
    for path in ("/atlas", "/atlas/wish_concordance", "/atlas/no_such_thing"):
        response = client.get(path)
        assert response.status_code == 403
        assert "Ikke tillatt" in response.text
        assert 'id="atlas-table"' not in response.text and "Indikatorkatalog" not in response.text
    assert 'href="/atlas"' not in client.get("/").text


def test_no_store_yet_says_how_to_build_it(
    client: TestClient, session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "atlas_store", tmp_path / "not-built")
    add_web_user(session, "analytiker", Role.ANALYST)
    sign_in(client, "analytiker")
    response = client.get("/atlas/wish_concordance")
    assert response.status_code == 503
    assert f"helhet atlas build --out {tmp_path / 'not-built'}" in response.text
    catalogue = client.get("/atlas")
    assert catalogue.status_code == 200
    assert "helhet atlas build" in catalogue.text and "Samsvar mellom ønsket og tildelt nivå" in catalogue.text


def test_an_indicator_without_data_says_so(analyst: TestClient) -> None:
    response = analyst.get("/atlas/inpatient_dropout")  # no episode in the store has ended
    assert response.status_code == 200
    assert "Denne indikatoren har ingen data i datalageret ennå." in response.text
    assert 'id="atlas-table"' not in response.text


def test_waiting_times_of_a_suppressed_municipality_are_hidden(analyst: TestClient) -> None:
    page = analyst.get("/atlas/waiting_days", params={"level": "municipality", "year": "2024"}).text
    kinn = row_of(page, "Kinn")  # every referral waited 20 days: neither the median nor the p90 is shown
    assert "Skjult" in kinn and not re.search(r">\s*20\s*<", kinn)
    assert re.search(r">\s*20\s*<", row_of(page, "Bergen"))


def test_rates_for_treating_units_explain_that_they_count_cases(analyst: TestClient) -> None:
    page = analyst.get("/atlas/new_referrals", params={"level": "unit"}).text
    assert "Rater per innbygger gir ikke mening for en behandlingsenhet" in page


def test_rates_show_the_indirectly_standardised_ratio(analyst: TestClient) -> None:
    page = analyst.get("/atlas/new_referrals", params={"level": "area", "year": "2024"}).text
    assert "Observert/forventet, indirekte standardisert (95 %-intervall)" in page
    bergen = row_of(page, "Bergen")  # O/E with its interval: "1,23 (1,10 – 1,37)" in bokmål
    assert re.search(r"\d+,\d+ \(\d+,\d+ – \d+,\d+\)", bergen), bergen


def test_pages_in_english(analyst: TestClient) -> None:
    analyst.get("/lang/en", params={"next": "/atlas"})
    page = analyst.get("/atlas/wish_concordance", params={"level": "area", "year": "2024"}).text
    assert "<h1>Wish concordance: assigned level = wished level</h1>" in page
    assert "granted referrals assigned the wished level / granted referrals with both" in page  # the definition
    assert "61.1 %" in row_of(page, "Bergen")
    assert "Referral areas range from" in page
