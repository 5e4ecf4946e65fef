from dataclasses import replace
from datetime import date

import numpy as np

from insights.analysis import analyze_diary, headache_frequency
from insights.analysis.common import empty_diary


def _diary(headache_days_per_30: list[int], migraine_days_per_30=None, logged_per_30=30):
    """One 30-day period per entry, oldest first; headaches on the first N days of each."""
    periods = len(headache_days_per_30)
    days = 30 * periods
    migraine_days_per_30 = migraine_days_per_30 or [0] * periods
    headache, migraine, recorded = (np.zeros(days, bool) for _ in range(3))
    for period, (h, m) in enumerate(zip(headache_days_per_30, migraine_days_per_30, strict=True)):
        start = 30 * period
        headache[start : start + h] = True
        migraine[start : start + m] = True
        recorded[start : start + logged_per_30] = True
    diary = empty_diary(start=date(2025, 1, 1), days=days)
    return replace(
        diary, recorded=recorded, headache_day=headache, migraine_day=migraine, onset=headache
    )


def _result(diary):
    return next(r for r in analyze_diary(diary) if r.kind == "headache_frequency")


def test_four_headache_days_is_below_the_alert_levels():
    result = _result(_diary([4, 4]))
    assert result.status == "not_found"
    assert result.effect == 4
    assert "below the published alert levels" in result.summary


def test_five_headache_days_meets_the_first_alert():
    result = _result(_diary([2, 5]))
    assert result.status == "found"
    assert result.details["alerts"] == ["5+ headache days"]


def test_ten_headache_days_meets_the_second_alert():
    assert _result(_diary([12])).details["alerts"] == ["10+ headache days"]


def test_eight_migraine_days_alerts_on_their_own():
    assert "8+ migraine days" in _result(_diary([9], [8])).details["alerts"]


def test_chronic_pattern_needs_more_than_three_months_so_four_periods_in_a_row():
    assert _result(_diary([16, 16, 16, 16], [8, 9, 10, 8])).details["chronic_pattern"]
    assert not _result(_diary([16, 16, 16], [8, 9, 10])).details["chronic_pattern"]
    assert not _result(_diary([10, 16, 16, 16], [8, 8, 9, 10])).details["chronic_pattern"]
    assert not _result(_diary([16, 16, 16, 16], [8, 8, 7, 10])).details["chronic_pattern"]


def test_chronic_pattern_is_worded_as_meeting_a_published_threshold():
    summary = _result(_diary([16, 16, 16, 16], [8, 9, 10, 8])).summary
    assert "more than three months" in summary
    assert "meets the published threshold for a chronic-migraine pattern" in summary
    assert "clinician" in summary


def test_fewer_than_20_logged_days_in_the_last_30_is_insufficient():
    result = headache_frequency.analyze(_diary([3, 3], logged_per_30=15))
    assert result.status == "insufficient_data"
    assert "5 more logged days in the last 30 days" in result.summary


def test_a_diary_shorter_than_30_days_is_insufficient():
    diary = empty_diary(start=date(2025, 1, 1), days=12)
    result = headache_frequency.analyze(replace(diary, recorded=np.ones(12, bool)))
    assert "18 more days of diary" in result.summary


def test_monthly_history_is_oldest_first():
    monthly = _result(_diary([1, 2, 3])).details["monthly"]
    assert [m["headache_days"] for m in monthly] == [1, 2, 3]


def test_unlogged_days_are_counted_and_the_count_may_be_higher():
    diary = _diary([6])
    recorded = diary.recorded.copy()
    recorded[-3:] = False
    result = _result(replace(diary, recorded=recorded))
    assert "3 days of the 30 were not logged, so the true count may be higher" in result.summary


def test_a_fully_logged_window_does_not_warn_and_one_headache_day_is_singular():
    result = _result(_diary([1], [1]))
    assert "1 headache day, 1 of them a migraine day" in result.summary
    assert "not logged" not in result.summary


def test_a_trend_says_the_range_it_comes_from():
    result = _result(_diary([2, 4, 6, 8]))
    assert "rising by about 2 days a month" in result.summary
    assert "between 2 and 8 headache days per 30 days over 4 well-logged months" in result.summary
