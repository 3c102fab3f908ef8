"""Intervals, rates, standardisation, case mix: hand-worked answers, then statsmodels/SciPy as reference."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
import statsmodels.api as sm
from scipy import optimize, stats
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.rates import confint_poisson

from helhet.analytics import stats as st
from helhet.errors import Invalid

Z95 = 1.959963984540054


# --- proportions -------------------------------------------------------------------------------------------


def test_wilson_interval_for_3_of_10_worked_by_hand() -> None:
    # centre = (3 + z²/2)/(10 + z²) = 4.920729/13.841459 = 0.355507
    # half   = z/(10 + z²)·sqrt(3·7/10 + z²/4) = 0.141602·1.749390 = 0.247717
    lower, upper = st.wilson_interval(3, 10)
    assert float(lower) == pytest.approx(0.355507 - 0.247717, abs=1e-5)
    assert float(upper) == pytest.approx(0.355507 + 0.247717, abs=1e-5)


def test_wilson_interval_matches_statsmodels_for_many_areas() -> None:
    rng = np.random.default_rng(20250101)
    n = rng.integers(1, 5000, 2000)
    k = rng.binomial(n, rng.uniform(0, 1, n.size))
    for level in (0.9, 0.95, 0.998):
        lower, upper = st.wilson_interval(k, n, level)
        ref_lower, ref_upper = proportion_confint(k, n, alpha=1 - level, method="wilson")
        np.testing.assert_allclose(lower, ref_lower, atol=1e-12)
        np.testing.assert_allclose(upper, ref_upper, atol=1e-12)


def test_wilson_interval_is_nan_without_trials_and_stays_in_unit_range() -> None:
    lower, upper = st.wilson_interval([0, 10, 0], [10, 10, 0])
    assert lower[0] == 0.0 and upper[1] == 1.0
    assert np.isnan(lower[2]) and np.isnan(upper[2])


def test_wilson_interval_refuses_more_successes_than_trials() -> None:
    with pytest.raises(Invalid, match="k=11"):
        st.wilson_interval(11, 10)
    with pytest.raises(Invalid, match="level"):
        st.wilson_interval(1, 10, level=95)


# --- counts ------------------------------------------------------------------------------------------------


def test_exact_poisson_interval_for_10_events() -> None:
    lower, upper = st.poisson_exact_interval(10)
    assert float(lower) == pytest.approx(4.795, abs=5e-4)
    assert float(upper) == pytest.approx(18.390, abs=5e-4)


def test_exact_poisson_interval_matches_statsmodels_and_the_defining_tail_sums() -> None:
    counts = np.array([0, 1, 2, 5, 10, 37, 250, 10_000])
    lower, upper = st.poisson_exact_interval(counts, level=0.95)
    for o, lo, up in zip(counts, lower, upper, strict=True):
        ref = confint_poisson(int(o), 1, method="exact-c", alpha=0.05)
        assert (lo, up) == pytest.approx(ref, rel=1e-9, abs=1e-12)
        # Garwood: P(X ≥ O | lower) = 2.5 % and P(X ≤ O | upper) = 2.5 %
        if o > 0:
            assert stats.poisson.sf(o - 1, lo) == pytest.approx(0.025, rel=1e-8)
        assert stats.poisson.cdf(o, up) == pytest.approx(0.025, rel=1e-8)
    assert lower[0] == 0.0


def test_byar_interval_for_10_events_from_the_formula() -> None:
    # lower = 10·(1 − 1/90 − z/(3√10))³ = 10·0.782291³ = 4.7875
    # upper = 11·(1 − 1/99 + z/(3√11))³ = 11·1.186883³ = 18.3915
    lower, upper = st.byar_interval(10)
    assert round(float(lower), 2) == 4.79
    assert round(float(upper), 2) == 18.39
    assert float(lower) == pytest.approx(10 * (1 - 1 / 90 - Z95 / (3 * np.sqrt(10))) ** 3, rel=1e-12)


def test_byar_interval_is_close_to_exact_from_ten_events() -> None:
    counts = np.arange(10, 2000)
    exact = st.poisson_exact_interval(counts)
    byar = st.byar_interval(counts)
    np.testing.assert_allclose(byar.lower, exact.lower, rtol=2e-3)
    np.testing.assert_allclose(byar.upper, exact.upper, rtol=2e-3)
    assert st.byar_interval(0).lower == 0.0


def test_oe_ratio_divides_the_count_interval_by_expected() -> None:
    ratio, lower, upper = st.oe_ratio([10, 10, 3], [8, 0, 4])
    assert ratio[0] == 1.25
    assert lower[0] == pytest.approx(4.79539 / 8, rel=1e-5) and upper[0] == pytest.approx(18.39036 / 8, rel=1e-5)
    assert np.isnan(ratio[1]) and np.isnan(lower[1])
    byar = st.oe_ratio(10, 8, method="byar")
    assert float(byar.lower) == pytest.approx(4.78745 / 8, rel=1e-5)
    with pytest.raises(Invalid, match="method"):
        st.oe_ratio(1, 1, method="wald")  # type: ignore[arg-type]


# --- rates -------------------------------------------------------------------------------------------------


def test_crude_rate_per_10_000_matches_statsmodels() -> None:
    rate, lower, upper = st.crude_rate([10, 0, 5], [20_000, 1_000, 0])
    assert rate[0] == 5.0  # 10 / 20,000 · 10,000
    ref = confint_poisson(10, 20_000 / 10_000, method="exact-c")
    assert (lower[0], upper[0]) == pytest.approx(ref, rel=1e-9)
    assert rate[1] == 0.0 and lower[1] == 0.0 and upper[1] > 0
    assert np.isnan(rate[2]) and np.isnan(upper[2])


def test_direct_standardised_rate_for_two_strata_worked_by_hand() -> None:
    # Standard population 6,000 young and 4,000 old → weights 0.6 and 0.4.
    # Area: 10 events in 1,000 young, 20 events in 4,000 old.
    # DSR = 0.6·10/1000 + 0.4·20/4000 = 0.006 + 0.002 = 0.008 → 80 per 10,000
    # var = (0.6/1000)²·10 + (0.4/4000)²·20 = 3.6e-6 + 2e-7 = 3.8e-6
    # O = 30, exact Poisson limits of O (20.2409, 42.8269); sqrt(var/O) = 3.5590e-4
    # lower = 0.008 − 3.5590e-4·9.7591 = 0.0045267, upper = 0.008 + 3.5590e-4·12.8269 = 0.0125651
    rate, lower, upper = st.direct_standardised_rate([10, 20], [1000, 4000], [6000, 4000])
    assert float(rate) == pytest.approx(80.0)
    assert float(lower) == pytest.approx(45.267, abs=1e-3)
    assert float(upper) == pytest.approx(125.651, abs=1e-3)


def _dobson_one_area(d: np.ndarray, n: np.ndarray, std: np.ndarray, per: float) -> tuple[float, float, float]:
    """Reference: one area at a time, with statsmodels' exact Poisson interval for O."""
    w = std / std.sum()
    dsr = float(np.sum(w * d / n))
    var = float(np.sum((w / n) ** 2 * d))
    o = float(d.sum())
    o_lower, o_upper = confint_poisson(o, 1, method="exact-c")
    k = np.sqrt(var / o)
    return dsr * per, (dsr + k * (o_lower - o)) * per, (dsr + k * (o_upper - o)) * per


