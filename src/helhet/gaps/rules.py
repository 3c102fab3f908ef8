"""The gap rules as pure functions over one person's facts. Each returns pass, gap, excluded or not applicable,
so the same code gives a person's gap list, a unit's list and the atlas's pass rates per municipality."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
from typing import NamedTuple

from helhet.config import Settings


class Outcome(StrEnum):
    PASS = "pass"
    GAP = "gap"
    EXCLUDED = "excluded"  # the person declined, with the reason recorded
    NOT_APPLICABLE = "not_applicable"


@dataclass
class PersonFacts:
    """What the rules need to know about one person at a reference date (filled by ``gaps.facts``)."""

    person_id: int
    today: date
    service_start: date | None = None
    first_substance_mapping: date | None = None
    last_substance_mapping: date | None = None
    mapping_declined: bool = False
    mental_screening_on: date | None = None
    last_somatic_check: date | None = None
    somatic_declined: bool = False
    unowned_followups: int = 0
    situation_complete: bool = False
    children_asked: bool = False
    has_minor_children: bool | None = None
    children_needs_assessed: bool = False
    has_plan: bool = False
    plan_declined: bool = False
    measures: int = 0
    measures_without_owner_or_date: int = 0
    overdue_evaluations: int = 0
    needs_coordinator: bool = False
    has_coordinator: bool = False
    ip_answered: bool = False
    last_gp_contact: date | None = None
    last_specialist_contact: date | None = None
    last_nav_contact: date | None = None
    vedtak_shortfall_weeks: int = 0
    vedtak_not_started: int = 0
    housing_known: bool = False
    housing_unstable: bool = False
    housing_assistance: bool = False  # a housing vedtak or a documented offer
    housing_assistance_declined: bool = False
    crisis_plan_required: bool = False
    crisis_plan_current: bool = False
    wish_recorded: bool = False
    goals_in_own_words: bool = False
    handovers_overdue: int = 0
    tasks_overdue: int = 0
    deadlines_at_risk: int = 0
    assessments_overdue: int = 0
    interpreter_missing: int = 0
    financial_or_housing_problem: bool = False
    details: dict[str, str] = field(default_factory=dict)


class RuleResult(NamedTuple):
    """A tuple, not a dataclass: a unit's gap list makes tens of thousands of these."""

    code: str
    outcome: Outcome
    detail: str = ""


Rule = Callable[[PersonFacts, Settings], RuleResult]
RULES: dict[str, Rule] = {}


