"""Small, fast statistical routines for N-of-1 diaries (numpy + scipy special functions only).

Each routine matches a reference implementation that is too slow to call thousands of times
(the tests compare them): the exact conditional odds ratio of ``scipy.stats.contingency
.odds_ratio(kind="conditional")``, Newey-West OLS of ``statsmodels`` (``cov_type="HAC"``), and
``scipy.stats.theilslopes``.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np
from scipy.optimize import brentq
from scipy.special import gammaln, ndtr, ndtri
from scipy.special import stdtr as _student_cdf
from scipy.special import stdtrit as _student_ppf

Z_975 = float(ndtri(0.975))


@dataclass(frozen=True, slots=True)
class Estimate:
    """An effect with its two-sided 95% interval and p-value."""

    effect: float
    ci_low: float
    ci_high: float
    p_value: float


# --- Exact conditional odds ratio (Fisher's noncentral hypergeometric) -------------------------
#
# The estimate and both ends of the interval are roots of curves that increase with the log odds
# ratio. Each root is located on a coarse grid of 121 log odds over +-15 (the first point at or
# above the target, as np.searchsorted finds it), then found by linear interpolation between the
# two of 48 points of a fine grid inside that coarse interval that bracket it (as np.interp
# does). Because the curves increase, only the grid points next to the crossing decide the
# answer: the search computes a few points around a first guess and narrows down from there,
# each point computed exactly as when the whole grid is computed. Same points, same arithmetic,
# same root, at a fraction of the cost.

_LOG_OR_BOUND = 15.0
_COARSE_GRID = np.linspace(-_LOG_OR_BOUND, _LOG_OR_BOUND, 121)
_COARSE = _COARSE_GRID.tolist()
_FINE = [np.linspace(_COARSE_GRID[p - 1], _COARSE_GRID[p], 48).tolist() for p in range(1, 121)]
"""_FINE[p-1]: the fine grid between coarse points p-1 and p. Grids are built once, as lists of
floats: the search reads a few points at a time."""
_TAIL = 0.025
_MEAN, _UPPER, _LOWER = "E[X]", "P(X >= a)", "-P(X <= a)"
_WINDOW = (3, 4)  # grid points before / from the guess computed first
_PROBES = 10  # points per narrowing step when the crossing is outside the first window


def _log_weights(n1: int, n0: int, m: int, lo: int, hi: int) -> np.ndarray:
    """log C(n1, x) + log C(n0, m - x) for x = lo..hi, combined in the order
    ``gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)``."""
    log_factorial = _log_factorials(max(n1, n0))
    x = np.arange(lo, hi + 1)
    exposed = log_factorial[n1] - log_factorial[x] - log_factorial[n1 - x]
    unexposed = log_factorial[n0] - log_factorial[m - x] - log_factorial[n0 - m + x]
    return exposed + unexposed


def _shared(array: np.ndarray) -> np.ndarray:
    """Mark an array that is cached and handed to every call as read-only."""
    array.flags.writeable = False
    return array


_LOG_FACTORIALS = _shared(gammaln(np.arange(1, 4098, dtype=float)))


def _log_factorials(top: int) -> np.ndarray:
    """log(k!) = gammaln(k + 1) for k = 0..top at least. gammaln is costly per value and every
    table needs the same values, so they come from a table (computed for longer diaries)."""
    if top < len(_LOG_FACTORIALS):
        return _LOG_FACTORIALS
    return gammaln(np.arange(1, top + 2, dtype=float))


def exact_odds_ratio(a: int, b: int, c: int, d: int) -> Estimate:
    """Conditional maximum-likelihood odds ratio of [[a, b], [c, d]] with its exact 95% CI.

    Rows: exposed / unexposed; columns: event / no event. Conditioning on the margins makes
    ``a`` follow Fisher's noncentral hypergeometric distribution; the interval inverts the two
    one-sided exact tests (Cornfield 1956) and the p-value is Fisher's exact test. This is the
    estimator recommended for rare binary outcomes (clinical reference §6) and equals
    ``scipy.stats.contingency.odds_ratio(kind="conditional")``; the three equations are solved
    together on a log-odds grid (coarse, then fine) instead of one root search each.
    """
    n1, n0, m = a + b, c + d, a + c
    lo, hi = max(0, m - n0), min(n1, m)
    if hi == lo:
        return Estimate(math.nan, 0.0, math.inf, 1.0)
    support = np.arange(lo, hi + 1, dtype=float)
    base = _log_weights(n1, n0, m, lo, hi)
    index = a - lo
    p_value = _fisher_p(base, index)
    # At an end of the support the estimate and one bound are 0 or infinite: nothing to solve.
    log_odds, error = _approximate_log_odds(a, b, c, d)
    equations = {}
    if lo < a < hi:
        equations[_MEAN] = (float(a), log_odds)
    if a > lo:
        equations[_UPPER] = (_TAIL, log_odds - Z_975 * error)
    if a < hi:
        equations[_LOWER] = (-_TAIL, log_odds + Z_975 * error)
    roots = _solve(_OddsCurves(base, support, index), equations)
    effect = 0.0 if a == lo else math.inf if a == hi else math.exp(roots[_MEAN])
    ci_low = 0.0 if a == lo else math.exp(roots[_UPPER])
    ci_high = math.inf if a == hi else math.exp(roots[_LOWER])
    return Estimate(effect, ci_low, ci_high, p_value)


def _approximate_log_odds(a: int, b: int, c: int, d: int) -> tuple[float, float]:
    """Log odds ratio and its Woolf standard error with 0.5 added to each cell: only where the
    exact search starts looking (a poor guess costs time, never accuracy)."""
    a, b, c, d = a + 0.5, b + 0.5, c + 0.5, d + 0.5
    return math.log(a * d / (b * c)), math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)


@dataclass(slots=True)
class _Search:
    """Where one increasing curve reaches ``target`` on a grid, narrowed down from a guess.

    A point is below the target when its value is ``< target`` (how np.searchsorted counts) or,
    if ``inclusive``, ``<= target`` (how np.interp brackets). ``values`` holds the curve at the
    points computed so far; the crossing lies between ``last_below`` and ``first_above``.
    """

    curve: str
    grid: list[float]
    target: float
    inclusive: bool
    guess: int
    values: dict[int, float] = field(default_factory=dict)
    last_below: int = -1
    first_above: int = -1

    def __post_init__(self):
        self.first_above = len(self.grid)

    @property
    def done(self) -> bool:
        return self.first_above <= self.last_below + 1

    @property
    def count(self) -> int:
        """Grid points below the target (np.searchsorted's answer), once ``done``."""
        return self.first_above

    def next_points(self) -> list[int]:
        """A few points around the guess first; then evenly spaced points of the remaining gap."""
        if not self.values:
            before, after = _WINDOW
            return list(range(max(0, self.guess - before), min(len(self.grid), self.guess + after)))
        gap = range(self.last_below + 1, self.first_above)
        if len(gap) <= _PROBES:
            return list(gap)
        step = len(gap) / (_PROBES + 1)
        return [gap[int(step * (i + 1))] for i in range(_PROBES)]

    def record(self, points: list[int], values: list[float]) -> None:
        self.values.update(zip(points, values, strict=True))
        target, inclusive = self.target, self.inclusive
        for point, value in zip(points, values, strict=True):
            if value <= target if inclusive else value < target:
                if point > self.last_below:
                    self.last_below = point
            elif point < self.first_above:
                self.first_above = point


def _solve(curves: _OddsCurves, equations: dict[str, tuple[float, float]]) -> dict[str, float]:
    """Log odds ratio at which each curve reaches its target (from a guessed log odds)."""
    coarse = [
        _Search(curve, _COARSE, target, False, bisect_left(_COARSE, guess))
        for curve, (target, guess) in equations.items()
    ]
    _narrow(curves, coarse)
    fine = [_fine_search(search) for search in coarse]
    _narrow(curves, fine)
    return {search.curve: _interpolate(search) for search in fine}


def _narrow(curves: _OddsCurves, searches: list[_Search]) -> None:
    """Compute grid points, all searches together, until each crossing is pinned down."""
    while pending := [search for search in searches if not search.done]:
        curves.evaluate([(search, search.next_points()) for search in pending])


def _fine_search(coarse: _Search) -> _Search:
    """The fine-grid search inside the coarse interval [p-1, p], p = clip(count, 1, 120) as in
    the reference. It starts where the line between the two coarse values meets the target; for
    the tail probabilities, which change by orders of magnitude, a line in log scale."""
    position = min(max(coarse.count, 1), len(_FINE))
    grid = _FINE[position - 1]
    start, end = coarse.values.get(position - 1), coarse.values.get(position)
    target, guess = coarse.target, len(grid) // 2
    if start is not None and end is not None and start < target <= end:
        if coarse.curve != _MEAN and start * end > 0:
            start, end, target = math.log(abs(start)), math.log(abs(end)), math.log(abs(target))
        guess = int((target - start) / (end - start) * (len(grid) - 1))
    return _Search(coarse.curve, grid, coarse.target, True, guess)


def _interpolate(search: _Search) -> float:
    """np.interp(target, values, grid) from the two grid points that bracket the target."""
    grid, values, target = search.grid, search.values, search.target
    point = search.count - 1  # the last grid point at or below the target
    if point < 0:
        return grid[0]
    if point >= len(grid) - 1:
        return grid[-1]
    if values[point] == target:
        return grid[point]
    slope = (grid[point + 1] - grid[point]) / (values[point + 1] - values[point])
    return slope * (target - values[point]) + grid[point]


class _OddsCurves:
    """E[X], P(X >= a) and -P(X <= a) as functions of the log odds ratio, from the distribution
    of X given the margins; each increases with the log odds."""

    def __init__(self, base: np.ndarray, support: np.ndarray, index: int):
        self.base, self.support, self.index = base[:, None], support, index

    def evaluate(self, requests: list[tuple[_Search, list[int]]]) -> None:
        """Each search's curve at its listed grid points, recorded in the search: one batch
        (one column per requested point) for all the searches."""
        log_psi = np.array([search.grid[point] for search, points in requests for point in points])
        if len(log_psi) == 1:  # numpy sums a single column in another order: keep two
            log_psi = np.repeat(log_psi, 2)
        probs = self._probabilities(log_psi)
        needed = {search.curve for search, _ in requests}
        upper = probs[self.index :].sum(axis=0).tolist() if _UPPER in needed else None
        lower = (-probs[: self.index + 1].sum(axis=0)).tolist() if _LOWER in needed else None
        start = 0
        for search, points in requests:
            end = start + len(points)
            if search.curve == _MEAN:
                values = self._mean(probs[:, start:end], points, len(search.grid)).tolist()
            else:
                values = (upper if search.curve == _UPPER else lower)[start:end]
            search.record(points, values)
            start = end

    def _probabilities(self, log_psi: np.ndarray) -> np.ndarray:
        """P(X = support[i]) with one column per log odds ratio (columns sum to 1)."""
        weights = np.multiply.outer(self.support, log_psi)
        weights += self.base
        weights -= weights.max(axis=0)
        probs = np.exp(weights, out=weights)
        probs /= probs.sum(axis=0)
        return probs

    def _mean(self, probs: np.ndarray, points: list[int], width: int) -> np.ndarray:
        """E[X] at some points of a grid of ``width`` points. The matrix product is taken with
        the other grid points as zero columns, so BLAS rounds each point exactly as it does when
        every point of the grid is computed."""
        padded = np.zeros((len(self.support), width))
        padded[:, points] = probs
        return (self.support @ padded)[points]


def _fisher_p(base: np.ndarray, index: int) -> float:
    """Two-sided Fisher exact p: sum of null probabilities no larger than the observed one."""
    null = np.exp(base - base.max())
    null /= null.sum()
    return float(min(1.0, null[null <= null[index] * (1 + 1e-7)].sum()))


# --- OLS with Newey-West (HAC) standard errors -------------------------------------------------


def newey_west_lags(n: int) -> int:
    """Newey & West (1994) plug-in bandwidth floor(4 (n/100)^(2/9))."""
    return int(math.floor(4 * (n / 100) ** (2 / 9)))


def ols_hac(y: np.ndarray, x: np.ndarray, *, lags: int | None = None, floor: bool = False) -> tuple:
    """OLS of ``y`` on ``x`` (constant added) with Newey-West errors (Bartlett kernel).

    Daily diary series are autocorrelated, so ordinary errors would overstate certainty
    (clinical reference §6). Returns (coefficients, standard errors, residual df), including the
    small-sample factor n/(n-k) as statsmodels' ``cov_type="HAC"`` does. Newey-West variances
    are biased down in samples of a few hundred days (the kernel shrinks the autocovariances
    and the plug-in window is short), which made one-sided tests at 0.005 reject 1.5-2% of
    null diaries; ``floor=True`` keeps each variance at least the classical OLS one, which
    brought them back to nominal in the null simulations (``benchmarks/bench_false_claims.py``).
    """
    y = np.asarray(y, dtype=float)
    design = _with_constant(np.asarray(x, dtype=float))
    n, k = design.shape
    lags = newey_west_lags(n) if lags is None else lags
    gram = design.T @ design
    try:
        bread = np.linalg.inv(gram)
    except np.linalg.LinAlgError:  # a constant predictor: fall back to the pseudo-inverse
        bread = np.linalg.pinv(gram)
    coef = bread @ (design.T @ y)
    scores = design * (y - design @ coef)[:, None]
    scores_t = scores.T
    meat = scores_t @ scores
    for lag in range(1, lags + 1):
        weight = 1 - lag / (lags + 1)
        cross = scores_t[:, lag:] @ scores[:-lag]
        meat += weight * (cross + cross.T)
    cov = bread @ meat @ bread * n / (n - k)
    if floor:
        residuals = y - design @ coef
        classical = bread * float(residuals @ residuals) / (n - k)
        cov = cov.copy()
        np.fill_diagonal(cov, np.maximum(cov.diagonal(), classical.diagonal()))
    return coef, _standard_errors(cov), n - k


def _with_constant(x: np.ndarray) -> np.ndarray:
    """The design matrix [1, x]: what ``np.column_stack([ones, x])`` builds, in one allocation."""
    columns = x if x.ndim == 2 else x[:, None]
    design = np.empty((len(x), columns.shape[1] + 1))
    design[:, 0] = 1.0
    design[:, 1:] = columns
    return design


def _standard_errors(cov: np.ndarray) -> np.ndarray:
    """sqrt of the diagonal, negative rounding noise clipped to 0 (NaN stays NaN), as
    ``np.sqrt(np.clip(np.diag(cov), 0, None))`` without its per-call overhead."""
    return np.array(
        [math.sqrt(v) if v > 0 else v if math.isnan(v) else 0.0 for v in cov.diagonal().tolist()]
    )


@lru_cache(maxsize=64)
def _t_critical(df: int) -> float:
    """Two-sided 95% critical value of Student's t (a few df values recur across kinds)."""
    return float(_student_ppf(df, 0.975))


def coefficient(coef: np.ndarray, se: np.ndarray, df: int, index: int) -> Estimate:
    """One regression coefficient with a t-based 95% CI and two-sided p (conservative in small
    samples compared with the normal approximation)."""
    estimate, error = float(coef[index]), float(se[index])
    if not error > 0:
        return Estimate(estimate, estimate, estimate, 1.0)
    t_crit = _t_critical(df)
    t_value = estimate / error
    p_value = float(2 * _student_cdf(df, -abs(t_value)))
    return Estimate(estimate, estimate - t_crit * error, estimate + t_crit * error, p_value)


# --- Means, percentiles and medians -----------------------------------------------------------


def percentile(values: np.ndarray, q: float) -> float:
    """``np.percentile(values, q)`` (default linear method) of NaN-free values, computed the same
    way (same rounding) without numpy's general machinery, which dominates on diary sizes."""
    n = len(values)
    ordered = np.sort(values)
    position = (n - 1) * (q / 100)
    if position >= n - 1:
        return float(ordered[-1])
    below = math.floor(position)
    low, high = float(ordered[below]), float(ordered[below + 1])
    gamma = position - below
    step = high - low
    return high - step * (1 - gamma) if gamma >= 0.5 else low + step * gamma


def mean(values: np.ndarray) -> float:
    """``float(values.mean())`` of a non-empty float array: the same sum divided by the count,
    without ndarray.mean's per-call bookkeeping (which dominates on a diary's small arrays)."""
    return float(np.add.reduce(values, axis=None)) / values.size


def sorted_median(ordered: np.ndarray) -> float:
    """``np.median`` of an already sorted array (same value: middle one or mean of two)."""
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (float(ordered[middle - 1]) + float(ordered[middle])) / 2


# --- Trend: Theil-Sen slope with a Mann-Kendall test corrected for autocorrelation -------------


@dataclass(frozen=True, slots=True)
class Trend:
    slope: float
    ci_low: float
    ci_high: float
    p_value: float
    intercept: float
    variance_factor: float


def theil_sen_trend(x: np.ndarray, y: np.ndarray) -> Trend:
    """Theil-Sen slope (Sen 1968) with the Mann-Kendall trend test (Kendall 1975).

    Serial correlation inflates Mann-Kendall's false-positive rate, so the variance of S is
    multiplied by the larger of two effective-sample-size factors (never below 1): Hamed & Rao
    (1998), which only counts autocorrelations that pass a significance screen and so misses
    the modest lag-1 correlation of short weekly series, and the AR(1) factor (1+r)/(1-r)
    (Bayley & Hammersley 1946) with r the lag-1 autocorrelation of the detrended series, bias-
    corrected as in Kendall (1954). Sen's interval uses the same corrected variance.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    slopes, dy = _pairwise_slopes(x, y)
    slope = sorted_median(slopes)
    ordered_y = np.sort(y)
    intercept = sorted_median(ordered_y) - slope * sorted_median(np.sort(x))
    s_stat = float(np.count_nonzero(dy > 0) - np.count_nonzero(dy < 0))  # Mann-Kendall S
    var_s = _mk_variance(ordered_y)
    detrended = y - slope * x
    factor = max(1.0, _hamed_rao_factor(detrended), _ar1_factor(detrended))
    var_s *= factor
    if var_s <= 0:
        return Trend(slope, slope, slope, 1.0, intercept, factor)
    z = (s_stat - ((s_stat > 0) - (s_stat < 0))) / math.sqrt(var_s)  # continuity correction
    p_value = min(1.0, math.erfc(abs(z) / math.sqrt(2)))
    reach = Z_975 * math.sqrt(var_s)
    count = len(slopes)
    low_rank = min(max(round((count - reach) / 2) - 1, 0), count - 1)
    high_rank = min(max(round((count + reach) / 2), 0), count - 1)
    return Trend(
        slope, float(slopes[low_rank]), float(slopes[high_rank]), p_value, intercept, factor
    )


def theil_sen_slope(x: np.ndarray, y: np.ndarray) -> float:
    """The Theil-Sen slope alone (``theil_sen_trend(x, y).slope``), for a descriptive trend that
    needs no test or interval."""
    slopes, _ = _pairwise_slopes(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return sorted_median(slopes)


def _pairwise_slopes(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted slopes of all pairs with different x, y differences of all pairs)."""
    earlier, later = _pairs(len(y))
    dx, dy = x[later] - x[earlier], y[later] - y[earlier]
    valid = dx != 0
    return np.sort(dy / dx if valid.all() else dy[valid] / dx[valid]), dy


@lru_cache(maxsize=16)
def _pairs(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (i, j) of all pairs i < j of n points; built once per series length."""
    earlier, later = np.triu_indices(n, 1)
    return _shared(earlier), _shared(later)


def _mk_variance(ordered: np.ndarray) -> float:
    """Variance of Mann-Kendall's S with the tie correction, from the sorted values (runs of
    equal values are the ties; exact integer arithmetic)."""
    n = len(ordered)
    run_ends = [-1, *np.flatnonzero(ordered[1:] != ordered[:-1]).tolist(), n - 1]
    ties = [end - start for start, end in zip(run_ends[:-1], run_ends[1:], strict=True)]
    tie_term = sum(t * (t - 1) * (2 * t + 5) for t in ties)
    return (n * (n - 1) * (2 * n + 5) - tie_term) / 18


def _ar1_factor(detrended: np.ndarray) -> float:
    """(1+r)/(1-r) with r the lag-1 autocorrelation plus Kendall's bias (1+4r)/n, capped."""
    n = len(detrended)
    centred = detrended - mean(detrended)
    denominator = float(centred @ centred)
    if n < 4 or denominator == 0:
        return 1.0
    r = float(centred[1:] @ centred[:-1]) / denominator
    r = min(0.9, r + (1 + 4 * r) / n)
    return (1 + r) / (1 - r) if r > 0 else 1.0


def _hamed_rao_factor(detrended: np.ndarray) -> float:
    """n/n* from the significant autocorrelations of the ranks of the detrended series."""
    n = len(detrended)
    if n < 4:
        return 1.0
    centred_ranks, denominator, lag_weights = _rank_constants(n)
    if denominator == 0:
        return 1.0
    ranks = np.empty(n)
    ranks[detrended.argsort()] = centred_ranks
    acf = np.correlate(ranks, ranks, mode="full")[n : 2 * n - 3] / denominator
    significant = np.abs(acf) > Z_975 / math.sqrt(n)
    return 1 + 2 / (n * (n - 1) * (n - 2)) * float(np.sum(lag_weights * acf * significant))


@lru_cache(maxsize=16)
def _rank_constants(n: int) -> tuple[np.ndarray, float, np.ndarray]:
    """For n ranks: the centred ranks 0..n-1 (their mean is exactly (n-1)/2), their sum of
    squares (exact: integers and halves) and the Hamed-Rao lag weights (n-l)(n-l-1)(n-l-2)."""
    centred = np.arange(n) - (n - 1) / 2
    lags = np.arange(1, n - 2)
    weights = ((n - lags) * (n - lags - 1) * (n - lags - 2)).astype(float)
    return _shared(centred), float(centred @ centred), _shared(weights)


# --- Multiplicity --------------------------------------------------------------------------------


def holm(p_values: dict[str, float]) -> dict[str, float]:
    """Holm (1979) step-down adjusted p-values; controls the family-wise error rate."""
    ordered = sorted(p_values.items(), key=lambda item: item[1])
    m = len(ordered)
    adjusted, running = {}, 0.0
    for rank, (key, p_value) in enumerate(ordered):
        running = max(running, min(1.0, (m - rank) * p_value))
        adjusted[key] = running
    return adjusted


# --- One-sided tests and multiplicity-adjusted intervals ---------------------------------------


@dataclass(frozen=True, slots=True)
class Wald:
    """A coefficient and its standard error, tested in the direction an insight claims.

    ``df`` gives Student's t (regressions with few days), ``None`` the normal distribution;
    ``log_scale`` marks a log odds ratio, shown exponentiated. An interval at one-sided level
    ``alpha`` per end matches a one-sided test at ``alpha`` exactly: its lower end excludes no
    effect precisely when the one-sided p-value is below ``alpha``.
    """

    estimate: float
    error: float
    df: int | None = None
    log_scale: bool = False

    def _cdf(self, value: float) -> float:
        return float(_student_cdf(self.df, value) if self.df else ndtr(value))

    def _quantile(self, probability: float) -> float:
        return float(_student_ppf(self.df, probability) if self.df else ndtri(probability))

    def p_above(self) -> float:
        """One-sided p-value for "the coefficient is above 0" (1 when nothing varies)."""
        if not self.error > 0 or not math.isfinite(self.estimate):
            return 1.0
        return self._cdf(-self.estimate / self.error)

    def interval(self, alpha: float) -> tuple[float, float]:
        """Two-sided interval with ``alpha`` in each tail, on the shown scale."""
        reach = self._quantile(1 - alpha) * self.error if self.error > 0 else 0.0
        low, high = self.estimate - reach, self.estimate + reach
        return (_exp(low), _exp(high)) if self.log_scale else (low, high)

    @property
    def effect(self) -> float:
        return _exp(self.estimate) if self.log_scale else self.estimate


def _exp(value: float) -> float:
    return math.exp(value) if value < 700 else math.inf


# --- Penalized logistic regression for rare daily onsets ---------------------------------------

_FIRTH_ITERATIONS = 60
_MAX_STEP = 3.0


def firth_logistic(y: np.ndarray, x: np.ndarray, *, lags: int | None = None) -> tuple:
    """Logistic regression with Firth's penalty (Firth 1993; Heinze & Schemper 2002) and
    errors that respect autocorrelation.

    Attack onsets are rare and an exposure may have no onsets at all; Firth's estimate stays
    finite and less biased where plain maximum likelihood diverges (clinical reference §6). The
    variance of each coefficient is the larger of the model-based one and a Newey-West
    (Bartlett) sandwich over consecutive rows, so neither clustered attacks nor a persistent
    exposure make the interval too narrow. Returns (coefficients, standard errors).
    """
    y = np.asarray(y, dtype=float)
    design = _with_constant(np.asarray(x, dtype=float))
    n, k = design.shape
    coef = np.zeros(k)
    prevalence = min(max(y.mean(), 0.5 / n), 1 - 0.5 / n)
    coef[0] = math.log(prevalence / (1 - prevalence))
    for _ in range(_FIRTH_ITERATIONS):
        prob = _expit(design @ coef)
        weight = prob * (1 - prob)
        bread = _inverse(design.T @ (design * weight[:, None]))
        hat = weight * ((design @ bread) * design).sum(axis=1)
        step = bread @ (design.T @ (y - prob + hat * (0.5 - prob)))
        largest = float(np.abs(step).max())
        if largest > _MAX_STEP:
            step *= _MAX_STEP / largest
        coef = coef + step
        if largest < 1e-6:
            break
    prob = _expit(design @ coef)
    weight = prob * (1 - prob)
    bread = _inverse(design.T @ (design * weight[:, None]))
    scores = design * (y - prob)[:, None]
    lags = newey_west_lags(n) if lags is None else lags
    meat = scores.T @ scores
    for lag in range(1, lags + 1):
        cross = scores.T[:, lag:] @ scores[:-lag]
        meat += (1 - lag / (lags + 1)) * (cross + cross.T)
    sandwich = bread @ meat @ bread * n / (n - k)
    variance = np.maximum(bread.diagonal(), sandwich.diagonal())
    return coef, np.sqrt(np.clip(variance, 0, None))


def _expit(values: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-np.clip(values, -500, 500)))


