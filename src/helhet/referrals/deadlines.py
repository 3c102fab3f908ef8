"""Deadlines of a referral (DOMAIN.md §1.2, §1.4, §1.5, §1.9), as pure functions of dates.

- Assessment (vurderingsfrist): 10 working days after the specialist service received the referral, counted
  with the receipt day as day 0 (``clock.add_working_days``; the convention is unconfirmed, DOMAIN.md §1.2).
- Start of care (juridisk frist): set individually by the assessment unit. The prioriteringsveileder for TSB
  gives guideline maxima per condition, kept here as a versioned table of rules so the assigned deadlines can
  later be compared with the guideline the assessor saw. Guideline weeks are calendar weeks: a deadline that
  falls on a holiday stays there.
- For persons under 23 the law caps any start deadline at 65 working days after receipt (DOMAIN.md §1.5).
  The guide's 4 weeks is always earlier, so the cap only bites for a deadline chosen by hand, or a table
  with longer weeks. Which day the age is taken on is unconfirmed; callers pass the age at receipt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from helhet import clock

ASSESSMENT_WORKING_DAYS = 10
UNDER_23_CEILING_WORKING_DAYS = 65
UNDER_23_AGE = 23


class Condition(StrEnum):
    ALCOHOL_DEPENDENCE = "alcohol_dependence"
    OPIOID_DEPENDENCE = "opioid_dependence"
    OTHER = "other"  # other substance conditions: the guide's deadlines were not retrieved (DOMAIN.md §15 q5)


class Modifier(StrEnum):
    """A circumstance from the guide's text that shortens a condition's deadline."""

    HEAVY_DAILY_ALCOHOL = "heavy_daily_alcohol"  # more than 20 units of alcohol a day
    INJECTING = "injecting"
    GROIN_OR_NECK_INJECTION = "groin_or_neck_injection"
    UNDER_23 = "under_23"  # age at receipt


@dataclass(frozen=True)
class GuidelineRule:
    """One line of the guide: for ``condition`` (None: every condition), when ``modifier`` holds (None:
    always), care should start within ``weeks``. ``assumption`` marks a project default, not from the guide.
    """

    id: str
    condition: Condition | None
    modifier: Modifier | None
    weeks: int
    when: str  # plain words, for pages and the atlas
    assumption: bool = False


@dataclass(frozen=True)
class GuidelineTable:
    name: str
    version: str
    valid_from: date
    rules: tuple[GuidelineRule, ...]


PRIORITERINGSVEILEDER_TSB_2024 = GuidelineTable(
    name="Prioriteringsveileder tverrfaglig spesialisert rusbehandling (TSB), section Avhengighet",
    version="2024-06-19",  # last professionally updated 19 June 2024 (DOMAIN.md §1.9)
    valid_from=date(2015, 11, 1),  # revised for the patient-rights reform of 1 November 2015
    rules=(
        GuidelineRule("alcohol.base", Condition.ALCOHOL_DEPENDENCE, None, 6, "alcohol dependence"),
        GuidelineRule(
            "alcohol.heavy",
            Condition.ALCOHOL_DEPENDENCE,
            Modifier.HEAVY_DAILY_ALCOHOL,
            2,
            "more than 20 units of alcohol a day",
        ),
        GuidelineRule("opioid.base", Condition.OPIOID_DEPENDENCE, None, 12, "opioid dependence"),
        GuidelineRule("opioid.injecting", Condition.OPIOID_DEPENDENCE, Modifier.INJECTING, 4, "injecting"),
        GuidelineRule(
            "opioid.groin_neck",
            Condition.OPIOID_DEPENDENCE,
            Modifier.GROIN_OR_NECK_INJECTION,
            2,
            "injecting in the groin or neck",
        ),
        # project assumption: the guide's deadlines for other conditions were not retrieved; 12 weeks is the
        # longest it gives for a dependence, so the default never suggests more urgency than it knows of
        GuidelineRule(
            "other.base",
            Condition.OTHER,
            None,
            12,
            "other substance conditions (project default)",
            assumption=True,
        ),
        GuidelineRule("under23", None, Modifier.UNDER_23, 4, "under 23 when the referral was received"),
    ),
)


@dataclass(frozen=True)
class DeadlineInput:
    received_on: date
    condition: Condition
    age_at_receipt: int
    heavy_daily_alcohol: bool = False
    injecting: bool = False
    groin_or_neck_injection: bool = False  # counts as injecting too


@dataclass(frozen=True)
class GuidelineDeadline:
    deadline: date  # the suggested start deadline: ``guideline``, capped by ``ceiling``
    guideline: date  # received_on + weeks, in calendar days
    weeks: int  # the shortest of the rules that apply
    rules: tuple[str, ...]  # ids of the rules that apply, in table order
    ceiling: date | None  # the legal ceiling for persons under 23, else None


def assessment_due(received_on: date) -> date:
    """The day by which the referral must be assessed: 10 working days after receipt."""
    return clock.add_working_days(received_on, ASSESSMENT_WORKING_DAYS)


def under23_ceiling(received_on: date) -> date:
    """The latest start deadline the law allows for a person under 23: 65 working days after receipt."""
    return clock.add_working_days(received_on, UNDER_23_CEILING_WORKING_DAYS)


def age_on(birth_date: date, on: date) -> int:
    """Completed years on ``on``. Born 29 February: a year older on 1 March in years without 29 February."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def guideline_start_deadline(
    inp: DeadlineInput, table: GuidelineTable = PRIORITERINGSVEILEDER_TSB_2024
) -> GuidelineDeadline:
    """The guide's maximum start deadline: the shortest of the rules that apply, capped for under-23s.

    Every rule that applies is named in ``rules``, not only the one that won, so a page can show the assessor
    why, and the atlas can count how often each modifier shortened a deadline. The table is a parameter so an
    older or newer version of the guide can be applied to the referrals of its time.
    """
    if inp.age_at_receipt < 0:
        raise ValueError(f"age at receipt cannot be negative ({inp.age_at_receipt})")
    held = _modifiers(inp)
    applied = [
        rule
        for rule in table.rules
        if rule.condition in (None, inp.condition) and (rule.modifier is None or rule.modifier in held)
    ]
    if not any(rule.modifier is None for rule in applied):
        raise ValueError(f"{table.name} ({table.version}) has no base rule for {inp.condition}")
    weeks = min(rule.weeks for rule in applied)
    guideline = inp.received_on + timedelta(weeks=weeks)
    ceiling = under23_ceiling(inp.received_on) if inp.age_at_receipt < UNDER_23_AGE else None
    deadline = guideline if ceiling is None else min(guideline, ceiling)
    return GuidelineDeadline(
        deadline=deadline,
        guideline=guideline,
        weeks=weeks,
        rules=tuple(rule.id for rule in applied),
        ceiling=ceiling,
    )


