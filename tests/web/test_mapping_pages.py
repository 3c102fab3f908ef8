"""The mapping pages: the status and records, AUDIT/DUDIT item by item with the live score's rules on the page
and the server's score on save, the other record forms, declines, and outsiders kept out."""

from __future__ import annotations

import html
import json
import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.mapping import children
from helhet.mapping.models import ChildrenAnswer, ChildrenRecord, MappingDeclined, QuestionnaireResult, SomaticCheck
from helhet.mapping.schemas import ChildrenCreate
from helhet.tasks.models import Task, TaskKind, TaskStatus
from helhet.users.actor import SYSTEM
from helhet.users.models import Role
from tests.personas import Units
from tests.web.builders import count, referral_to_assessment_unit
from tests.web.conftest import add_web_user, csrf_from, post_form, sign_in

# Scores chosen item by item, worked out by hand from mapping/instrument_texts.py:
# 1 "2-4 times a month" 2, 2 "3-4 units" 1, 3 "monthly" 2, 4 "less than monthly" 1, 5 never 0, 6 never 0,
# 7 "less than monthly" 1, 8 never 0, 9 "yes, but not in the past year" 2, 10 "yes, in the past year" 4: 13 points,
# which is 8-15, hazardous drinking.
AUDIT_ANSWERS = {1: 2, 2: 1, 3: 2, 4: 1, 5: 0, 6: 0, 7: 1, 8: 0, 9: 2, 10: 4}


def today() -> str:
    return clock.today().strftime("%d.%m.%Y")


def audit_form(units: Units, answers: dict[int, int] = AUDIT_ANSWERS, **changes: str) -> dict[str, str]:
    data = {f"item_{n}": str(score) for n, score in answers.items()}
    data.update(done_on=today(), unit_id=str(units.assessment.id))
    data.update(changes)
    return data


def person_id(session: Session, units: Units) -> int:
    return referral_to_assessment_unit(session, units).person_id


def test_audit_with_known_answers_is_saved_with_the_right_total_and_band(
    assessor: TestClient, session: Session, units: Units
) -> None:
    pid = person_id(session, units)
    response = post_form(assessor, f"/persons/{pid}/mapping/audit", audit_form(units))
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/persons/{pid}/mapping"
    [row] = session.scalars(select(QuestionnaireResult).where(QuestionnaireResult.person_id == pid))
    assert (row.instrument, row.total, row.band, row.positive) == ("AUDIT", 13, "hazardous", True)
    assert row.answers == {str(n): s for n, s in AUDIT_ANSWERS.items()}
    page = assessor.get(response.headers["location"]).text
    assert "AUDIT er lagret: 13 poeng, Risikofylt drikking." in page
    assert "13 poeng, Risikofylt drikking" in page  # in the status table as well


def test_unanswered_items_are_refused_beside_the_items(assessor: TestClient, session: Session, units: Units) -> None:
    pid = person_id(session, units)
    partial = {n: s for n, s in AUDIT_ANSWERS.items() if n not in (4, 9)}
    response = post_form(assessor, f"/persons/{pid}/mapping/audit", audit_form(units, partial))
    assert response.status_code == 422
    page = response.text
    assert 'id="f-item_4-error"' in page and 'id="f-item_9-error"' in page
    assert 'id="f-item_3-error"' not in page
    assert "Velg et svar" in page
    assert 'name="item_10" value="4" checked' in page  # the answers given are kept
    assert count(session, QuestionnaireResult) == 0


def test_the_live_score_rules_are_data_attributes_from_the_server(
    assessor: TestClient, session: Session, units: Units
) -> None:
    pid = person_id(session, units)  # the builder's person is female: DUDIT's lower cut-off
    for kind, maximum, second_band_from in (("audit", 40, 8), ("dudit", 44, 2)):
        page = assessor.get(f"/persons/{pid}/mapping/{kind}").text
        assert 'src="/static/mapping.js' in page
        assert f'data-max="{maximum}"' in page
        match = re.search(r'data-bands="([^"]*)"', page)
        assert match
        bands = json.loads(html.unescape(match.group(1)))
        assert bands[0]["low"] == 0 and bands[1]["low"] == second_band_from
        assert 'aria-live="polite"' in page
        assert '<legend class="legend">1. ' in page  # each item is a fieldset with its question as legend


def test_dudit_is_scored_with_the_persons_sex(assessor: TestClient, session: Session, units: Units) -> None:
    pid = person_id(session, units)
    answers = {n: 0 for n in range(1, 12)} | {1: 1, 2: 1}  # 2 points: drug-related problems for a woman
    response = post_form(assessor, f"/persons/{pid}/mapping/dudit", audit_form(units, answers))
    assert response.status_code == 303, response.text
    [row] = session.scalars(select(QuestionnaireResult).where(QuestionnaireResult.person_id == pid))
    assert (row.instrument, row.total, row.band, row.scored_with_sex) == ("DUDIT", 2, "drug_problems", "female")