def _inverse(matrix: np.ndarray) -> np.ndarray:
    """Inverse of an information matrix; the pseudo-inverse when a column never varies."""
    try:
        return np.linalg.inv(matrix)
    except np.linalg.LinAlgError:
        return np.linalg.pinv(matrix)


# --- Exact conditional odds ratio over strata (e.g. weekday / weekend) -------------------------

_LOG_PSI_BOUND = 15.0


@dataclass(frozen=True)
class StratifiedExact:
    """The common odds ratio of 2x2 tables in strata, by exact conditional inference (Zelen
    1971; Gart 1970): given every stratum's margins, the exposed events summed over strata
    follow a convolution of Fisher's noncentral hypergeometric distributions. The one-sided
    p-value and the interval invert the same tail probabilities, so the interval's lower end
    at ``alpha`` excludes 1 exactly when ``p_above() < alpha``. Exact tests are conservative
    (discrete), never liberal, however few the days or events; ``log_scale`` is for callers
    that treat it like a ``Wald``.

    ``tables``: per stratum (exposed events, exposed non-events, unexposed events, unexposed
    non-events)."""

    tables: tuple[tuple[int, int, int, int], ...]
    log_scale: bool = True

    @cached_property
    def _parts(self) -> tuple[list[np.ndarray], int]:
        """Each stratum's log weights over its support, and the observed sum (both counted
        from the support's lowest value)."""
        parts, observed = [], 0
        for a, b, c, d in self.tables:
            n1, n0, m = a + b, c + d, a + c
            lo, hi = max(0, m - n0), min(n1, m)
            if hi > lo:
                parts.append(_log_weights(n1, n0, m, lo, hi))
            observed += a - lo
        return parts, observed

    def _distribution(self, log_psi: float) -> np.ndarray:
        """Probabilities of the summed exposed events (minus their minimum) at this log OR."""
        total = np.ones(1)
        for base in self._parts[0]:
            logs = base + log_psi * np.arange(len(base))
            weights = np.exp(logs - logs.max())
            total = np.convolve(total, weights / weights.sum())
        return total / total.sum()

    def _upper_tail(self, log_psi: float) -> float:
        """P(sum >= observed): rises with the odds ratio."""
        return float(self._distribution(log_psi)[self._support[0] :].sum())

    def _above_observed(self, log_psi: float) -> float:
        """P(sum > observed): rises with the odds ratio."""
        return float(self._distribution(log_psi)[self._support[0] + 1 :].sum())

    @property
    def _support(self) -> tuple[int, int]:
        parts, observed = self._parts
        return observed, sum(len(base) - 1 for base in parts)

    def p_above(self) -> float:
        """One-sided exact p-value for "the odds ratio is above 1"."""
        observed, top = self._support
        return 1.0 if top == 0 else min(1.0, self._upper_tail(0.0))

    def interval(self, alpha: float) -> tuple[float, float]:
        """The exact interval with ``alpha`` in each tail."""
        observed, top = self._support
        low = 0.0 if observed == 0 else math.exp(_root(self._upper_tail, alpha))
        high = math.inf if observed == top else math.exp(_root(self._above_observed, 1 - alpha))
        return low, high

    @property
    def effect(self) -> float:
        """Conditional maximum-likelihood estimate: the OR whose expected count is the count
        observed (0 or infinite at the ends of the support)."""
        observed, top = self._support
        if top == 0:
            return math.nan
        if observed == 0:
            return 0.0
        if observed == top:
            return math.inf

        def expected(log_psi: float) -> float:
            distribution = self._distribution(log_psi)
            return float(distribution @ np.arange(len(distribution))) / top

        return math.exp(_root(expected, observed / top))


def _root(curve, target: float) -> float:
    """Where an increasing ``curve`` of the log OR reaches ``target`` within +-15 (Brent's
    method: a dozen evaluations of the convolution where bisection took sixty)."""
    low, high = -_LOG_PSI_BOUND, _LOG_PSI_BOUND

    def gap(log_psi: float) -> float:
        return curve(log_psi) - target

    try:
        return brentq(gap, low, high, xtol=1e-12)
    except ValueError:  # no crossing inside the bounds: the curve is above or below throughout
        return low if gap(low) >= 0 else high
