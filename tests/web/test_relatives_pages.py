"""The relatives pages: register a relative, record and withdraw consent (history kept, the relative's view
shrinks), involvement, bad dates beside their fields, outsiders get 404. Runs on Thursday 10 April 2025."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.persons.models import Person
from helhet.relatives.models import Consent, ConsentScope, Involvement, Relationship, Relative, RelativeContact
from helhet.users.actor import SYSTEM
from helhet.users.models import Role
from tests.careplans.builders import served_person
from tests.personas import Units
from tests.relatives.builders import give_consent, make_relative
from tests.web.builders import count
from tests.web.conftest import add_web_user, post_form, sign_in


@pytest.fixture(autouse=True)
def today() -> Iterator[date]:
    with clock.freeze(datetime(2025, 4, 10, 10, 0, tzinfo=UTC)):
        yield date(2025, 4, 10)


@pytest.fixture
def behandler(client: TestClient, session: Session, units: Units) -> TestClient:
    add_web_user(session, "behandler", Role.CLINICIAN, "test-vurd", "test-poli")
    sign_in(client, "behandler")
    return client


@pytest.fixture
def person(session: Session, units: Units) -> Person:
    person = served_person(session, units)
    session.commit()
    return person


@pytest.fixture
def relative(session: Session, person: Person) -> Relative:
    """A relative registered without a contact unit (by the system), saved for the pages to find."""
    relative = make_relative(session, SYSTEM, person)
    session.commit()
    return relative


def told_box(page: str) -> str:
    return page[page.index('id="may-be-told"') : page.index('id="consents"')]


def test_a_relative_is_registered_and_listed_with_contact_language_and_no_consent(
    behandler: TestClient, session: Session, person: Person
) -> None:
    form = {
        "given_name": "Kari",
        "family_name": "Nordmann",
        "relationship": "parent",
        "is_nearest": "true",
        "birth_date": "02.05.1960",
        "phone": "+47 400 00 001",
        "preferred_language": "ar",
        "interpreter_needed": "true",
        "interpreter_language": "ar",
    }
    response = post_form(behandler, f"/persons/{person.id}/relatives/new", form)
    assert response.status_code == 303, response.text
    relative = session.scalars(select(Relative).where(Relative.person_id == person.id)).one()
    assert (relative.relationship, relative.is_nearest, relative.birth_date) == (
        Relationship.PARENT,
        True,
        date(1960, 5, 2),
    )
    assert response.headers["location"] == f"/relatives/{relative.id}"
    listed = behandler.get(f"/persons/{person.id}/relatives").text
    assert "Kari Nordmann" in listed and "Nærmeste pårørende" in listed and "+47 400 00 001" in listed
    assert "arabisk" in listed and "Trenger tolk (arabisk)" in listed
    assert "Ikke noe samtykke" in listed and "Ikke tilbudt ennå" in listed


def test_a_relative_without_a_name_is_refused_and_nothing_saved(
    behandler: TestClient, session: Session, person: Person
) -> None:
    response = post_form(
        behandler,
        f"/persons/{person.id}/relatives/new",
        {"given_name": "", "family_name": "Nordmann", "relationship": "parent", "phone": "ring meg"},
    )
    assert response.status_code == 422
    assert 'id="f-given_name-error"' in response.text
    assert 'value="Nordmann"' in response.text
    assert count(session, Relative) == 0


def test_consent_recorded_then_withdrawn_keeps_history_and_the_view_shrinks(
    behandler: TestClient, session: Session, units: Units, person: Person
) -> None:
    relative = make_relative(session, SYSTEM, person)
    session.commit()
    page_path = f"/relatives/{relative.id}"
    before = behandler.get(page_path).text
    assert "Ikke til å dele: samtykket dekker ikke helseopplysninger." in told_box(before)

    given = post_form(
        behandler,
        f"{page_path}/consent",
        {"scope": "full", "valid_from": "01.04.2025", "valid_to": "", "given_how": "written"},
        page=page_path,
    )
    assert given.status_code == 303, given.text
    consent = session.scalars(select(Consent).where(Consent.relative_id == relative.id)).one()
    assert (consent.scope, consent.valid_from, consent.valid_to) == (ConsentScope.FULL, date(2025, 4, 1), None)
    full = behandler.get(page_path).text
    assert "Full informasjon" in told_box(full)
    assert "Ikke til å dele: samtykket dekker ikke helseopplysninger." not in told_box(full)
    assert "Ikke til å dele: samtykket dekker ikke møter." not in told_box(full)
    assert "Gjelder nå" in full

    withdrawn = post_form(
        behandler,
        f"{page_path}/consent/withdraw",
        {"consent_id": str(consent.id), "withdraw_note": "Ønsker ikke lenger"},
        page=page_path,
    )
    assert withdrawn.status_code == 303, withdrawn.text
    session.expire_all()
    kept = session.scalars(select(Consent).where(Consent.relative_id == relative.id)).one()  # never deleted
    assert kept.withdrawn_at is not None and kept.withdrawn_note == "Ønsker ikke lenger"
    after = behandler.get(page_path).text
    assert "Ikke til å dele: samtykket dekker ikke helseopplysninger." in told_box(after)
    assert "Ikke til å dele: samtykket dekker ikke møter." in told_box(after)
    history = after[after.index('id="consents"') :]
    assert "Full informasjon" in history and "Trukket tilbake" in history and "Ønsker ikke lenger" in history
    listed = behandler.get(f"/persons/{person.id}/relatives").text
    assert "Ikke noe samtykke" in listed


def test_bad_consent_dates_are_refused_beside_the_fields(
    behandler: TestClient, session: Session, person: Person
) -> None:
    relative = make_relative(session, SYSTEM, person)
    session.commit()
    page_path = f"/relatives/{relative.id}"
    before_end = post_form(
        behandler,
        f"{page_path}/consent",
        {"scope": "meetings", "valid_from": "10.05.2025", "valid_to": "01.05.2025", "given_how": "oral"},
        page=page_path,
    )
    assert before_end.status_code == 422
    assert 'id="f-valid_to-error"' in before_end.text
    assert "Datoen er for tidlig" in before_end.text
    assert 'value="01.05.2025"' in before_end.text and 'value="10.05.2025"' in before_end.text
    not_a_date = post_form(
        behandler,
        f"{page_path}/consent",
        {"scope": "meetings", "valid_from": "32.13.2025", "given_how": "oral"},
        page=page_path,
    )
    assert not_a_date.status_code == 422
    assert 'id="f-valid_from-error"' in not_a_date.text and "Skriv datoen som dd.mm.åååå" in not_a_date.text
    assert count(session, Consent) == 0


def test_a_consent_scope_that_does_not_exist_is_refused_and_shown_as_sent(
    behandler: TestClient, session: Session, relative: Relative
) -> None:
    page_path = f"/relatives/{relative.id}"
    form = {"scope": "<b>everything</b>", "valid_from": "01.04.2025", "given_how": "oral", "note": "Skrevet inn"}
    refused = post_form(behandler, f"{page_path}/consent", form, page=page_path)
    assert refused.status_code == 422
    assert 'id="f-scope-error"' in refused.text
    assert 'value="&lt;b&gt;everything&lt;/b&gt;" checked>' in refused.text  # what was sent, inert and marked
    assert "&lt;b&gt;everything&lt;/b&gt; (avvist)</label>" in refused.text and "<b>everything" not in refused.text
    assert 'value="oral" checked>' in refused.text and "Skrevet inn" in refused.text  # the rest as typed
    assert count(session, Consent) == 0
    assert "(avvist)" not in behandler.get(page_path).text


def test_involvement_is_recorded_and_a_stale_form_is_refused(
    behandler: TestClient, session: Session, person: Person
) -> None:
    relative = make_relative(session, SYSTEM, person)
    session.commit()
    page_path = f"/relatives/{relative.id}"
    offered = post_form(
        behandler,
        f"{page_path}/involvement",
        {"involvement": "offered", "on": "09.04.2025", "version": str(relative.version)},
        page=page_path,
    )
    assert offered.status_code == 303, offered.text
    session.expire_all()
    assert session.get_one(Relative, relative.id).involvement == Involvement.OFFERED
    stale = post_form(
        behandler,
        f"{page_path}/involvement",
        {"involvement": "accepted", "on": "10.04.2025", "version": "1"},
        page=page_path,
    )
    assert stale.status_code == 422
    assert "Noen andre endret dette mens du arbeidet" in stale.text
    session.expire_all()
    assert session.get_one(Relative, relative.id).involvement == Involvement.OFFERED


def test_a_script_tag_in_a_name_renders_inert(behandler: TestClient, session: Session, person: Person) -> None:
    relative = make_relative(session, SYSTEM, person, given_name="<script>alert(1)</script>")
    session.commit()
    for path in (f"/persons/{person.id}/relatives", f"/relatives/{relative.id}"):
        page = behandler.get(path).text
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_outsider_gets_not_found_on_every_relatives_page(
    client: TestClient, session: Session, units: Units, person: Person
) -> None:
    relative = make_relative(session, SYSTEM, person)
    consent = give_consent(session, SYSTEM, relative, "full")
    session.commit()
    add_web_user(session, "utenfor", Role.CLINICIAN, "test-other")
    sign_in(client, "utenfor")
    for path in (f"/persons/{person.id}/relatives", f"/persons/{person.id}/relatives/new", f"/relatives/{relative.id}"):
        assert client.get(path).status_code == 404, path
    for path, data in (
        (f"/persons/{person.id}/relatives/new", {"given_name": "A", "family_name": "B", "relationship": "friend"}),
        (f"/relatives/{relative.id}/consent", {"scope": "full", "valid_from": "10.04.2025", "given_how": "oral"}),
        (f"/relatives/{relative.id}/consent/withdraw", {"consent_id": str(consent.id)}),
        (f"/relatives/{relative.id}/involvement", {"involvement": "offered", "on": "10.04.2025", "version": "1"}),
    ):
        response = post_form(client, path, data, page="/")
        assert response.status_code == 404, path
        assert "Testesen" not in response.text
    session.expire_all()
    assert count(session, Relative) == 1 and count(session, Consent) == 1
    assert session.get_one(Consent, consent.id).withdrawn_at is None


def test_another_relatives_consent_cannot_be_withdrawn_through_this_relative(
    behandler: TestClient, session: Session, units: Units, person: Person
) -> None:
    other_person = served_person(session, units)
    mine = make_relative(session, SYSTEM, person)
    theirs = make_relative(session, SYSTEM, other_person, given_name="Per")
    consent = give_consent(session, SYSTEM, theirs, "full")
    session.commit()
    response = post_form(
        behandler,
        f"/relatives/{mine.id}/consent/withdraw",
        {"consent_id": str(consent.id)},
        page=f"/relatives/{mine.id}",
    )
    assert response.status_code == 404
    session.expire_all()
    assert session.get_one(Consent, consent.id).withdrawn_at is None


# Changing the relative's details ---------------------------------------------------------------------------


def edit_form(relative: Relative, **changes: str) -> dict[str, str]:
    data = {
        "given_name": "Olav",
        "family_name": "Testesen",
        "relationship": "sibling",
        "birth_date": "01.02.1980",
        "phone": "+47 400 00 002",
        "preferred_language": "nb",
        "interpreter_needed": "true",
        "interpreter_language": "so",
        "version": str(relative.version),
    }
    data.update(changes)
    return data


def test_the_relatives_details_are_changed_from_the_relatives_page(
    behandler: TestClient, session: Session, person: Person
) -> None:
    relative = make_relative(session, SYSTEM, person)
    session.commit()
    path = f"/relatives/{relative.id}/edit"
    assert f'href="{path}"' in behandler.get(f"/relatives/{relative.id}").text
    shown = behandler.get(path)
    assert shown.status_code == 200 and 'value="Ola"' in shown.text and 'value="+47 400 00 000"' in shown.text

    saved = post_form(behandler, path, edit_form(relative, email=""))
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == f"/relatives/{relative.id}"
    session.expire_all()
    changed = session.get_one(Relative, relative.id)
    assert (changed.given_name, changed.phone, changed.interpreter_language) == ("Olav", "+47 400 00 002", "so")
    listed = behandler.get(f"/persons/{person.id}/relatives").text
    assert "Olav Testesen" in listed and "+47 400 00 002" in listed and "Trenger tolk (somali)" in listed
    assert "Olav Testesen (Søsken" in behandler.get(f"/persons/{person.id}").text  # the pathway's summary

    cleared = post_form(behandler, path, edit_form(changed, phone="", interpreter_needed=""))
    assert cleared.status_code == 303, cleared.text
    session.expire_all()
    changed = session.get_one(Relative, relative.id)
    assert (changed.phone, changed.interpreter_needed, changed.interpreter_language) == (None, False, None)


def test_a_bad_phone_is_refused_beside_the_field_with_what_was_typed_kept(
    behandler: TestClient, session: Session, person: Person
) -> None:
    relative = make_relative(session, SYSTEM, person)
    session.commit()
    path = f"/relatives/{relative.id}/edit"
    refused = post_form(behandler, path, edit_form(relative, phone="ring meg", given_name=""))
    assert refused.status_code == 422
    assert 'id="f-given_name-error"' in refused.text  # Pydantic's problem, beside its field
    assert 'value="ring meg"' in refused.text and 'value="so"' in refused.text
    refused = post_form(behandler, path, edit_form(relative, phone="ring meg"))
    assert refused.status_code == 422
    assert 'id="f-phone-error"' in refused.text and "Bruk sifre og mellomrom" in refused.text
    stale = post_form(behandler, path, edit_form(relative, version=str(relative.version - 1)))
    assert stale.status_code == 422 and "Noen andre endret den pårørende" in stale.text
    session.expire_all()
    assert session.get_one(Relative, relative.id).given_name == "Ola"


def test_the_number_the_relative_is_given_is_changed_on_the_edit_page_and_a_bad_one_kept_beside_its_field(
    behandler: TestClient, session: Session, relative: Relative
) -> None:
    path = f"/relatives/{relative.id}/edit"
    assert 'id="f-contact_phone"' in behandler.get(path).text
    refused = post_form(behandler, path, edit_form(relative, contact_phone="<script>alert(1)</script>"))
    assert refused.status_code == 422
    assert 'id="f-contact_phone-error"' in refused.text and "Bruk sifre og mellomrom" in refused.text
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in refused.text and "<script>alert" not in refused.text
    session.expire_all()
    assert session.get(RelativeContact, relative.id) is None

    before = str(relative.version)
    saved = post_form(behandler, path, edit_form(relative, contact_phone="+47 22 00 00 00"))
    assert saved.status_code == 303, saved.text
    page = behandler.get(f"/relatives/{relative.id}").text
    assert "telefon +47 22 00 00 00" in page  # what the relative is told, with the unit that gives the number
    assert 'value="+47 22 00 00 00"' in behandler.get(path).text
    session.expire_all()
    contact = session.get_one(RelativeContact, relative.id)
    assert contact.phone == "+47 22 00 00 00"
    stale = post_form(behandler, path, edit_form(relative, contact_phone="+47 22 99 99 99", version=before))
    assert stale.status_code == 422 and 'value="+47 22 99 99 99"' in stale.text  # the old version: refused, kept
    session.expire_all()
    assert session.get_one(RelativeContact, relative.id).phone == "+47 22 00 00 00"


def test_outsider_gets_not_found_and_a_forged_form_is_refused_on_the_relative_edit_page(
    client: TestClient, session: Session, person: Person
) -> None:
    relative = make_relative(session, SYSTEM, person)
    session.commit()
    path = f"/relatives/{relative.id}/edit"
    add_web_user(session, "behandler", Role.CLINICIAN, "test-vurd", "test-poli")
    sign_in(client, "behandler")
    assert client.post(path, data=edit_form(relative), follow_redirects=False).status_code == 403  # no token
    add_web_user(session, "utenfor", Role.CLINICIAN, "test-other")
    sign_in(client, "utenfor")
    assert client.get(path).status_code == 404
    response = post_form(client, path, edit_form(relative), page="/")
    assert response.status_code == 404 and "Testesen" not in response.text
    session.expire_all()
    assert session.get_one(Relative, relative.id).given_name == "Ola"
