"""Funnel plot limits and over-dispersion for the atlas (Spiegelhalter 2005, Stat Med 24:1185–1202).

Limits are computed for every size at once: ``lower`` and ``upper`` have one row per level and one column per
size (trials n for proportions, expected count E for O/E ratios).

Exact limits come from the binomial (or Poisson) distribution with interpolation between whole counts
(Spiegelhalter's appendix A.1.1, the APHO/PHE "Technical guide: funnel plots"), placed so that a whole count
lies beyond a limit exactly when an exact one-sided tail test rejects it at that level:

    below  ⇔  P(X ≤ k) < (1 − level)/2,        above  ⇔  P(X ≥ k) < (1 − level)/2.

With q the tail probability, r_q the smallest count whose CDF reaches q (``ppf``) and
``α = (F(r_q) − q) / (F(r_q) − F(r_q − 1))``, the lower limit is ``(r_q − α) / n`` (q = (1 − level)/2) and the
upper ``(r_q + 1 − α) / n`` (q = (1 + level)/2); divide by E for O/E. Both lie between the last count that is
not flagged and the first that is, and move smoothly with n or E. The upper limit is one count above the
published ``r_q − α``: that form flags the count r_q although P(X ≥ r_q) > (1 − level)/2, and at the edges it
flags the most likely outcome (6 of 6 at p0 = 0.894, P = 0.51, against an upper limit of 0.9997). Proportion
limits are clipped to [0, 1], so k = n is never above and k = 0 never below; O/E limits are clipped at 0.

Over-dispersion (Spiegelhalter 2005, §6): z-scores against the target are winsorised at the 10th/90th
percentiles, ``φ = mean(z_w²)``; when φ > 1 an additive random-effects variance
``τ² = (Iφ − (I − 1)) / (Σw − Σw²/Σw)`` with ``w = 1/s²`` widens the limits to ``target ± z·sqrt(s² + τ²)``
(normal, on the proportion or ratio scale), but never inside the exact limits: a count whose exact tail
probability is above the level's is not flagged, however the normal approximation fares near 0 or 1 or at
small n. When φ ≤ 1, τ² = 0 and the exact limits are kept. See `overdispersion` for the ``consistent`` option,
which rescales φ to about 1 without over-dispersion.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, partial
from typing import Literal, NamedTuple

import numpy as np
import numpy.typing as npt
from scipy import stats

from helhet.analytics.stats import FloatArray, as_float, check_level
from helhet.errors import Invalid

LimitMethod = Literal["exact", "normal"]
DEFAULT_LEVELS = (0.95, 0.998)
Cdf = Callable[[FloatArray, npt.NDArray[np.intp]], FloatArray]
_MAX_STEPS = 10_000  # a guess is within a few counts; the bound only guards against a bug


class Overdispersion(NamedTuple):
    phi: float
    tau2: float


class ZScores(NamedTuple):
    z: FloatArray
    s: FloatArray


@dataclass(frozen=True)
class FunnelLimits:
    """Control limits: ``lower``/``upper`` are (levels × sizes); ``phi``/``tau2`` are 1/0 unless estimated."""

    target: float
    size: FloatArray
    levels: tuple[float, ...]
    lower: FloatArray
    upper: FloatArray
    phi: float = 1.0
    tau2: float = 0.0


def z_scores_proportion(successes: npt.ArrayLike, n: npt.ArrayLike, target_p: float) -> ZScores:
    """``z = (k/n − p0) / s`` with ``s = sqrt(p0(1 − p0)/n)``; ``nan`` where n = 0."""
    k, size = np.broadcast_arrays(as_float(successes), as_float(n))
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(size > 0, np.sqrt(target_p * (1 - target_p) / size), np.nan)
        return ZScores((k / size - target_p) / s, s)


def z_scores_oe(observed: npt.ArrayLike, expected: npt.ArrayLike) -> ZScores:
    """``z = (O/E − 1) / s`` with ``s = sqrt(1/E)`` (Poisson); ``nan`` where E ≤ 0."""
    o, e = np.broadcast_arrays(as_float(observed), as_float(expected))
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(e > 0, np.sqrt(1 / e), np.nan)
        return ZScores((o / e - 1) / s, s)


@cache
def winsorised_null_phi(winsor: float) -> float:
    """``E[min(Z², q²)]`` for Z ~ N(0, 1) and ``q = Φ⁻¹(1 − winsor)``: what Spiegelhalter's φ averages to
    without over-dispersion (0.679 at the usual 10 %), because winsorising also trims ordinary z-scores."""
    if winsor == 0:
        return 1.0
    q = float(stats.norm.isf(winsor))
    return (1 - 2 * winsor) - 2 * q * float(stats.norm.pdf(q)) + 2 * q**2 * winsor


def overdispersion(
    z: npt.ArrayLike, s: npt.ArrayLike, winsor: float = 0.1, *, consistent: bool = False
) -> Overdispersion:
    """Spiegelhalter's (2005) winsorised over-dispersion factor φ and additive random-effects variance τ².

    Areas with a non-finite z or s are left out. ``winsor`` is the share shrunk at each end (to the
    ``winsor`` and ``1 − winsor`` quantiles, numpy's linear interpolation). τ² = 0 unless φ > 1.

    As published, ``φ = mean(z_w²)`` is about 0.68 (not 1) for data with no extra variation at 10 %
    winsorising, so it only exceeds 1 once the true dispersion passes about 1.47. ``consistent=True`` divides
    by `winsorised_null_phi` so that φ ≈ 1 without over-dispersion and estimates the true dispersion when the
    z-scores are normal; the default keeps the published estimator that other funnel tools report.
    """
    z_, s_ = np.broadcast_arrays(np.ravel(as_float(z)), np.ravel(as_float(s)))
    phi, tau2 = _overdispersion_by_group(z_, s_, np.zeros(z_.size, dtype=np.intp), 1, winsor, consistent)
    return Overdispersion(float(phi[0]), float(tau2[0]))


def _overdispersion_by_group(
    z: FloatArray, s: FloatArray, group: npt.NDArray[np.intp], groups: int, winsor: float, consistent: bool
) -> tuple[FloatArray, FloatArray]:
    """`overdispersion` of each group (``group`` numbers the rows 0 … groups − 1), each over its usable rows in
    their given order. Groups with the same number of usable rows are one matrix, one row per group, so the
    work is a few numpy calls per group size; each row's quantiles, means and sums are exactly those of its
    own call (numpy reduces each row of a matrix as it would the row alone)."""
    if not 0 <= winsor < 0.5:
        raise Invalid("winsor", winsor, "must lie in [0, 0.5)")
    phi, tau2 = np.full(groups, np.nan), np.full(groups, np.nan)
    usable = np.flatnonzero(np.isfinite(z) & np.isfinite(s) & (s > 0))
    rows = usable[np.argsort(group[usable], kind="stable")]  # by group, each group's rows in their order
    counts = np.bincount(group[usable], minlength=groups)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    for areas in np.unique(counts[counts >= 2]):
        members = np.flatnonzero(counts == areas)
        take = rows[starts[members][:, None] + np.arange(areas)]
        z_, s_ = z[take], s[take]
        low, high = np.quantile(z_, [winsor, 1 - winsor], axis=1)
        phi_ = np.mean(np.clip(z_, low[:, None], high[:, None]) ** 2, axis=1)
        if consistent:
            phi_ /= winsorised_null_phi(winsor)
        w = 1 / s_**2
        with np.errstate(divide="ignore", invalid="ignore"):
            tau2_ = (areas * phi_ - (areas - 1)) / (w.sum(axis=1) - np.sum(w**2, axis=1) / w.sum(axis=1))
        phi[members], tau2[members] = phi_, np.where(phi_ > 1, tau2_, 0.0)
    return as_float(phi), as_float(tau2)


def _interpolated_quantile(cdf: Cdf, guess: FloatArray, q: FloatArray, *, upper: bool = False) -> FloatArray:
    """The interpolated quantile ``r_q − α`` of a discrete distribution, ``r_q + 1 − α`` for an ``upper``
    limit: counts beyond it are exactly those an exact tail test rejects (module docstring).

    ``cdf(k, rows)`` is the distribution's CDF at whole counts ``k`` for the flat ``rows``; ``guess`` a
    first ``r_q`` for every entry of ``q``. ``r_q``, the smallest count whose CDF reaches q (what scipy's
    ``ppf`` returns), is found by stepping from the guess while F(r) < q or F(r − 1) ≥ q; a close guess
    needs no step, so this costs the two CDFs that α needs, not a quantile search per entry."""
    shape = q.shape
    q = np.ravel(q)
    r = np.ravel(guess).copy()
    all_rows = np.arange(q.size)
    at_r, below_r = cdf(r, all_rows), cdf(r - 1, all_rows)
    for _ in range(_MAX_STEPS):
        low, high = np.flatnonzero(at_r < q), np.flatnonzero(below_r >= q)
        if low.size == 0 and high.size == 0:
            break
        r[low] += 1
        below_r[low], at_r[low] = at_r[low], cdf(r[low], low)
        r[high] -= 1
        at_r[high], below_r[high] = below_r[high], cdf(r[high] - 1, high)
    else:
        raise AssertionError("the discrete quantile search did not settle")  # pragma: no cover
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.where(at_r > below_r, (at_r - q) / (at_r - below_r), 0.0)
    return as_float((r + (1 if upper else 0) - alpha).reshape(shape))


def _first_guess(mean: FloatArray, sd: FloatArray, skew: FloatArray, q: FloatArray, top: FloatArray) -> FloatArray:
    """A first whole-count quantile: Cornish–Fisher with a continuity correction, within [0, top]."""
    z = stats.norm.ppf(q)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = mean + sd * (z + (z**2 - 1) * skew / 6)
    return as_float(np.clip(np.ceil(np.nan_to_num(x - 0.5)), 0, top))


def _binomial_quantile(q: FloatArray, n: FloatArray, p: float | FloatArray, *, upper: bool = False) -> FloatArray:
    """`_interpolated_quantile` of Binomial(n, p), all broadcast together."""
    q_, n_, p_ = (np.ravel(x) for x in np.broadcast_arrays(q, n, p))
    sd = np.sqrt(n_ * p_ * (1 - p_))
    with np.errstate(divide="ignore", invalid="ignore"):
        guess = _first_guess(n_ * p_, sd, (1 - 2 * p_) / sd, q_, n_)
    result = _interpolated_quantile(lambda k, rows: stats.binom.cdf(k, n_[rows], p_[rows]), guess, q_, upper=upper)
    return result.reshape(np.broadcast_shapes(np.shape(q), np.shape(n), np.shape(p)))


def _poisson_quantile(q: FloatArray, mean: FloatArray, *, upper: bool = False) -> FloatArray:
    """`_interpolated_quantile` of Poisson(mean), broadcast together."""
    q_, mu = (np.ravel(x) for x in np.broadcast_arrays(q, mean))
    sd = np.sqrt(mu)
    with np.errstate(divide="ignore", invalid="ignore"):
        guess = _first_guess(mu, sd, 1 / sd, q_, np.full(mu.shape, np.inf))
    result = _interpolated_quantile(lambda k, rows: stats.poisson.cdf(k, mu[rows]), guess, q_, upper=upper)
    return result.reshape(np.broadcast_shapes(np.shape(q), np.shape(mean)))


def _exact_limits(
    quantile: Callable[..., FloatArray], size: FloatArray, lower_q: FloatArray, upper_q: FloatArray
) -> tuple[FloatArray, FloatArray]:
    lower = np.where(size > 0, quantile(lower_q) / size, np.nan)
    upper = np.where(size > 0, quantile(upper_q, upper=True) / size, np.nan)
    return lower, upper


def _tail_probabilities(levels: Sequence[float]) -> tuple[tuple[float, ...], FloatArray, FloatArray]:
    for level in levels:
        check_level(level)
    lower_q = np.array([(1 - level) / 2 for level in levels])[:, None]
    return tuple(float(level) for level in levels), lower_q, 1 - lower_q


def _normal_limits(
    target: float | FloatArray, s: FloatArray, levels: tuple[float, ...], tau2: float | FloatArray
) -> tuple[FloatArray, FloatArray]:
    z = stats.norm.ppf(0.5 + np.asarray(levels) / 2)[:, None]
    half = z * np.sqrt(s**2 + tau2)
    return target - half, target + half


def _widened(
    exact: tuple[FloatArray, FloatArray],
    target: float | FloatArray,
    s: FloatArray,
    levels: tuple[float, ...],
    tau2: float | FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Over-dispersed normal limits, never inside the exact ones (flag only where both would flag)."""
    lower, upper = _normal_limits(target, s, levels, tau2)
    return np.fmin(lower, exact[0]), np.fmax(upper, exact[1])


def funnel_limits_proportion(
    target_p: float,
    n: npt.ArrayLike,
    levels: Sequence[float] = DEFAULT_LEVELS,
    *,
    method: LimitMethod = "exact",
    overdispersed: bool = False,
    successes: npt.ArrayLike | None = None,
    areas_n: npt.ArrayLike | None = None,
    winsor: float = 0.1,
    consistent: bool = False,
) -> FunnelLimits:
    """Funnel limits for a proportion with target ``target_p`` at trial counts ``n`` (whole numbers).

    ``method="exact"`` interpolates binomial quantiles so that a count is beyond a limit exactly when the
    exact binomial tail test rejects it (module docstring), and over-dispersed limits are never inside those;
    ``"normal"`` is ``p0 ± z·sqrt(p0(1 − p0)/n + τ²)``. With ``overdispersed=True`` φ and τ² are estimated
    from the areas' ``successes`` out of ``areas_n`` (default: ``n``, when the limits are wanted at the areas
    themselves; pass a grid as ``n`` and the areas as ``areas_n`` to draw a smooth funnel); ``winsor`` and
    ``consistent`` go to `overdispersion`.
    """
    if not 0 < target_p < 1:
        raise Invalid("target_p", target_p, "must lie strictly between 0 and 1")
    size = np.atleast_1d(as_float(n))
    if np.any((size < 0) | (size != np.round(size))):
        raise Invalid("n", n, "trial counts must be whole numbers, 0 or more")
    levels_, lower_q, upper_q = _tail_probabilities(levels)
    phi, tau2 = 1.0, 0.0
    if overdispersed:
        if successes is None:
            raise Invalid("successes", None, "the areas' successes are needed to estimate over-dispersion")
        z = z_scores_proportion(successes, size if areas_n is None else areas_n, target_p)
        phi, tau2 = overdispersion(*z, winsor=winsor, consistent=consistent)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(size > 0, np.sqrt(target_p * (1 - target_p) / size), np.nan)
        if method == "normal":
            lower, upper = _normal_limits(target_p, s, levels_, tau2)
        else:
            binomial = partial(_binomial_quantile, n=size[None, :], p=target_p)
            lower, upper = _exact_limits(binomial, size, lower_q, upper_q)
            if tau2 > 0:
                lower, upper = _widened((lower, upper), target_p, s, levels_, tau2)
    return FunnelLimits(target_p, size, levels_, np.clip(lower, 0.0, 1.0), np.clip(upper, 0.0, 1.0), phi, tau2)


def funnel_limits_oe(
    expected: npt.ArrayLike,
    levels: Sequence[float] = DEFAULT_LEVELS,
    *,
    method: LimitMethod = "exact",
    overdispersed: bool = False,
    observed: npt.ArrayLike | None = None,
    areas_expected: npt.ArrayLike | None = None,
    winsor: float = 0.1,
    consistent: bool = False,
) -> FunnelLimits:
    """Funnel limits for an O/E ratio (target 1) at expected counts ``expected``.

    ``method="exact"`` interpolates Poisson(E) quantiles (an exact Poisson tail test, as for proportions) and
    divides by E; over-dispersed limits are never inside those; ``"normal"`` is ``1 ± z·sqrt(1/E + τ²)``.
    ``overdispersed=True`` estimates φ and τ² from the areas' ``observed`` and ``areas_expected`` (default:
    ``expected``), as in `funnel_limits_proportion`.
    """
    size = np.atleast_1d(as_float(expected))
    if np.any(size < 0):
        raise Invalid("expected", expected, "expected counts cannot be negative")
    levels_, lower_q, upper_q = _tail_probabilities(levels)
    phi, tau2 = 1.0, 0.0
    if overdispersed:
        if observed is None:
            raise Invalid("observed", None, "the areas' observed counts are needed to estimate over-dispersion")
        z = z_scores_oe(observed, size if areas_expected is None else areas_expected)
        phi, tau2 = overdispersion(*z, winsor=winsor, consistent=consistent)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(size > 0, np.sqrt(1 / size), np.nan)
        if method == "normal":
            lower, upper = _normal_limits(1.0, s, levels_, tau2)
        else:
            poisson = partial(_poisson_quantile, mean=np.where(size > 0, size, 1.0)[None, :])
            lower, upper = _exact_limits(poisson, size, lower_q, upper_q)
            if tau2 > 0:
                lower, upper = _widened((lower, upper), 1.0, s, levels_, tau2)
    return FunnelLimits(1.0, size, levels_, np.maximum(lower, 0.0), np.maximum(upper, 0.0), phi, tau2)


@dataclass(frozen=True)
class GroupedLimits:
    """Funnel limits of many funnels at once (one per group, each row at its own n): ``limits`` has the rows'
    lower/upper (levels × rows); ``target``, ``phi`` and ``tau2`` are the row's group's."""

    limits: FunnelLimits
    target: FloatArray
    phi: FloatArray
    tau2: FloatArray


def funnel_limits_proportion_grouped(
    successes: npt.ArrayLike,
    n: npt.ArrayLike,
    group: npt.ArrayLike,
    levels: Sequence[float] = DEFAULT_LEVELS,
    *,
    overdispersed: bool = False,
    winsor: float = 0.1,
    consistent: bool = False,
) -> GroupedLimits:
    """`funnel_limits_proportion` for every group's funnel in one vectorised call: each group's target is its
    pooled proportion ``Σk/Σn``, its limits are taken at its rows' own n, and (``overdispersed``) φ and τ² are
    estimated from its rows alone. The same numbers as one call per group (the exact quantiles are one call
    over all rows, and φ one call per number of areas in a group).
    """
    k, size = np.broadcast_arrays(np.atleast_1d(as_float(successes)), np.atleast_1d(as_float(n)))
    if np.any((size < 0) | (size != np.round(size))):
        raise Invalid("n", n, "trial counts must be whole numbers, 0 or more")
    labels, index = np.unique(np.asarray(group), return_inverse=True)
    index = index.ravel()
    if index.size != size.size:
        raise Invalid("group", index.size, f"needs one label per row ({size.size})")
    with np.errstate(divide="ignore", invalid="ignore"):
        target_g = np.bincount(index, k, labels.size) / np.bincount(index, size, labels.size)
    bad = ~((target_g > 0) & (target_g < 1))
    if bad.any():
        raise Invalid("target_p", float(target_g[bad][0]), "each group's pooled proportion must lie in (0, 1)")
    target = target_g[index]
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(size > 0, np.sqrt(target * (1 - target) / size), np.nan)
        z = (k / size - target) / s
    phi_g, tau2_g = np.ones(labels.size), np.zeros(labels.size)
    if overdispersed:
        phi_g, tau2_g = _overdispersion_by_group(z, s, index, labels.size, winsor, consistent)
    phi, tau2 = phi_g[index], tau2_g[index]
    levels_, lower_q, upper_q = _tail_probabilities(levels)
    # A row's limits depend only on its group and n: compute them once per distinct pair (many small units
    # and municipalities of a funnel share an n), then give every row its pair's.
    _, first, pair = np.unique(index * (int(size.max(initial=0)) + 1) + size.astype(np.int64), True, True)
    size_, target_, s_, tau2_ = size[first], target[first], s[first], tau2[first]
    with np.errstate(divide="ignore", invalid="ignore"):
        binomial = partial(_binomial_quantile, n=size_[None, :], p=target_[None, :])
        lower, upper = _exact_limits(binomial, size_, lower_q, upper_q)
        widened = tau2_ > 0  # nan (too few areas) and 0 keep the exact limits, as in the one-funnel call
        wide_lower, wide_upper = _widened((lower, upper), target_, s_, levels_, np.where(widened, tau2_, 0.0))
        lower, upper = np.where(widened, wide_lower, lower), np.where(widened, wide_upper, upper)
    lower, upper = np.clip(lower, 0.0, 1.0)[:, pair.ravel()], np.clip(upper, 0.0, 1.0)[:, pair.ravel()]
    limits = FunnelLimits(float("nan"), size, levels_, lower, upper)
    return GroupedLimits(limits, as_float(target), as_float(phi), as_float(tau2))


def classify(observed_values: npt.ArrayLike, limits: FunnelLimits) -> dict[float, npt.NDArray[np.str_]]:
    """Place each area "above", "below" or "within" the limits, per level (``"missing"`` when undefined).

    ``observed_values`` (proportions k/n, or O/E ratios) must line up with ``limits.size``, i.e. the limits
    were computed at the areas' own n or E; over-dispersion, if any, is already in ``limits``. An area on a
    limit counts as within.
    """
    values = np.atleast_1d(as_float(observed_values))
    if values.shape != limits.size.shape:
        raise Invalid("observed_values", values.shape, f"must match the limits' sizes {limits.size.shape}")
    result: dict[float, npt.NDArray[np.str_]] = {}
    for row, level in enumerate(limits.levels):
        lower, upper = limits.lower[row], limits.upper[row]
        label = np.where(values > upper, "above", np.where(values < lower, "below", "within"))
        missing = ~(np.isfinite(values) & np.isfinite(lower) & np.isfinite(upper))
        result[level] = np.where(missing, "missing", label)
    return result
