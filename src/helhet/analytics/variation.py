"""Between-area variation measures, as the Norwegian health atlases (Helseatlas, SKDE) report them.

Areas are the last axis, so a (indicators × areas) array gives one answer per indicator. Non-finite rates (an
area with no population) are left out of FT, FT2 and CV.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import optimize, special, stats

from helhet.analytics.stats import FloatArray, as_float
from helhet.errors import Invalid


def _ranked_ratio(rates: npt.ArrayLike, rank: int) -> FloatArray:
    """The rank-th highest over the rank-th lowest finite rate; ``nan`` with fewer than 2·rank rates."""
    x = as_float(rates)
    x = np.where(np.isfinite(x), x, np.nan)
    ordered = np.sort(x, axis=-1)  # nan sorts last
    count = np.sum(np.isfinite(x), axis=-1)
    if x.shape[-1] < 2 * rank:
        return as_float(np.full(count.shape, np.nan))
    low = ordered[..., rank - 1]
    high = np.take_along_axis(ordered, np.maximum(count - rank, 0)[..., None], axis=-1)[..., 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        return as_float(np.where(count >= 2 * rank, high / low, np.nan))


def ft(rates: npt.ArrayLike) -> FloatArray:
    """Variation factor FT: highest area rate / lowest (``inf`` when the lowest is 0)."""
    return _ranked_ratio(rates, 1)


def ft2(rates: npt.ArrayLike) -> FloatArray:
    """FT2: second highest / second lowest area rate, less sensitive to one extreme area (needs 4 rates)."""
    return _ranked_ratio(rates, 2)


def cv(rates: npt.ArrayLike) -> FloatArray:
    """Coefficient of variation of the unweighted area rates: sample SD (ddof=1) / mean; needs 2 rates."""
    x = as_float(rates)
    finite = np.isfinite(x)
    count = finite.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(finite, x, 0.0).sum(axis=-1) / count
        squares = np.where(finite, (x - mean[..., None]) ** 2, 0.0).sum(axis=-1)
        return as_float(np.where(count >= 2, np.sqrt(squares / (count - 1)) / mean, np.nan))


def scv(observed: npt.ArrayLike, expected: npt.ArrayLike) -> FloatArray:
    """McPherson's systematic component of variation (McPherson et al. 1982, Soc Sci Med 16:1999–2007).

    ``SCV = 100·[(1/k) Σ ((O_i − E_i)/E_i)² − (1/k) Σ 1/E_i]`` over the k areas: the variance of O/E left
    after the Poisson part is taken away, so 0 means no more variation than chance. ``nan`` if some E ≤ 0.
    """
    o, e = np.broadcast_arrays(as_float(observed), as_float(expected))
    with np.errstate(divide="ignore", invalid="ignore"):
        value = 100 * (np.mean(((o - e) / e) ** 2, axis=-1) - np.mean(1 / e, axis=-1))
        return as_float(np.where(np.all(e > 0, axis=-1), value, np.nan))


def median_odds_ratio(sigma2: npt.ArrayLike) -> FloatArray:
    """Median odds ratio ``exp(sqrt(2σ²)·Φ⁻¹(0.75))`` (Larsen et al. 2000; Merlo et al. 2006).

    The median odds ratio between two people alike in case mix but living in two random areas, for an
    area-level random-intercept variance σ² on the log-odds scale; MOR(0) = 1.
    """
    s2 = as_float(sigma2)
    if np.any(s2 < 0):
        raise Invalid("sigma2", s2[s2 < 0].flat[0].item(), "a variance cannot be negative")
    return as_float(np.exp(np.sqrt(2 * s2) * stats.norm.ppf(0.75)))


@dataclass(frozen=True)
class AreaVariance:
    """A random-intercept logistic fit: σ² and its MOR, with each area's effect (posterior mode, log-odds)."""

    sigma2: float
    intercept: float
    mor: float
    loglik: float
    converged: bool
    areas: npt.NDArray[Any]
    effects: FloatArray


@dataclass(frozen=True)
class _Cells:
    y: FloatArray
    n: FloatArray
    offset: FloatArray
    area: npt.NDArray[np.intp]
    areas: int
    log_binom: float

    def by_area(self, values: FloatArray) -> FloatArray:
        """Sums of cell values (cells, or cells × nodes) per area, each in cell order (as a sparse product
        would add them, without its per-call cost, which the optimiser pays thousands of times)."""
        if values.ndim == 1:
            return as_float(np.bincount(self.area, values, self.areas))
        sums = np.zeros((self.areas, *values.shape[1:]))
        np.add.at(sums, self.area, values)
        return sums


def _posterior_modes(cells: _Cells, beta0: float, sigma: float) -> tuple[FloatArray, FloatArray]:
    """Each area's mode of u (standard normal scale) and the curvature there, Newton steps for all areas."""
    u = np.zeros(cells.areas)
    for _ in range(100):
        p = special.expit(beta0 + cells.offset + sigma * u[cells.area])
        gradient = sigma * cells.by_area(cells.y - cells.n * p) - u
        information = sigma**2 * cells.by_area(cells.n * p * (1 - p)) + 1
        # The log posterior is concave; clipping the step stops overshoot from far away.
        step = np.clip(gradient / information, -1.0, 1.0)
        u = u + step
        if np.max(np.abs(step), initial=0.0) < 1e-10:
            break
    p = special.expit(beta0 + cells.offset + sigma * u[cells.area])
    return u, sigma**2 * cells.by_area(cells.n * p * (1 - p)) + 1


