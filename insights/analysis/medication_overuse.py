"""Acute-medication days per 30 days, per class, against the ICHD-3 overuse thresholds.

ICHD-3 8.2: >= 10 days/month for triptans, ergots, opioids, combination analgesics or any
combination of classes (8.2.6), >= 15 days/month for simple analgesics and NSAIDs; gepants and
ditans have no established threshold, so their days are reported only. "Approaching" at 8 and
12 days (clinical reference §6). Found when a threshold is met in the latest 30 days; the
"meets overuse pattern" flag needs it in each of the latest three 30-day periods together with
>= 15 headache days, as ICHD-3 requires regular overuse for > 3 months.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from diary import scales
from insights.analysis import common
from insights.analysis.common import DiaryArrays, InsightResult
from insights.analysis.headache_frequency import periods, window_needs

KIND = "medication_overuse"
PATTERN_PERIODS = 3
PATTERN_HEADACHE_DAYS = 15
MULTI_CLASS = "multiple classes"


def class_days(diary: DiaryArrays) -> dict[str, list[int]]:
    """Days per 30-day period (oldest first) for each class, and for any thresholded class.

    Only the complete periods at the end of the diary are read, as a (periods, 30, classes)
    block; the counts are plain ints, which the threshold checks below compare many times."""
    whole = min(PATTERN_PERIODS, diary.n // common.WINDOW_DAYS)
    recent = diary.medication[diary.n - whole * common.WINDOW_DAYS :]
    by_period = recent.reshape(whole, common.WINDOW_DAYS, len(diary.medication_classes))
    per_class = by_period.sum(axis=1).T.tolist()
    days = dict(zip(diary.medication_classes, per_class, strict=True))
    limited = by_period[:, :, _thresholded(diary.medication_classes)]
    days[MULTI_CLASS] = limited.any(axis=2).sum(axis=1).tolist()
    return days


@lru_cache(maxsize=8)
def _thresholded(classes: tuple[str, ...]) -> np.ndarray:
    """Columns of the classes that have an overuse threshold (the same for every diary)."""
    columns = [i for i, code in enumerate(classes) if code in scales.OVERUSE_THRESHOLD_DAYS]
    columns = np.array(columns, dtype=np.intp)
    columns.flags.writeable = False  # shared by every call
    return columns


def assess(days: dict[str, list[int]], period: int = -1) -> dict[str, str]:
    """Level per class for one period: 'meets', 'approaching' or 'below' its threshold."""
    levels = {}
    used = [code for code in scales.OVERUSE_THRESHOLD_DAYS if days[code][period] > 0]
    for code, threshold in scales.OVERUSE_THRESHOLD_DAYS.items():
        levels[code] = _level(days[code][period], threshold)
    if len(used) >= 2:
        levels[MULTI_CLASS] = _level(days[MULTI_CLASS][period], scales.OVERUSE_MULTI_CLASS_DAYS)
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
    headache = periods(diary, diary.headache_day, PATTERN_PERIODS).tolist()
    latest_month = diary.medication[-common.WINDOW_DAYS :]
    details = {
        "days_by_class": {
            code: days[code][-1] for code in diary.medication_classes if days[code][-1]
        },
        "any_acute_days": int(np.count_nonzero(latest_month.any(axis=1))),
        "levels": {code: level for code, level in levels.items() if level != "below"},
        "leading_class": leading,
        "threshold": threshold,
        "headache_days": headache[-1],
        "no_threshold_days": {
            code: days[code][-1]
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


def _share(days: dict[str, list[int]], code: str) -> float:
    return days[code][-1] / _threshold(code)


def _pattern(days: dict[str, list[int]], headache: list[int]) -> bool:
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
