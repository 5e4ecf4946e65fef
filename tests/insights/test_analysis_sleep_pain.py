from insights.analysis import analyze_diary, sleep_pain
from tests.insights.synthetic import synthetic_diary


def _result(diary):
    return next(r for r in analyze_diary(diary) if r.kind == "sleep_pain")


def test_more_painful_areas_after_poor_nights_is_found():
    found = [
        _result(synthetic_diary(seed=seed, days=180, poor_sleep_extra_areas=1.5)).status == "found"
        for seed in range(10)
    ]
    assert sum(found) >= 8


def test_a_found_result_is_a_difference_in_painful_areas_with_interval():
    result = _result(synthetic_diary(seed=2, days=240, poor_sleep_extra_areas=2))
    assert result.status == "found"
    d = result.details
    assert result.ci_low > 0
    assert d["mean_areas_after_poor"] > d["mean_areas_after_other"]
    assert result.n_events == d["poor_nights"]


def test_pure_noise_is_not_found():
    assert _result(synthetic_diary(seed=4, days=240)).status == "not_found"


def test_fewer_than_42_days_with_sleep_and_pain_is_insufficient():
    result = sleep_pain.analyze(synthetic_diary(seed=1, days=40, missing=0.0))
    assert result.status == "insufficient_data"
    assert "2 more days with both sleep and body pain recorded" in result.summary


def test_short_night_cut_off_is_at_least_six_hours():
    _, _, cutoff = sleep_pain.poor_nights(synthetic_diary(seed=1, days=100))
    assert cutoff >= 360
