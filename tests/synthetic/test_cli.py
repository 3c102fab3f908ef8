"""``helhet synth``: Parquet out, the ground truth printed, and bad input refused before anything is generated."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from helhet.cli.main import app

runner = CliRunner()


def test_synth_writes_parquet_and_says_where_the_ground_truth_is(tmp_path: Path) -> None:
    out = tmp_path / "data"
    result = runner.invoke(
        app, ["synth", "--persons", "300", "--region", "HN", "--as-of", "2025-06-30", "--out", f"parquet:{out}"]
    )
    assert result.exit_code == 0, result.output
    assert (out / "referral.parquet").exists() and (out / "ground_truth.json").exists()
    assert "ground_truth.json" in result.output.replace("\n", "")
    assert "person: 300 rows" in result.output


def test_synth_refuses_a_bad_scenario_with_key_value_and_reason(tmp_path: Path) -> None:
    scenario = tmp_path / "bad.yaml"
    scenario.write_text("name: bad\neffects:\n  vedtak_delivery_share: {'1804': 1.5}\n", encoding="utf-8")
    out = tmp_path / "data"
    result = runner.invoke(app, ["synth", "--scenario", str(scenario), "--out", f"parquet:{out}"])
    assert result.exit_code == 1
    text = result.output.replace("\n", " ")
    assert "effects.vedtak_delivery_share.1804" in text and "1.5" in text and "between 0 and 1" in text
    assert not out.exists()


def test_synth_needs_exactly_one_target(tmp_path: Path) -> None:
    assert runner.invoke(app, ["synth"]).exit_code == 1
    both = runner.invoke(app, ["synth", "--to-db", "--out", f"parquet:{tmp_path}"])
    assert both.exit_code == 1 and "exactly one" in both.output
    assert runner.invoke(app, ["synth", "--out", str(tmp_path)]).exit_code == 1
