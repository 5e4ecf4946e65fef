"""The fast paths of the analysis give the same numbers as the plain numpy they replace: the
shortcuts are only worth having if no insight changes because of them."""

from datetime import date

import numpy as np

from insights.analysis import stats
from insights.analysis.common import empty_diary, number


def test_percentile_is_numpys_linear_percentile_exactly():
    rng = np.random.default_rng(3)
    for size in (1, 2, 5, 37, 400):
        values = rng.normal(420, 60, size).round()
        for q in (25, 50, 75):
            assert stats.percentile(values, q) == float(np.percentile(values, q))


def test_mean_and_sorted_median_are_numpys_exactly():
    values = np.random.default_rng(4).normal(size=101)
    assert stats.mean(values) == float(values.mean())
    assert stats.sorted_median(np.sort(values)) == float(np.median(values))
    assert stats.sorted_median(np.sort(values[:100])) == float(np.median(values[:100]))


def test_theil_sen_slope_is_the_trend_slope():
    rng = np.random.default_rng(6)
    x, y = np.arange(12.0), rng.integers(0, 20, 12).astype(float)
    assert stats.theil_sen_slope(x, y) == stats.theil_sen_trend(x, y).slope


def test_number_keeps_numpys_rounding_for_numpy_floats():
    # np.round scales first: 0.15 * 10 is exactly 1.5, which rounds to 2; the float 0.15 is
    # slightly below 0.15 and rounds to 0.1 with Python's correctly rounded round().
    assert number(np.float64(0.15), 1) == "0.2"
    assert number(0.15, 1) == "0.1"


def test_worst_pain_treats_missing_and_infinite_pain_as_nan_to_num_does():
    diary = empty_diary(start=date(2025, 1, 1), days=3)
    diary.recorded[:] = True
    diary.pain[0, :3] = [np.nan, 4.0, -2.0]
    diary.pain[1, 0] = np.inf
    expected = np.maximum(np.nan_to_num(diary.pain).max(axis=1, initial=0), diary.peak)
    assert np.array_equal(diary.worst_pain, expected)
    assert np.array_equal(diary.painful_areas, (np.nan_to_num(diary.pain) > 0).sum(axis=1))
