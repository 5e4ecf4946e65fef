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


def test_several_classes_together_meet_the_ten_day_rule():
    result = _result(_diary({"simple_analgesic": 6, "nsaid": 5}))
    assert result.status == "found"
    assert result.details["leading_class"] == medication_overuse.MULTI_CLASS


def test_gepants_have_no_threshold_and_are_only_reported():
    result = _result(_diary({"gepant": 20}))
    assert result.status == "not_found"
    assert result.details["no_threshold_days"] == {"gepant": 20}


def test_overuse_pattern_needs_three_months_with_fifteen_headache_days():
    assert _result(_diary({"triptan": 11}, periods=3, headache_days=16)).details["overuse_pattern"]
    assert not _result(_diary({"triptan": 11}, periods=3, headache_days=12)).details[
        "overuse_pattern"
    ]
    assert not _result(_diary({"triptan": 11}, periods=2, headache_days=16)).details[
        "overuse_pattern"
    ]


def test_no_acute_medication_says_so():
    result = _result(_diary({}))
    assert result.status == "not_found"
    assert result.summary == "You logged no acute headache medication in the last 30 days."
