"""Service reasons reach the pages in the user's language, values and all (web/reasons.py)."""

from __future__ import annotations

import pytest

from helhet.web import messages, reasons


@pytest.mark.parametrize(
    ("english", "bokmal"),
    [
        (
            "vedtak was changed by someone else (version 3, you sent 2); reload and try again",
            "Noen andre endret dette mens du arbeidet",
        ),
        ("the task is done, not open", "Dette kan ikke lenger endres: status er gjort"),
        ("the relative is 12 years old on 2025-04-10; a child must never interpret", "Den pårørende er 12 år; barn"),
        ("say why the vedtak is withdrawn", "Skriv hvorfor vedtaket trekkes tilbake"),
        ("the appointment is cancelled_by_person", "Dette kan ikke lenger endres: status er avlyst av personen"),
    ],
)
def test_service_reasons_are_shown_in_bokmal(english: str, bokmal: str) -> None:
    assert messages.reason("nb", english).startswith(bokmal)


def test_english_reasons_stay_english_in_the_english_ui() -> None:
    assert messages.reason("en", "the task is done, not open") == "This can no longer be changed: it is done"


def test_every_pattern_template_keeps_the_groups_it_names() -> None:
    for pattern, template in reasons.PATTERNS:
        for name in __import__("re").findall(r"%\((\w+)\)s", template):
            assert name in pattern.groupindex, (pattern.pattern, name)


def test_a_date_in_a_reason_is_shown_in_the_users_language() -> None:
    reason = "cannot be before start_on (2025-03-03)"
    assert messages.reason("nb", reason) == "Kan ikke være før starten (03.03.2025)"
    assert messages.reason("en", reason) == "Cannot be before the start (3 Mar 2025)"
    made = "cannot be before the version was made (2025-03-01)"  # a specific pattern before the general one
    assert messages.reason("nb", made) == "Kan ikke være før 01.03.2025"


def test_one_list_of_patterns_serves_every_page() -> None:
    from helhet.web import actions, appointments, crisis_plans, mapping, relatives, vedtak

    for module in (actions, appointments, crisis_plans, mapping, relatives, vedtak, messages):
        assert not hasattr(module, "PATTERNS"), module.__name__
