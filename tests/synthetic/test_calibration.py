"""The generated data land on the published figures they are calibrated to, and planted effects are visible.

Tolerances are stated here: they allow for chance in 40,000 persons and for the simplifications in
docs/synthetic.md, not for drift in the model.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helhet.analytics import queries
from helhet.synthetic import calibration as cal
from helhet.synthetic import generate_to_parquet
from helhet.synthetic.generator import Summary
from tests.synthetic.conftest import AS_OF

TOLERANCE = {
    "inpatient_share": (cal.TARGET_INPATIENT_SHARE, 0.02),
    "mean_wait_days": (cal.TARGET_MEAN_WAIT_DAYS, 3.0),
    "male_share": (cal.TARGET_MALE_SHARE, 0.02),
    "granted_share": (cal.TARGET_GRANTED_SHARE, 0.02),
    "deadline_breach_share": (cal.TARGET_BREACH_SHARE, 0.015),
    "late_assessment_share": (cal.TARGET_LATE_ASSESSMENT_SHARE, 0.01),
    "lar_share_of_persons_in_treatment_last_8_months": (cal.TARGET_LAR_SHARE, 0.05),
}


@pytest.mark.parametrize("figure", sorted(TOLERANCE))
def test_figure_lands_within_its_tolerance_of_the_target(none_run: tuple[Summary, Path], figure: str) -> None:
    summary, _ = none_run
    target, tolerance = TOLERANCE[figure]
    assert summary.realised[figure] == pytest.approx(target, abs=tolerance)


def test_the_atlas_sees_the_same_mean_wait_and_inpatient_share(none_run: tuple[Summary, Path]) -> None:
    summary, folder = none_run
    con = queries.connect(folder)
    wait, inpatient = con.execute(
        "SELECT avg(waiting_days), avg(assigned_inpatient::INT) FILTER (WHERE outcome = 'granted') FROM referral_facts"
    ).fetchone()  # type: ignore[misc]
    assert wait == pytest.approx(summary.realised["mean_wait_days"], abs=0.5)
    assert inpatient == pytest.approx(cal.TARGET_INPATIENT_SHARE, abs=0.02)


def test_without_planted_effects_regions_wait_alike(none_run: tuple[Summary, Path]) -> None:
    _, folder = none_run
    waits = dict(
        queries.connect(folder).execute("SELECT rhf_code, avg(waiting_days) FROM referral_facts GROUP BY 1").fetchall()
    )
    assert max(waits.values()) - min(waits.values()) < 4


@pytest.fixture(scope="module")
def western(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synth-hv")
    generate_to_parquet(folder, persons=25_000, years=3, seed=3, region="HV", scenario="default", as_of=AS_OF)
    return folder


def test_the_planted_inpatient_odds_ratio_shows_in_crude_output(western: Path) -> None:
    rows = (
        queries.connect(western)
        .execute(
            """SELECT area_code = 'stavanger', sum(assigned_inpatient::INT), sum((NOT assigned_inpatient)::INT)
        FROM referral_facts WHERE outcome = 'granted' GROUP BY 1 ORDER BY 1"""
        )
        .fetchall()
    )
    (_, in_rest, out_rest), (_, in_planted, out_planted) = rows
    assert (in_planted / out_planted) / (in_rest / out_rest) > 1.5


def test_the_planted_wish_override_shows_for_homeless_persons(western: Path) -> None:
    rows = (
        queries.connect(western)
        .execute(
            """SELECT area_code = 'bergen', avg((NOT assigned_inpatient)::INT) FROM referral_facts
        WHERE outcome = 'granted' AND homeless AND wished_inpatient AND area_code <> 'stavanger'
        GROUP BY 1 ORDER BY 1"""
        )
        .fetchall()
    )
    (_, rest), (_, bergen) = rows
    assert bergen / rest > 1.5


def test_the_planted_regional_waits_follow_the_published_figures(western: Path, tmp_path: Path) -> None:
    north = tmp_path / "hn"
    generate_to_parquet(north, persons=8_000, years=3, seed=4, region="HN", as_of=AS_OF)
    wait_north = queries.connect(north).execute("SELECT avg(waiting_days) FROM referral_facts").fetchone()[0]  # type: ignore[index]
    wait_west = queries.connect(western).execute("SELECT avg(waiting_days) FROM referral_facts").fetchone()[0]  # type: ignore[index]
    assert wait_north == pytest.approx(53, abs=5)  # Helse Nord 2023-T1
    assert wait_west == pytest.approx(30, abs=4)  # Helse Vest 2023-T1
