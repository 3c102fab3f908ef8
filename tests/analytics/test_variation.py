"""Variation measures and the area variance: hand-worked answers, SciPy references and simulated areas."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, special, stats

from helhet.analytics import variation as va
from helhet.errors import Invalid


def test_ft_and_ft2_worked_by_hand() -> None:
    rates = [2.0, 4.0, 8.0, 1.0, 5.0]
    assert va.ft(rates) == 8.0  # 8 / 1
    assert va.ft2(rates) == 2.5  # second highest 5 / second lowest 2


def test_ft_and_ft2_work_per_row_and_skip_missing_areas() -> None:
    rates = np.array([[2.0, 4.0, 8.0, 1.0], [3.0, np.nan, 6.0, 1.5], [1.0, 2.0, np.nan, np.nan]])
    assert va.ft(rates).tolist() == [8.0, 4.0, 2.0]
    got = va.ft2(rates)
    assert got[0] == 2.0 and np.isnan(got[1]) and np.isnan(got[2])  # FT2 needs four areas
    assert np.isnan(va.ft([3.0]))
    assert va.ft([0.0, 2.0]) == np.inf


def test_ft_matches_numpy_max_over_min() -> None:
    rates = np.random.default_rng(1).gamma(5, 2, (50, 19))
    np.testing.assert_allclose(va.ft(rates), rates.max(axis=1) / rates.min(axis=1))
    ordered = np.sort(rates, axis=1)
    np.testing.assert_allclose(va.ft2(rates), ordered[:, -2] / ordered[:, 1])


def test_cv_is_the_sample_sd_over_the_mean() -> None:
    assert va.cv([1.0, 2.0, 3.0]) == pytest.approx(0.5)  # SD (ddof=1) = 1, mean = 2
    rates = np.random.default_rng(2).gamma(5, 2, (10, 19))
    np.testing.assert_allclose(va.cv(rates), stats.variation(rates, axis=1, ddof=1))
    with_gap = np.array([1.0, np.nan, 2.0, 3.0])
    assert va.cv(with_gap) == pytest.approx(0.5)
    assert np.isnan(va.cv([4.0]))


def test_scv_worked_by_hand() -> None:
    # ((O − E)/E)² = 0.04, 0.04, 1.00 → mean 0.36; mean 1/E = 0.1 → SCV = 100·(0.36 − 0.1) = 26
    assert va.scv([12, 8, 20], [10, 10, 10]) == pytest.approx(26.0)
    assert np.isnan(va.scv([1, 2], [0, 3]))


def test_scv_is_near_zero_for_poisson_areas_and_100_times_the_extra_variance_otherwise() -> None:
    rng = np.random.default_rng(1982)
    expected = rng.uniform(20, 400, (200, 100))  # 200 simulated atlases of 100 areas
    chance = va.scv(rng.poisson(expected), expected)
    assert chance.shape == (200,)
    assert abs(chance.mean()) < 0.1
    # Multiplicative gamma effect with variance 0.04: E[((O − E)/E)²] = 1/E + 0.04 → SCV ≈ 4
    extra = va.scv(rng.poisson(expected * rng.gamma(25, 1 / 25, expected.shape)), expected)
    assert extra.mean() == pytest.approx(4.0, abs=0.15)


def test_median_odds_ratio_worked_by_hand() -> None:
    # σ² = 0.25: exp(sqrt(0.5) · 0.674490) = exp(0.476936) = 1.611131
    assert va.median_odds_ratio(0.25) == pytest.approx(1.611131, abs=1e-6)
    assert va.median_odds_ratio(0.0) == 1.0
    sigma2 = np.array([0.0, 0.1, 1.0])
    np.testing.assert_allclose(va.median_odds_ratio(sigma2), np.exp(np.sqrt(2 * sigma2) * stats.norm.ppf(0.75)))
    with pytest.raises(Invalid, match="sigma2"):
        va.median_odds_ratio(-0.1)


def _simulated_areas(seed: int, sigma2: float, areas: int = 100, persons: int = 500) -> tuple[np.ndarray, ...]:
    """Two cells per area (250 + 250 persons) with a case-mix offset of 0 and 0.5 on the log-odds scale."""
    rng = np.random.default_rng(seed)
    effect = rng.normal(0, np.sqrt(sigma2), areas)
    offset = np.tile([0.0, 0.5], (areas, 1))
    trials = np.full((areas, 2), persons // 2)
    successes = rng.binomial(trials, special.expit(-1.0 + offset + effect[:, None]))
    area = np.repeat(np.arange(areas), 2).reshape(areas, 2)
    return successes, trials, offset, area, effect


def test_area_variance_recovers_a_known_sigma2() -> None:
    successes, trials, offset, area, effect = _simulated_areas(seed=2006, sigma2=0.25)
    fit = va.estimate_area_variance(successes, trials, offset, area)
    assert fit.converged
    assert fit.sigma2 == pytest.approx(0.25, abs=0.1)
    assert fit.intercept == pytest.approx(-1.0 + effect.mean(), abs=0.05)  # this draw's areas average +0.15
    assert fit.mor == pytest.approx(va.median_odds_ratio(fit.sigma2))
    assert fit.areas.tolist() == list(range(100))
    assert np.corrcoef(fit.effects, effect)[0, 1] > 0.95


def test_area_variance_is_near_zero_without_area_variation() -> None:
    successes, trials, offset, area, _ = _simulated_areas(seed=7, sigma2=0.0)
    fit = va.estimate_area_variance(successes, trials, offset, area)
    assert fit.sigma2 < 0.01
    assert fit.mor < 1.1


def _reference_loglik(y: np.ndarray, n: np.ndarray, offset: np.ndarray, beta0: float, sigma: float) -> float:
    """Area by area with scipy.integrate.quad, the integrand scaled by its peak to avoid underflow."""
    total = 0.0
    for j in range(y.shape[0]):
        log_choose = np.sum(special.gammaln(n[j] + 1) - special.gammaln(y[j] + 1) - special.gammaln(n[j] - y[j] + 1))

        def log_f(u: float | np.ndarray, j: int = j, log_choose: float = log_choose) -> np.ndarray:
            eta = beta0 + offset[j] + sigma * np.asarray(u)[..., None]
            log_lik = np.sum(y[j] * eta - n[j] * np.logaddexp(0, eta), axis=-1) + log_choose
            return log_lik - np.asarray(u) ** 2 / 2 - np.log(2 * np.pi) / 2

        p = special.expit(beta0 + offset[j] + sigma * 0.3)
        assert log_f(0.3) == pytest.approx(np.sum(stats.binom.logpmf(y[j], n[j], p)) + stats.norm.logpdf(0.3))
        grid = np.linspace(-8, 8, 1601)
        values = log_f(grid)
        peak, at = values.max(), grid[values.argmax()]
        area, _ = integrate.quad(
            lambda u, j=j, peak=peak: np.exp(log_f(u, j) - peak), -8, 8, points=[at], limit=400, epsrel=1e-12
        )
        total += np.log(area) + peak
    return total


def test_area_variance_likelihood_matches_numerical_integration_and_is_maximal() -> None:
    rng = np.random.default_rng(12)
    areas = 15
    offset = np.tile([0.0, 0.5, -1.0], (areas, 1))
    trials = rng.integers(0, 3000, (areas, 3))  # includes large areas, where fixed quadrature nodes fail
    successes = rng.binomial(trials, special.expit(-1.0 + offset + rng.normal(0, 0.6, (areas, 1))))
    area = np.repeat(np.arange(areas), 3).reshape(areas, 3)
    fit = va.estimate_area_variance(successes, trials, offset, area)
    sigma = np.sqrt(fit.sigma2)
    assert fit.loglik == pytest.approx(_reference_loglik(successes, trials, offset, fit.intercept, sigma), abs=1e-6)
    for d_beta, d_sigma in ((0.02, 0), (-0.02, 0), (0, 0.03), (0, -0.03)):
        nearby = _reference_loglik(successes, trials, offset, fit.intercept + d_beta, sigma + d_sigma)
        assert nearby < fit.loglik


def test_area_variance_treats_each_cell_as_an_area_by_default() -> None:
    successes, trials, _, _, _ = _simulated_areas(seed=3, sigma2=0.25, areas=60, persons=1000)
    one_cell = va.estimate_area_variance(successes[:, 0], trials[:, 0])
    assert one_cell.areas.size == 60
    assert one_cell.sigma2 == pytest.approx(0.25, abs=0.15)
    with pytest.raises(Invalid, match="successes"):
        va.estimate_area_variance([5], [4])


def test_row_logsumexp_is_scipys_to_the_bit() -> None:
    # The quadrature's own logsumexp must give SciPy's numbers exactly (ties of the largest term, very
    # negative rows, one column), and hand anything not finite to SciPy.
    rng = np.random.default_rng(0)
    for _ in range(300):
        a = rng.normal(0, 10 ** rng.uniform(-3, 3), (rng.integers(1, 30), rng.integers(1, 16)))
        a -= rng.uniform(0, 1e4)
        a[:, 0] = a[:, -1] if rng.random() < 0.3 else a[:, 0]
        np.testing.assert_array_equal(va._logsumexp_rows(a), special.logsumexp(a, axis=1))
    edge = np.array([[-np.inf, -np.inf], [0.0, np.inf], [1.0, 2.0]])
    np.testing.assert_array_equal(va._logsumexp_rows(edge), special.logsumexp(edge, axis=1))
