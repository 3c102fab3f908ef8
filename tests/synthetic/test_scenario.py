"""Scenario files: the shipped ones load; a bad file is refused with file, key, value and reason, nothing made."""

from __future__ import annotations

from pathlib import Path

import pytest

from helhet.synthetic import ScenarioError, generate_to_parquet, load_scenario
from helhet.synthetic import scenario as scenarios
from helhet.synthetic.population import geography


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_scenarios_load_and_none_plants_nothing() -> None:
    assert {"default", "none"} <= set(scenarios.shipped())
    assert load_scenario("none").effects == {}
    default = load_scenario("default")
    assert default.effects["inpatient_odds_ratio"] == {"stavanger": 1.8}
    assert default.effects["never_books_interpreters"] == {"tsb-helse-bergen-hf-poli": 1.0}


@pytest.mark.parametrize(
    ("text", "key", "value", "reason"),
    [
        ("name: x\neffects:\n  inpatient_odds_ratio: {vestfoldd: 1.8}\n", "effects.inpatient_odds_ratio.vestfoldd",
         "vestfoldd", "unknown referral area"),
        ('name: x\neffects:\n  vedtak_delivery_share: {"1804": 1.6}\n', "effects.vedtak_delivery_share.1804", 1.6,
         "a share must be between 0 and 1"),
        ('name: x\neffects:\n  vedtak_delivery_share: {"9999": 0.5}\n', "effects.vedtak_delivery_share.9999", "9999",
         "unknown municipality"),
        ("name: x\neffects:\n  never_books_interpreters: [tsb-nowhere-poli]\n",
         "effects.never_books_interpreters[0]", "tsb-nowhere-poli", "unknown unit code"),
        ("name: x\neffects:\n  handover_acceptance_delay_days: {tsb-helse-bergen-hf-dogn: 2.5}\n",
         "effects.handover_acceptance_delay_days.tsb-helse-bergen-hf-dogn", 2.5, "whole number of days"),
        ("name: x\neffects:\n  more_beds: {bergen: 2}\n", "effects.more_beds", {"bergen": 2}, "unknown effect"),
        ("name: x\neffects:\n  waiting_time_multiplier: {HN: 0}\n", "effects.waiting_time_multiplier.HN", 0,
         "greater than 0"),
        ("effects: {}\n", "name", None, "required"),
        ("name: x\nextra: 1\n", "extra", 1, "unknown key"),
        ("name: [unclosed\n", "(file)", None, "not valid YAML"),
    ],
)  # fmt: skip
def test_a_bad_scenario_file_is_refused_with_file_key_value_and_reason(
    tmp_path: Path, text: str, key: str, value: object, reason: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.file == str(path)
    problem = next(p for p in caught.value.problems if p.field == key)
    assert problem.value == value
    assert reason.lower() in problem.reason.lower()
    assert str(path) in str(caught.value)


def test_every_problem_in_a_file_is_reported_at_once(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "name: x\neffects:\n  inpatient_odds_ratio: {nowhere: 2, bergen: -1}\n  unknown_effect: 1\n",
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert {p.field for p in caught.value.problems} == {
        "effects.inpatient_odds_ratio.nowhere",
        "effects.inpatient_odds_ratio.bergen",
        "effects.unknown_effect",
    }


def test_nothing_is_generated_when_the_scenario_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "name: x\neffects:\n  inpatient_odds_ratio: {nowhere: 2}\n")
    out = tmp_path / "out"
    with pytest.raises(ScenarioError):
        generate_to_parquet(out, persons=10, scenario=path)
    assert not out.exists()


def test_a_region_key_applies_to_each_area_of_the_region_and_an_area_key_wins(tmp_path: Path) -> None:
    path = _write(tmp_path, "name: x\neffects:\n  waiting_time_multiplier: {HN: 1.5, finnmark: 2.0}\n")
    effects = scenarios.area_effects(load_scenario(path), geography().area_codes)
    values = dict(zip(effects.codes, effects.values["waiting_time_multiplier"], strict=True))
    assert values["finnmark"] == 2.0 and values["unn"] == 1.5 and values["bergen"] == 1.0
