"""The let-down effect: a drop in stress from day t-1 to day t and a new attack on day t or t+1.

Lipton et al. (Neurology 2014;82:1395): in 17 people with 2,011 diary entries, a decline in
stress from one evening to the next predicted migraine onset in the following 6-18 hours
(OR 1.5-1.9), while stress level itself did not. Exposure: a drop of >= 3 points, or of one
personal standard deviation for patients whose stress rarely drops that far (clinical
reference §6).
"""

from __future__ import annotations

import math

import numpy as np

from insights.analysis import common
from insights.analysis.common import DiaryArrays, InsightResult
from insights.analysis.stats import exact_odds_ratio

KIND = "stress_letdown"
DROP_POINTS = 3
MIN_DROP_POINTS = 2


def drop_threshold(stress: np.ndarray, drops: np.ndarray) -> int:
    """Points of decline that count as a let-down: 3, or for a patient with fewer than five
    such drops, one personal standard deviation of stress (never below 2 points). The choice
    uses the exposure only, never the headaches, so it cannot manufacture an association."""
    if np.count_nonzero(drops >= DROP_POINTS) >= common.MIN_EXPOSED_DAYS:
        return DROP_POINTS
    observed = stress[~np.isnan(stress)]
    if len(observed) < 2:
        return DROP_POINTS
    personal = math.ceil(float(np.std(observed, ddof=1)))
    return int(min(DROP_POINTS, max(MIN_DROP_POINTS, personal)))


def analyze(diary: DiaryArrays) -> InsightResult:
    """Exact conditional odds ratio of onset on day t or t+1 after a drop versus other days."""
    if diary.n < 3:
        return _insufficient(common.onset_table(np.zeros(0, bool), np.zeros(0, bool)), 0)
    stress = diary.stress
    drop = stress[:-2] - stress[1:-1]  # day t-1 minus day t, for t = 1..n-2
    known_next = diary.headache_known[2:]
    usable = ~np.isnan(drop) & diary.at_risk[1:-1] & known_next
    threshold = drop_threshold(stress, drop[usable])
    exposed = drop[usable] >= threshold
    onset = (diary.onset[1:-1] | diary.onset[2:])[usable]
    table = common.onset_table(exposed, onset)
    onsets = _distinct_onsets(diary, usable)
    if common.shortfall(_needs(table, onsets)):
        return _insufficient(table, onsets)
    return common.onset_result(
        KIND,
        table,
        exact_odds_ratio(*table.cells()),
        n_events=onsets,
        drop_points=threshold,
        window="same day or next day",
    )


def _distinct_onsets(diary: DiaryArrays, usable: np.ndarray) -> int:
    """Onsets inside any usable day's two-day window, each counted once."""
    covered = np.zeros(diary.n, bool)
    covered[1:-1] |= usable & diary.onset[1:-1]
    covered[2:] |= usable & diary.onset[2:]
    return int(np.count_nonzero(covered))


def _needs(table: common.OnsetTable, onsets: int) -> list[common.Need]:
    return common.onset_needs(
        table,
        onsets=onsets,
        days_noun=(
            "day with stress recorded on it and the day before",
            "days with stress recorded on them and the day before",
        ),
        exposed_noun=("day when stress dropped", "days when stress dropped"),
        unexposed_noun=("day without a stress drop", "days without a stress drop"),
    )


def _insufficient(table: common.OnsetTable, onsets: int) -> InsightResult:
    return common.insufficient(
        KIND, _needs(table, onsets), what="drops in stress and headaches", n_days=table.days
    )


def describe(result: InsightResult) -> str:
    """Plain-language summary with absolute risks, odds ratio, interval and days used."""
    if result.status == common.INSUFFICIENT:
        return result.summary
    d = result.details
    risks = (
        f"on days when your stress fell by {d['drop_points']} points or more, a new headache "
        f"started that day or the next {common.percent(d['risk_exposed'])} of the time, "
        f"against {common.percent(d['risk_unexposed'])} on other days"
    )
    evidence = (
        f"odds ratio {common.number(result.effect)}, "
        f"{common.interval(result.ci_low, result.ci_high)}; "
        f"{result.n_days} days and {result.n_events} headache starts"
    )
    if result.status == common.FOUND:
        return (
            f"Your diary shows a let-down pattern: {risks} ({evidence}; {d['evidence']} "
            f"evidence). Many people notice attacks when pressure eases, such as at weekends or "
            f"at the start of a holiday. {common.ASSOCIATION_NOTE} {common.CLINICIAN_NOTE}"
        )
    return f"No clear let-down pattern so far: {risks} ({evidence}). {common.MORE_DATA_NOTE}"
