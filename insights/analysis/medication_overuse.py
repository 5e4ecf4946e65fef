"""Acute-medication days per 30 days, per ICHD-3 class, against the overuse thresholds.

ICHD-3 8.2 (Cephalalgia 2018), as summarized in clinical reference §1:
- non-opioid analgesics (8.2.3: paracetamol, aspirin and other NSAIDs, other simple
  analgesics) are ONE class, judged cumulatively at >= 15 days/month: the diary's
  ``simple_analgesic`` and ``nsaid`` codes count together, a day with either is one day;
- triptans, ergots, opioids, combination analgesics (8.2.5: a combination *with an adjuvant*
  such as caffeine or codeine) and other medication on >= 10 days/month each;
- any combination of *different* classes on >= 10 days in total without any single class
  overused (8.2.6): it needs two or more classes used in the month; paracetamol plus ibuprofen
  is one class, so 7 + 6 days is 13 non-opioid days, below 15, and not this rule;
- gepants and ditans have no established threshold: their days are reported only.
"Approaching" at 12 (15-day class) and 8 (10-day rules). Found when a threshold is met in the
latest 30 days. The "meets overuse pattern" flag needs regular overuse for *more than* 3 months,
so a threshold met in each of the latest four 30-day periods (three are not enough), each with
>= 15 headache days.
"""

from __future__ import annotations

import numpy as np

from diary import scales
from insights.analysis import common
from insights.analysis.common import DiaryArrays, InsightResult
from insights.analysis.headache_frequency import periods, window_needs

KIND = "medication_overuse"
PATTERN_PERIODS = 4  # "more than 3 months"
PATTERN_HEADACHE_DAYS = 15
MULTI_CLASS = "multiple classes"
NON_OPIOID = "non_opioid"
NON_OPIOID_CODES = ("simple_analgesic", "nsaid")
NON_OPIOID_DAYS = 15
TEN_DAY_CODES = ("triptan", "ergot", "opioid", "combination", "other")
TEN_DAYS = 10
MULTI_CLASS_DAYS = 10
APPROACHING = {NON_OPIOID_DAYS: 12, TEN_DAYS: 8}
THRESHOLDS = {NON_OPIOID: NON_OPIOID_DAYS, **dict.fromkeys(TEN_DAY_CODES, TEN_DAYS)}
LABELS = {
    NON_OPIOID: "simple painkillers (paracetamol, aspirin, NSAIDs such as ibuprofen)",
    "combination": "combination painkillers (with caffeine, codeine or another adjuvant)",
    MULTI_CLASS: "medicines from different classes",
}


SHORT_LABELS = {
    NON_OPIOID: "simple painkiller",
    "combination": "combination painkiller",
    MULTI_CLASS: "different-class",
}


def class_columns(diary: DiaryArrays) -> dict[str, np.ndarray]:
    """Per-day use of each ICHD-3 class: the two non-opioid codes merged into one class."""
    codes = diary.medication_classes
    columns = {code: diary.medication[:, i] for i, code in enumerate(codes)}
    merged = np.zeros(diary.n, bool)
    for code in NON_OPIOID_CODES:
        if code in columns:
            merged |= columns.pop(code)
    return {NON_OPIOID: merged, **columns}


def class_days(diary: DiaryArrays) -> dict[str, list[int]]:
    """Days per 30-day period (oldest first, up to four) for each class; ``MULTI_CLASS``: days
    with any thresholded class; ``"classes used"``: thresholded classes used in the period;
    ``"two classes"``: days with two or more thresholded classes."""
    columns = class_columns(diary)
    days = {code: periods(diary, used, PATTERN_PERIODS).tolist() for code, used in columns.items()}
    limited = np.column_stack([columns[code] for code in THRESHOLDS if code in columns])
    days[MULTI_CLASS] = periods(diary, limited.any(axis=1), PATTERN_PERIODS).tolist()
    days["two classes"] = periods(diary, limited.sum(axis=1) >= 2, PATTERN_PERIODS).tolist()
    per_period = periods(diary, limited, PATTERN_PERIODS)
    days["classes used"] = np.count_nonzero(per_period, axis=1).tolist()
    return days


def assess(days: dict[str, list[int]], period: int = -1) -> dict[str, str]:
    """Level per class for one period: 'meets', 'approaching' or 'below' its threshold. The
    multiple-class rule applies only with two or more different classes and no single class
    overused (ICHD-3 8.2.6)."""
    levels = {
        code: _level(days[code][period], threshold)
        for code, threshold in THRESHOLDS.items()
        if code in days
    }
    if days["classes used"][period] >= 2 and "meets" not in levels.values():
        levels[MULTI_CLASS] = _level(days[MULTI_CLASS][period], MULTI_CLASS_DAYS)
    return levels