def test_direct_standardised_rate_does_all_areas_at_once_like_one_at_a_time() -> None:
    rng = np.random.default_rng(7)
    std = np.array([5000.0, 8000, 9000, 6000, 3000])
    population = rng.integers(200, 20_000, (300, 5)).astype(float)
    events = rng.poisson(population * np.array([1, 2, 4, 8, 16]) / 1000)
    rate, lower, upper = st.direct_standardised_rate(events, population, std, per=100_000, level=0.95)
    assert rate.shape == (300,)
    for i in range(0, 300, 37):
        assert (rate[i], lower[i], upper[i]) == pytest.approx(
            _dobson_one_area(events[i], population[i], std, 100_000), rel=1e-9
        )


def test_direct_standardised_rate_with_one_stratum_is_the_crude_rate() -> None:
    dsr = st.direct_standardised_rate([[7], [120]], [[3000], [50_000]], [1])
    crude = st.crude_rate([7, 120], [3000, 50_000])
    for got, want in zip(dsr, crude, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_direct_standardised_rate_without_events_has_no_interval() -> None:
    rate, lower, upper = st.direct_standardised_rate([[0, 0], [1, 0]], [[100, 100], [100, 0]], [1, 1])
    assert rate[0] == 0.0 and np.isnan(lower[0]) and np.isnan(upper[0])
    assert np.isnan(rate[1])  # a weighted stratum without population


def test_indirect_standardised_ratio_worked_by_hand() -> None:
    # E = 1000·0.002 + 2000·0.004 = 10; O = 3 + 7 = 10 → SMR 1, CI (4.795, 18.390)/10
    result = st.indirect_standardised_ratio([[3, 7], [0, 5]], [[1000, 2000], [500, 500]], [0.002, 0.004])
    assert result.observed.tolist() == [10.0, 5.0]
    assert result.expected.tolist() == pytest.approx([10.0, 3.0])
    assert result.ratio[0] == pytest.approx(1.0)
    assert (result.lower[0], result.upper[0]) == pytest.approx((0.47954, 1.83904), abs=1e-5)
    assert (result.lower[1], result.upper[1]) == pytest.approx(
        np.array(confint_poisson(5, 3, method="exact-c")), rel=1e-9
    )


# --- case-mix adjustment -----------------------------------------------------------------------------------


def _person_rows(seed: int = 11, persons: int = 4000) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    area = rng.choice(["Agder", "Innlandet", "Oslo", "Vestland"], persons)
    sex = rng.choice(["K", "M"], persons, p=[0.35, 0.65])
    age = rng.choice(["18-29", "30-49", "50+"], persons)
    prior = rng.integers(0, 4, persons)
    logit = -1.0 + 0.4 * (sex == "M") + 0.3 * (age == "30-49") - 0.5 * (age == "50+") + 0.25 * prior
    logit += np.select([area == "Oslo", area == "Agder"], [0.3, -0.2], 0.0)
    outcome = rng.binomial(1, 1 / (1 + np.exp(-logit)))
    return pl.DataFrame({"area": area, "sex": sex, "age": age, "prior": prior, "dropout": outcome})


def _cells(rows: pl.DataFrame) -> pl.DataFrame:
    return (
        rows.group_by("area", "sex", "age", "prior")
        .agg(dropouts=pl.col("dropout").sum(), persons=pl.len())
        .sort("area", "sex", "age", "prior")
    )


def test_casemix_fit_on_cells_equals_logit_on_person_rows() -> None:
    rows = _person_rows()
    model = st.fit_casemix_model(_cells(rows), "dropouts", "persons", ["sex", "age", "prior"])
    assert model.names == ("intercept", "sex[M]", "age[30-49]", "age[50+]", "prior")
    assert model.converged
    # Reference: statsmodels Logit on the person rows, design built by hand.
    sex, age = rows["sex"].to_numpy(), rows["age"].to_numpy()
    exog = np.column_stack(
        [np.ones(rows.height), sex == "M", age == "30-49", age == "50+", rows["prior"].to_numpy()]
    ).astype(float)
    logit = sm.Logit(rows["dropout"].to_numpy().astype(float), exog).fit(method="newton", tol=1e-12, disp=False)
    np.testing.assert_allclose(model.params, logit.params, atol=1e-6)
    np.testing.assert_allclose(model.bse, logit.bse, rtol=1e-5)
    person_p = model.predict_cells(rows)
    np.testing.assert_allclose(person_p, logit.predict(exog), atol=1e-8)


def test_expected_by_group_sums_to_observed_overall_and_matches_person_sums() -> None:
    rows = _person_rows(seed=5)
    cells = _cells(rows)
    model = st.fit_casemix_model(cells, "dropouts", "persons", ["sex", "age", "prior"])
    table = st.expected_by_group(cells, model.predict_cells(cells), "area", "persons", "dropouts")
    assert table["area"].to_list() == ["Agder", "Innlandet", "Oslo", "Vestland"]
    # Logistic maximum likelihood with an intercept reproduces the total: Σ expected = Σ observed.
    assert table["expected"].sum() == pytest.approx(table["observed"].sum(), rel=1e-8)
    by_person = rows.with_columns(p=pl.Series(model.predict_cells(rows))).group_by("area").agg(pl.col("p").sum())
    want = dict(zip(by_person["area"], by_person["p"], strict=True))
    assert table["expected"].to_list() == pytest.approx([want[a] for a in table["area"]], rel=1e-10)
    oslo = table.row(by_predicate=pl.col("area") == "Oslo", named=True)
    assert oslo["oe"] > 1 and oslo["lower"] > 1  # Oslo was simulated with higher odds


def test_expected_by_group_worked_by_hand() -> None:
    cells = pl.DataFrame({"area": ["B", "A", "A", "B"], "events": [3, 2, 4, 0], "persons": [10, 20, 10, 5]})
    table = st.expected_by_group(cells, np.array([0.2, 0.1, 0.3, 0.4]), "area", "persons", "events")
    # A: O = 6, E = 20·0.1 + 10·0.3 = 5;  B: O = 3, E = 10·0.2 + 5·0.4 = 4
    assert table.select("area", "observed", "expected", "trials").rows() == [
        ("A", 6.0, 5.0, 30),
        ("B", 3.0, 4.0, 15),
    ]
    assert table["oe"].to_list() == pytest.approx([1.2, 0.75])
    lower, upper = st.poisson_exact_interval(6)
    assert table["lower"][0] == pytest.approx(float(lower) / 5) and table["upper"][0] == pytest.approx(float(upper) / 5)


def test_casemix_model_treats_named_numeric_columns_as_categories_and_refuses_unseen_levels() -> None:
    cells = pl.DataFrame(
        {
            "band": [1, 1, 2, 2, 3, 3],
            "sex": ["K", "M"] * 3,
            "y": [2, 5, 4, 6, 9, 9],
            "n": [20, 20, 20, 20, 20, 20],
        }
    )
    model = st.fit_casemix_model(cells, "y", "n", ["band", "sex"], categorical=["band"])
    assert model.names == ("intercept", "band[2]", "band[3]", "sex[M]")
    assert model.levels == {"band": (1, 2, 3), "sex": ("K", "M")}
    assert model.predict_cells(cells).shape == (6,)
    with pytest.raises(Invalid, match="band=4"):
        model.predict_cells(pl.DataFrame({"band": [4], "sex": ["K"]}))


def test_casemix_fit_skips_cells_without_trials() -> None:
    # Men come in two cells (4 of 5, 2 of 5), so the model is not saturated: statsmodels reads a saturated
    # grouped fit (every cell fitted exactly) as perfect prediction and warns.
    cells = pl.DataFrame({"sex": ["K", "M", "M", "M"], "y": [3, 4, 2, 0], "n": [10, 5, 5, 0]})
    model = st.fit_casemix_model(cells, "y", "n", ["sex"])
    # Saturated two-group model: intercept = logit(0.3), sex[M] = logit(0.6) − logit(0.3)
    expected = [np.log(0.3 / 0.7), np.log(0.6 / 0.4) - np.log(0.3 / 0.7)]
    np.testing.assert_allclose(model.params, expected, atol=1e-8)
    # Scalar root-finding as a second reference for the intercept.
    root = optimize.brentq(lambda b: 10 / (1 + np.exp(-b)) - 3, -5, 5)
    assert model.params[0] == pytest.approx(root, abs=1e-8)


def test_casemix_fit_equals_statsmodels_glm_on_the_cells_and_ignores_their_order() -> None:
    # The fit sums cells alike in every covariate (here the four areas' cells of each pattern) before the
    # Newton steps; statsmodels' binomial GLM on the cells themselves is the reference, deviance included
    # (over the cells, not the patterns), and shuffling the cells must not change a bit.
    rows = _person_rows(seed=3, persons=6000)
    cells = _cells(rows)
    model = st.fit_casemix_model(cells, "dropouts", "persons", ["sex", "age", "prior"])
    sex, age = cells["sex"].to_numpy(), cells["age"].to_numpy()
    exog = np.column_stack(
        [np.ones(cells.height), sex == "M", age == "30-49", age == "50+", cells["prior"].to_numpy()]
    ).astype(float)
    k, n = cells["dropouts"].to_numpy().astype(float), cells["persons"].to_numpy().astype(float)
    glm = sm.GLM(np.column_stack([k, n - k]), exog, family=sm.families.Binomial()).fit(tol=1e-12)
    np.testing.assert_allclose(model.params, glm.params, rtol=1e-9)
    np.testing.assert_allclose(model.bse, glm.bse, rtol=1e-7)
    assert model.deviance == pytest.approx(glm.deviance, rel=1e-9)
    shuffled = cells.sample(fraction=1.0, shuffle=True, seed=2)
    again = st.fit_casemix_model(shuffled, "dropouts", "persons", ["sex", "age", "prior"])
    np.testing.assert_array_equal(again.params, model.params)
    np.testing.assert_array_equal(again.bse, model.bse)
    assert again.deviance == pytest.approx(model.deviance, rel=1e-12)


def test_casemix_design_codes_booleans_and_strings_by_their_sorted_levels() -> None:
    cells = pl.DataFrame({"homeless": [True, False, True], "band": ["b", "a", "c"], "y": [1, 2, 3], "n": [9, 9, 9]})
    model = st.fit_casemix_model(cells, "y", "n", ["homeless", "band"])
    assert model.names == ("intercept", "homeless[True]", "band[b]", "band[c]")
    np.testing.assert_array_equal(model.design(cells), [[1, 1, 1, 0], [1, 0, 0, 0], [1, 1, 0, 1]])
    with pytest.raises(Invalid, match="band='d'"):
        model.design(pl.DataFrame({"homeless": [False], "band": ["d"]}))
