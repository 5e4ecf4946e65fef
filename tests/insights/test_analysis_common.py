from dataclasses import replace
from datetime import date

import numpy as np

from insights.analysis import KINDS, analyze_diary, common
from insights.analysis.common import Need, empty_diary, insufficient, number


def test_need_phrase_says_how_many_more_of_what():
    need = Need(48, 60, "day with stress recorded", "days with stress recorded")
    assert need.phrase() == "12 more days with stress recorded"


def test_need_phrase_uses_the_singular_for_one():
    assert Need(9, 10, "headache start", "headache starts").phrase() == "1 more headache start"


def test_insufficient_summary_lists_only_what_is_missing():
    needs = [
        Need(48, 60, "day with stress recorded", "days with stress recorded"),
        Need(12, 10, "headache start", "headache starts"),
        Need(3, 5, "high-stress day", "high-stress days"),
    ]
    result = insufficient("stress_headache", needs, what="stress and headaches", n_days=48)
    assert result.status == "insufficient_data"
    assert result.summary == (
        "Not enough data yet to look at stress and headaches: it needs 12 more days with stress "
        "recorded and 2 more high-stress days."
    )
    assert [m["need"] for m in result.details["missing"]] == [60, 5]


def test_number_rounds_to_two_significant_digits():
    assert [number(v) for v in (2.345, 0.04567, 12.0, 156.7, -0.26, float("inf"))] == [
        "2.3",
        "0.046",
        "12",
        "157",
        "-0.26",
        "very large",
    ]


def test_a_continuing_attack_day_is_not_at_risk_of_a_new_onset():
    diary = empty_diary(start=date(2025, 1, 1), days=4)
    diary = replace(
        diary,
        recorded=np.array([True, True, True, False]),
        headache_day=np.array([False, True, True, False]),
        onset=np.array([False, True, False, False]),
    )
    assert diary.at_risk.tolist() == [True, True, False, False]


def test_worst_pain_is_the_larger_of_headache_peak_and_body_pain():
    diary = empty_diary(start=date(2025, 1, 1), days=2)
    pain = np.zeros((2, 19))
    pain[0, 3] = 5
    diary = replace(diary, recorded=np.array([True, True]), pain=pain, peak=np.array([2.0, 7.0]))
    assert diary.worst_pain.tolist() == [5.0, 7.0]
    assert diary.painful_areas.tolist() == [1.0, 0.0]


def test_an_empty_diary_gives_insufficient_data_for_every_kind():
    results = analyze_diary(empty_diary(start=date(2025, 1, 1), days=1))
    assert {r.status for r in results} == {"insufficient_data"}
    assert len({r.kind for r in results}) == len(KINDS)
    assert all("more" in r.summary for r in results)


def test_summaries_avoid_diagnosis_language():
    from tests.insights.synthetic import synthetic_diary

    diary = synthetic_diary(seed=3, days=300, letdown_odds=8, triptan_days_last_30=12)
    text = " ".join(r.summary for r in analyze_diary(diary)).lower()
    for word in ("you have migraine", "diagnos", "you suffer", "disorder"):
        assert word not in text.replace("not a diagnosis", "")


def test_found_associations_say_association_not_proof():
    from tests.insights.synthetic import synthetic_diary

    results = analyze_diary(synthetic_diary(seed=1, days=300, poor_sleep_extra_areas=2))
    sleep = next(r for r in results if r.kind == "sleep_pain")
    assert sleep.status == common.FOUND
    assert common.ASSOCIATION_NOTE in sleep.summary
    assert "clinician" in sleep.summary


def test_cards_show_the_adjusted_level_and_what_established_means():
    from types import SimpleNamespace

    from insights.templatetags.insight_format import evidence_text, interval_level

    assert interval_level(SimpleNamespace(details={"interval_level": 98.0})) == "98%"
    assert interval_level(SimpleNamespace(details={})) == "95%"
    assert evidence_text("established") == "24 or more headache starts logged"
