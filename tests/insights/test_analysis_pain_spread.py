from dataclasses import replace
from datetime import date

import numpy as np

from insights.analysis import analyze_diary, common, pain_spread
from insights.analysis.common import empty_diary
from tests.insights.synthetic import synthetic_diary


def _result(diary):
    return next(r for r in analyze_diary(diary) if r.kind == "pain_spread")


def _weekly_diary(weekly_areas: list[int], *, logged_per_week: int = 7):
    """One week per entry; each logged day has the first N areas painful (intensity 3)."""
    days = 7 * len(weekly_areas)
    pain = np.zeros((days, 19))
    recorded = np.zeros(days, bool)
    for week, areas in enumerate(weekly_areas):
        for day in range(logged_per_week):
            recorded[7 * week + day] = True
            pain[7 * week + day, :areas] = 3
    diary = empty_diary(start=date(2025, 1, 6), days=days)
    return replace(diary, recorded=recorded, pain=np.where(recorded[:, None], pain, np.nan))


def test_planted_spreading_pain_is_found():
    found = [
        _result(synthetic_diary(seed=seed, days=180, spread_areas_per_month=1.5)).status == "found"
        for seed in range(10)
    ]
    assert sum(found) >= 8


def test_a_found_trend_reports_areas_per_month_and_the_fitted_rise():
    result = _result(synthetic_diary(seed=4, days=180, spread_areas_per_month=1.5))
    assert result.status == "found"
    assert result.effect_label == "painful areas per month"
    assert result.ci_low > 0
    assert result.details["fitted_rise_areas"] >= 2


def test_pure_noise_is_not_found():
    assert _result(synthetic_diary(seed=2, days=240)).status == "not_found"


def test_a_rise_of_less_than_two_areas_is_not_found_even_if_steady():
    weekly = [1] * 6 + [2] * 6 + [2] * 4  # significant but small
    assert _result(_weekly_diary(weekly)).status == "not_found"


def test_a_steady_rise_of_several_areas_is_found():
    assert _result(_weekly_diary([1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7])).status == "found"


def test_falling_pain_is_not_reported_as_spreading():
    assert _result(_weekly_diary([9, 9, 8, 8, 7, 6, 6, 5, 4, 4, 3, 2, 2, 1])).status == "not_found"


def test_weeks_with_fewer_than_four_logged_days_do_not_count():
    result = pain_spread.analyze(_weekly_diary([3] * 12, logged_per_week=3))
    assert result.status == "insufficient_data"
    assert "8 more weeks with body pain logged on at least 4 days" in result.summary


def test_widespread_pattern_needs_seven_areas_in_four_regions_for_twelve_weeks():
    # the first 12 areas span jaw, shoulders, arms (2 regions) and hips (2 more regions)
    assert pain_spread.analyze(_weekly_diary([12] * 14)).details["widespread_pattern"]
    assert not pain_spread.analyze(_weekly_diary([8] * 14)).details["widespread_pattern"]
    assert not pain_spread.analyze(_weekly_diary([12] * 10 + [3] * 6)).details["widespread_pattern"]


def test_headache_cooccurrence_compares_headache_days_with_other_days():
    diary = synthetic_diary(seed=1, days=120)
    details = pain_spread.analyze(diary).details["headache_cooccurrence"]
    assert details["headache_days"] == int((diary.recorded & diary.headache_day).sum())


def test_a_clear_but_small_rise_is_not_called_spreading_and_says_why():
    result = common.InsightResult(
        kind="pain_spread",
        status="not_found",
        ci_low=0.1,
        ci_high=0.4,
        details={"tests": 5, "p_unadjusted": 0.001},
    )
    assert "smaller than the size needed" in common.certainty(result)
