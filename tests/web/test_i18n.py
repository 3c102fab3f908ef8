"""Language: bokmål by default, English on request; Norwegian dates and numbers; complete catalogs."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from helhet import i18n
from helhet.persons.models import Person
from helhet.users.models import Role
from helhet.web import labels, messages
from tests.personas import Units
from tests.web.builders import referral_to_assessment_unit
from tests.web.conftest import add_web_user, sign_in

PACKAGE = i18n.LOCALE_DIR.parent


def test_pages_are_in_bokmal_by_default(client: TestClient) -> None:
    page = client.get("/login")
    assert '<html lang="nb">' in page.text
    assert "Logg inn" in page.text and "Brukernavn" in page.text
    assert page.headers["content-language"] == "nb"


def test_english_can_be_chosen_and_is_remembered(client: TestClient, session: Session, units: Units) -> None:
    add_web_user(session, "vurderer", Role.CLINICIAN, "test-vurd")
    sign_in(client, "vurderer")
    switched = client.get("/lang/en", params={"next": "/persons/search"}, follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == "/persons/search"
    page = client.get("/persons/search").text
    assert '<html lang="en">' in page
    assert "Find a person" in page and "Finn person" not in page
    assert 'hreflang="nb"' in page  # the way back
    assert "Worklist" in client.get("/").text
    client.get("/lang/nb")
    assert "Arbeidsliste" in client.get("/").text


def test_language_chosen_before_sign_in_is_kept(client: TestClient, session: Session, units: Units) -> None:
    add_web_user(session, "vurderer", Role.CLINICIAN, "test-vurd")
    client.get("/lang/en", params={"next": "/login"})
    assert "Sign in" in sign_in(client, "vurderer", "wrong-password-1").text
    sign_in(client, "vurderer")
    assert "Worklist" in client.get("/").text


def test_unknown_language_is_ignored(client: TestClient) -> None:
    client.get("/lang/xx")
    assert '<html lang="nb">' in client.get("/login").text


def test_pages_show_norwegian_dates(client: TestClient, session: Session, units: Units) -> None:
    referral = referral_to_assessment_unit(session, units)
    add_web_user(session, "vurderer", Role.CLINICIAN, "test-vurd")
    sign_in(client, "vurderer")
    page = client.get(f"/persons/{referral.person_id}").text
    assert "03.03.2025" in page  # received
    born = session.get_one(Person, referral.person_id).birth_date
    assert born.strftime("%d.%m.%Y") in page  # born
    assert "2025-03-03" not in page.replace('datetime="2025-03-03"', "")


def test_date_and_number_formats() -> None:
    assert i18n.format_date(date(2025, 3, 5)) == "05.03.2025"
    assert i18n.format_date(date(2025, 3, 5), "en") == "5 Mar 2025"
    assert i18n.format_date(None) == ""
    # 23:30 UTC on 5 March is 00:30 on 6 March in Oslo
    assert i18n.format_datetime(datetime(2025, 3, 5, 23, 30, tzinfo=UTC)) == "06.03.2025 kl. 00:30"
    assert i18n.format_number(1234567.5) == "1\u00a0234\u00a0567,5"
    assert i18n.format_number(1234567.5, "en") == "1,234,567.5"


def test_language_names_in_the_ui_language() -> None:
    assert i18n.language_name("so") == "somali"
    assert i18n.language_name("so", "en") == "Somali"
    assert i18n.language_name("xq") == "xq"


def test_service_reasons_are_translated_with_their_values() -> None:
    assert messages.reason("nb", "cannot be later than today") == "Kan ikke være senere enn i dag"
    text = "the person wished inpatient_short but outpatient is assigned: choose the reason"
    assert (
        messages.reason("nb", text)
        == "Personen ønsket Døgnbehandling, korttid, men Poliklinisk er tildelt: velg begrunnelse"
    )
    assert messages.reason("en", text).startswith("The person wished Inpatient, short term")
    assert messages.reason("nb", "an unknown reason") == "An unknown reason"


def _catalog(lang: str):  # type: ignore[no-untyped-def]
    with open(i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=lang)


def test_every_user_facing_string_has_a_bokmal_translation() -> None:
    with open(i18n.LOCALE_DIR / "babel.cfg") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(str(PACKAGE), method_map, options_map)
    }
    catalog = _catalog("nb")
    missing = sorted(m for m in found if not (catalog.get(m) and catalog.get(m).string))
    assert not missing, f"add these to locale/nb/LC_MESSAGES/messages.po (see helhet/i18n.py): {missing}"


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_compiled_catalogs_match_their_sources(lang: str) -> None:
    def translated(messages: object) -> dict[str, tuple[str, ...]]:
        result = {}
        for m in messages:  # type: ignore[attr-defined]
            strings = (m.string,) if isinstance(m.string, str) else tuple(m.string)
            if m.id and all(strings):
                result[m.id if isinstance(m.id, str) else m.id[0]] = strings
        return result

    with open(i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "messages.mo", "rb") as f:
        compiled = translated(read_mo(f))
    source = translated(_catalog(lang))
    stale = sorted(key for key, strings in source.items() if compiled.get(key) != strings)
    assert not stale, f"run pybabel compile (see helhet/i18n.py): {stale[:5]}"


def test_every_coded_value_has_a_label() -> None:
    for enum in labels.LABELLED:
        for member in enum:
            assert member.value in labels.LABELS, f"{enum.__name__}.{member.name}"


def test_placeholders_survive_translation() -> None:
    for message in _catalog("nb"):
        if not message.id or not message.string:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        wanted = {part for text in ids for part in _placeholders(text)}
        for text in strings:
            assert _placeholders(text) == wanted, message.id


def _placeholders(text: str) -> set[str]:
    import re

    return set(re.findall(r"%\(\w+\)[sd]", text))
