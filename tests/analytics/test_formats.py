"""The O/E ratio reads the same on the pages, in ``helhet atlas show`` and in the report: one formatter
(``analytics.formats``), the text each of them gave before. The report writes every value as the pages do."""

from __future__ import annotations

import pytest

from helhet.analytics import formats
from helhet.analytics.indicators import BY_CODE
from helhet.cli.atlas import _cell
from helhet.web.atlas import _extra, _fmt

ROW = {"sir": 1.23456, "sir_lower": 1.1, "sir_upper": 1.3749}


@pytest.mark.parametrize(
    ("value", "en", "nb"),
    [
        (1.23456, "1.23", "1,23"),
        (0.98765, "0.99", "0,99"),
        (1.1, "1.10", "1,10"),  # two decimals always (the pages wrote "1,1" before; the CLI "1.10")
        (1.0, "1.00", "1,00"),
        (12.345678, "12.35", "12,35"),
        (None, "–", "–"),
        (float("nan"), "–", "–"),
    ],
)
def test_a_ratio_has_two_decimals_in_the_language(value: float | None, en: str, nb: str) -> None:
    assert formats.ratio(value) == formats.ratio(value, "en") == en
    assert formats.ratio(value, "nb") == nb


def test_observed_expected_with_its_interval() -> None:
    assert formats.observed_expected(ROW, "nb") == "1,23 (1,10 – 1,37)"
    assert formats.observed_expected(ROW, "en") == "1.23 (1.10 – 1.37)"
    for missing in ("sir", "sir_lower", "sir_upper"):
        assert formats.observed_expected({**ROW, missing: None}) == "–"
    assert formats.observed_expected({**ROW, "sir": float("nan")}) == "–"  # a treating unit: no expected count
    assert formats.observed_expected({}) == "–"


def test_the_pages_and_the_cli_write_it_as_the_formatter_does() -> None:
    rate = BY_CODE["new_referrals"]
    assert _extra("nb", rate, ROW) == "1,23 (1,10 – 1,37)"  # as the page showed it before
    assert _extra("en", rate, ROW) == "1.23 (1.10 – 1.37)"
    assert _extra("nb", rate, {"sir": None}) == "–"
    assert _cell("rate", "sir", 1.23456) == "1.23" == formats.ratio(1.23456)  # as `atlas show` printed it before
    assert _cell("rate", "sir", None) == "–"


@pytest.mark.parametrize(
    ("kind", "value", "nb", "en"),
    [
        ("proportion", 0.66667, "66,7 %", "66.7 %"),
        ("proportion", 1.0, "100 %", "100 %"),
        ("rate", 1234.56, "1\u00a0234,6", "1,234.6"),
        ("quantile", 53.5, "53,5", "53.5"),
        ("quantile", 20.0, "20", "20"),
        ("rate", None, "–", "–"),
        ("proportion", float("nan"), "–", "–"),
    ],
)
def test_the_report_writes_a_value_as_the_pages_do(kind: str, value: float | None, nb: str, en: str) -> None:
    assert formats.figure(kind, value, "nb") == nb
    assert formats.figure(kind, value, "en") == en
    indicator = next(i for i in BY_CODE.values() if i.kind == kind)
    assert _fmt("nb", indicator, value) == nb and _fmt("en", indicator, value) == en


def test_variation_measures_with_two_decimals() -> None:
    assert formats.decimal(1.23456, "nb", 2) == "1,23" and formats.decimal(1370.7712, "en", 2) == "1,370.77"
    assert formats.decimal(None, "nb") == formats.decimal(float("nan"), "en") == "–"
