from insights.analysis import analyze_diary, pain_stress_feedback
from tests.insights.synthetic import synthetic_diary


def _result(diary):
    return next(r for r in analyze_diary(diary) if r.kind == "pain_stress_feedback")


def test_pain_raising_next_day_stress_is_found():
    found = [
        _result(synthetic_diary(seed=seed, days=240, pain_to_stress=0.3)).status == "found"
        for seed in range(10)
    ]
    assert sum(found) >= 8


def test_the_found_direction_is_pain_to_stress_with_both_directions_reported():
    result = _result(synthetic_diary(seed=1, days=240, pain_to_stress=0.4))
    assert result.status == "found"
    assert result.details["direction"] == "pain_to_stress"
    assert result.ci_low > 0
    assert set(result.details["stress_to_pain"]) == {"effect", "ci_low", "ci_high", "p_value"}
    assert "the next day" in result.summary


def test_pure_noise_is_not_found():
    assert _result(synthetic_diary(seed=6, days=240)).status == "not_found"


def test_a_short_diary_is_insufficient():
    result = pain_stress_feedback.analyze(synthetic_diary(seed=1, days=30))
    assert result.status == "insufficient_data"
    assert "runs of 4 consecutive days with pain and stress recorded" in result.summary


def test_the_kind_p_value_is_bonferroni_doubled_over_the_two_directions():
    result = pain_stress_feedback.analyze(synthetic_diary(seed=1, days=200))
    smaller = min(
        result.details["pain_to_stress"]["p_value"], result.details["stress_to_pain"]["p_value"]
    )
    assert result.p_value == min(1.0, 2 * smaller)


def test_each_direction_shows_the_level_it_is_tested_at():
    result = _result(synthetic_diary(seed=1, days=240, pain_to_stress=0.4))
    tests = result.details["tests"]
    level = 100 * (1 - 0.05 / tests)  # each direction gets half the kind's share, per end
    assert result.details["interval_level"] == level
    assert f"{round(level, 1):g}% interval" in result.summary