@cache
def _gauss_hermite(n_nodes: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Gauss–Hermite nodes t, ``log(w)`` and ``t²``, made once per number of nodes rather than at each
    evaluation of the likelihood (read-only, as they are shared)."""
    t, w = np.polynomial.hermite.hermgauss(n_nodes)
    nodes = (as_float(t), as_float(np.log(w)), as_float(t**2))
    for array in nodes:
        array.setflags(write=False)
    return nodes


def _logsumexp_rows(a: FloatArray) -> FloatArray:
    """``scipy.special.logsumexp(a, axis=1)``, the same steps and numbers for finite rows (the largest term
    kept out of the sum), without the array-API dispatch that cost more than the sum itself at the sizes
    the optimiser evaluates thousands of times; anything not finite goes to scipy."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        top = np.max(a, axis=1, keepdims=True)
        is_top = a == top
        count = np.sum(is_top.astype(np.float64), axis=1, keepdims=True)
        rest = np.sum(np.exp(np.where(is_top, -np.inf, a) - top), axis=1, keepdims=True)
        out = (np.log1p(np.where(rest == 0, rest, rest / count)) + np.log(count) + top)[:, 0]
    return as_float(out) if np.all(np.isfinite(out)) else as_float(special.logsumexp(a, axis=1))


def _marginal_loglik(cells: _Cells, beta0: float, sigma: float, n_nodes: int) -> tuple[float, FloatArray]:
    """Log-likelihood by adaptive Gauss–Hermite quadrature (Pinheiro & Bates 1995), centred per area.

    Fixed nodes would miss the likelihood of a large area, which is far narrower than the node spacing.
    """
    t, log_w, t_squared = _gauss_hermite(n_nodes)
    mode, information = _posterior_modes(cells, beta0, sigma)
    scale = np.sqrt(2 / information)
    u = mode[:, None] + scale[:, None] * t[None, :]  # areas × nodes
    eta = beta0 + cells.offset[:, None] + sigma * u[cells.area]
    cell_ll = cells.y[:, None] * eta - cells.n[:, None] * np.logaddexp(0, eta)
    log_joint = cells.by_area(cell_ll) - u**2 / 2 - np.log(2 * np.pi) / 2
    per_area = np.log(scale) + _logsumexp_rows(log_joint + log_w + t_squared)
    return float(per_area.sum() + cells.log_binom), sigma * mode


def estimate_area_variance(
    successes: npt.ArrayLike,
    trials: npt.ArrayLike,
    offset: npt.ArrayLike = 0.0,
    area: npt.ArrayLike | None = None,
    *,
    n_nodes: int = 15,
) -> AreaVariance:
    """Maximum-likelihood area variance σ² of a random-intercept logistic model on aggregated cells.

    ``logit p_cell = β0 + offset_cell + σ·u_area``, ``u ~ N(0, 1)``, where ``offset`` is the fixed-effect
    (case-mix) linear predictor of each cell, e.g. ``logit`` of `CasemixModel.predict_cells`, or 0. Each row
    is a cell of ``successes`` out of ``trials``; ``area`` labels the cells (default: each cell is an area).
    The marginal likelihood is integrated by adaptive Gauss–Hermite quadrature and maximised over (β0, log σ)
    with Nelder–Mead; σ is kept within [1e-3, 10], so a σ² near 1e-6 means "no detectable variation".
    """
    y, n, off = (np.ravel(a) for a in np.broadcast_arrays(as_float(successes), as_float(trials), as_float(offset)))
    bad = (y < 0) | (n < 0) | (y > n)
    if bad.any():
        raise Invalid("successes", y[bad][0].item(), "each cell needs 0 ≤ successes ≤ trials")
    labels, index = np.unique(np.arange(y.size) if area is None else np.ravel(area), return_inverse=True)
    if index.size != y.size:
        raise Invalid("area", index.size, f"needs one label per cell ({y.size})")
    log_binom = float(np.sum(special.gammaln(n + 1) - special.gammaln(y + 1) - special.gammaln(n - y + 1)))
    cells = _Cells(y, n, off, index, labels.size, log_binom)

    beta0 = 0.0  # pooled fit with the offset, as the starting intercept
    for _ in range(50):
        p = special.expit(beta0 + off)
        beta0 += float(np.sum(y - n * p) / max(np.sum(n * p * (1 - p)), 1e-12))

    def negative(theta: FloatArray) -> float:
        return -_marginal_loglik(cells, float(theta[0]), float(np.exp(theta[1])), n_nodes)[0]

    fit = optimize.minimize(
        negative,
        np.array([beta0, np.log(0.5)]),
        method="Nelder-Mead",
        bounds=[(None, None), (np.log(1e-3), np.log(10.0))],
        options={"xatol": 1e-7, "fatol": 1e-9, "maxiter": 4000},
    )
    intercept, sigma = float(fit.x[0]), float(np.exp(fit.x[1]))
    loglik, effects = _marginal_loglik(cells, intercept, sigma, n_nodes)
    sigma2 = sigma**2
    return AreaVariance(sigma2, intercept, float(median_odds_ratio(sigma2)), loglik, bool(fit.success), labels, effects)
