"""Words for the coded values of the atlas pages.

The atlas's codes (levels, direction of better, funnel flags) are plain words such as ``unit``, ``missing`` or
``within`` that other domains use with other meanings, so they are kept in dictionaries of their own and looked
up by ``web/atlas.py``, not merged into the shared ``LABELS``. They live in ``analytics/formats.py``, so the
offline report (``analytics/report.py``) names levels, flags and kinds with the pages' words.
"""

from __future__ import annotations

from enum import StrEnum

from helhet.analytics.formats import BETTER, FLAGS, KINDS, LEVEL_NAMES, LEVEL_PLURALS

LABELS: dict[str, str] = {}

#: enums whose every value must have a label (tests/web/test_i18n.py checks)
LABELLED: tuple[type[StrEnum], ...] = ()

__all__ = ["BETTER", "FLAGS", "KINDS", "LABELLED", "LABELS", "LEVEL_NAMES", "LEVEL_PLURALS"]
