import math

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats as scipy_stats
from scipy.stats.contingency import odds_ratio
from statsmodels.stats.multitest import multipletests

from insights.analysis.stats import (
    coefficient,
    exact_odds_ratio,
    holm,
    ols_hac,
    theil_sen_trend,
)

TABLES = [(12, 40, 20, 250), (3, 7, 9, 101), (0, 15, 8, 90), (10, 0, 12, 60), (25, 30, 25, 31)]
# Tables whose roots lie far from the search's first guess, or at the ends of the support, so
# the odds-ratio search has to widen its window or skip an equation.
EXTREME_TABLES = [(150, 2, 3, 160), (2, 300, 1, 400), (0, 40, 30, 5), (40, 0, 5, 30), (1, 1, 1, 1)]


@pytest.mark.parametrize("table", TABLES + EXTREME_TABLES)
def test_exact_odds_ratio_matches_scipy_conditional_odds_ratio(table):
    a, b, c, d = table
    reference = odds_ratio([[a, b], [c, d]], kind="conditional")
    interval = reference.confidence_interval(0.95)
    ours = exact_odds_ratio(a, b, c, d)
    for expected, got in (
        (reference.statistic, ours.effect),
        (interval.low, ours.ci_low),
        (interval.high, ours.ci_high),
    ):
        if math.isfinite(expected) and expected > 0:
            assert got == pytest.approx(expected, rel=1e-3)
        else:
            assert got == expected


@pytest.mark.parametrize("table", TABLES)
def test_exact_odds_ratio_p_value_is_fishers_exact_test(table):
    a, b, c, d = table
    expected = scipy_stats.fisher_exact([[a, b], [c, d]]).pvalue
    assert exact_odds_ratio(a, b, c, d).p_value == pytest.approx(expected, rel=1e-6)


def test_ols_hac_matches_statsmodels_newey_west():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(150, 2))
    y = 1 + 0.5 * x[:, 0] + np.convolve(rng.normal(size=152), [1, 0.6, 0.3], "valid")
    reference = sm.OLS(y, sm.add_constant(x)).fit(
        cov_type="HAC", cov_kwds={"maxlags": 4, "use_correction": True}
    )
    coef, se, df = ols_hac(y, x, lags=4)
    assert np.allclose(coef, reference.params)
    assert np.allclose(se, reference.bse)
    assert df == 147


def test_coefficient_interval_uses_the_t_distribution():
    estimate = coefficient(np.array([0.0, 2.0]), np.array([1.0, 1.0]), 10, 1)
    t_crit = scipy_stats.t.ppf(0.975, 10)
    assert estimate.ci_low == pytest.approx(2 - t_crit)
    assert estimate.p_value == pytest.approx(2 * scipy_stats.t.sf(2, 10))


def test_theil_sen_slope_and_intercept_match_scipy():
    rng = np.random.default_rng(7)
    x = np.arange(30.0)
    y = 0.3 * x + rng.normal(0, 2, 30)
    reference = scipy_stats.theilslopes(y, x)
    trend = theil_sen_trend(x, y)
    assert trend.slope == pytest.approx(reference.slope)
    assert trend.intercept == pytest.approx(reference.intercept)


def test_theil_sen_interval_matches_scipy_when_there_is_no_autocorrelation():
    x = np.arange(20.0)
    rng = np.random.default_rng(5)
    y = 0.2 * x + np.tile([1.0, -1.0], 10) * rng.uniform(0.5, 2, 20)  # negative lag-1 correlation
    trend = theil_sen_trend(x, y)
    reference = scipy_stats.theilslopes(y, x)
    assert trend.variance_factor == 1.0
    assert (trend.ci_low, trend.ci_high) == pytest.approx(
        (reference.low_slope, reference.high_slope)
    )


def test_mann_kendall_p_matches_kendall_tau_on_untied_independent_data():
    rng = np.random.default_rng(11)
    y = rng.permutation(25).astype(float)
    x = np.arange(25.0)
    trend = theil_sen_trend(x, y)
    if trend.variance_factor == 1.0:
        expected = scipy_stats.kendalltau(x, y, method="asymptotic").pvalue
        assert trend.p_value == pytest.approx(expected, abs=0.02)  # continuity correction


def test_mann_kendall_inflates_variance_for_autocorrelated_series():
    rng = np.random.default_rng(2)
    y = np.cumsum(rng.normal(size=60)) * 0.5 + rng.normal(size=60)
    assert theil_sen_trend(np.arange(60.0), y).variance_factor > 1.2


def test_holm_matches_statsmodels():
    p_values = {"a": 0.01, "b": 0.04, "c": 0.03, "d": 0.5, "e": 0.002}
    expected = multipletests(list(p_values.values()), method="holm")[1]
    adjusted = holm(p_values)
    assert [adjusted[key] for key in p_values] == pytest.approx(list(expected))
