import numpy as np

from insights.analysis import analyze_diary, common, stress_headache
from tests.insights.synthetic import synthetic_diary


def _result(diary):
    return next(r for r in analyze_diary(diary) if r.kind == "stress_headache")


def test_a_planted_next_day_stress_effect_is_found_in_most_diaries():
    found = [
        _result(synthetic_diary(seed=seed, days=365, high_stress_odds=5)).status == "found"
        for seed in range(10)
    ]
    assert sum(found) >= 8


def test_a_found_result_shows_odds_ratio_interval_and_absolute_risks():
    result = _result(synthetic_diary(seed=0, days=365, high_stress_odds=6))
    assert result.status == "found"
    assert result.ci_low > 1 and result.effect > result.ci_low
    assert result.details["risk_exposed"] > result.details["risk_unexposed"]
    assert "times as high" in result.summary
    assert f"{result.details['interval_level']:g}% interval" in result.summary
    assert result.summary.startswith("In your diary, a new headache started the next day after")
    assert f"{result.n_days} days" in result.summary


def test_pure_noise_is_not_found():
    assert _result(synthetic_diary(seed=5, days=365)).status == "not_found"


def test_not_found_says_more_data_may_still_reveal_an_effect():
    result = _result(synthetic_diary(seed=5, days=365))
    assert "more data may still reveal" in result.summary


def test_a_short_diary_is_insufficient_and_says_what_is_missing():
    result = stress_headache.analyze(synthetic_diary(seed=1, days=40))
    assert result.status == "insufficient_data"
    assert "more days after a headache-free day with stress recorded" in result.summary


def test_stress_bands_account_for_every_usable_day():
    result = stress_headache.analyze(synthetic_diary(seed=2, days=200))
    assert sum(band["days"] for band in result.details["bands"]) == result.n_days
    assert sum(band["onsets"] for band in result.details["bands"]) == result.n_events


def test_the_insufficient_message_counts_the_starts_it_names():
    diary = synthetic_diary(seed=1, days=40)
    result = stress_headache.analyze(diary)
    at_risk = common.clear_day_before(diary)[1:] & diary.stress_known[:-1]
    starts = int(np.count_nonzero(diary.onset[1:] & at_risk))
    missing = {need["what"]: need for need in result.details["missing"]}
    assert missing["headache starts after a headache-free day"]["have"] == starts
    assert f"{10 - starts} more headache start" in result.summary
    assert missing["days after a headache-free day with stress recorded"]["have"] == int(
        np.count_nonzero(at_risk)
    )
