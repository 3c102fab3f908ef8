"""AUDIT and DUDIT: items, scoring, cut-offs and the form description."""

from __future__ import annotations

import itertools
import json

import pytest

from helhet.errors import Invalid, NotFound
from helhet.mapping import instruments
from helhet.mapping.instruments import (
    AUDIT,
    DUDIT,
    INSTRUMENTS,
    BandCode,
    InvalidAnswer,
    as_dict,
    audit_c,
    audit_indicates_dependence,
    get_instrument,
    score,
)


def answers_totalling(code: str, total: int) -> dict[int, int]:
    """An answer set with the given total: fill items in order with the highest score that still fits."""
    answers = {}
    left = total
    for item in get_instrument(code).items:
        answers[item.number] = max(s for s in item.scores if s <= left)
        left -= answers[item.number]
    assert left == 0, f"{code} cannot total {total}"
    return answers


def test_audit_has_ten_items_and_a_max_of_forty_from_its_options() -> None:
    assert [item.number for item in AUDIT.items] == list(range(1, 11))
    assert all(item.scores == (0, 1, 2, 3, 4) for item in AUDIT.items[:8])
    assert all(item.scores == (0, 2, 4) for item in AUDIT.items[8:])
    assert AUDIT.max_score == sum(max(o.score for o in item.options) for item in AUDIT.items) == 40


def test_dudit_has_eleven_items_and_a_max_of_fortyfour_from_its_options() -> None:
    assert [item.number for item in DUDIT.items] == list(range(1, 12))
    assert all(item.scores == (0, 1, 2, 3, 4) for item in DUDIT.items[:9])
    assert all(item.scores == (0, 2, 4) for item in DUDIT.items[9:])
    assert DUDIT.max_score == sum(max(o.score for o in item.options) for item in DUDIT.items) == 44


@pytest.mark.parametrize("instrument", INSTRUMENTS.values(), ids=list(INSTRUMENTS))
def test_every_text_and_label_is_there_in_both_languages(instrument: instruments.Instrument) -> None:
    assert instrument.intro_nb and instrument.intro_en
    for item in instrument.items:
        assert item.text_nb.strip() and item.text_en.strip() and item.text_nb != item.text_en
        assert all(o.label_nb.strip() and o.label_en.strip() for o in item.options)


@pytest.mark.parametrize(
    ("instrument", "sex"),
    [(AUDIT, None), (DUDIT, None), (DUDIT, "female"), (DUDIT, "male")],
)
def test_bands_cover_every_total_once(instrument: instruments.Instrument, sex: instruments.Sex | None) -> None:
    bands = instrument.bands_for(sex)
    assert bands[0].low == 0 and bands[-1].high == instrument.max_score
    assert all(a.high + 1 == b.low for a, b in itertools.pairwise(bands))


@pytest.mark.parametrize(
    ("total", "band", "positive"),
    [
        (7, BandCode.LOW_RISK, False),
        (8, BandCode.HAZARDOUS, True),
        (15, BandCode.HAZARDOUS, True),
        (16, BandCode.HARMFUL, True),
        (19, BandCode.HARMFUL, True),
        (20, BandCode.POSSIBLE_DEPENDENCE, True),
    ],
)
def test_audit_band_boundaries(total: int, band: BandCode, positive: bool) -> None:
    result = score("AUDIT", answers_totalling("AUDIT", total))
    assert (result.total, result.band, result.positive) == (total, band, positive)


def test_audit_ignores_sex() -> None:
    answers = answers_totalling("AUDIT", 7)
    assert score("AUDIT", answers, sex="female") == score("AUDIT", answers, sex="male") == score("AUDIT", answers)


@pytest.mark.parametrize(
    ("sex", "total", "band"),
    [
        ("female", 1, BandCode.NO_DRUG_PROBLEMS),
        ("female", 2, BandCode.DRUG_PROBLEMS),
        ("male", 5, BandCode.NO_DRUG_PROBLEMS),
        ("male", 6, BandCode.DRUG_PROBLEMS),
        ("female", 24, BandCode.DRUG_PROBLEMS),
        ("female", 25, BandCode.PROBABLE_DEPENDENCE),
        ("male", 24, BandCode.DRUG_PROBLEMS),
        ("male", 25, BandCode.PROBABLE_DEPENDENCE),
        (None, 1, BandCode.NO_DRUG_PROBLEMS),
        (None, 2, BandCode.DRUG_PROBLEMS),  # sex unknown: the lower threshold, so no problem is missed
        (None, 25, BandCode.PROBABLE_DEPENDENCE),
    ],
)
def test_dudit_band_boundaries(sex: instruments.Sex | None, total: int, band: BandCode) -> None:
    result = score("DUDIT", answers_totalling("DUDIT", total), sex=sex)
    assert (result.total, result.band) == (total, band)
    assert result.positive is (band != BandCode.NO_DRUG_PROBLEMS)


def test_dudit_score_of_four_is_positive_for_a_woman_but_not_a_man() -> None:
    answers = answers_totalling("DUDIT", 4)
    assert score("DUDIT", answers, sex="female").positive
    assert not score("DUDIT", answers, sex="male").positive


@pytest.mark.parametrize("code", ["AUDIT", "DUDIT"])
def test_all_zero_answers_total_zero(code: str) -> None:
    result = score(code, {item.number: 0 for item in get_instrument(code).items}, sex="male")
    assert (result.total, result.positive) == (0, False)