def _level(count: int, threshold: int) -> str:
    if count >= threshold:
        return "meets"
    if count >= APPROACHING[threshold]:
        return "approaching"
    return "below"


def analyze(diary: DiaryArrays) -> InsightResult:
    """Acute-medication days per class in the latest 30 days, with the threshold each meets."""
    needs = window_needs(diary)
    if common.shortfall(needs):
        return common.insufficient(
            KIND, needs, what="how often you take acute medication", n_days=needs[1].have
        )
    days = class_days(diary)
    levels = assess(days)
    leading = max(levels, key=lambda code: (_rank(levels[code]), _share(days, code)))
    headache = periods(diary, diary.headache_day, PATTERN_PERIODS).tolist()
    latest_month = diary.medication[-common.WINDOW_DAYS :]
    details = {
        "days_by_class": {
            code: days[code][-1]
            for code in (NON_OPIOID, *diary.medication_classes)
            if code in days and days[code][-1]
        },
        "any_acute_days": int(np.count_nonzero(latest_month.any(axis=1))),
        "levels": {code: level for code, level in levels.items() if level != "below"},
        "leading_class": leading,
        "threshold": _threshold(leading),
        "headache_days": headache[-1],
        "days_with_two_classes": days["two classes"][-1],
        "no_threshold_days": {
            code: days[code][-1]
            for code in diary.medication_classes
            if code in days and code not in THRESHOLDS and days[code][-1]
        },
        "overuse_pattern": _pattern(days, headache),
    }
    return InsightResult(
        kind=KIND,
        status=common.FOUND if levels[leading] == "meets" else common.NOT_FOUND,
        effect=float(days[leading][-1]),
        n_days=needs[1].have,
        n_events=details["any_acute_days"],
        effect_label=f"{SHORT_LABELS.get(leading, leading)} days in the last 30 days"[:80],
        details=details,
    )


def _rank(level: str) -> int:
    return {"meets": 2, "approaching": 1}.get(level, 0)


def _threshold(code: str) -> int:
    return MULTI_CLASS_DAYS if code == MULTI_CLASS else THRESHOLDS[code]


def _share(days: dict[str, list[int]], code: str) -> float:
    return days[code][-1] / _threshold(code)


def _pattern(days: dict[str, list[int]], headache: list[int]) -> bool:
    """A threshold met and >= 15 headache days in each of the latest four periods."""
    if len(headache) < PATTERN_PERIODS:
        return False
    return all(
        "meets" in assess(days, period).values() and headache[period] >= PATTERN_HEADACHE_DAYS
        for period in range(-PATTERN_PERIODS, 0)
    )


def label(code: str) -> str:
    """The class as a patient reads it."""
    if code in LABELS:
        return LABELS[code]
    names = dict(scales.MEDICATION_CLASSES)
    return names.get(code, code).split(" (")[0].lower() + "s"


def describe(result: InsightResult) -> str:
    """Days per class in plain words, against the published thresholds."""
    if result.status == common.INSUFFICIENT:
        return result.summary
    d = result.details
    if not d["any_acute_days"]:
        return "You logged no acute headache medication in the last 30 days."
    leading, level = d["leading_class"], d["levels"].get(d["leading_class"], "below")
    days = int(result.effect)
    count = (
        f"In the last 30 days you took acute medication on "
        f"{common.count_phrase(d['any_acute_days'], 'day')}"
    )
    if level == "below":
        return f"{count}, below the published overuse thresholds."
    if leading == MULTI_CLASS:
        together = d["days_with_two_classes"]
        same_day = (
            f"on {common.count_phrase(together, 'day')} of them two classes the same day"
            if together
            else "never two classes on the same day"
        )
        count += (
            f"; on {common.count_phrase(days, 'day')} in total you took medicines from "
            f"different classes ({same_day}), though no single class reached its own threshold"
        )
    else:
        count += f"; {label(leading)} on {common.count_phrase(days, 'day')}"
    if level == "meets":
        pattern = (
            " It has also done so for more than three months (four 30-day periods in a row) "
            "alongside 15 or more headache days, which meets the published medication-overuse "
            "pattern."
            if d["overuse_pattern"]
            else ""
        )
        return (
            f"{count}, which meets the published threshold of {d['threshold']} days a month at "
            f"which frequent use can itself keep headaches going.{pattern} Please don't stop "
            f"or change medication on your own; {common.CLINICIAN_NOTE.lower()}"
        )
    if level == "approaching":
        return (
            f"{count}, approaching the published threshold of {d['threshold']} days a month. "
            f"{common.CLINICIAN_NOTE}"
        )
