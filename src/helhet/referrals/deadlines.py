"""Deadlines of a referral (DOMAIN.md §1.2, §1.5, §1.9).

- Assessment (vurderingsfrist): 10 working days after the referral is received.
- Start of care (juridisk frist): set individually; the prioriteringsveileder for TSB gives guideline maxima
  per condition, kept here as a versioned table. Everyone under 23 gets 4 weeks, and the law caps their
  deadline at 65 working days after receipt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from helhet import clock

ASSESSMENT_WORKING_DAYS = 10
UNDER_23_CEILING_WORKING_DAYS = 65


class Condition(StrEnum):
    ALCOHOL_DEPENDENCE = "alcohol_dependence"
    OPIOID_DEPENDENCE = "opioid_dependence"
    OTHER = "other"  # other substance conditions: deadlines not retrieved (DOMAIN.md §15 q5)


@dataclass(frozen=True)
class GuidelineRule:
    id: str
    condition: Condition | None  # None: applies to every condition
    weeks: int
    when: str  # plain words


@dataclass(frozen=True)
class GuidelineTable:
    name: str
    valid_from: date
    rules: tuple[GuidelineRule, ...]


PRIORITERINGSVEILEDER_TSB_2024 = GuidelineTable(
    name="Prioriteringsveileder TSB (last professionally updated 19 June 2024)",
    valid_from=date(2015, 11, 1),
    rules=(
        GuidelineRule("alcohol.base", Condition.ALCOHOL_DEPENDENCE, 6, "alcohol dependence"),
        GuidelineRule("alcohol.heavy", Condition.ALCOHOL_DEPENDENCE, 2, "more than 20 units of alcohol a day"),
        GuidelineRule("opioid.base", Condition.OPIOID_DEPENDENCE, 12, "opioid dependence"),
        GuidelineRule("opioid.injecting", Condition.OPIOID_DEPENDENCE, 4, "injecting"),
        GuidelineRule("opioid.groin_neck", Condition.OPIOID_DEPENDENCE, 2, "injecting in the groin or neck"),
        # project assumption: the guide's deadlines for other conditions were not retrieved
        GuidelineRule("other.base", Condition.OTHER, 12, "other substance conditions (project default)"),
        GuidelineRule("under23", None, 4, "under 23 at receipt"),
    ),
)


@dataclass(frozen=True)
class DeadlineInput:
    received_on: date
    condition: Condition
    age_at_receipt: int
    heavy_daily_alcohol: bool = False
    injecting: bool = False
    groin_or_neck_injection: bool = False


@dataclass(frozen=True)
class GuidelineDeadline:
    deadline: date
    weeks: int
    rules: tuple[str, ...]
    ceiling: date | None  # the legal ceiling for persons under 23


def assessment_due(received_on: date) -> date:
    return clock.add_working_days(received_on, ASSESSMENT_WORKING_DAYS)


def under23_ceiling(received_on: date) -> date:
    return clock.add_working_days(received_on, UNDER_23_CEILING_WORKING_DAYS)


def age_on(birth_date: date, on: date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def guideline_start_deadline(
    inp: DeadlineInput, table: GuidelineTable = PRIORITERINGSVEILEDER_TSB_2024
) -> GuidelineDeadline:
    """The guideline's maximum deadline: the shortest of the rules that apply, capped for under-23s."""
    by_id = {rule.id: rule for rule in table.rules}
    applied = [f"{inp.condition.value.split('_')[0]}.base"]
    if inp.condition == Condition.ALCOHOL_DEPENDENCE and inp.heavy_daily_alcohol:
        applied.append("alcohol.heavy")
    if inp.condition == Condition.OPIOID_DEPENDENCE and inp.injecting:
        applied.append("opioid.injecting")
    if inp.condition == Condition.OPIOID_DEPENDENCE and inp.groin_or_neck_injection:
        applied.append("opioid.groin_neck")
    ceiling = None
    if inp.age_at_receipt < 23:
        applied.append("under23")
        ceiling = under23_ceiling(inp.received_on)
    weeks = min(by_id[rule_id].weeks for rule_id in applied)
    deadline = inp.received_on + timedelta(weeks=weeks)
    if ceiling is not None:
        deadline = min(deadline, ceiling)
    return GuidelineDeadline(deadline=deadline, weeks=weeks, rules=tuple(applied), ceiling=ceiling)


def validate_chosen_deadline(received_on: date, chosen: date, age_at_receipt: int) -> None:
    """Refuse a start deadline before receipt, or beyond the 65-working-day ceiling for persons under 23."""
    if chosen < received_on:
        raise ValueError(f"start deadline {chosen.isoformat()} is before the referral was received")
    if age_at_receipt < 23:
        ceiling = under23_ceiling(received_on)
        if chosen > ceiling:
            raise ValueError(
                f"start deadline {chosen.isoformat()} is later than the 65-working-day ceiling "
                f"{ceiling.isoformat()} for persons under 23"
            )
