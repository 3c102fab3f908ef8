"""The per-person gap snapshot: the rules' results for one day, kept so a unit's gap list is one read.

A row is current when ``computed_for`` is today (Oslo) and ``rules_key`` matches the rules and thresholds in
force. Every flush that changes a person's facts bumps ``facts_version`` and clears ``computed_for``
(``gaps/changes.py``); a reader that recomputes a stale row writes it back only if the version it read is still
the version in the table, so a write that raced with the recomputation is never hidden.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from helhet.db import Base


class PersonGapState(Base):
    __tablename__ = "person_gap_state"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    facts_version: Mapped[int] = mapped_column(default=0)
    #: the Oslo day the results hold for; NULL once the facts changed
    computed_for: Mapped[date | None]
    #: fingerprint of the rules and thresholds the results were computed with
    rules_key: Mapped[str | None] = mapped_column(String(16))
    #: every result that is not a pass, as [code, outcome, detail]
    results: Mapped[list[Any] | None] = mapped_column(JSON)
    gaps: Mapped[int] = mapped_column(default=0)
    high: Mapped[int] = mapped_column(default=0)
    computed_at: Mapped[datetime | None]