def test_children_form_records_the_duty_to_ask_and_the_task(
    assessor: TestClient, session: Session, units: Units
) -> None:
    pid = person_id(session, units)
    assert "Plikten til å spørre er ikke oppfylt" in assessor.get(f"/persons/{pid}/mapping").text
    data = {
        "asked_on": today(),
        "unit_id": str(units.assessment.id),
        "answer": "yes",
        "number_of_children": "2",
        "living_with_person": "1",
        "make_task": "true",
        "task_owner": "queue",
    }
    response = post_form(assessor, f"/persons/{pid}/mapping/children", data)
    assert response.status_code == 303, response.text
    [record] = session.scalars(select(ChildrenRecord).where(ChildrenRecord.person_id == pid))
    assert (record.answer, record.number_of_children, record.living_with_person) == (ChildrenAnswer.YES, 2, 1)
    task = session.get_one(Task, record.task_id)
    assert (task.kind, task.owner_user_id, task.unit_id) == (TaskKind.CHILDREN, None, units.assessment.id)
    page = assessor.get(f"/persons/{pid}/mapping").text
    assert "Plikten til å spørre er ikke oppfylt" not in page
    assert "Barnas behov er ikke kartlagt" in page


def test_childrens_needs_are_recorded_as_assessed_and_the_task_completed(
    assessor: TestClient, session: Session, units: Units
) -> None:
    pid = person_id(session, units)
    data = {"asked_on": today(), "unit_id": str(units.assessment.id), "answer": "yes", "number_of_children": "1"}
    data.update(make_task="true", task_owner="me")
    assert post_form(assessor, f"/persons/{pid}/mapping/children", data).status_code == 303
    [record] = session.scalars(select(ChildrenRecord).where(ChildrenRecord.person_id == pid))
    path, page = f"/persons/{pid}/mapping/children/{record.id}/needs", f"/persons/{pid}/mapping"
    shown = assessor.get(page).text
    assert f'action="{path}"' in shown
    version = re.search(rf'action="{path}".*?name="version" value="(\d+)"', shown, re.S)
    assert version and version.group(1) == str(record.version)  # the version the page was made from
    stale = post_form(assessor, path, {"assessed_on": today(), "version": "7"}, page=page)
    assert stale.status_code == 422 and "Noen andre endret registreringen" in stale.text
    response = post_form(
        assessor, path, {"assessed_on": today(), "version": version.group(1), "note": "Snakket med mor"}, page=page
    )
    assert response.status_code == 303, response.text
    session.expire_all()
    record = session.get_one(ChildrenRecord, record.id)
    assert (record.needs_assessed_on, record.needs_note) == (clock.today(), "Snakket med mor")
    assert session.get_one(Task, record.task_id).status == TaskStatus.DONE
    assert "Barnas behov er ikke kartlagt" not in assessor.get(page).text


def test_questionnaire_is_shown_in_the_ui_language(assessor: TestClient, session: Session, units: Units) -> None:
    pid = person_id(session, units)
    assert "Hvor ofte drikker du alkohol?" in assessor.get(f"/persons/{pid}/mapping/audit").text
    assessor.get("/lang/en")
    page = assessor.get(f"/persons/{pid}/mapping/audit").text
    assert "How often do you drink alcohol?" in page and "Once a month or less" in page
    assert "Hazardous drinking" in page  # the bands of the live score too


def test_children_count_is_refused_beside_the_field(assessor: TestClient, session: Session, units: Units) -> None:
    pid = person_id(session, units)
    data = {"asked_on": today(), "unit_id": str(units.assessment.id), "answer": "yes"}
    response = post_form(assessor, f"/persons/{pid}/mapping/children", data)
    assert response.status_code == 422
    assert 'id="f-number_of_children-error"' in response.text
    assert count(session, ChildrenRecord) == 0


