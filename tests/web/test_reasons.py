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
