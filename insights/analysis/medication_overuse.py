"""Acute-medication days per 30 days, per class, against the ICHD-3 overuse thresholds.

ICHD-3 8.2: >= 10 days/month for triptans, ergots, opioids, combination analgesics or any
combination of classes (8.2.6), >= 15 days/month for simple analgesics and NSAIDs; gepants and
ditans have no established threshold, so their days are reported only. "Approaching" at 8 and
12 days (clinical reference §6). Found when a threshold is met in the latest 30 days; the
"meets overuse pattern" flag needs it in each of the latest three 30-day periods together with
>= 15 headache days, as ICHD-3 requires regular overuse for > 3 months.
"""

from __future__ import annotations

import numpy as np

from diary import scales
from insights.analysis import common
from insights.analysis.common import DiaryArrays, InsightResult
from insights.analysis.headache_frequency import periods, window_needs

KIND = "medication_overuse"
PATTERN_PERIODS = 3
PATTERN_HEADACHE_DAYS = 15
MULTI_CLASS = "multiple classes"


def class_days(diary: DiaryArrays) -> dict[str, np.ndarray]:
    """Days per 30-day period (oldest first) for each class, and for any thresholded class."""
    days = {
        code: periods(diary, diary.medication[:, i], PATTERN_PERIODS)
        for i, code in enumerate(diary.medication_classes)
    }
    limited = [
        i
        for i, code in enumerate(diary.medication_classes)
        if code in scales.OVERUSE_THRESHOLD_DAYS
    ]
    days[MULTI_CLASS] = periods(diary, diary.medication[:, limited].any(axis=1), PATTERN_PERIODS)
    return days


def assess(days: dict[str, np.ndarray], period: int = -1) -> dict[str, str]:
    """Level per class for one period: 'meets', 'approaching' or 'below' its threshold."""
    levels = {}
    used = [code for code in scales.OVERUSE_THRESHOLD_DAYS if days[code][period] > 0]
    for code, threshold in scales.OVERUSE_THRESHOLD_DAYS.items():
        levels[code] = _level(int(days[code][period]), threshold)
    if len(used) >= 2:
        levels[MULTI_CLASS] = _level(
            int(days[MULTI_CLASS][period]), scales.OVERUSE_MULTI_CLASS_DAYS
        )
    return levels


def _level(count: int, threshold: int) -> str:
    if count >= threshold:
        return "meets"
    if count >= scales.OVERUSE_APPROACHING[threshold]:
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
    leading = max(
        levels,
        key=lambda code: (_rank(levels[code]), code != MULTI_CLASS, _share(days, code)),
    )
    threshold = _threshold(leading)
    headache = periods(diary, diary.headache_day, PATTERN_PERIODS)
    details = {
        "days_by_class": {
            code: int(days[code][-1]) for code in diary.medication_classes if days[code][-1]
        },
        "any_acute_days": int(periods(diary, diary.medication.any(axis=1), 1)[-1]),
        "levels": {code: level for code, level in levels.items() if level != "below"},
        "leading_class": leading,
        "threshold": threshold,
        "headache_days": int(headache[-1]),
        "no_threshold_days": {
            code: int(days[code][-1])
            for code in diary.medication_classes
            if code not in scales.OVERUSE_THRESHOLD_DAYS and days[code][-1]
        },
        "overuse_pattern": _pattern(days, headache),
    }
    return InsightResult(
        kind=KIND,
        status=common.FOUND if levels[leading] == "meets" else common.NOT_FOUND,
        effect=float(days[leading][-1]),
        n_days=needs[1].have,
        n_events=details["any_acute_days"],
        effect_label=f"{_label(leading)} days in the last 30 days",
        details=details,
    )


def _rank(level: str) -> int:
    return {"meets": 2, "approaching": 1}.get(level, 0)


def _threshold(code: str) -> int:
    if code == MULTI_CLASS:
        return scales.OVERUSE_MULTI_CLASS_DAYS
    return scales.OVERUSE_THRESHOLD_DAYS[code]


def _share(days: dict[str, np.ndarray], code: str) -> float:
    return days[code][-1] / _threshold(code)


def _pattern(days: dict[str, np.ndarray], headache: np.ndarray) -> bool:
    """Threshold met and >= 15 headache days in each of the latest three periods."""
    if len(headache) < PATTERN_PERIODS:
        return False
    return all(
        "meets" in assess(days, period).values() and headache[period] >= PATTERN_HEADACHE_DAYS
        for period in range(-PATTERN_PERIODS, 0)
    )


def _label(code: str) -> str:
    if code == MULTI_CLASS:
        return "acute medication from several classes"
    names = dict(scales.MEDICATION_CLASSES)
    return names.get(code, code).split(" (")[0]


def describe(result: InsightResult) -> str:
    """Days per class in plain words, against the published thresholds."""
    if result.status == common.INSUFFICIENT:
        return result.summary
    d = result.details
    if not d["any_acute_days"]:
        return "You logged no acute headache medication in the last 30 days."
    leading, level = d["leading_class"], d["levels"].get(d["leading_class"], "below")
    count = f"In the last 30 days you took acute medication on {d['any_acute_days']} days"
    if leading == MULTI_CLASS:
        count += f", {common.number(result.effect)} of them from several classes together"
    else:
        count += f"; {_label(leading).lower()} on {common.number(result.effect)} days"
    if level == "meets":
        pattern = (
            " It has also done so for three months in a row alongside 15 or more headache days,"
            " which meets the published medication-overuse pattern."
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
    return f"{count}, below the published overuse thresholds."
