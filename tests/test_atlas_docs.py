"""docs/atlas.md lists every indicator of the catalogue with its numerator and denominator."""

from __future__ import annotations

from pathlib import Path

from helhet.analytics.indicators import CATALOGUE

DOC = Path(__file__).resolve().parents[1] / "docs" / "atlas.md"


def test_every_indicator_is_documented_with_its_definition() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [
        i.code for i in CATALOGUE if f"| `{i.code}` | {i.name_en} | {i.numerator} / {i.denominator} |" not in text
    ]
    assert missing == [], f"add these rows to the indicator table in docs/atlas.md: {missing}"
