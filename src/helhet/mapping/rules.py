"""Pure rules over mapping records: was the person mapped in time, is the somatic check current, is the overall
situation complete. No database; ``mapping.service.mapping_status`` and the gap checks both use them
(DOMAIN.md §5.4 ROP-01..04, ROP-15).

Months are calendar months (``add_months``): a check on 31 January is due again on 31 January next year, or on
the last day of a shorter month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from helhet.careplans.individual_plan import add_months
from helhet.mapping.models import STRAINED_INCOME, Activity, ChildrenAnswer, Income, MappingArea, Network
from helhet.persons.models import UNSTABLE_HOUSING, HousingStatus

#: a follow-up task made with a mapping record is due this many days from today unless a date is given
FOLLOW_UP_DAYS = 14

__all__ = [
    "FOLLOW_UP_DAYS",
    "SubstanceTimeliness",
    "add_months",
    "children_needs_assessed",
    "declined_areas",
    "financial_or_housing_problem",
    "infection_check_missing",
    "service_start",
    "situation_complete",
    "situation_fields_known",
    "somatic_due",
    "substance_timeliness",
]


@dataclass(frozen=True)
class SubstanceTimeliness:
    due: date | None  # first AUDIT/DUDIT due (service start + the set days); None without a service start
    in_time: bool | None  # None: no service start, or not mapped yet but still in time
    remapping_due: date | None  # the last mapping + the set months
    remapping_overdue: bool


def service_start(first_episode: date | None, first_vedtak: date | None) -> date | None:
    """The start of service: the first episode or the first vedtak, whichever came first."""
    starts = [d for d in (first_episode, first_vedtak) if d is not None]
    return min(starts) if starts else None


def substance_timeliness(
    start: date | None,
    first: date | None,
    last: date | None,
    on: date,
    within_days: int,
    remapping_months: int,
) -> SubstanceTimeliness:
    """ROP-01: mapped with AUDIT/DUDIT within ``within_days`` of service start, and again every
    ``remapping_months``. A mapping before the service start counts as in time (the kommune may have mapped first)."""
    due = None if start is None else start + timedelta(days=within_days)
    in_time: bool | None = None
    if due is not None:
        if first is not None:
            in_time = first <= due
        elif on > due:
            in_time = False
    remapping_due = None if last is None else add_months(last, remapping_months)
    return SubstanceTimeliness(due, in_time, remapping_due, remapping_due is not None and on > remapping_due)


def somatic_due(last_check: date | None, months: int) -> date | None:
    return None if last_check is None else add_months(last_check, months)


def infection_check_missing(injecting: bool | None, infection_status_checked: bool) -> bool:
    """ROP-03 asks for infection status (HIV, hepatitis) where the person injects."""
    return bool(injecting) and not infection_status_checked


def situation_fields_known(income: Income | None, activity: Activity | None, network: Network | None) -> bool:
    """Income, activity and network recorded as something other than unknown."""
    return (
        income not in (None, Income.UNKNOWN)
        and activity not in (None, Activity.UNKNOWN)
        and network not in (None, Network.UNKNOWN)
    )


def situation_complete(
    housing: HousingStatus | None, income: Income | None, activity: Activity | None, network: Network | None
) -> bool:
    """ROP-04 (minor children apart): housing known from the housing history, and the other fields known."""
    return housing is not None and situation_fields_known(income, activity, network)


def financial_or_housing_problem(
    housing: HousingStatus | None, income: Income | None, financial_problems: bool | None
) -> bool:
    """Homeless or unstable housing, no income or social assistance, or recorded financial problems: NAV's
    information and advice should be documented (ROP-14)."""
    return housing in UNSTABLE_HOUSING or income in STRAINED_INCOME or bool(financial_problems)


def children_needs_assessed(answer: ChildrenAnswer | None, assessed_on: date | None) -> bool:
    """ROP-15: the person has minor children and their needs are assessed."""
    return answer == ChildrenAnswer.YES and assessed_on is not None


def declined_areas(
    declined: dict[MappingArea, date], latest: dict[MappingArea, date | None]
) -> dict[MappingArea, date]:
    """The declines still in force: a decline is superseded by a record of the same area on or after its date."""
    result = {}
    for area, on in declined.items():
        done = latest.get(area)
        if done is None or done < on:
            result[area] = on
    return result
