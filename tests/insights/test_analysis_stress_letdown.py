from dataclasses import replace

import numpy as np

from insights.analysis import analyze_diary, stress_letdown
from tests.insights.synthetic import synthetic_diary


def _result(diary):
    return next(r for r in analyze_diary(diary) if r.kind == "stress_letdown")


def test_a_planted_let_down_effect_is_found_in_most_diaries():
    found = [
        _result(synthetic_diary(seed=seed, days=365, letdown_odds=6)).status == "found"
        for seed in range(10)
    ]
    assert sum(found) >= 8


def test_a_found_let_down_names_the_drop_and_both_risks():
    result = _result(synthetic_diary(seed=1, days=365, letdown_odds=8))
    assert result.status == "found"
    assert f"fell by {result.details['drop_points']} points" in result.summary
    assert result.details["risk_exposed"] > result.details["risk_unexposed"]


def test_pure_noise_is_not_found():
    assert _result(synthetic_diary(seed=8, days=365)).status == "not_found"


def test_a_short_diary_is_insufficient():
    result = stress_letdown.analyze(synthetic_diary(seed=1, days=30))
    assert result.status == "insufficient_data"
    assert "headache starts" in result.summary or "days with stress" in result.summary


def test_the_drop_is_three_points_when_the_patient_has_five_such_drops():
    drops = np.array([3, 4, 3, 5, 3, 0, 1.0])
    assert stress_letdown.drop_threshold(np.array([0, 9, 1, 8, 2, 10.0]), drops) == 3


def test_the_drop_falls_back_to_one_personal_sd_but_never_below_two_points():
    few_drops = np.array([3, 1, 0, 1.0])
    assert stress_letdown.drop_threshold(np.array([4, 5, 4, 6, 5, 4.0]), few_drops) == 2
    assert stress_letdown.drop_threshold(np.array([0, 9, 1, 8, 2, 10.0]), few_drops) == 3


def test_onsets_on_the_drop_day_itself_are_not_tested_against_that_drop():
    """The day's stress rating may come after that day's onset, so the drop (evening t-1 to
    evening t) is tested against day t+1 only, and day t must be headache-free."""
    diary = synthetic_diary(seed=2, days=365)
    rng = np.random.default_rng(0)
    drop = np.zeros(diary.n, bool)
    drop[1:] = diary.stress[:-1] - diary.stress[1:] >= 3
    after_drop = np.roll(drop, 1)
    on_drop_day = drop & (rng.random(diary.n) < 0.5)
    elsewhere = ~drop & ~after_drop & (rng.random(diary.n) < 0.1)
    onset = on_drop_day | elsewhere
    result = stress_letdown.analyze(replace(diary, onset=onset, headache_day=onset))
    d = result.details
    assert d["exposed_onsets"] == 0
    assert d["exposed_days"] >= 5
    assert result.status == "not_found"
