"""The non-attendance check is registered however a process starts, not only when the appointments' services
happen to be imported first (a bare CLI command or script that ends episodes)."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = (
    "import {module}\n"
    "from helhet.pathways.episodes import OUTREACH_CHECKS\n"
    "print(','.join(check.__name__ for check in OUTREACH_CHECKS))\n"
)


@pytest.mark.parametrize("module", ["helhet.pathways.episodes", "helhet.models", "helhet.appointments.outreach"])
def test_ending_for_non_attendance_is_checked_in_a_fresh_process(module: str) -> None:
    found = subprocess.run(
        [sys.executable, "-c", PROBE.format(module=module)], capture_output=True, text=True, check=True, timeout=120
    )
    assert found.stdout.strip() == "require_outreach_attempt"
