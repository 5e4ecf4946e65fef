"""Headache and migraine days per 30 days, the monthly trend and the chronic-migraine pattern.

Day definitions come from ``diary.derive`` (IHS trial guidelines; van der Arend et al.,
Cephalalgia 2023). Alerts: >= 5 and >= 10 headache days per 30 days (risk of chronification
3.18 and 5.95 times that of < 5 days, Xu et al., Cephalalgia 2020), >= 8 migraine days, and the
chronic-migraine pattern of ICHD-3 1.3 (>= 15 headache days with >= 8 migraine days) for more
than 3 months, i.e. in each of the latest four 30-day periods. Counts use logged days only
(nothing is imputed), and the summary says how many days of the window were not logged: the
true count may be higher.
"""

from __future__ import annotations

import numpy as np

from insights.analysis import common
from insights.analysis.common import DiaryArrays, InsightResult
from insights.analysis.stats import theil_sen_slope

KIND = "headache_frequency"
ALERT_HEADACHE_DAYS = (5, 10)
ALERT_MIGRAINE_DAYS = 8
CHRONIC_HEADACHE_DAYS = 15
CHRONIC_MIGRAINE_DAYS = 8
CHRONIC_PERIODS = 4  # "for more than 3 months": three 30-day periods are not enough
HISTORY_PERIODS = 12


def periods(diary: DiaryArrays, values: np.ndarray, count: int = HISTORY_PERIODS) -> np.ndarray:
    """Sums of ``values`` over consecutive 30-day periods ending on the latest day, oldest first
    (incomplete periods at the start of the diary are left out). ``values`` may have columns
    (one row per day); each column is summed on its own, in one call."""
    whole = min(count, diary.n // common.WINDOW_DAYS)
    if whole == 0:
        return np.zeros((0, *values.shape[1:]), int)
    tail = values[diary.n - whole * common.WINDOW_DAYS :]
    return tail.reshape(whole, common.WINDOW_DAYS, *values.shape[1:]).sum(axis=1)


def window_needs(diary: DiaryArrays) -> list[common.Need]:
    """Counts per 30 days need 30 days of diary and >= 20 logged days among the latest 30."""
    logged = int(np.count_nonzero(diary.headache_known[-common.WINDOW_DAYS :]))
    return [
        common.Need(diary.n, common.WINDOW_DAYS, "day of diary", "days of diary"),
        common.Need(
            logged,
            common.MIN_LOGGED_IN_WINDOW,
            "logged day in the last 30 days",
            "logged days in the last 30 days",
        ),
    ]


def analyze(diary: DiaryArrays) -> InsightResult:
    """Headache and migraine days in the latest 30 days against the published thresholds."""
    needs = window_needs(diary)
    if common.shortfall(needs):
        return common.insufficient(
            KIND, needs, what="how often you have headaches", n_days=needs[1].have
        )
    day_flags = np.column_stack(
        [diary.headache_day, diary.migraine_day, diary.headache_known, diary.onset]
    )
    headache, migraine, logged, onsets = periods(diary, day_flags).T.tolist()
    latest_headache, latest_migraine = headache[-1], migraine[-1]
    met = [level for level in ALERT_HEADACHE_DAYS if latest_headache >= level]
    alerts = [f"{met[-1]}+ headache days"] if met else []
    if latest_migraine >= ALERT_MIGRAINE_DAYS:
        alerts.append(f"{ALERT_MIGRAINE_DAYS}+ migraine days")
    chronic = _chronic_pattern(headache, migraine, logged)
    details = {
        "headache_days": latest_headache,
        "migraine_days": latest_migraine,
        "logged_days": logged[-1],
        "alerts": alerts,
        "chronic_pattern": chronic,
        "monthly": [
            {"headache_days": h, "migraine_days": m, "logged_days": n}
            for h, m, n in zip(headache, migraine, logged, strict=True)
        ],
        "trend_per_month": _trend(headache, logged),
    }
    return InsightResult(
        kind=KIND,
        status=common.FOUND if alerts else common.NOT_FOUND,
        effect=float(latest_headache),
        n_days=logged[-1],
        n_events=onsets[-1],
        effect_label="headache days in the last 30 days",
        details=details,
    )


def _chronic_pattern(headache: list[int], migraine: list[int], logged: list[int]) -> bool:
    """ICHD-3 1.3 thresholds met in each of the latest four 30-day periods (> 3 months)."""
    if len(headache) < CHRONIC_PERIODS:
        return False
    recent = slice(-CHRONIC_PERIODS, None)
    return (
        all(days >= CHRONIC_HEADACHE_DAYS for days in headache[recent])
        and all(days >= CHRONIC_MIGRAINE_DAYS for days in migraine[recent])
        and all(days >= common.MIN_LOGGED_IN_WINDOW for days in logged[recent])
    )


def _trend(headache: list[int], logged: list[int]) -> float | None:
    """Theil-Sen change in headache days per month over well-logged periods (descriptive)."""
    usable = [i for i, days in enumerate(logged) if days >= common.MIN_LOGGED_IN_WINDOW]
    if len(usable) < 3:
        return None
    x = np.array(usable, dtype=float)
    return theil_sen_slope(x, np.array([headache[i] for i in usable], dtype=float))


def _migraine_phrase(count: int) -> str:
    return f"{count} of them {'a migraine day' if count == 1 else 'migraine days'}"


def _trend_text(details: dict) -> str:
    """The trend with the range it comes from: the lowest and highest monthly count among the
    well-logged 30-day periods it was fitted on."""
    trend = details["trend_per_month"]
    if trend is None or abs(trend) < 0.5:
        return ""
    counts = [
        month["headache_days"]
        for month in details["monthly"]
        if month["logged_days"] >= common.MIN_LOGGED_IN_WINDOW
    ]
    direction = "rising" if trend > 0 else "falling"
    return (
        f" Over recent months the count has been {direction} by about "
        f"{common.days_phrase_float(abs(trend))} a month (between {min(counts)} and "
        f"{max(counts)} headache days per 30 days over {len(counts)} well-logged months)."
    )


def describe(result: InsightResult) -> str:
    """Counts in plain words, with the threshold each one meets."""
    if result.status == common.INSUFFICIENT:
        return result.summary
    d = result.details
    unlogged = common.WINDOW_DAYS - d["logged_days"]
    counts = (
        f"In the last 30 days you logged {common.count_phrase(d['headache_days'], 'headache day')}"
        f", {_migraine_phrase(d['migraine_days'])}"
    )
    if unlogged:
        verb = "was" if unlogged == 1 else "were"
        counts += (
            f"; {common.count_phrase(unlogged, 'day')} of the 30 {verb} not logged, "
            "so the true count may be higher"
        )
    trend_text = _trend_text(d)
    if d["chronic_pattern"]:
        threshold = (
            " For more than three months (four 30-day periods in a row) this meets the published"
            " threshold for a chronic-migraine pattern (15 or more headache days with 8 or more"
            " migraine days)."
        )
    elif result.status == common.FOUND:
        levels = common.join_phrases(alert.replace("+", " or more") for alert in d["alerts"])
        plural = "s" if len(d["alerts"]) > 1 else ""
        threshold = (
            f" This meets the published alert level{plural} of {levels} a month, linked with a "
            "higher chance of headaches becoming more frequent over time."
        )
    else:
        threshold = " This is below the published alert levels (5 headache or 8 migraine days)."
    closing = (
        f" {common.PATTERN_NOTE} {common.CLINICIAN_NOTE}" if result.status == common.FOUND else ""
    )
    return f"{counts}.{threshold}{trend_text}{closing}"
