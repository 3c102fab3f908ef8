"""AUDIT and DUDIT (kartlegging of alcohol and drug use): items, answer options, scoring and cut-offs.

A pure module: no database, no web. Answers map item number → the chosen option's *score*, so a stored
answer set is readable without this module. Cut-offs are from DOMAIN.md §11:

- AUDIT 0–40: 0–7 low risk, 8–15 hazardous, 16–19 harmful, 20–40 possible dependence; positive from 8.
  Not sex-specific here (lower cut-offs for women are unconfirmed for Norway, DOMAIN.md §15).
- AUDIT-C (items 1–3) 0–12: positive from 4 for men and 3 for women, a project assumption
  (`AUDIT_C_CUTOFFS`).
- DUDIT 0–44: probable drug-related problems from 6 for men and from 2 for women; probable dependence from
  25 for both. With sex unknown the lower (female) threshold applies: a screen is there to find problems,
  and a false positive costs a conversation while a missed one may cost treatment.

Item texts live in `instrument_texts.py` (our own paraphrases, not the validated forms).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Literal

from helhet.errors import Invalid, NotFound
from helhet.mapping import instrument_texts as texts

Sex = Literal["female", "male"]
Lang = Literal["nb", "en"]
SEXES: tuple[Sex, ...] = ("female", "male")


class InvalidAnswer(Invalid, ValueError):
    """An answer set that cannot be scored: a missing or unknown item, or a score the item does not allow.

    A ValueError for plain callers and an `Invalid` for the edges, whose field (`item_9`) matches the form
    field named in `as_dict`.
    """

    def __init__(self, item: object, value: object, reason: str) -> None:
        super().__init__(f"item_{item}", value, reason)
        self.item = item


class BandCode(StrEnum):
    # AUDIT (WHO risk zones)
    LOW_RISK = "low_risk"
    HAZARDOUS = "hazardous"
    HARMFUL = "harmful"
    POSSIBLE_DEPENDENCE = "possible_dependence"
    # DUDIT
    NO_DRUG_PROBLEMS = "no_drug_problems"
    DRUG_PROBLEMS = "drug_problems"
    PROBABLE_DEPENDENCE = "probable_dependence"


@dataclass(frozen=True)
class Option:
    score: int
    label_nb: str
    label_en: str

    def label(self, lang: Lang) -> str:
        return self.label_nb if lang == "nb" else self.label_en


@dataclass(frozen=True)
class Item:
    number: int
    text_nb: str
    text_en: str
    options: tuple[Option, ...]

    @property
    def scores(self) -> tuple[int, ...]:
        return tuple(option.score for option in self.options)

    @property
    def max_score(self) -> int:
        return max(self.scores)

    def text(self, lang: Lang) -> str:
        return self.text_nb if lang == "nb" else self.text_en


@dataclass(frozen=True)
class Band:
    """A closed range of totals, `low` to `high` inclusive."""

    code: BandCode
    low: int
    high: int
    label_nb: str
    label_en: str
    positive: bool

    def label(self, lang: Lang) -> str:
        return self.label_nb if lang == "nb" else self.label_en


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    items: tuple[Item, ...]
    bands: tuple[Band, ...]  # when sex is unknown or does not matter
    sex_bands: Mapping[Sex, tuple[Band, ...]] = field(default_factory=dict, hash=False)  # DUDIT only
    intro_nb: str = ""
    intro_en: str = ""

    @property
    def max_score(self) -> int:
        """Derived from the options, so it cannot drift from them."""
        return sum(item.max_score for item in self.items)

    def bands_for(self, sex: Sex | None = None) -> tuple[Band, ...]:
        return self.sex_bands.get(sex, self.bands) if sex is not None else self.bands

    def band_for(self, total: int, sex: Sex | None = None) -> Band:
        for band in self.bands_for(sex):
            if band.low <= total <= band.high:
                return band
        raise Invalid("total", total, f"{self.code} totals run from 0 to {self.max_score}")


@dataclass(frozen=True)
class Score:
    instrument: str
    total: int
    band: BandCode
    label_nb: str
    label_en: str
    positive: bool

    def label(self, lang: Lang) -> str:
        return self.label_nb if lang == "nb" else self.label_en


@dataclass(frozen=True)
class AuditCScore:
    total: int
    cutoff: int
    positive: bool


def _items(raw: tuple[texts.ItemText, ...]) -> tuple[Item, ...]:
    return tuple(
        Item(number, text_nb, text_en, tuple(Option(*option) for option in scale))
        for number, (text_nb, text_en, scale) in enumerate(raw, start=1)
    )


AUDIT = Instrument(
    code="AUDIT",
    name=texts.AUDIT_NAME,
    items=_items(texts.AUDIT_ITEMS),
    bands=(
        Band(BandCode.LOW_RISK, 0, 7, "Lav risiko", "Low risk", positive=False),
        Band(BandCode.HAZARDOUS, 8, 15, "Risikofylt drikking", "Hazardous drinking", positive=True),
        Band(BandCode.HARMFUL, 16, 19, "Skadelig drikking", "Harmful drinking", positive=True),
        Band(BandCode.POSSIBLE_DEPENDENCE, 20, 40, "Mulig avhengighet", "Possible dependence", positive=True),
    ),
    intro_nb=texts.AUDIT_INTRO[0],
    intro_en=texts.AUDIT_INTRO[1],
)

DUDIT_PROBLEMS_FROM: Mapping[Sex, int] = MappingProxyType({"female": 2, "male": 6})
DUDIT_DEPENDENCE_FROM = 25


def _dudit_bands(problems_from: int) -> tuple[Band, ...]:
    return (
        Band(
            BandCode.NO_DRUG_PROBLEMS,
            0,
            problems_from - 1,
            "Ingen tegn på narkotikarelaterte problemer",
            "No sign of drug-related problems",
            positive=False,
        ),
        Band(
            BandCode.DRUG_PROBLEMS,
            problems_from,
            DUDIT_DEPENDENCE_FROM - 1,
            "Sannsynlige narkotikarelaterte problemer",
            "Probable drug-related problems",
            positive=True,
        ),
        Band(
            BandCode.PROBABLE_DEPENDENCE,
            DUDIT_DEPENDENCE_FROM,
            44,
            "Sannsynlig avhengighet",
            "Probable dependence",
            positive=True,
        ),
    )


_DUDIT_SEX_BANDS: Mapping[Sex, tuple[Band, ...]] = MappingProxyType(
    {sex: _dudit_bands(DUDIT_PROBLEMS_FROM[sex]) for sex in SEXES}
)
DUDIT = Instrument(
    code="DUDIT",
    name=texts.DUDIT_NAME,
    items=_items(texts.DUDIT_ITEMS),
    bands=_DUDIT_SEX_BANDS["female"],  # sex unknown: the lower threshold, so no problem is missed
    sex_bands=_DUDIT_SEX_BANDS,
    intro_nb=texts.DUDIT_INTRO[0],
    intro_en=texts.DUDIT_INTRO[1],
)

INSTRUMENTS: dict[str, Instrument] = {AUDIT.code: AUDIT, DUDIT.code: DUDIT}

AUDIT_C_ITEMS: tuple[int, ...] = (1, 2, 3)
# Project assumption, not confirmed for Norwegian guidance (DOMAIN.md §11, §15): change here, or pass
# `cutoffs` to `audit_c`.
AUDIT_C_CUTOFFS: Mapping[Sex, int] = MappingProxyType({"female": 3, "male": 4})
# The prioriteringsveileder TSB names "AUDIT > 20" as a sign of alcohol dependence; note it is stricter
# than the WHO zone "possible dependence", which starts at 20.
AUDIT_DEPENDENCE_ABOVE = 20


def get_instrument(code: str) -> Instrument:
    """The instrument by code, in any case ("audit" or "AUDIT"); NotFound otherwise."""
    instrument = INSTRUMENTS.get(code.upper())
    if instrument is None:
        raise NotFound("instrument", code)
    return instrument


def score(instrument_code: str, answers: Mapping[int, int], sex: Sex | None = None) -> Score:
    """Total and band of a complete answer set. `sex` matters for DUDIT only; see the module docstring."""
    instrument = get_instrument(instrument_code)
    _check_sex(sex)
    numbers = [item.number for item in instrument.items]
    _check_answers(instrument, answers, required=numbers)
    total = sum(answers[number] for number in numbers)
    band = instrument.band_for(total, sex)
    return Score(instrument.code, total, band.code, band.label_nb, band.label_en, band.positive)


def audit_c(
    answers: Mapping[int, int], sex: Sex | None = None, cutoffs: Mapping[Sex, int] = AUDIT_C_CUTOFFS
) -> AuditCScore:
    """AUDIT-C from items 1–3; other AUDIT items may be present (and are checked) but do not count.

    With sex unknown the lower cut-off applies, for the same reason as DUDIT's.
    """
    _check_sex(sex)
    _check_answers(AUDIT, answers, required=AUDIT_C_ITEMS)
    total = sum(answers[number] for number in AUDIT_C_ITEMS)
    cutoff = cutoffs[sex] if sex is not None else min(cutoffs.values())
    return AuditCScore(total, cutoff, positive=total >= cutoff)


def audit_indicates_dependence(total: int) -> bool:
    """True when an AUDIT total is above 20, the prioriteringsveileder's sign of alcohol dependence."""
    if not 0 <= total <= AUDIT.max_score:
        raise Invalid("total", total, f"AUDIT totals run from 0 to {AUDIT.max_score}")
    return total > AUDIT_DEPENDENCE_ABOVE


