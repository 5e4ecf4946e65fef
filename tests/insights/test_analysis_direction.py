"""Each `found` insight points the way its sentence claims; opposite findings are never
worded as the claim (issue 19, honest statistics)."""

from dataclasses import replace

import numpy as np

from insights.analysis import analyze_diary, sleep_pain
from tests.insights.synthetic import synthetic_diary


def _result(diary, kind):
    return next(r for r in analyze_diary(diary) if r.kind == kind)


def test_a_protective_stress_drop_is_never_a_let_down_pattern():
    for seed in range(6):
        result = _result(synthetic_diary(seed=seed, days=365, letdown_odds=0.1), "stress_letdown")
        assert result.status == "not_found"
        assert "fits a let-down pattern" not in result.summary


def _less_pain_after_poor_nights(seed: int):
    diary = synthetic_diary(seed=seed, days=240)
    poor, _, _ = sleep_pain.poor_nights(diary)
    pain = diary.pain.copy()
    pain[poor & diary.recorded] = 0.0  # no body pain at all after a poor night
    pain[~poor & diary.recorded, :4] = np.maximum(pain[~poor & diary.recorded, :4], 3)
    return replace(diary, pain=pain)


def test_less_pain_after_poor_nights_never_says_poor_sleep_turns_up_the_pain():
    for seed in range(4):
        result = _result(_less_pain_after_poor_nights(seed), "sleep_pain")
        assert result.status == "not_found"
        assert "turn up" not in result.summary
        assert result.effect < 0
        assert "points the other way" in result.summary


def test_stress_that_lowers_next_day_onsets_is_not_found():
    for seed in range(4):
        diary = synthetic_diary(seed=seed, days=365, stress_odds_per_point=0.7)
        result = _result(diary, "stress_headache")
        assert result.status == "not_found"
        assert result.effect < 1


def test_found_always_matches_an_adjusted_interval_on_the_claimed_side():
    for seed in range(12):
        diary = synthetic_diary(
            seed=seed,
            days=300,
            letdown_odds=3,
            poor_sleep_extra_areas=1.0,
            stress_odds_per_point=1.3,
            pain_to_stress=0.3,
        )
        for result in analyze_diary(diary):
            if result.details.get("tests") is None:
                continue
            no_effect = 1.0 if result.effect_label.startswith("odds ratio") else 0.0
            excludes = result.ci_low > no_effect
            if result.status == "found":
                assert excludes, result
            elif result.kind != "pain_spread":  # which also needs a rise of 2 areas
                assert not excludes, result
            assert result.details["interval_level"] < 100
            assert f"{result.details['interval_level']:g}% interval" in result.summary
