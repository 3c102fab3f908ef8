"""Consent: scoped, time-bounded, revocable, never deleted; a new consent supersedes the older ones."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helhet.errors import Conflict, Invalid, NotFound
from helhet.relatives import consent as consents
from helhet.relatives.models import Consent, ConsentScope
from helhet.relatives.schemas import ConsentCreate, ConsentWithdraw
from helhet.users.actor import Actor
from tests.careplans.builders import served_person
from tests.personas import Units
from tests.relatives.builders import give_consent, make_relative

NONE, GENERAL, MEETINGS, FULL = ConsentScope.NONE, ConsentScope.GENERAL, ConsentScope.MEETINGS, ConsentScope.FULL


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Consent)) or 0


@pytest.mark.parametrize(
    ("needed", "current", "allowed"),
    [
        (GENERAL, NONE, True),  # general information needs no consent
        (GENERAL, FULL, True),
        (MEETINGS, NONE, False),
        (MEETINGS, GENERAL, False),
        (MEETINGS, MEETINGS, True),
        (MEETINGS, FULL, True),
        (FULL, MEETINGS, False),
        (FULL, FULL, True),
    ],
)
def test_may_share_allows_general_information_always_and_the_rest_by_scope(
    needed: ConsentScope, current: ConsentScope, allowed: bool
) -> None:
    assert consents.may_share(needed, current) is allowed


def test_unknown_consent_scope_is_refused_and_nothing_is_written(
    session: Session, units: Units, clinician: Actor
) -> None:
    relative = make_relative(session, clinician, served_person(session, units))
    before = _count(session)
    with pytest.raises(Invalid) as refused:
        give_consent(session, clinician, relative, "everything")
    assert (refused.value.field, refused.value.value) == ("scope", "everything")
    assert "none, general, meetings, full" in refused.value.reason
    with pytest.raises(Invalid) as refused:
        give_consent(session, clinician, relative, "full", given_how="nodded")
    assert refused.value.field == "given_how"
    with pytest.raises(Invalid) as refused:
        give_consent(session, clinician, relative, "full", valid_to=date(2025, 3, 1))
    assert refused.value.field == "valid_to"
    assert _count(session) == before


def test_without_consent_the_scope_is_none(session: Session, units: Units, clinician: Actor) -> None:
    relative = make_relative(session, clinician, served_person(session, units))
    assert consents.current_scope(session, relative.id, date(2025, 4, 10)) == NONE
    assert consents.scope_of(session, clinician, relative.id).consent_id is None


def test_consent_is_in_force_for_its_period_only(session: Session, units: Units, clinician: Actor) -> None:
    relative = make_relative(session, clinician, served_person(session, units))
    give_consent(session, clinician, relative, "full", valid_from=date(2025, 4, 5), valid_to=date(2025, 6, 30))
    assert consents.current_scope(session, relative.id, date(2025, 4, 4)) == NONE
    assert consents.current_scope(session, relative.id, date(2025, 4, 5)) == FULL
    assert consents.current_scope(session, relative.id, date(2025, 6, 30)) == FULL
    assert consents.current_scope(session, relative.id, date(2025, 7, 1)) == NONE  # expired


def test_new_consent_supersedes_the_older_ones_from_its_first_day(
    session: Session, units: Units, clinician: Actor
) -> None:
    relative = make_relative(session, clinician, served_person(session, units))
    old = give_consent(session, clinician, relative, "full", valid_from=date(2025, 3, 1))
    new = give_consent(session, clinician, relative, "general", valid_from=date(2025, 4, 15))
    assert old.valid_to == date(2025, 4, 14)  # kept, with its period cut: never deleted
    assert consents.current_scope(session, relative.id, date(2025, 4, 14)) == FULL
    assert consents.current_scope(session, relative.id, date(2025, 4, 15)) == GENERAL
    assert [c.id for c in consents.consents_of(session, clinician, relative.id)] == [new.id, old.id]


def test_withdrawn_consent_ends_today_and_stays_on_record(session: Session, units: Units, clinician: Actor) -> None:
    relative = make_relative(session, clinician, served_person(session, units))
    consent = give_consent(session, clinician, relative, "full")
    consents.withdraw_consent(session, clinician, consent.id, ConsentWithdraw(note="Vil ikke lenger dele"))
    assert consent.withdrawn_at is not None
    assert consent.withdrawn_note == "Vil ikke lenger dele"
    assert consents.current_scope(session, relative.id, date(2025, 4, 9)) == FULL  # history stays true
    assert consents.current_scope(session, relative.id, date(2025, 4, 10)) == NONE
    assert consents.scope_of(session, clinician, relative.id).scope == NONE
    with pytest.raises(Conflict):
        consents.withdraw_consent(session, clinician, consent.id, ConsentWithdraw())
    assert _count(session) == 1


def test_outsider_gets_not_found_for_consent(session: Session, units: Units, clinician: Actor, outsider: Actor) -> None:
    relative = make_relative(session, clinician, served_person(session, units))
    consent = give_consent(session, clinician, relative, "full")
    data = ConsentCreate(scope="full", valid_from=date(2025, 4, 1), given_how="oral")
    with pytest.raises(NotFound):
        consents.give_consent(session, outsider, relative.id, data)
    with pytest.raises(NotFound):
        consents.consents_of(session, outsider, relative.id)
    with pytest.raises(NotFound):
        consents.scope_of(session, outsider, relative.id)
    with pytest.raises(NotFound):
        consents.withdraw_consent(session, outsider, consent.id, ConsentWithdraw())
    assert consent.withdrawn_at is None
