"""The vedtak pages: register a vedtak, decided against delivered per week with the short weeks, log a delivery.
Runs on a fixed day, Thursday 10 April 2025 (ISO week 15)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.persons.models import Person
from helhet.users.actor import SYSTEM
from helhet.users.models import Role
from helhet.vedtak.models import ServiceDelivery, Vedtak
from tests.careplans.builders import served_person
from tests.personas import Units
from tests.vedtak.builders import deliver, make_vedtak
from tests.web.builders import count
from tests.web.conftest import add_web_user, post_form, sign_in


@pytest.fixture(autouse=True)
def today() -> Iterator[date]:
    with clock.freeze(datetime(2025, 4, 10, 10, 0, tzinfo=UTC)):
        yield date(2025, 4, 10)


@pytest.fixture
def koordinator(client: TestClient, session: Session, units: Units) -> TestClient:
    add_web_user(session, "koordinator", Role.COORDINATOR, "test-kom-4601")
    sign_in(client, "koordinator")
    return client


@pytest.fixture
def person(session: Session, units: Units) -> Person:
    person = served_person(session, units)
    session.commit()
    return person


def vedtak_form(units: Units, **changes: str) -> dict[str, str]:
    data = {
        "unit_id": str(units.kommune.id),
        "service_type": "practical_help",
        "legal_basis": "hol § 3-2 første ledd nr. 6 b",
        "volume": "7,5",
        "volume_unit": "hours_per_week",
        "decided_on": "28.02.2025",
        "start_on": "03.03.2025",
        "end_on": "31.08.2025",
        "review_on": "01.06.2025",
    }
    data.update(changes)
    return data


def week_row(page: str, week: int) -> str:
    match = re.search(rf"<tr[^>]*>\s*<th scope=\"row\">Uke {week}, 2025</th>(.*?)</tr>", page, re.S)
    assert match, f"no row for week {week}"
    return match.group(0)


def cells(row: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_coordinator_registers_a_vedtak_with_a_decimal_comma(
    koordinator: TestClient, session: Session, units: Units, person: Person
) -> None:
    new = koordinator.get(f"/persons/{person.id}/vedtak/new")
    assert new.status_code == 200
    assert f'href="/persons/{person.id}/vedtak"' in new.text
    response = post_form(koordinator, f"/persons/{person.id}/vedtak/new", vedtak_form(units))
    assert response.status_code == 303, response.text
    row = session.scalars(select(Vedtak).where(Vedtak.person_id == person.id)).one()
    assert (row.volume, row.unit_id, row.start_on, row.end_on) == (
        7.5,
        units.kommune.id,
        date(2025, 3, 3),
        date(2025, 8, 31),
    )
    assert response.headers["location"] == f"/vedtak/{row.id}"
    listed = koordinator.get(f"/persons/{person.id}/vedtak").text
    assert f'href="/vedtak/{row.id}"' in listed and "Praktisk bistand" in listed and "7,5" in listed


def test_bad_volume_and_an_end_before_the_start_are_refused_beside_the_fields(
    koordinator: TestClient, session: Session, units: Units, person: Person
) -> None:
    before = count(session, Vedtak)
    response = post_form(
        koordinator, f"/persons/{person.id}/vedtak/new", vedtak_form(units, volume="-3", end_on="01.03.2025")
    )
    assert response.status_code == 422
    page = response.text
    assert 'id="f-volume-error"' in page and "Må være mer enn 0 per uke" in page
    assert 'id="f-end_on-error"' in page and "Kan ikke være før starten (03.03.2025)" in page
    assert 'value="-3"' in page and 'value="01.03.2025"' in page  # what was typed is kept
    assert 'value="hol § 3-2 første ledd nr. 6 b"' in page
    assert count(session, Vedtak) == before

    words = post_form(koordinator, f"/persons/{person.id}/vedtak/new", vedtak_form(units, volume="mange"))
    assert words.status_code == 422
    assert 'id="f-volume-error"' in words.text and "Skriv et tall, for eksempel 7,5" in words.text
    assert 'value="mange"' in words.text
    assert count(session, Vedtak) == before


def test_weeks_show_decided_against_delivered_with_short_weeks_in_words(
    koordinator: TestClient, session: Session, units: Units, person: Person
) -> None:
    # 10 hours a week from Monday 3 March (week 10); today is Thursday 10 April (week 15, not over)
    row = make_vedtak(session, SYSTEM, person.id, units, volume=10.0)
    for on, hours in [
        (date(2025, 3, 4), 3.0),
        (date(2025, 3, 6), 7.0),  # week 10: 10 of 10
        (date(2025, 3, 12), 7.5),  # week 11: 7.5 of 10 = 75 %, below 80 %: short
        (date(2025, 3, 18), 8.0),  # week 12: exactly 80 %: not short
        # week 13: nothing: short
        (date(2025, 3, 31), 12.0),  # week 14: 120 %
        (date(2025, 4, 8), 2.0),  # week 15: not over, so never short yet
    ]:
        deliver(session, SYSTEM, row, on, hours)
    session.commit()
    page = koordinator.get(f"/vedtak/{row.id}").text
    assert cells(week_row(page, 10)) == ["03.03.2025 – 09.03.2025", "10", "10", "100 %", "Som vedtatt"]
    assert cells(week_row(page, 11)) == ["10.03.2025 – 16.03.2025", "10", "7,5", "75 %", "For lite"]
    assert cells(week_row(page, 12))[2:] == ["8", "80 %", "Som vedtatt"]
    assert cells(week_row(page, 13))[2:] == ["0", "0 %", "For lite"]
    assert cells(week_row(page, 14))[2:] == ["12", "120 %", "Som vedtatt"]
    assert cells(week_row(page, 15))[2:] == ["2", "20 %", "Uka er ikke over"]
    assert "2 uker med for lite så langt." in page
    footer = page[page.index("<tfoot>") : page.index("</tfoot>")]
    assert cells(footer) == ["60", "39,5", "66 %", ""]  # 39.5 of 60 hours over six weeks

    logged = post_form(
        koordinator,
        f"/vedtak/{row.id}/deliveries",
        {"delivered_on": "26.03.2025", "amount": "8", "note": "Vask"},
        page=f"/vedtak/{row.id}",
    )
    assert logged.status_code == 303, logged.text
    page = koordinator.get(f"/vedtak/{row.id}").text
    assert cells(week_row(page, 13))[2:] == ["8", "80 %", "Som vedtatt"]
    assert "1 uke med for lite så langt." in page
    assert set(session.scalars(select(ServiceDelivery.note).where(ServiceDelivery.amount == 8.0))) == {None, "Vask"}


def test_a_delivery_outside_the_period_is_refused_beside_its_field(
    koordinator: TestClient, session: Session, units: Units, person: Person
) -> None:
    row = make_vedtak(session, SYSTEM, person.id, units)
    session.commit()
    response = post_form(
        koordinator,
        f"/vedtak/{row.id}/deliveries",
        {"delivered_on": "28.02.2025", "amount": "0"},
        page=f"/vedtak/{row.id}",
    )
    assert response.status_code == 422
    assert "Utenfor perioden for vedtaket (03.03.2025 til 31.08.2025)" in response.text
    assert 'id="f-amount-error"' in response.text
    assert 'value="28.02.2025"' in response.text
    assert count(session, ServiceDelivery) == 0


def test_outsider_gets_not_found_on_every_vedtak_page(
    client: TestClient, session: Session, units: Units, person: Person
) -> None:
    row = make_vedtak(session, SYSTEM, person.id, units)
    session.commit()
    add_web_user(session, "utenfor", Role.CLINICIAN, "test-other")
    sign_in(client, "utenfor")
    for path in (f"/persons/{person.id}/vedtak", f"/persons/{person.id}/vedtak/new", f"/vedtak/{row.id}"):
        assert client.get(path).status_code == 404, path
    home = client.get("/").text  # a page of their own, for the CSRF token
    for path, data in (
        (f"/persons/{person.id}/vedtak/new", vedtak_form(units)),
        (f"/vedtak/{row.id}/deliveries", {"delivered_on": "01.04.2025", "amount": "2"}),
    ):
        response = post_form(client, path, data, page="/")
        assert response.status_code == 404, path
        assert "Testesen" not in response.text
    assert home
    assert count(session, ServiceDelivery) == 0
    assert count(session, Vedtak) == 1


# Changing, ending and withdrawing a vedtak -----------------------------------------------------------------


def test_a_vedtak_is_ended_and_a_bad_end_is_refused_beside_the_field(
    koordinator: TestClient, session: Session, units: Units, person: Person
) -> None:
    row = make_vedtak(session, SYSTEM, person.id, units)
    session.commit()
    detail = koordinator.get(f"/vedtak/{row.id}").text
    for change in ("edit", "end", "withdraw"):
        assert f'href="/vedtak/{row.id}/{change}"' in detail
    path = f"/vedtak/{row.id}/end"
    shown = koordinator.get(path)
    assert shown.status_code == 200 and 'value="10.04.2025"' in shown.text

    early = post_form(koordinator, path, {"end_on": "01.03.2025", "reason": "Flyttet", "version": str(row.version)})
    assert early.status_code == 422
    assert 'id="f-end_on-error"' in early.text and "Kan ikke være før starten (03.03.2025)" in early.text
    assert 'value="01.03.2025"' in early.text and "Flyttet" in early.text
    empty = post_form(koordinator, path, {"end_on": "", "version": str(row.version)})
    assert empty.status_code == 422 and 'id="f-end_on-error"' in empty.text  # the end is said, never assumed
    late = post_form(koordinator, path, {"end_on": "01.09.2025", "version": str(row.version)})
    assert late.status_code == 422 and "Er etter vedtakets sluttdato (31.08.2025)" in late.text

    ended = post_form(koordinator, path, {"end_on": "30.04.2025", "reason": "Flyttet", "version": str(row.version)})
    assert ended.status_code == 303, ended.text
    session.expire_all()
    changed = session.get_one(Vedtak, row.id)
    assert (changed.status, changed.end_on, changed.status_reason) == ("ended", date(2025, 4, 30), "Flyttet")
    detail = koordinator.get(f"/vedtak/{row.id}").text
    assert "30.04.2025" in detail and f'href="/vedtak/{row.id}/end"' not in detail  # ended: nothing more to change
    assert "(Avsluttet)" in koordinator.get(f"/persons/{person.id}").text  # the pathway's summary
    again = post_form(koordinator, path, {"end_on": "30.04.2025", "version": str(changed.version)})
    assert again.status_code == 422 and "Dette kan ikke lenger endres" in again.text


def test_withdrawing_needs_a_reason_and_a_delivered_vedtak_is_ended_instead(
    koordinator: TestClient, session: Session, units: Units, person: Person
) -> None:
    row = make_vedtak(session, SYSTEM, person.id, units)
    session.commit()
    path = f"/vedtak/{row.id}/withdraw"
    refused = post_form(koordinator, path, {"reason": "", "version": str(row.version)})
    assert refused.status_code == 422 and 'id="f-reason-error"' in refused.text
    withdrawn = post_form(koordinator, path, {"reason": "Fattet ved en feil", "version": str(row.version)})
    assert withdrawn.status_code == 303, withdrawn.text
    session.expire_all()
    assert session.get_one(Vedtak, row.id).status == "withdrawn"
    assert "(Fattet ved en feil)" in koordinator.get(f"/vedtak/{row.id}").text

    delivered = make_vedtak(session, SYSTEM, person.id, units)
    deliver(session, SYSTEM, delivered, date(2025, 3, 4), 2.0)
    session.commit()
    assert f'href="/vedtak/{delivered.id}/withdraw"' not in koordinator.get(f"/vedtak/{delivered.id}").text
    refused = post_form(koordinator, f"/vedtak/{delivered.id}/withdraw", {"reason": "Feil", "version": "1"})
    assert refused.status_code == 422 and "avslutt det i stedet" in refused.text.lower()


def test_the_review_date_is_changed_and_a_stale_form_is_refused(
    koordinator: TestClient, session: Session, units: Units, person: Person
) -> None:
    row = make_vedtak(session, SYSTEM, person.id, units)
    session.commit()
    path = f"/vedtak/{row.id}/edit"
    assert 'value="01.06.2025"' in koordinator.get(path).text
    early = post_form(koordinator, path, {"review_on": "01.01.2025", "note": "Ny vurdering", "version": "1"})
    assert early.status_code == 422 and 'id="f-review_on-error"' in early.text and "28.02.2025" in early.text
    stale = post_form(koordinator, path, {"review_on": "15.05.2025", "version": "0"})
    assert stale.status_code == 422 and "Noen andre endret vedtaket" in stale.text
    saved = post_form(koordinator, path, {"review_on": "15.05.2025", "note": "Ny vurdering", "version": "1"})
    assert saved.status_code == 303, saved.text
    assert "15.05.2025" in koordinator.get(f"/vedtak/{row.id}").text


def test_outsiders_and_other_units_cannot_change_a_vedtak(
    client: TestClient, session: Session, units: Units, person: Person
) -> None:
    row = make_vedtak(session, SYSTEM, person.id, units)
    session.commit()
    add_web_user(session, "behandler", Role.CLINICIAN, "test-vurd", "test-poli")  # sees the person, not the kommune
    sign_in(client, "behandler")
    assert f'href="/vedtak/{row.id}/end"' not in client.get(f"/vedtak/{row.id}").text
    refused = post_form(client, f"/vedtak/{row.id}/end", {"end_on": "30.04.2025", "version": "1"})
    assert refused.status_code == 422 and 'class="error-summary"' in refused.text
    assert client.post(f"/vedtak/{row.id}/end", data={"version": "1"}, follow_redirects=False).status_code == 403
    add_web_user(session, "utenfor", Role.CLINICIAN, "test-other")
    sign_in(client, "utenfor")
    for change in ("edit", "end", "withdraw"):
        assert client.get(f"/vedtak/{row.id}/{change}").status_code == 404, change
        response = post_form(client, f"/vedtak/{row.id}/{change}", {"reason": "x", "version": "1"}, page="/")
        assert response.status_code == 404 and "Testesen" not in response.text
    session.expire_all()
    assert session.get_one(Vedtak, row.id).status == "active"
