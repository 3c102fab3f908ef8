"""Words for the coded values of the tasks pages (merged into ``helhet.web.labels.LABELS``)."""

from __future__ import annotations

from enum import StrEnum

LABELS: dict[str, str] = {}

#: enums whose every value must have a label (tests/web/test_i18n.py checks)
LABELLED: tuple[type[StrEnum], ...] = ()
