"""Funnel limits and over-dispersion: hand-worked limits, SciPy distributions as reference, simulations."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from helhet.analytics import funnel as fn
from helhet.errors import Invalid


def _interpolated_cdf(dist: stats.rv_discrete, x: np.ndarray) -> np.ndarray:
    """Reference: the binomial/Poisson CDF joined linearly between whole counts, evaluated at x."""
    whole = np.ceil(x)
    below = dist.cdf(whole - 1)
    return below + (x - (whole - 1)) * (dist.cdf(whole) - below)


def test_exact_proportion_limits_for_n_10_worked_by_hand() -> None:
    # Binomial(10, 0.5): P(R ≤ 1) = 11/1024, P(R ≤ 2) = 56/1024, P(R ≤ 7) = 968/1024, P(R ≤ 8) = 1013/1024.
    # Lower  2.5 %: r = 2, α = (56/1024 − 0.025)/(45/1024) = 30.4/45 → (2 − 30.4/45)/10 = 0.132444
    # Upper 97.5 %: r = 8, α = (1013/1024 − 0.975)/(45/1024) = 14.6/45 → (8 + 1 − 14.6/45)/10 = 0.867556:
    # P(R ≥ 9) = 11/1024 < 0.025 is flagged, P(R ≥ 8) = 56/1024 is not; symmetric with the lower limit.
    limits = fn.funnel_limits_proportion(0.5, 10, levels=(0.95,))
    assert limits.upper[0, 0] == pytest.approx((9 - 14.6 / 45) / 10, abs=1e-12)
    assert limits.lower[0, 0] == pytest.approx((2 - 30.4 / 45) / 10, abs=1e-12)
    assert limits.upper[0, 0] == pytest.approx(1 - limits.lower[0, 0], abs=1e-12)
    assert limits.levels == (0.95,) and limits.phi == 1.0 and limits.tau2 == 0.0


def test_exact_proportion_limits_invert_the_interpolated_binomial_cdf() -> None:
    n = np.array([5, 20, 73, 150, 999, 4000, 25_000])
    limits = fn.funnel_limits_proportion(0.12, n)
    for row, level in enumerate(limits.levels):
        lower, upper = limits.lower[row], limits.upper[row]
        inside = lower > 0  # limits clipped at 0 for tiny n are not inverses
        got = _interpolated_cdf(stats.binom(n[inside], 0.12), lower[inside] * n[inside])
        np.testing.assert_allclose(got, (1 - level) / 2, rtol=1e-9)
        # the upper limit sits one count above the interpolated quantile
        inside = upper < 1
        got = _interpolated_cdf(stats.binom(n[inside], 0.12), upper[inside] * n[inside] - 1)
        np.testing.assert_allclose(got, (1 + level) / 2, rtol=1e-9)
    assert np.all(np.diff(limits.upper[1]) < 0) and np.all(np.diff(limits.lower[1][limits.lower[1] > 0]) > 0)
    assert np.all(limits.lower[0] >= limits.lower[1]) and np.all(limits.upper[0] <= limits.upper[1])


@pytest.mark.parametrize("target", [0.02, 0.106, 0.5, 0.894, 0.98])
def test_exact_proportion_limits_flag_exactly_what_the_binomial_tail_test_rejects(target: float) -> None:
    # Every whole count k of n is compared with SciPy's binomial tails: above ⇔ P(X ≥ k) < α/2,
    # below ⇔ P(X ≤ k) < α/2.
    for n in (1, 3, 6, 11, 40, 257, 1000):
        k = np.arange(n + 1)
        limits = fn.funnel_limits_proportion(target, np.full(n + 1, n))
        flags = fn.classify(k / n, limits)
        for level in limits.levels:
            tail = (1 - level) / 2
            want = np.where(
                stats.binom.sf(k - 1, n, target) < tail,
                "above",
                np.where(stats.binom.cdf(k, n, target) < tail, "below", "within"),
            )
            assert flags[level].tolist() == want.tolist(), (target, n, level)


def test_all_or_none_in_a_small_area_is_within_and_a_clear_outlier_is_not() -> None:
    # 6 of 6 at p0 = 0.894 is the most likely outcome (P = 0.894⁶ = 0.51): within, at both levels
    all_six = fn.funnel_limits_proportion(0.894, [6])
    assert all_six.upper[:, 0].tolist() == [1.0, 1.0]
    assert fn.classify([1.0], all_six)[0.998].tolist() == ["within"]
    assert fn.classify([1.0], all_six)[0.95].tolist() == ["within"]
    # 0 of 6 at p0 = 0.106: P = 0.51 as well
    none_of_six = fn.funnel_limits_proportion(0.106, [6])
    assert fn.classify([0.0], none_of_six)[0.998].tolist() == ["within"]
    # 20 of 100 at p0 = 0.5: P(X ≤ 20) = 5.6e-10
    assert fn.classify([0.2], fn.funnel_limits_proportion(0.5, [100]))[0.998].tolist() == ["below"]
    # over-dispersion on: the normal limits with τ² never come inside the exact ones
    rng = np.random.default_rng(6)
    n = np.concatenate([rng.integers(200, 2000, 60), np.full(40, 6)])
    k = rng.binomial(n, np.clip(0.894 + rng.normal(0, 0.04, 100), 0, 1))
    k[60:] = 6
    limits = fn.funnel_limits_proportion(0.894, n, overdispersed=True, successes=k, consistent=True)
    assert limits.tau2 > 0
    assert set(fn.classify(k / n, limits)[0.998][60:].tolist()) == {"within"}
    exact = fn.funnel_limits_proportion(0.894, n)
    assert np.all(limits.upper >= exact.upper) and np.all(limits.lower <= exact.lower)


def test_exact_oe_limits_invert_the_interpolated_poisson_cdf() -> None:
    expected = np.array([0.5, 3.0, 10.0, 42.5, 400.0, 9000.0])
    limits = fn.funnel_limits_oe(expected)
    # E = 10, upper 97.5 %: P(O ≤ 16) = 0.972958, P(O ≤ 17) = 0.985722 → (17 + 1 − 0.010722/0.012764)/10 = 1.7160
    # (P(O ≥ 18) = 0.0143 is flagged, P(O ≥ 17) = 0.0270 is not)
    assert limits.upper[0, 2] == pytest.approx(1.7160, abs=1e-4)
    for row, level in enumerate(limits.levels):
        inside = limits.lower[row] > 0
        got = _interpolated_cdf(stats.poisson(expected[inside]), limits.lower[row][inside] * expected[inside])
        np.testing.assert_allclose(got, (1 - level) / 2, rtol=1e-9)
        got = _interpolated_cdf(stats.poisson(expected), limits.upper[row] * expected - 1)
        np.testing.assert_allclose(got, (1 + level) / 2, rtol=1e-9)


def test_exact_oe_limits_flag_exactly_what_the_poisson_tail_test_rejects() -> None:
    for e in (0.3, 1.0, 2.5, 7.2, 30.0, 180.0):
        observed = np.arange(int(e * 4 + 15))
        limits = fn.funnel_limits_oe(np.full(observed.size, e))
        flags = fn.classify(observed / e, limits)
        for level in limits.levels:
            tail = (1 - level) / 2
            want = np.where(
                stats.poisson.sf(observed - 1, e) < tail,
                "above",
                np.where(stats.poisson.cdf(observed, e) < tail, "below", "within"),
            )
            assert flags[level].tolist() == want.tolist(), (e, level)


def test_normal_limits_are_target_plus_minus_z_standard_errors() -> None:
    n = np.array([100, 400])
    limits = fn.funnel_limits_proportion(0.2, n, levels=(0.95,), method="normal")
    half = stats.norm.ppf(0.975) * np.sqrt(0.2 * 0.8 / n)
    np.testing.assert_allclose(limits.upper[0], 0.2 + half)
    np.testing.assert_allclose(limits.lower[0], 0.2 - half)
    oe = fn.funnel_limits_oe([25.0], levels=(0.998,), method="normal")
    assert oe.upper[0, 0] == pytest.approx(1 + stats.norm.ppf(0.999) / 5)


def test_limits_without_trials_are_nan_and_tiny_sizes_stay_at_or_above_zero() -> None:
    limits = fn.funnel_limits_proportion(0.3, [0, 1, 3])
    assert np.all(np.isnan(limits.lower[:, 0])) and np.all(np.isnan(limits.upper[:, 0]))
    oe = fn.funnel_limits_oe([0.0, 0.01])
    assert np.isnan(oe.upper[0, 0]) and oe.lower[0, 1] == 0.0 and oe.upper[0, 1] >= 0.0
    with pytest.raises(Invalid, match="whole numbers"):
        fn.funnel_limits_proportion(0.3, [10.5])


def test_overdispersion_worked_by_hand() -> None:
    z, s = np.array([-2.0, -1, 0, 1, 2]), np.full(5, 0.1)
    # No winsorising: φ = (4 + 1 + 0 + 1 + 4)/5 = 2; w = 100 each: Σw − Σw²/Σw = 500 − 100 = 400
    # τ² = (5·2 − 4)/400 = 0.015
    assert fn.overdispersion(z, s, winsor=0.0) == pytest.approx((2.0, 0.015))
    # 10 %: the 10th/90th percentiles of five values are ∓1.6, so φ = (2.56 + 1 + 0 + 1 + 2.56)/5 = 1.424
    # τ² = (5·1.424 − 4)/400 = 0.0078
    assert fn.overdispersion(z, s) == pytest.approx((1.424, 0.0078))
    phi, tau2 = fn.overdispersion([-0.5, 0.2, 0.4, -0.1], [0.1] * 4)
    assert phi < 1 and tau2 == 0.0


def test_winsorised_null_phi_matches_a_monte_carlo_of_normal_z_scores() -> None:
    z = np.random.default_rng(3).standard_normal(1_000_000)
    low, high = np.quantile(z, [0.1, 0.9])
    assert fn.winsorised_null_phi(0.1) == pytest.approx(np.mean(np.clip(z, low, high) ** 2), abs=2e-3)
    assert fn.winsorised_null_phi(0.0) == 1.0


def test_areas_without_extra_variation_give_phi_near_one_and_few_false_flags() -> None:
    rng = np.random.default_rng(2005)
    n = rng.integers(50, 2000, 20_000)
    k = rng.binomial(n, 0.3)
    z = fn.z_scores_proportion(k, n, 0.3)
    # Spiegelhalter's φ averages winsorised z² and so sits at 0.679 here; the consistent one sits at 1.
    assert fn.overdispersion(*z).phi == pytest.approx(fn.winsorised_null_phi(0.1), abs=0.03)
    assert fn.overdispersion(*z, consistent=True).phi == pytest.approx(1.0, abs=0.04)
    flags = fn.classify(k / n, fn.funnel_limits_proportion(0.3, n))
    # 40 expected false flags in 20,000 at 99.8 %; SD ≈ 6.3
    assert 0.001 < np.mean(flags[0.998] != "within") < 0.0035
    assert 0.04 < np.mean(flags[0.95] != "within") < 0.06
    # φ ≤ 1, so asking for over-dispersion keeps the exact limits
    assert fn.funnel_limits_proportion(0.3, n, overdispersed=True, successes=k).tau2 == 0.0


def test_oe_areas_without_extra_variation_give_few_false_flags() -> None:
    rng = np.random.default_rng(1185)
    expected = rng.uniform(2, 300, 20_000)
    observed = rng.poisson(expected)
    flags = fn.classify(observed / expected, fn.funnel_limits_oe(expected))
    assert 0.001 < np.mean(flags[0.998] != "within") < 0.0035
    assert fn.overdispersion(*fn.z_scores_oe(observed, expected), consistent=True).phi == pytest.approx(1, abs=0.04)


def test_planted_deviations_are_flagged() -> None:
    rng = np.random.default_rng(42)
    n = rng.integers(300, 800, 300)
    p = np.full(300, 0.2)
    p[:5], p[5:8] = 0.35, 0.07
    k = rng.binomial(n, p)
    flags = fn.classify(k / n, fn.funnel_limits_proportion(0.2, n))[0.998]
    assert flags[:5].tolist() == ["above"] * 5
    assert flags[5:8].tolist() == ["below"] * 3
    assert np.sum(flags[8:] != "within") <= 2

    expected = rng.uniform(20, 200, 300)
    observed = rng.poisson(expected * np.where(np.arange(300) < 4, 2.0, 1.0))
    oe_flags = fn.classify(observed / expected, fn.funnel_limits_oe(expected))[0.998]
    assert oe_flags[:4].tolist() == ["above"] * 4


def test_overdispersed_limits_widen_to_the_random_effects_and_keep_big_outliers() -> None:
    rng = np.random.default_rng(1202)
    n = rng.integers(1000, 5000, 500)
    p = 0.3 + rng.normal(0, 0.03, 500)  # τ² = 0.0009 on the proportion scale
    p[:3] = 0.5
    k = rng.binomial(n, p)
    plain = fn.classify(k / n, fn.funnel_limits_proportion(0.3, n))[0.998]
    limits = fn.funnel_limits_proportion(0.3, n, overdispersed=True, successes=k, consistent=True)
    assert limits.phi > 5 and limits.tau2 == pytest.approx(0.0009, rel=0.25)
    wide = fn.classify(k / n, limits)[0.998]
    assert np.mean(plain[3:] != "within") > 0.25  # most of the spread is real, so plain limits flag a third
    assert np.mean(wide[3:] != "within") < 0.02
    assert wide[:3].tolist() == ["above"] * 3
    # z-score based limits: p0 ± z·sqrt(p0(1 − p0)/n + τ²)
    half = stats.norm.ppf(0.999) * np.sqrt(0.21 / n + limits.tau2)
    np.testing.assert_allclose(limits.upper[1], 0.3 + half)
    # The published (unscaled) φ underestimates τ² here.
    published = fn.funnel_limits_proportion(0.3, n, overdispersed=True, successes=k)
    assert 0 < published.tau2 < limits.tau2


def test_overdispersed_limits_on_a_grid_use_the_areas_for_tau2() -> None:
    rng = np.random.default_rng(8)
    expected = rng.uniform(50, 500, 400)
    observed = rng.poisson(expected * rng.gamma(25, 1 / 25, 400))  # SD 0.2 on the ratio scale
    at_areas = fn.funnel_limits_oe(expected, overdispersed=True, observed=observed)
    grid = fn.funnel_limits_oe(
        np.geomspace(10, 1000, 50), overdispersed=True, observed=observed, areas_expected=expected
    )
    assert grid.tau2 == at_areas.tau2 > 0
    assert grid.lower.shape == (2, 50)
    with pytest.raises(Invalid, match="observed"):
        fn.funnel_limits_oe(expected, overdispersed=True)


def test_classify_worked_by_hand_with_missing_values() -> None:
    limits = fn.FunnelLimits(
        target=0.5,
        size=np.array([10.0, 10.0, 10.0, 0.0]),
        levels=(0.95,),
        lower=np.array([[0.2, 0.2, 0.2, np.nan]]),
        upper=np.array([[0.8, 0.8, 0.8, np.nan]]),
    )
    got = fn.classify([0.9, 0.1, 0.8, np.nan], limits)
    assert got[0.95].tolist() == ["above", "below", "within", "missing"]
    with pytest.raises(Invalid, match="observed_values"):
        fn.classify([0.5], limits)


def test_grouped_limits_are_those_of_one_call_per_group() -> None:
    # Many funnels at once (as the atlas does for every indicator, level and year) must give each group
    # exactly the limits, φ and τ² of its own call: some groups over-dispersed (τ² > 0), some not, one too
    # small for φ.
    rng = np.random.default_rng(11)
    sizes, successes, groups = [], [], []
    for g, (areas, p, spread) in enumerate([(40, 0.3, 0.15), (25, 0.05, 0.0), (60, 0.8, 0.05), (1, 0.5, 0.0)]):
        n = rng.integers(0, 400, areas) if areas > 1 else np.array([200])
        rates = np.clip(p + rng.normal(0, spread, areas), 0.01, 0.99)
        sizes.append(n)
        successes.append(rng.binomial(n, rates))
        groups.append(np.full(areas, f"g{g}"))
    order = rng.permutation(sum(len(n) for n in sizes))  # groups interleaved, as rows come from a query
    n, k, group = (np.concatenate(x)[order] for x in (sizes, successes, groups))
    grouped = fn.funnel_limits_proportion_grouped(k, n, group, (0.95, 0.998), overdispersed=True, consistent=True)
    assert (grouped.tau2 > 0).any() and (grouped.tau2 == 0).any() and np.isnan(grouped.phi).any()
    for label in np.unique(group):
        rows = group == label
        one = fn.funnel_limits_proportion(
            k[rows].sum() / n[rows].sum(),
            n[rows],
            (0.95, 0.998),
            overdispersed=True,
            successes=k[rows],
            consistent=True,
        )
        np.testing.assert_array_equal(grouped.limits.lower[:, rows], one.lower)
        np.testing.assert_array_equal(grouped.limits.upper[:, rows], one.upper)
        np.testing.assert_array_equal(grouped.phi[rows], one.phi)
        np.testing.assert_array_equal(grouped.tau2[rows], one.tau2)


def test_grouped_limits_refuse_a_group_with_no_events() -> None:
    with pytest.raises(Invalid, match="target_p"):
        fn.funnel_limits_proportion_grouped([0, 0, 3], [10, 10, 10], ["a", "a", "b"])


def _quantile_from_scipy_ppf(dist: stats.rv_discrete, q: np.ndarray, upper: bool) -> np.ndarray:
    """Reference: r = SciPy's ppf, then α from the CDF at r and r − 1, as the limits were first computed."""
    r = dist.ppf(q)
    at_r, below_r = dist.cdf(r), dist.cdf(r - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.where(at_r > below_r, (at_r - q) / (at_r - below_r), 0.0)
    return r + (1 if upper else 0) - alpha


@pytest.mark.parametrize("upper", [False, True])
def test_interpolated_quantiles_are_those_from_scipy_ppf(upper: bool) -> None:
    # The quantile search starts from a Cornish–Fisher guess and steps by whole counts; it must land on the
    # count SciPy's ppf gives, for the tail probabilities of the 95 % and 99.8 % limits, from n = 0 to 10⁷
    # and p near 0 and 1 (where the guess is worst).
    rng = np.random.default_rng(21)
    n = np.concatenate([np.arange(40), rng.integers(0, 5_000, 3_000), (10 ** rng.uniform(3, 7, 1_000)).round()])
    p = np.concatenate([rng.uniform(0.001, 0.999, n.size - 1_000), 10 ** rng.uniform(-6, -2, 500)])
    p = np.concatenate([p, 1 - 10 ** rng.uniform(-6, -2, 500)])
    q = np.array([0.001, 0.025, 0.975, 0.999])[:, None]
    want = _quantile_from_scipy_ppf(stats.binom(n[None, :], p[None, :]), q, upper)
    np.testing.assert_array_equal(fn._binomial_quantile(q, n[None, :], p[None, :], upper=upper), want)
    mean = np.concatenate([10 ** rng.uniform(-4, 6, 3_000), [0.5, 1.0, 10.0]])
    want = _quantile_from_scipy_ppf(stats.poisson(mean[None, :]), q, upper)
    np.testing.assert_array_equal(fn._poisson_quantile(q, mean[None, :], upper=upper), want)


def test_overdispersion_of_many_groups_is_that_of_one_call_each() -> None:
    # Groups of the same size are done as one matrix: each must still get exactly its own call's φ and τ²,
    # with unusable rows (no trials) left out and groups of one area without an estimate.
    rng = np.random.default_rng(8)
    sizes = [4, 4, 4, 7, 30, 30, 1, 2, 150]
    group = np.repeat(np.arange(len(sizes)), sizes)
    rng.shuffle(group)
    z = rng.normal(0, 1.6, group.size)
    s = rng.uniform(0.01, 0.2, group.size)
    s[rng.integers(0, group.size, 10)] = np.nan
    phi, tau2 = fn._overdispersion_by_group(z, s, group, len(sizes), 0.1, True)
    for g in range(len(sizes)):
        np.testing.assert_array_equal([phi[g], tau2[g]], _overdispersion_one_group(z[group == g], s[group == g]))
    assert np.isnan(phi[6]) and (tau2[[0, 4, 8]] > 0).all()


def _overdispersion_one_group(z: np.ndarray, s: np.ndarray, winsor: float = 0.1) -> tuple[float, float]:
    """Reference: Spiegelhalter's φ (consistent) and τ² of one group, written out as one call computed them."""
    keep = np.isfinite(z) & np.isfinite(s) & (s > 0)
    z, s = z[keep], s[keep]
    if z.size < 2:
        return np.nan, np.nan
    low, high = np.quantile(z, [winsor, 1 - winsor])
    phi = float(np.mean(np.clip(z, low, high) ** 2)) / fn.winsorised_null_phi(winsor)
    if phi <= 1:
        return phi, 0.0
    w = 1 / s**2
    return phi, float((z.size * phi - (z.size - 1)) / (w.sum() - np.sum(w**2) / w.sum()))