def test_somatic_check_with_findings_makes_a_follow_up_task(
    assessor: TestClient, session: Session, units: Units
) -> None:
    pid = person_id(session, units)
    base = {"checked_on": today(), "unit_id": str(units.assessment.id), "examiner": "gp", "injecting": "true"}
    no_owner = post_form(
        assessor, f"/persons/{pid}/mapping/somatic", {**base, "findings": "Sår", "follow_up_needed": "true"}
    )
    assert no_owner.status_code == 422 and 'id="f-follow_up_owner-error"' in no_owner.text
    data = {**base, "findings": "<script>alert(1)</script>", "follow_up_needed": "true", "follow_up_owner": "me"}
    response = post_form(assessor, f"/persons/{pid}/mapping/somatic", data)
    assert response.status_code == 303, response.text
    [check] = session.scalars(select(SomaticCheck).where(SomaticCheck.person_id == pid))
    task = session.get_one(Task, check.follow_up_task_id)
    assert task.kind == TaskKind.SOMATIC_FOLLOW_UP and task.owner_user_id is not None
    page = assessor.get(f"/persons/{pid}/mapping").text
    assert f'href="/tasks/{task.id}"' in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Smittestatus er ikke sjekket" in page


def test_screening_and_situation_are_saved(assessor: TestClient, session: Session, units: Units) -> None:
    pid = person_id(session, units)
    unit = str(units.assessment.id)
    missing_instrument = {"screened_on": today(), "unit_id": unit, "status": "screened_no_findings"}
    response = post_form(assessor, f"/persons/{pid}/mapping/screening", missing_instrument)
    assert response.status_code == 422 and 'id="f-instrument-error"' in response.text
    screened = {**missing_instrument, "instrument": "SCL-10"}
    assert post_form(assessor, f"/persons/{pid}/mapping/screening", screened).status_code == 303
    situation = {
        "recorded_on": today(),
        "unit_id": unit,
        "income": "benefits",
        "nav_contact": "true",
        "financial_problems": "false",
        "activity": "work_training",
        "network": "friends",
    }
    assert post_form(assessor, f"/persons/{pid}/mapping/situation", situation).status_code == 303
    page = assessor.get(f"/persons/{pid}/mapping").text
    assert "Screenet, ingen funn" in page and "Arbeidstrening (NAV-tiltak)" in page


def test_declined_mapping_is_recorded_and_its_reason_inert(
    assessor: TestClient, session: Session, units: Units
) -> None:
    pid = person_id(session, units)
    data = {"area": "substance_use", "declined_on": today(), "unit_id": str(units.assessment.id)}
    data["reason"] = "<script>alert(2)</script>"
    response = post_form(assessor, f"/persons/{pid}/mapping/declined", data, page=f"/persons/{pid}/mapping")
    assert response.status_code == 303, response.text
    assert count(session, MappingDeclined) == 1
    page = assessor.get(f"/persons/{pid}/mapping").text
    assert "<script>alert(2)</script>" not in page and "&lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert "Avslått av personen" in page


def test_outsider_gets_not_found_on_every_mapping_page(client: TestClient, session: Session, units: Units) -> None:
    pid = person_id(session, units)
    asked = ChildrenCreate(asked_on=clock.today(), unit_id=units.assessment.id, answer="yes", number_of_children=1)
    record = children.record_children(session, SYSTEM, pid, asked)
    add_web_user(session, "utenfor", Role.CLINICIAN, "test-other")
    sign_in(client, "utenfor")
    kinds = ("audit", "dudit", "screening", "somatic", "situation", "children")
    for path in (f"/persons/{pid}/mapping", *(f"/persons/{pid}/mapping/{k}" for k in kinds)):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Testesen" not in response.text
    token = csrf_from(client.get("/").text)
    data = {**audit_form(units, unit_id=str(units.other.id)), "csrf_token": token}
    for kind in (*kinds, "declined", f"children/{record.id}/needs"):
        assert client.post(f"/persons/{pid}/mapping/{kind}", data=data).status_code == 404, kind
    assert count(session, QuestionnaireResult) == count(session, MappingDeclined) == 0
    session.expire_all()
    assert session.get_one(ChildrenRecord, record.id).needs_assessed_on is None


def test_post_without_csrf_token_is_refused(assessor: TestClient, session: Session, units: Units) -> None:
    pid = person_id(session, units)
    assert assessor.post(f"/persons/{pid}/mapping/audit", data=audit_form(units)).status_code == 403
    assert count(session, QuestionnaireResult) == 0


def test_a_children_record_of_another_person_is_not_found(assessor: TestClient, session: Session, units: Units) -> None:
    first, second = person_id(session, units), person_id(session, units)
    asked = ChildrenCreate(asked_on=clock.today(), unit_id=units.assessment.id, answer="yes", number_of_children=1)
    record = children.record_children(session, SYSTEM, second, asked)
    session.commit()
    data = {"assessed_on": today(), "version": str(record.version)}
    path = f"/persons/{first}/mapping/children/{record.id}/needs"  # the record is the second person's
    assert post_form(assessor, path, data, page=f"/persons/{first}/mapping").status_code == 404
    session.expire_all()
    assert session.get_one(ChildrenRecord, record.id).needs_assessed_on is None
