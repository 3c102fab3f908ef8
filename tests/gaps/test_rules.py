"""The gap rules, one hand-made person at a time."""

from __future__ import annotations

from datetime import date

import pytest

from helhet.config import Settings
from helhet.gaps.catalogue import BY_CODE, CHECKS
from helhet.gaps.rules import RULES, Outcome, PersonFacts, evaluate

TODAY = date(2025, 10, 1)
SETTINGS = Settings(mapping_within_days=30, remapping_months=12, cooperation_months=6, somatic_check_months=12)


def facts(**changes: object) -> PersonFacts:
    base = PersonFacts(person_id=1, today=TODAY, service_start=date(2025, 6, 2))
    for key, value in changes.items():
        setattr(base, key, value)
    return base


def outcome(code: str, f: PersonFacts) -> Outcome:
    return RULES[code](f, SETTINGS).outcome


def test_every_check_has_a_rule_and_every_rule_a_check() -> None:
    assert set(RULES) == set(BY_CODE)
    for check in CHECKS:
        assert check.rule_nb and check.rule_en and check.source and check.action_nb


def test_mapping_due_within_30_days_of_start() -> None:
    assert outcome("ROP-01", facts(today=date(2025, 6, 20))) == Outcome.PASS  # still within the window
    assert outcome("ROP-01", facts()) == Outcome.GAP
    assert outcome("ROP-01", facts(first_substance_mapping=date(2025, 6, 10))) == Outcome.PASS
    assert outcome("ROP-01", facts(first_substance_mapping=date(2025, 8, 1))) == Outcome.GAP  # too late
    assert outcome("ROP-01", facts(mapping_declined=True)) == Outcome.EXCLUDED
    assert outcome("ROP-01", facts(service_start=None)) == Outcome.NOT_APPLICABLE


def test_remapping_after_twelve_months() -> None:
    old = facts(service_start=date(2023, 1, 2), first_substance_mapping=date(2023, 1, 20))
    assert outcome("ROP-01", old) == Outcome.GAP
    old.last_substance_mapping = date(2025, 2, 1)
    assert outcome("ROP-01", old) == Outcome.PASS


def test_plan_needs_owned_measures() -> None:
    assert outcome("ROP-05", facts()) == Outcome.GAP
    assert outcome("ROP-05", facts(has_plan=True, measures=2, measures_without_owner_or_date=1)) == Outcome.GAP
    assert outcome("ROP-05", facts(has_plan=True, measures=2)) == Outcome.PASS
    assert outcome("ROP-05", facts(plan_declined=True)) == Outcome.EXCLUDED


def test_coordinator_only_when_long_term_coordinated_needs() -> None:
    assert outcome("ROP-07", facts()) == Outcome.NOT_APPLICABLE
    assert outcome("ROP-07", facts(needs_coordinator=True)) == Outcome.GAP
    assert outcome("ROP-07", facts(needs_coordinator=True, has_coordinator=True)) == Outcome.GAP
    assert outcome("ROP-07", facts(needs_coordinator=True, has_coordinator=True, ip_answered=True)) == Outcome.PASS


def test_cooperation_with_both_gp_and_specialist() -> None:
    only_gp = facts(last_gp_contact=date(2025, 9, 1))
    result = RULES["ROP-08"](only_gp, SETTINGS)
    assert result.outcome == Outcome.GAP and "specialist" in result.detail
    assert outcome("ROP-08", facts(last_gp_contact=date(2025, 9, 1), last_specialist_contact=date(2025, 5, 1))) == (
        Outcome.PASS
    )


def test_homeless_without_housing_assistance_is_a_gap() -> None:
    assert outcome("ROP-10", facts()) == Outcome.GAP  # housing unknown
    assert outcome("ROP-10", facts(housing_known=True)) == Outcome.PASS
    assert outcome("ROP-10", facts(housing_known=True, housing_unstable=True)) == Outcome.GAP
    assert outcome("ROP-10", facts(housing_known=True, housing_unstable=True, housing_assistance=True)) == Outcome.PASS
    declined = facts(housing_known=True, housing_unstable=True, housing_assistance_declined=True)
    assert outcome("ROP-10", declined) == Outcome.EXCLUDED


def test_crisis_plan_only_when_required() -> None:
    assert outcome("ROP-11", facts()) == Outcome.NOT_APPLICABLE
    assert outcome("ROP-11", facts(crisis_plan_required=True)) == Outcome.GAP
    assert outcome("ROP-11", facts(crisis_plan_required=True, crisis_plan_current=True)) == Outcome.PASS


def test_children_asked_and_needs_assessed() -> None:
    assert outcome("ROP-15", facts()) == Outcome.GAP
    assert outcome("ROP-15", facts(children_asked=True, has_minor_children=False)) == Outcome.PASS
    assert outcome("ROP-15", facts(children_asked=True, has_minor_children=True)) == Outcome.GAP
    assessed = facts(children_asked=True, has_minor_children=True, children_needs_assessed=True)
    assert outcome("ROP-15", assessed) == Outcome.PASS


@pytest.mark.parametrize("code", ["HANDOVER-OPEN", "TASK-OVERDUE", "DEADLINE-AT-RISK", "INTERPRETER-MISSING"])
def test_counted_gaps(code: str) -> None:
    field = {
        "HANDOVER-OPEN": "handovers_overdue",
        "TASK-OVERDUE": "tasks_overdue",
        "DEADLINE-AT-RISK": "deadlines_at_risk",
        "INTERPRETER-MISSING": "interpreter_missing",
    }[code]
    assert outcome(code, facts()) == Outcome.PASS
    assert outcome(code, facts(**{field: 2})) == Outcome.GAP


def test_evaluate_returns_one_result_per_check() -> None:
    results = evaluate(facts(), SETTINGS)
    assert [r.code for r in results] == list(RULES)
