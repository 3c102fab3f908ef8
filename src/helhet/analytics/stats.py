"""Intervals, rates, standardisation and case-mix adjustment for the atlas.

Pure functions over numpy arrays and plain numbers, vectorised so that one call handles every area at once
(STYLE §8). Funnel limits live in `funnel.py` and the between-area variation measures in `variation.py`.

Conventions: arguments are array-like and broadcast against each other; results are float arrays (0-d for
scalar input); an undefined value (no trials, no population, no expected count) is ``nan``, never an error;
impossible input (negative counts, more successes than trials, a level outside (0, 1)) raises `Invalid`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
import numpy.typing as npt
import polars as pl
from scipy import special, stats

from helhet.errors import Invalid

FloatArray = npt.NDArray[np.float64]
IntervalMethod = Literal["exact", "byar"]


class Interval(NamedTuple):
    lower: FloatArray
    upper: FloatArray


class Ratio(NamedTuple):
    ratio: FloatArray
    lower: FloatArray
    upper: FloatArray


class Rate(NamedTuple):
    rate: FloatArray
    lower: FloatArray
    upper: FloatArray


class StandardisedRatio(NamedTuple):
    observed: FloatArray
    expected: FloatArray
    ratio: FloatArray
    lower: FloatArray
    upper: FloatArray


def as_float(values: npt.ArrayLike) -> FloatArray:
    """Return ``values`` as a float64 array (shared by the atlas modules)."""
    return np.asarray(values, dtype=np.float64)


def z_value(level: float) -> float:
    """Two-sided standard normal quantile for a confidence ``level`` (1.959964 for 0.95)."""
    check_level(level)
    return float(stats.norm.ppf(0.5 + level / 2))


def check_level(level: float) -> None:
    if not 0 < level < 1:
        raise Invalid("level", level, "must lie strictly between 0 and 1")


def _check_non_negative(field: str, values: FloatArray) -> None:
    if np.any(values < 0):
        raise Invalid(field, values[values < 0].flat[0].item(), "cannot be negative")


# --- proportions -------------------------------------------------------------------------------------------


def wilson_interval(k: npt.ArrayLike, n: npt.ArrayLike, level: float = 0.95) -> Interval:
    """Wilson score interval for k successes in n trials (Wilson 1927; Newcombe 1998, method 3).

    ``(k + z²/2)/(n + z²) ± z/(n + z²)·sqrt(k(n − k)/n + z²/4)``, clipped to [0, 1]; ``nan`` where n = 0.
    """
    z = z_value(level)
    k_, n_ = np.broadcast_arrays(as_float(k), as_float(n))
    _check_non_negative("k", k_)
    _check_non_negative("n", n_)
    if np.any(k_ > n_):
        raise Invalid("k", k_[k_ > n_].flat[0].item(), "cannot exceed the number of trials n")
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = (k_ + z**2 / 2) / (n_ + z**2)
        half = z / (n_ + z**2) * np.sqrt(k_ * (n_ - k_) / n_ + z**2 / 4)
    empty = n_ == 0
    lower = np.where(empty, np.nan, np.clip(centre - half, 0.0, 1.0))
    upper = np.where(empty, np.nan, np.clip(centre + half, 0.0, 1.0))
    return Interval(lower, upper)


# --- counts ------------------------------------------------------------------------------------------------


def poisson_exact_interval(count: npt.ArrayLike, level: float = 0.95) -> Interval:
    """Exact (Garwood 1936) interval for the mean of a Poisson count O.

    Lower ``= χ²(α/2; 2O)/2`` (0 when O = 0), upper ``= χ²(1 − α/2; 2O + 2)/2``, written with the gamma
    quantile, which equals χ²(q; 2a)/2 and accepts non-integer counts.
    """
    check_level(level)
    alpha = 1 - level
    o = as_float(count)
    _check_non_negative("count", o)
    with np.errstate(invalid="ignore"):
        lower = np.where(o > 0, stats.gamma.ppf(alpha / 2, np.where(o > 0, o, 1.0)), 0.0)
        upper = stats.gamma.ppf(1 - alpha / 2, o + 1)
    return Interval(as_float(lower), as_float(upper))


def byar_interval(observed: npt.ArrayLike, level: float = 0.95) -> Interval:
    """Byar's approximation to the exact Poisson interval (Breslow & Day 1987, vol. II, p. 69).

    Lower ``= O·(1 − 1/(9O) − z/(3√O))³`` (0 when O = 0), upper ``= (O+1)·(1 − 1/(9(O+1)) + z/(3√(O+1)))³``.
    """
    z = z_value(level)
    o = as_float(observed)
    _check_non_negative("observed", o)
    safe = np.where(o > 0, o, 1.0)
    lower = np.where(o > 0, safe * (1 - 1 / (9 * safe) - z / (3 * np.sqrt(safe))) ** 3, 0.0)
    upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * np.sqrt(o + 1))) ** 3
    return Interval(as_float(lower), as_float(upper))


def count_interval(count: npt.ArrayLike, level: float = 0.95, method: IntervalMethod = "exact") -> Interval:
    """The Poisson interval for a count by ``method`` ("exact" Garwood or "byar")."""
    if method == "exact":
        return poisson_exact_interval(count, level)
    if method == "byar":
        return byar_interval(count, level)
    raise Invalid("method", method, "must be 'exact' or 'byar'")


def oe_ratio(
    observed: npt.ArrayLike,
    expected: npt.ArrayLike,
    level: float = 0.95,
    method: IntervalMethod = "exact",
) -> Ratio:
    """Observed/expected ratio with the count's Poisson interval divided by E (E treated as fixed).

    This is the usual SMR interval (Breslow & Day 1987); ``nan`` where E ≤ 0.
    """
    o, e = np.broadcast_arrays(as_float(observed), as_float(expected))
    lower, upper = count_interval(o, level, method)
    with np.errstate(divide="ignore", invalid="ignore"):
        good = e > 0
        return Ratio(*(np.where(good, x / e, np.nan) for x in (o, lower, upper)))


# --- rates -------------------------------------------------------------------------------------------------


def crude_rate(events: npt.ArrayLike, population: npt.ArrayLike, per: float = 10_000, level: float = 0.95) -> Rate:
    """Events per ``per`` population with the exact Poisson (Garwood) interval; ``nan`` if population ≤ 0."""
    d, n = np.broadcast_arrays(as_float(events), as_float(population))
    lower, upper = poisson_exact_interval(d, level)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(n > 0, per / n, np.nan)
    return Rate(d * scale, lower * scale, upper * scale)


def direct_standardised_rate(
    events_by_stratum: npt.ArrayLike,
    population_by_stratum: npt.ArrayLike,
    standard_population_by_stratum: npt.ArrayLike,
    per: float = 10_000,
    level: float = 0.95,
) -> Rate:
    """Directly standardised rate with Dobson's interval (Dobson, Kuulasmaa, Eberle & Scherer 1991).

    Strata are the last axis: pass ``(strata,)`` for one area or ``(areas, strata)`` for all at once; the
    standard population is ``(strata,)``. With weights ``w_j = N_j / ΣN``::

        DSR = Σ w_j d_j / n_j        var(DSR) = Σ (w_j / n_j)² d_j        O = Σ d_j
        CI  = DSR + sqrt(var(DSR) / O) · (O_lower − O, O_upper − O)

    where O_lower/O_upper is the exact Poisson interval of O. The rate is ``nan`` when a stratum with standard
    weight has no population; the interval is ``nan`` when O = 0 (Dobson's scaling is then undefined).
    """
    d, n = np.broadcast_arrays(as_float(events_by_stratum), as_float(population_by_stratum))
    std = as_float(standard_population_by_stratum)
    _check_non_negative("events_by_stratum", d)
    _check_non_negative("standard_population_by_stratum", std)
    if std.ndim != 1 or std.shape[0] != d.shape[-1] or std.sum() <= 0:
        raise Invalid("standard_population_by_stratum", std.shape, "must be one positive row with a value per stratum")
    w = std / std.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        w_over_n = np.where(w > 0, w / n, 0.0)
        w_over_n = np.where(np.isfinite(w_over_n) & (n >= 0), w_over_n, np.nan)
        dsr = np.sum(w_over_n * d, axis=-1)
        var = np.sum(w_over_n**2 * d, axis=-1)
        o = d.sum(axis=-1)
        o_lower, o_upper = poisson_exact_interval(o, level)
        scale = np.where(o > 0, np.sqrt(var / o), np.nan)
    return Rate(dsr * per, (dsr + scale * (o_lower - o)) * per, (dsr + scale * (o_upper - o)) * per)


def indirect_standardised_ratio(
    events_by_stratum: npt.ArrayLike,
    population_by_stratum: npt.ArrayLike,
    reference_rates_by_stratum: npt.ArrayLike,
    level: float = 0.95,
) -> StandardisedRatio:
    """Indirectly standardised ratio (SMR) O/E with the exact Poisson interval (Breslow & Day 1987).

    ``O = Σ d_j``, ``E = Σ n_j · r_j`` over strata (the last axis; ``(areas, strata)`` does all areas).
    """
    d, n = np.broadcast_arrays(as_float(events_by_stratum), as_float(population_by_stratum))
    observed = d.sum(axis=-1)
    expected = np.sum(n * as_float(reference_rates_by_stratum), axis=-1)
    ratio = oe_ratio(observed, expected, level, "exact")
    return StandardisedRatio(as_float(observed), as_float(expected), *ratio)


# --- case-mix adjustment -----------------------------------------------------------------------------------

_CATEGORICAL_DTYPES = (pl.String, pl.Categorical, pl.Enum, pl.Boolean)


@dataclass(frozen=True)
class CasemixModel:
    """A binomial logistic model fitted on aggregated covariate cells (see `fit_casemix_model`).

    ``levels`` holds each categorical covariate's levels, the first being the reference (dropped) level.
    """

    covariates: tuple[str, ...]
    levels: Mapping[str, tuple[object, ...]]
    names: tuple[str, ...]
    params: FloatArray
    bse: FloatArray
    deviance: float
    converged: bool

    def design(self, cells: pl.DataFrame) -> FloatArray:
        """The design matrix for ``cells``: an intercept, numeric covariates as given, and one-hot dummies."""
        exog = np.zeros((cells.height, len(self.names)))
        exog[:, 0] = 1.0
        column = 1
        for name in self.covariates:
            if cells[name].null_count():
                raise Invalid(name, None, "covariate cells cannot have missing values")
            if name not in self.levels:
                exog[:, column] = cells[name].cast(pl.Float64).to_numpy()
                column += 1
                continue
            codes = self._level_codes(cells[name])
            dummy = codes > 0  # the first level is the reference
            exog[np.flatnonzero(dummy), column + codes[dummy] - 1] = 1.0
            column += len(self.levels[name]) - 1
        return exog

    def _level_codes(self, values: pl.Series) -> npt.NDArray[np.int64]:
        """Each value's position among the covariate's fitted levels; `Invalid` for a level not seen then."""
        levels = list(self.levels[values.name])
        if values.dtype == pl.Boolean and levels == [False, True]:
            return values.cast(pl.Int64).to_numpy()  # the usual case, and 20 times quicker than a lookup
        codes = values.replace_strict(levels, list(range(len(levels))), default=None, return_dtype=pl.Int64)
        if codes.null_count():
            raise Invalid(
                values.name, values.filter(codes.is_null())[0], "level was not seen when the case-mix model was fitted"
            )
        return codes.to_numpy()

    def predict_cells(self, cells: pl.DataFrame) -> FloatArray:
        """Predicted probability of the outcome for each cell."""
        return as_float(special.expit(_dot(self.design(cells), self.params)))


def fit_casemix_model(
    cells: pl.DataFrame,
    outcome_successes: str,
    outcome_trials: str,
    covariates: Sequence[str],
    categorical: Sequence[str] | None = None,
) -> CasemixModel:
    """Fit a logistic case-mix model on aggregated cells (one row per covariate pattern, e.g. per area too).

    The binomial likelihood on ``(successes, failures)`` per cell is exactly the row-level logistic
    likelihood, so the maximum-likelihood fit (Newton-Raphson, `_newton_binomial`) equals the row-level one at
    the cost of one row per covariate pattern (cells alike in every covariate are summed first). Covariates of
    string, categorical, enum or boolean type, and those named in ``categorical``, are one-hot encoded dropping
    the first (sorted) level; other covariates enter as numbers. Cells with no trials carry no information and
    are skipped; ``deviance`` is over the cells as given.
    """
    cells = cells.filter(pl.col(outcome_trials) > 0)
    successes = cells[outcome_successes].cast(pl.Float64).to_numpy()
    trials = cells[outcome_trials].cast(pl.Float64).to_numpy()
    bad = (successes < 0) | (successes > trials)
    if bad.any():
        raise Invalid(outcome_successes, successes[bad][0].item(), "must lie between 0 and the number of trials")
    forced = set(categorical or ())
    levels: dict[str, tuple[object, ...]] = {}
    names = ["intercept"]
    for name in covariates:
        if name in forced or isinstance(cells[name].dtype, _CATEGORICAL_DTYPES):
            levels[name] = tuple(sorted(cells[name].drop_nulls().unique().to_list()))
            names.extend(f"{name}[{level}]" for level in levels[name][1:])
        else:
            names.append(name)
    model = CasemixModel(tuple(covariates), levels, tuple(names), np.empty(0), np.empty(0), np.nan, False)
    # Cells alike in every covariate (e.g. the same patients' cells in different areas) have the same
    # probability, so the likelihood is the same summed per covariate pattern: the fit costs patterns, not
    # cells, and, patterns sorted, does not depend on the order of the cells.
    patterns = (
        cells.with_row_index("_cell")
        .group_by(list(covariates))
        .agg(
            pl.col(outcome_successes).cast(pl.Float64).sum(),
            pl.col(outcome_trials).cast(pl.Float64).sum(),
            pl.col("_cell"),
        )
        .sort(list(covariates))
    )
    exog = model.design(patterns)
    params, bse, converged = _newton_binomial(
        exog, patterns[outcome_successes].to_numpy(), patterns[outcome_trials].to_numpy()
    )
    # each cell's fitted probability is its pattern's
    probs = np.empty(cells.height)
    probs[patterns["_cell"].explode().to_numpy()] = np.repeat(
        special.expit(_dot(exog, params)), patterns["_cell"].list.len().to_numpy()
    )
    deviance = _binomial_deviance(successes, trials, probs)
    return CasemixModel(model.covariates, levels, model.names, params, bse, deviance, converged)


def _newton_binomial(
    exog: FloatArray, successes: FloatArray, trials: FloatArray, tol: float = 1e-10, max_iter: int = 100
) -> tuple[FloatArray, FloatArray, bool]:
    """Maximum likelihood for a binomial logit on cells by Newton-Raphson on the p × p information matrix.

    Each step costs O(cells · p²), so a model on thousands of covariate patterns fits in milliseconds;
    statsmodels' IRLS (a least-squares solve per step) gives the same estimates and is the reference in the
    tests. The products are `_dot`/`_gram`, not BLAS (see there).
    """
    p = exog.shape[1]
    beta = np.zeros(p)
    rate = np.clip(successes.sum() / max(trials.sum(), 1.0), 1e-6, 1 - 1e-6)
    beta[0] = np.log(rate / (1 - rate))
    converged = False
    info = np.eye(p)
    previous = np.inf
    eta = _dot(exog, beta)
    for _ in range(max_iter):
        mu = special.expit(eta)
        weights = trials * mu * (1 - mu)
        gradient = _dot(successes - trials * mu, exog)
        info = _gram(exog, weights)
        step = np.linalg.lstsq(info, gradient, rcond=None)[0]
        beta = beta + step
        # log-likelihood change as the criterion: under separation the coefficients of a level with only
        # successes drift for ever, while the fitted probabilities (all the atlas uses) have long settled
        eta = _dot(exog, beta)
        loglik = float(np.sum(successes * eta - trials * np.logaddexp(0.0, eta)))
        if np.max(np.abs(step)) < tol or abs(loglik - previous) < tol * (1 + abs(loglik)):
            converged = True
            break
        previous = loglik
    cov = np.linalg.pinv(info)
    return as_float(beta), as_float(np.sqrt(np.clip(np.diag(cov), 0, None))), converged


def _dot(a: FloatArray, b: FloatArray) -> FloatArray:
    """``a @ b`` for a matrix and a vector, in either order, by `numpy.einsum` rather than BLAS: OpenBLAS
    shares products of this size (thousands of rows) out to its threads, and on a busy machine waiting for them
    cost 50-400 ms per product (measured on 2 cores at load 5) against about 1 ms for einsum."""
    return as_float(np.einsum("ij,j->i", a, b) if a.ndim == 2 else np.einsum("i,ij->j", a, b))


def _gram(exog: FloatArray, weights: FloatArray) -> FloatArray:
    """``exogᵀ·diag(weights)·exog`` (the information matrix), by einsum for the reason in `_dot`."""
    return as_float(np.einsum("ij,ik->jk", exog * weights[:, None], exog))


def _binomial_deviance(successes: FloatArray, trials: FloatArray, probs: FloatArray) -> float:
    """The binomial deviance of cells with fitted probabilities (against the model that fits each cell)."""
    mu = np.clip(probs, 1e-300, 1 - 1e-16)
    with np.errstate(divide="ignore", invalid="ignore"):
        failures = trials - successes
        dev = 2 * (
            np.where(successes > 0, successes * np.log(successes / (trials * mu)), 0.0)
            + np.where(failures > 0, failures * np.log(failures / (trials * (1 - mu))), 0.0)
        )
    return float(np.sum(dev))


def expected_by_group(
    cells: pl.DataFrame,
    probs: npt.ArrayLike,
    group_col: str,
    trials_col: str,
    successes_col: str,
    level: float = 0.95,
    method: IntervalMethod = "exact",
) -> pl.DataFrame:
    """Observed and case-mix expected outcomes per group (area), with O/E and its Poisson interval.

    ``expected = Σ p_cell · trials_cell``; the interval treats E as fixed and O as Poisson (as for an SMR), a
    slightly conservative choice for a sum of Bernoulli outcomes. Sorted by group.
    """
    p = as_float(probs)
    if p.shape != (cells.height,):
        raise Invalid("probs", p.shape, f"must have one probability per cell ({cells.height})")
    totals = (
        cells.select(pl.col(group_col), pl.col(successes_col), pl.col(trials_col))
        .with_columns(pl.Series("_expected", p * cells[trials_col].cast(pl.Float64).to_numpy()))
        .group_by(group_col)
        .agg(
            observed=pl.col(successes_col).sum().cast(pl.Float64),
            expected=pl.col("_expected").sum(),
            trials=pl.col(trials_col).sum(),
        )
        .sort(group_col)
    )
    ratio, lower, upper = oe_ratio(totals["observed"].to_numpy(), totals["expected"].to_numpy(), level, method)
    return totals.with_columns(pl.Series("oe", ratio), pl.Series("lower", lower), pl.Series("upper", upper))