@pytest.mark.parametrize(
    ("code", "band"), [("AUDIT", BandCode.POSSIBLE_DEPENDENCE), ("DUDIT", BandCode.PROBABLE_DEPENDENCE)]
)
def test_all_max_answers_total_the_max(code: str, band: BandCode) -> None:
    instrument = get_instrument(code)
    result = score(code, {item.number: item.max_score for item in instrument.items})
    assert (result.total, result.band, result.positive) == (instrument.max_score, band, True)


def test_score_carries_labels_in_both_languages() -> None:
    result = score("audit", answers_totalling("AUDIT", 16))
    assert result.instrument == "AUDIT"
    assert (result.label("nb"), result.label("en")) == ("Skadelig drikking", "Harmful drinking")


def test_missing_item_is_refused_with_item_and_reason() -> None:
    answers = answers_totalling("AUDIT", 0)
    del answers[4]
    with pytest.raises(InvalidAnswer) as caught:
        score("AUDIT", answers)
    assert (caught.value.item, caught.value.value, caught.value.reason) == (4, None, "item 4 is not answered")
    assert caught.value.field == "item_4"


def test_unknown_item_is_refused_with_item_and_reason() -> None:
    answers = {**answers_totalling("AUDIT", 0), 11: 0}
    with pytest.raises(InvalidAnswer) as caught:
        score("AUDIT", answers)
    assert caught.value.item == 11
    assert "no item 11" in caught.value.reason


@pytest.mark.parametrize(
    ("code", "item", "value", "reason"),
    [
        ("AUDIT", 9, 3, "item 9 allows 0, 2 or 4"),
        ("AUDIT", 10, 1, "item 10 allows 0, 2 or 4"),
        ("AUDIT", 1, 5, "item 1 allows 0 to 4"),
        ("AUDIT", 2, -1, "item 2 allows 0 to 4"),
        ("DUDIT", 11, 3, "item 11 allows 0, 2 or 4"),
        ("DUDIT", 3, 2.0, "item 3 allows 0 to 4"),
        ("DUDIT", 5, True, "item 5 allows 0 to 4"),
    ],
)
def test_disallowed_score_is_refused_with_item_and_reason(code: str, item: int, value: object, reason: str) -> None:
    answers: dict[int, object] = {**answers_totalling(code, 0), item: value}
    with pytest.raises(InvalidAnswer) as caught:
        score(code, answers)  # type: ignore[arg-type]
    assert (caught.value.item, caught.value.value, caught.value.reason) == (item, value, reason)


def test_invalid_answer_is_a_value_error_and_an_invalid() -> None:
    with pytest.raises(ValueError, match="item 9 allows 0, 2 or 4"):
        score("AUDIT", {**answers_totalling("AUDIT", 0), 9: 3})
    assert issubclass(InvalidAnswer, Invalid)


def test_unknown_instrument_and_sex_are_refused() -> None:
    with pytest.raises(NotFound):
        get_instrument("CAGE")
    with pytest.raises(Invalid):
        score("DUDIT", answers_totalling("DUDIT", 0), sex="other")  # type: ignore[arg-type]


def test_audit_indicates_dependence_only_above_twenty() -> None:
    assert not audit_indicates_dependence(20)
    assert audit_indicates_dependence(21)
    with pytest.raises(Invalid):
        audit_indicates_dependence(41)


@pytest.mark.parametrize(
    ("sex", "total", "positive"),
    [("male", 3, False), ("male", 4, True), ("female", 2, False), ("female", 3, True), (None, 3, True)],
)
def test_audit_c_cutoffs(sex: instruments.Sex | None, total: int, positive: bool) -> None:
    answers = {1: min(total, 4), 2: max(total - 4, 0), 3: 0}
    result = audit_c(answers, sex=sex)
    assert (result.total, result.positive) == (total, positive)


def test_audit_c_counts_items_one_to_three_of_a_full_audit() -> None:
    answers = {item.number: item.max_score for item in AUDIT.items}
    assert audit_c(answers).total == 12
    with pytest.raises(InvalidAnswer) as caught:
        audit_c({1: 1, 2: 1})
    assert caught.value.item == 3


def test_audit_c_cutoffs_can_be_changed() -> None:
    assert not audit_c({1: 2, 2: 1, 3: 0}, sex="female", cutoffs={"female": 4, "male": 5}).positive


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_as_dict_describes_the_form_as_json(lang: instruments.Lang) -> None:
    described = json.loads(json.dumps(as_dict(DUDIT, lang)))
    assert described["max_score"] == 44
    assert len(described["items"]) == 11
    assert described["items"][9]["field"] == "item_10"
    assert [o["score"] for o in described["items"][9]["options"]] == [0, 2, 4]
    assert described["bands"] == described["bands_by_sex"]["female"]
    assert described["bands_by_sex"]["male"][1] == {
        "code": "drug_problems",
        "low": 6,
        "high": 24,
        "label": "Sannsynlige narkotikarelaterte problemer" if lang == "nb" else "Probable drug-related problems",
        "positive": True,
    }
    assert as_dict(AUDIT, lang)["bands_by_sex"] == {}


def test_as_dict_refuses_an_unknown_language() -> None:
    with pytest.raises(Invalid):
        as_dict(AUDIT, "sv")  # type: ignore[arg-type]