def validate_chosen_deadline(received_on: date, chosen: date, age_at_receipt: int) -> None:
    """Refuse a start deadline before receipt, or beyond the 65-working-day ceiling for persons under 23.

    Raises ``ValueError`` with a reason a clerk can act on; the service turns it into ``Invalid``.
    """
    if chosen < received_on:
        when = f"the referral was received on {received_on.isoformat()}"
        raise ValueError(f"start deadline {chosen.isoformat()} is before {when}")
    if age_at_receipt < UNDER_23_AGE:
        ceiling = under23_ceiling(received_on)
        if chosen > ceiling:
            raise ValueError(
                f"start deadline {chosen.isoformat()} is later than the 65-working-day ceiling "
                f"{ceiling.isoformat()} for persons under 23"
            )


def _modifiers(inp: DeadlineInput) -> frozenset[Modifier]:
    held = set()
    if inp.heavy_daily_alcohol:
        held.add(Modifier.HEAVY_DAILY_ALCOHOL)
    if inp.injecting or inp.groin_or_neck_injection:
        held.add(Modifier.INJECTING)
    if inp.groin_or_neck_injection:
        held.add(Modifier.GROIN_OR_NECK_INJECTION)
    if inp.age_at_receipt < UNDER_23_AGE:
        held.add(Modifier.UNDER_23)
    return frozenset(held)