def as_dict(instrument: Instrument, lang: Lang = "nb") -> dict[str, Any]:
    """A JSON-able description for a form with a live score: items, options with scores, and the bands.

    `bands` hold when sex is unknown; `bands_by_sex` (DUDIT only) when it is known.
    """
    if lang not in ("nb", "en"):
        raise Invalid("lang", lang, "must be 'nb' or 'en'")

    def bands(table: tuple[Band, ...]) -> list[dict[str, Any]]:
        return [
            {
                "code": str(b.code),
                "low": b.low,
                "high": b.high,
                "label": b.label(lang),
                "positive": b.positive,
            }
            for b in table
        ]

    return {
        "code": instrument.code,
        "name": instrument.name,
        "intro": instrument.intro_nb if lang == "nb" else instrument.intro_en,
        "max_score": instrument.max_score,
        "items": [
            {
                "number": item.number,
                "field": f"item_{item.number}",
                "text": item.text(lang),
                "options": [{"score": o.score, "label": o.label(lang)} for o in item.options],
            }
            for item in instrument.items
        ],
        "bands": bands(instrument.bands),
        "bands_by_sex": {sex: bands(table) for sex, table in instrument.sex_bands.items()},
    }


def _check_sex(sex: object) -> None:
    if sex is not None and sex not in SEXES:
        raise Invalid("sex", sex, "must be 'female', 'male' or unknown (None)")


