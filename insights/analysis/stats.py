"""Small, fast statistical routines for N-of-1 diaries (numpy + scipy special functions only).

Each routine matches a reference implementation that is too slow to call thousands of times
(the tests compare them): the exact conditional odds ratio of ``scipy.stats.contingency
.odds_ratio(kind="conditional")``, Newey-West OLS of ``statsmodels`` (``cov_type="HAC"``), and
``scipy.stats.theilslopes``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln, ndtri
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


def _log_binom(n: int, k: np.ndarray) -> np.ndarray:
    return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)


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
    support = np.arange(lo, hi + 1, dtype=float)
    base = _log_binom(n1, support) + _log_binom(n0, m - support)
    index = a - lo
    p_value = _fisher_p(base, index)
    if hi == lo:
        return Estimate(math.nan, 0.0, math.inf, 1.0)
    targets = np.array([a, 0.025, 0.025])

    def curves(log_psi: np.ndarray) -> np.ndarray:
        """Rows: E[X] (increasing), P(X >= a) (increasing), -P(X <= a) (increasing)."""
        weights = base[:, None] + support[:, None] * log_psi[None, :]
        weights = np.exp(weights - weights.max(axis=0))
        probs = weights / weights.sum(axis=0)
        return np.vstack(
            [support @ probs, probs[index:].sum(axis=0), -probs[: index + 1].sum(axis=0)]
        )

    coarse = np.linspace(-_LOG_OR_BOUND, _LOG_OR_BOUND, 121)
    signs = targets * np.array([1, 1, -1])
    values = curves(coarse)
    roots = []
    for row, target in enumerate(signs):
        position = int(np.clip(np.searchsorted(values[row], target), 1, len(coarse) - 1))
        fine = np.linspace(coarse[position - 1], coarse[position], 48)
        roots.append(float(np.interp(target, curves(fine)[row], fine)))
    effect = 0.0 if a == lo else math.inf if a == hi else math.exp(roots[0])
    ci_low = 0.0 if a == lo else math.exp(roots[1])
    ci_high = math.inf if a == hi else math.exp(roots[2])
    return Estimate(effect, ci_low, ci_high, p_value)


_LOG_OR_BOUND = 15.0


def _fisher_p(base: np.ndarray, index: int) -> float:
    """Two-sided Fisher exact p: sum of null probabilities no larger than the observed one."""
    null = np.exp(base - base.max())
    null /= null.sum()
    return float(min(1.0, null[null <= null[index] * (1 + 1e-7)].sum()))


# --- OLS with Newey-West (HAC) standard errors -------------------------------------------------


def newey_west_lags(n: int) -> int:
    """Newey & West (1994) plug-in bandwidth floor(4 (n/100)^(2/9))."""
    return int(math.floor(4 * (n / 100) ** (2 / 9)))


def ols_hac(y: np.ndarray, x: np.ndarray, *, lags: int | None = None) -> tuple:
    """OLS of ``y`` on ``x`` (constant added) with Newey-West errors (Bartlett kernel).

    Daily diary series are autocorrelated, so ordinary errors would overstate certainty
    (clinical reference §6). Returns (coefficients, standard errors, residual df), including the
    small-sample factor n/(n-k) as statsmodels' ``cov_type="HAC"`` does.
    """
    y = np.asarray(y, dtype=float)
    design = np.column_stack([np.ones(len(y)), np.asarray(x, dtype=float)])
    n, k = design.shape
    lags = newey_west_lags(n) if lags is None else lags
    gram = design.T @ design
    try:
        bread = np.linalg.inv(gram)
    except np.linalg.LinAlgError:  # a constant predictor: fall back to the pseudo-inverse
        bread = np.linalg.pinv(gram)
    coef = bread @ (design.T @ y)
    scores = design * (y - design @ coef)[:, None]
    meat = scores.T @ scores
    for lag in range(1, lags + 1):
        weight = 1 - lag / (lags + 1)
        cross = scores[lag:].T @ scores[:-lag]
        meat += weight * (cross + cross.T)
    cov = bread @ meat @ bread * n / (n - k)
    return coef, np.sqrt(np.clip(np.diag(cov), 0, None)), n - k


def coefficient(coef: np.ndarray, se: np.ndarray, df: int, index: int) -> Estimate:
    """One regression coefficient with a t-based 95% CI and two-sided p (conservative in small
    samples compared with the normal approximation)."""
    estimate, error = float(coef[index]), float(se[index])
    if not error > 0:
        return Estimate(estimate, estimate, estimate, 1.0)
    t_crit = float(_student_ppf(df, 0.975))
    t_value = estimate / error
    p_value = float(2 * _student_cdf(df, -abs(t_value)))
    return Estimate(estimate, estimate - t_crit * error, estimate + t_crit * error, p_value)


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
    n = len(y)
    upper_i, upper_j = np.triu_indices(n, 1)
    dx, dy = x[upper_j] - x[upper_i], y[upper_j] - y[upper_i]
    valid = dx != 0
    slopes = np.sort(dy[valid] / dx[valid])
    slope = float(np.median(slopes))
    intercept = float(np.median(y) - slope * np.median(x))
    s_stat = float(np.sign(dy).sum())
    var_s = _mk_variance(y)
    factor = max(1.0, _hamed_rao_factor(x, y, slope), _ar1_factor(y - slope * x))
    var_s *= factor
    if var_s <= 0:
        return Trend(slope, slope, slope, 1.0, intercept, factor)
    z = (s_stat - np.sign(s_stat)) / math.sqrt(var_s)
    p_value = float(min(1.0, math.erfc(abs(z) / math.sqrt(2))))
    reach = Z_975 * math.sqrt(var_s)
    count = len(slopes)
    low_rank = int(np.clip(np.round((count - reach) / 2) - 1, 0, count - 1))
    high_rank = int(np.clip(np.round((count + reach) / 2), 0, count - 1))
    return Trend(
        slope, float(slopes[low_rank]), float(slopes[high_rank]), p_value, intercept, factor
    )


def _mk_variance(y: np.ndarray) -> float:
    n = len(y)
    _, ties = np.unique(y, return_counts=True)
    return float((n * (n - 1) * (2 * n + 5) - np.sum(ties * (ties - 1) * (2 * ties + 5))) / 18)


def _ar1_factor(detrended: np.ndarray) -> float:
    """(1+r)/(1-r) with r the lag-1 autocorrelation plus Kendall's bias (1+4r)/n, capped."""
    n = len(detrended)
    centred = detrended - detrended.mean()
    denominator = float(centred @ centred)
    if n < 4 or denominator == 0:
        return 1.0
    r = float(centred[1:] @ centred[:-1]) / denominator
    r = min(0.9, r + (1 + 4 * r) / n)
    return (1 + r) / (1 - r) if r > 0 else 1.0


def _hamed_rao_factor(x: np.ndarray, y: np.ndarray, slope: float) -> float:
    """n/n* from the significant autocorrelations of the ranks of the detrended series."""
    n = len(y)
    if n < 4:
        return 1.0
    detrended = y - slope * x
    ranks = detrended.argsort().argsort().astype(float)
    ranks -= ranks.mean()
    denominator = float(ranks @ ranks)
    if denominator == 0:
        return 1.0
    lags = np.arange(1, n - 2)
    acf = np.correlate(ranks, ranks, mode="full")[n : 2 * n - 3] / denominator
    significant = np.abs(acf) > Z_975 / math.sqrt(n)
    weights = (n - lags) * (n - lags - 1) * (n - lags - 2)
    return 1 + 2 / (n * (n - 1) * (n - 2)) * float(np.sum(weights * acf * significant))


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
