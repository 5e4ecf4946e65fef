"""The trigger insight: planted effects found with an interval excluding no effect, null
diaries not claimed, false discoveries controlled across many triggers, missing data named."""

import numpy as np
import pytest

from insights.analysis import analyze_diary, triggers
from insights.analysis.stats import StratifiedExact
from tests.insights.synthetic import trigger_diary


def _result(diary):
    return next(result for result in analyze_diary(diary) if result.kind == "triggers")


@pytest.mark.parametrize("seed", [3, 11])
def test_a_planted_alcohol_effect_is_found_with_an_interval_above_one(seed):
    result = _result(trigger_diary(seed=seed, days=365, odds={"alcohol": 8.0}))
    assert result.status == "found", result.summary
    assert result.details["found"][0] == "alcohol"
    assert result.ci_low > 1 and result.effect > result.ci_low
    assert result.summary.startswith("After alcohol, a new headache started more often")


def test_the_card_lists_each_found_trigger_with_its_evidence_then_the_others():
    diary = trigger_diary(seed=3, days=365, odds={"alcohol": 8.0})
    rare = np.zeros(diary.n, bool)
    rare[[10, 50]] = True
    diary.triggers["travel"] = rare & diary.triggers_answered
    result = _result(diary)
    card = triggers.card(result.details)
    alcohol = next(e for e in result.details["tested"] if e["key"] == "alcohol")
    assert [row["label"] for row in card["found"]] == ["Alcohol"]
    assert (
        f"after {alcohol['exposed_onsets']} of {alcohol['exposed_days']} days with it"
        in (card["found"][0]["counts"])
    )
    assert (
        "interval" in card["found"][0]["effect"] and "times as high" in card["found"][0]["effect"]
    )
    assert (
        "Alcohol" not in card["quiet"] and len(card["quiet"]) == len(result.details["tested"]) - 1
    )
    assert card["untested"] == [triggers.missing_text(result.details["untested"][0])]
    assert card["untested"][0].startswith("Travel: tick it on")
    assert "not proof" in card["note"]


@pytest.mark.parametrize("seed", range(20, 28))
def test_a_null_diary_claims_no_trigger(seed):
    result = _result(trigger_diary(seed=seed, days=365))
    assert result.status == "not_found", result.summary
    assert result.effect is None and result.ci_low is None
    assert "No clear sign so far" in result.summary


def test_many_null_triggers_rarely_give_any_claim():
    """20 own triggers that change nothing, on 40 diaries: the kind's gate holds the share of
    diaries with any false claim near its Bonferroni share (here 2.5%), far below 20 x 5%."""
    claims = sum(
        _result(trigger_diary(seed=seed, days=365, own=13)).status == "found"
        for seed in range(200, 240)
    )
    assert claims <= 3


def test_a_short_diary_says_what_is_missing():
    result = _result(trigger_diary(seed=1, days=40))
    assert result.status == "insufficient_data"
    assert "more days after a headache-free day with triggers answered" in result.summary


def test_a_rare_trigger_says_how_many_more_days_it_needs():
    diary = trigger_diary(seed=5, days=365)
    rare = np.zeros(diary.n, bool)
    rare[[10, 50]] = True
    diary.triggers["travel"] = rare & diary.triggers_answered
    result = _result(diary)
    assert "Travel: tick it on" in result.summary
    assert "travel" not in {entry["key"] for entry in result.details["tested"]}


def test_an_unanswered_checklist_is_not_enough_data():
    diary = trigger_diary(seed=2, days=365)
    diary.triggers_answered[:] = False
    assert _result(diary).status == "insufficient_data"


def test_benjamini_hochberg_is_a_step_up_procedure():
    picked = triggers.benjamini_hochberg([0.01, 0.04, 0.03, 0.5], q=0.10)
    assert picked.tolist() == [True, True, True, False]
    assert triggers.simes([0.01, 0.04, 0.03, 0.5]) == pytest.approx(0.04)


def test_the_exact_test_matches_fisher_and_the_interval_matches_the_p_value():
    from scipy.stats import fisher_exact

    test = StratifiedExact(((7, 13, 10, 90),))
    expected = fisher_exact([[7, 13], [10, 90]], alternative="greater").pvalue
    assert test.p_above() == pytest.approx(expected)
    assert test.interval(test.p_above() * 1.01)[0] > 1 > test.interval(test.p_above() * 0.99)[0]