def _check_answers(instrument: Instrument, answers: Mapping[int, int], required: Iterable[int]) -> None:
    """Raise InvalidAnswer for the first problem: unknown items first, then the items in order."""
    by_number = {item.number: item for item in instrument.items}
    for number, value in answers.items():
        if number not in by_number:
            last = len(instrument.items)
            raise InvalidAnswer(number, value, f"{instrument.code} has no item {number!r} (items are 1–{last})")
    wanted = set(required)
    for item in instrument.items:
        if item.number not in answers:
            if item.number in wanted:
                raise InvalidAnswer(item.number, None, f"item {item.number} is not answered")
            continue
        value = answers[item.number]
        # bool is an int and 2.0 == 2; neither is a score a form sends, so refuse both.
        if type(value) is not int or value not in item.scores:
            raise InvalidAnswer(item.number, value, f"item {item.number} allows {_or_list(item.scores)}")


def _or_list(scores: tuple[int, ...]) -> str:
    """(0, 2, 4) → "0, 2 or 4"; (0, 1, 2, 3, 4) → "0 to 4"."""
    if list(scores) == list(range(scores[0], scores[-1] + 1)) and len(scores) > 3:
        return f"{scores[0]} to {scores[-1]}"
    return ", ".join(map(str, scores[:-1])) + f" or {scores[-1]}"