def rule(code: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        RULES[code] = fn
        return fn

    return register


@cache
def _months(n: int) -> timedelta:
    return timedelta(days=round(30.44 * n))


_PASS = {
    code: RuleResult(code, Outcome.PASS)
    for code in (
        *(f"ROP-{i:02d}" for i in range(1, 16)),
        "HANDOVER-OPEN",
        "TASK-OVERDUE",
        "DEADLINE-AT-RISK",
        "ASSESSMENT-OVERDUE",
        "INTERPRETER-MISSING",
    )
}


def _result(code: str, ok: bool, detail: str = "") -> RuleResult:
    return _PASS[code] if ok else RuleResult(code, Outcome.GAP, detail)


@rule("ROP-01")
def substance_mapped(f: PersonFacts, s: Settings) -> RuleResult:
    if f.mapping_declined:
        return RuleResult("ROP-01", Outcome.EXCLUDED, "person declined mapping")
    if f.service_start is None:
        return RuleResult("ROP-01", Outcome.NOT_APPLICABLE)
    due = f.service_start + timedelta(days=s.mapping_within_days)
    if f.first_substance_mapping is None:
        return _result("ROP-01", f.today <= due, f"no AUDIT/DUDIT since service start {f.service_start}")
    if f.first_substance_mapping > due:
        return _result("ROP-01", False, f"first mapped {f.first_substance_mapping}, due {due}")
    last = f.last_substance_mapping or f.first_substance_mapping
    return _result("ROP-01", f.today <= last + _months(s.remapping_months), f"last mapped {last}")


@rule("ROP-02")
def mental_health_screened(f: PersonFacts, s: Settings) -> RuleResult:
    if f.service_start is None:
        return RuleResult("ROP-02", Outcome.NOT_APPLICABLE)
    return _result("ROP-02", f.mental_screening_on is not None, "no mental-health screening recorded")


@rule("ROP-03")
def somatic_checked(f: PersonFacts, s: Settings) -> RuleResult:
    if f.somatic_declined:
        return RuleResult("ROP-03", Outcome.EXCLUDED, "person declined")
    if f.service_start is None:
        return RuleResult("ROP-03", Outcome.NOT_APPLICABLE)
    recent = f.last_somatic_check is not None and f.today <= f.last_somatic_check + _months(s.somatic_check_months)
    if recent and f.unowned_followups:
        return _result("ROP-03", False, f"{f.unowned_followups} follow-up action(s) without an owner")
    return _result("ROP-03", recent, f"last somatic check {f.last_somatic_check or 'never'}")


@rule("ROP-04")
def situation_recorded(f: PersonFacts, s: Settings) -> RuleResult:
    if f.service_start is None:
        return RuleResult("ROP-04", Outcome.NOT_APPLICABLE)
    ok = f.situation_complete and f.children_asked
    return _result("ROP-04", ok, "housing, income, activity, network or minor children not recorded")


@rule("ROP-05")
def plan_with_owned_measures(f: PersonFacts, s: Settings) -> RuleResult:
    if f.plan_declined:
        return RuleResult("ROP-05", Outcome.EXCLUDED, "person declined a plan")
    if f.service_start is None:
        return RuleResult("ROP-05", Outcome.NOT_APPLICABLE)
    if not f.has_plan or f.measures == 0:
        return _result("ROP-05", False, "no plan with goals and measures")
    return _result(
        "ROP-05",
        f.measures_without_owner_or_date == 0,
        f"{f.measures_without_owner_or_date} measure(s) without owner or evaluation date",
    )


@rule("ROP-06")
def measures_evaluated(f: PersonFacts, s: Settings) -> RuleResult:
    if f.measures == 0:
        return RuleResult("ROP-06", Outcome.NOT_APPLICABLE)
    return _result("ROP-06", f.overdue_evaluations == 0, f"{f.overdue_evaluations} overdue evaluation(s)")


@rule("ROP-07")
def coordinator_and_ip(f: PersonFacts, s: Settings) -> RuleResult:
    if not f.needs_coordinator:
        return RuleResult("ROP-07", Outcome.NOT_APPLICABLE)
    if not f.has_coordinator:
        return _result("ROP-07", False, "no coordinator")
    return _result("ROP-07", f.ip_answered, "individual plan not offered or answer not recorded")


@rule("ROP-08")
def cooperation_documented(f: PersonFacts, s: Settings) -> RuleResult:
    if f.service_start is None:
        return RuleResult("ROP-08", Outcome.NOT_APPLICABLE)
    since = f.today - _months(s.cooperation_months)
    gp = f.last_gp_contact is not None and f.last_gp_contact >= since
    specialist = f.last_specialist_contact is not None and f.last_specialist_contact >= since
    missing = [name for name, ok in (("GP", gp), ("specialist service", specialist)) if not ok]
    return _result("ROP-08", not missing, "no documented cooperation with " + " and ".join(missing))


@rule("ROP-09")
def services_delivered(f: PersonFacts, s: Settings) -> RuleResult:
    if f.vedtak_shortfall_weeks == 0 and f.vedtak_not_started == 0 and not f.details.get("has_vedtak"):
        return RuleResult("ROP-09", Outcome.NOT_APPLICABLE)
    problems = []
    if f.vedtak_not_started:
        problems.append(f"{f.vedtak_not_started} vedtak without delivery")
    if f.vedtak_shortfall_weeks:
        problems.append(f"{f.vedtak_shortfall_weeks} week(s) below the decided volume")
    return _result("ROP-09", not problems, "; ".join(problems))


@rule("ROP-10")
def housing_followed_up(f: PersonFacts, s: Settings) -> RuleResult:
    if not f.housing_known:
        return _result("ROP-10", False, "housing situation not known")
    if not f.housing_unstable:
        return RuleResult("ROP-10", Outcome.PASS)
    if f.housing_assistance_declined:
        return RuleResult("ROP-10", Outcome.EXCLUDED, "person declined housing assistance")
    return _result("ROP-10", f.housing_assistance, "homeless or unstable housing without housing assistance")


@rule("ROP-11")
def crisis_plan(f: PersonFacts, s: Settings) -> RuleResult:
    if not f.crisis_plan_required:
        return RuleResult("ROP-11", Outcome.NOT_APPLICABLE)
    return _result("ROP-11", f.crisis_plan_current, "crisis plan required but missing or out of date")


@rule("ROP-12")
def wishes_recorded(f: PersonFacts, s: Settings) -> RuleResult:
    ok = f.wish_recorded and (f.goals_in_own_words or not f.has_plan)
    return _result("ROP-12", ok, "the person's wish or own goals are not recorded")


@rule("ROP-13")
def handovers_accepted(f: PersonFacts, s: Settings) -> RuleResult:
    return _result("ROP-13", f.handovers_overdue == 0, f"{f.handovers_overdue} handover(s) not accepted in time")


@rule("ROP-14")
def nav_information(f: PersonFacts, s: Settings) -> RuleResult:
    if not f.financial_or_housing_problem:
        return RuleResult("ROP-14", Outcome.NOT_APPLICABLE)
    since = f.today - _months(s.cooperation_months)
    ok = f.last_nav_contact is not None and f.last_nav_contact >= since
    return _result("ROP-14", ok, "no documented NAV information or advice")


@rule("ROP-15")
def children_assessed(f: PersonFacts, s: Settings) -> RuleResult:
    if not f.children_asked:
        return _result("ROP-15", False, "not asked about minor children")
    if not f.has_minor_children:
        return RuleResult("ROP-15", Outcome.PASS)
    return _result("ROP-15", f.children_needs_assessed, "the children's needs are not assessed")


@rule("HANDOVER-OPEN")
def open_handover(f: PersonFacts, s: Settings) -> RuleResult:
    return _result("HANDOVER-OPEN", f.handovers_overdue == 0, f"{f.handovers_overdue} awaiting acceptance")


@rule("TASK-OVERDUE")
def overdue_tasks(f: PersonFacts, s: Settings) -> RuleResult:
    return _result("TASK-OVERDUE", f.tasks_overdue == 0, f"{f.tasks_overdue} overdue task(s)")


@rule("DEADLINE-AT-RISK")
def deadline_at_risk(f: PersonFacts, s: Settings) -> RuleResult:
    return _result("DEADLINE-AT-RISK", f.deadlines_at_risk == 0, f"{f.deadlines_at_risk} start deadline(s) at risk")


@rule("ASSESSMENT-OVERDUE")
def assessment_overdue(f: PersonFacts, s: Settings) -> RuleResult:
    return _result("ASSESSMENT-OVERDUE", f.assessments_overdue == 0, f"{f.assessments_overdue} referral(s) overdue")


@rule("INTERPRETER-MISSING")
def interpreter_missing(f: PersonFacts, s: Settings) -> RuleResult:
    return _result("INTERPRETER-MISSING", f.interpreter_missing == 0, f"{f.interpreter_missing} appointment(s)")


def evaluate(facts: PersonFacts, settings: Settings) -> list[RuleResult]:
    return [check(facts, settings) for check in RULES.values()]
