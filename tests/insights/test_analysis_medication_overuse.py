from dataclasses import replace
from datetime import date

import numpy as np

from diary import scales
from insights.analysis import analyze_diary, medication_overuse
from insights.analysis.common import empty_diary


def _diary(per_class: dict[str, int], *, periods: int = 1, headache_days: int = 0):
    """``per_class`` days in each of ``periods`` 30-day periods, on different days per class."""
    days = 30 * periods
    diary = empty_diary(start=date(2025, 1, 1), days=days)
    medication = np.zeros_like(diary.medication)
    headache = np.zeros(days, bool)
    offset = 0
    for code, count in per_class.items():
        column = scales.MEDICATION_CLASS_CODES.index(code)
        for period in range(periods):
            medication[30 * period + offset : 30 * period + offset + count, column] = True
        offset += count
    for period in range(periods):
        headache[30 * period : 30 * period + headache_days] = True
    return replace(
        diary, recorded=np.ones(days, bool), medication=medication, headache_day=headache
    )


def _result(diary):
    return next(r for r in analyze_diary(diary) if r.kind == "medication_overuse")


def test_triptans_on_ten_days_meet_the_threshold():
    result = _result(_diary({"triptan": 10}))
    assert result.status == "found"
    assert result.effect == 10
    assert result.details["leading_class"] == "triptan"
    assert "meets the published threshold of 10 days" in result.summary
    assert "don't stop or change medication on your own" in result.summary


def test_triptans_on_eight_days_are_approaching():
    result = _result(_diary({"triptan": 8}))
    assert result.status == "not_found"
    assert result.details["levels"] == {"triptan": "approaching"}
    assert "approaching" in result.summary


def test_simple_analgesics_need_fifteen_days():
    assert _result(_diary({"simple_analgesic": 14})).status == "not_found"
    assert _result(_diary({"simple_analgesic": 15})).status == "found"


def test_paracetamol_7_and_ibuprofen_6_days_are_one_class_and_not_flagged():
    result = _result(_diary({"simple_analgesic": 7, "nsaid": 6}))
    assert result.status == "not_found"
    assert result.details["days_by_class"]["non_opioid"] == 13
    assert result.details["leading_class"] == "non_opioid"
    assert result.details["levels"] == {"non_opioid": "approaching"}
    assert "several classes" not in result.summary
    assert "simple painkillers" in result.summary and "on 13 days" in result.summary


def test_simple_analgesics_and_nsaids_count_together_at_fifteen_days():
    assert _result(_diary({"simple_analgesic": 8, "nsaid": 6})).status == "not_found"
    result = _result(_diary({"simple_analgesic": 8, "nsaid": 7}))
    assert result.status == "found"
    assert "threshold of 15 days" in result.summary


def test_a_day_with_paracetamol_and_ibuprofen_counts_once():
    diary = _diary({"simple_analgesic": 15})
    medication = diary.medication.copy()
    medication[:15, scales.MEDICATION_CLASS_CODES.index("nsaid")] = True  # the same 15 days
    result = _result(replace(diary, medication=medication))
    assert result.details["days_by_class"]["non_opioid"] == 15
    assert result.details["any_acute_days"] == 15


def test_different_classes_on_ten_days_meet_the_multiple_class_rule():
    result = _result(_diary({"simple_analgesic": 6, "triptan": 4}))
    assert result.status == "found"
    assert result.details["leading_class"] == medication_overuse.MULTI_CLASS
    assert "from different classes" in result.summary
    assert "never two classes on the same day" in result.summary
    assert "several classes together" not in result.summary


def test_different_classes_on_nine_days_are_approaching():
    result = _result(_diary({"nsaid": 5, "triptan": 4}))
    assert result.status == "not_found"
    assert result.details["levels"] == {medication_overuse.MULTI_CLASS: "approaching"}


def test_the_multiple_class_rule_needs_no_single_class_overused():
    result = _result(_diary({"triptan": 10, "nsaid": 3}))
    assert result.details["leading_class"] == "triptan"
    assert medication_overuse.MULTI_CLASS not in result.details["levels"]


def test_combination_analgesics_are_named_with_their_adjuvant():
    result = _result(_diary({"combination": 10}))
    assert result.status == "found"
    assert "with caffeine, codeine or another adjuvant" in result.summary


def test_one_day_is_singular():
    result = _result(_diary({"triptan": 1}))
    assert "on 1 day," in result.summary and "1 days" not in result.summary


def test_gepants_have_no_threshold_and_are_only_reported():
    result = _result(_diary({"gepant": 20}))
    assert result.status == "not_found"
    assert result.details["no_threshold_days"] == {"gepant": 20}


def test_overuse_pattern_needs_more_than_three_months_with_fifteen_headache_days():
    four = _result(_diary({"triptan": 11}, periods=4, headache_days=16))
    assert four.details["overuse_pattern"]
    assert "more than three months" in four.summary
    three = _result(_diary({"triptan": 11}, periods=3, headache_days=16))
    assert not three.details["overuse_pattern"]
    assert not _result(_diary({"triptan": 11}, periods=4, headache_days=14)).details[
        "overuse_pattern"
    ]


def test_three_months_of_triptans_after_a_month_below_is_not_the_pattern():
    diary = _diary({"triptan": 11}, periods=4, headache_days=16)
    medication = diary.medication.copy()
    medication[:30] = False
    assert not _result(replace(diary, medication=medication)).details["overuse_pattern"]


def test_no_acute_medication_says_so():
    result = _result(_diary({}))
    assert result.status == "not_found"
    assert result.summary == "You logged no acute headache medication in the last 30 days."
