"""The let-down effect: a drop in stress from day t-1 to day t and a new attack on day t+1.

Lipton et al. (Neurology 2014;82:1395): in 17 people with 2,011 diary entries, a decline in
stress from one evening to the next predicted migraine onset in the following 6-18 hours
(OR 1.5-1.9), also after adjusting for the stress level. Exposure: a drop of >= 3 points, or of
one personal standard deviation for patients whose stress rarely drops that far (clinical
reference §6).

Honest version of that design. Both ratings precede the onset tested: the evening ratings of
days t-1 and t, then an onset on day t+1 (an onset on day t may come before the day's rating
and colour it). The risk set is fixed before the outcome: day t logged without a headache.
Weekends and sleep can produce the same picture (stress falls on Saturday, people sleep in,
attacks come on Sunday), so the odds ratio comes from a Firth-penalized logistic model that
adjusts for a weekend outcome day, the night's sleep (distance from the patient's usual
length, which covers both short nights and sleeping in), the stress level of day t and, for
a patient who tracks the cycle, the outcome day falling on days -2 to +3 of a period, with
autocorrelation-robust errors; it is tested one-sided for a raised risk. The mechanism itself
(stress hormones damping pain) stays a hypothesis the diary cannot test.
"""

from __future__ import annotations

import math

import numpy as np

from insights.analysis import common
from insights.analysis.common import DiaryArrays, InsightResult
from insights.analysis.stats import Wald, firth_logistic

KIND = "stress_letdown"
PERIMENSTRUAL = "perimenstrual days"  # days -2 to +3 of a period (common.cycle_covariate)
DROP_POINTS = 3
MIN_DROP_POINTS = 2
WEEKEND = (5, 6)


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
    """Adjusted odds ratio of an onset on day t+1 after a drop from day t-1 to day t."""
    if diary.n < 3:
        return _insufficient(common.onset_table(np.zeros(0, bool), np.zeros(0, bool)))
    stress = diary.stress
    drop = stress[:-2] - stress[1:-1]  # day t-1 minus day t, for t = 1..n-2
    usable = ~np.isnan(drop) & common.clear_day_before(diary)[2:]
    threshold = drop_threshold(stress, drop[usable])
    exposed = drop[usable] >= threshold
    onset = diary.onset[2:][usable]
    table = common.onset_table(exposed, onset)
    if common.shortfall(_needs(table)):
        return _insufficient(table)
    covariates = _covariates(diary, usable)
    cycle_days = common.cycle_covariate(diary, 2 + np.flatnonzero(usable))
    adjusted_for = ["weekend", "sleep", "stress level"]
    if cycle_days is not None:
        covariates.append(cycle_days)
        adjusted_for.append(PERIMENSTRUAL)
    coef, se = firth_logistic(onset.astype(float), np.column_stack([exposed, *covariates]))
    return common.onset_result(
        KIND,
        table,
        Wald(float(coef[1]), float(se[1]), log_scale=True),
        n_events=table.events,
        effect_label="odds ratio after a stress drop (weekend, sleep and stress adjusted)",
        drop_points=threshold,
        window="the next day",
        adjusted_for=adjusted_for,
    )


def _covariates(diary: DiaryArrays, usable: np.ndarray) -> list[np.ndarray]:
    """Confounders of day t -> t+1 rows: weekend outcome day, the night before it (hours from
    the patient's median, 0 with a missing-night indicator), and the stress level of day t.
    Columns that never vary are left out, and so is a yes/no column true or false on fewer
    than 5 rows: it can fit those rows exactly, which stalls the fit and tells nothing."""
    weekend = np.isin(common.weekday(diary)[2:], WEEKEND)[usable]
    minutes = diary.sleep_minutes[2:][usable]
    known = ~np.isnan(minutes)
    median = float(np.median(minutes[known])) if known.any() else 0.0
    sleep_off = np.where(known, np.abs(minutes - median) / 60, 0.0)
    level = diary.stress[1:-1][usable]
    columns = [weekend.astype(float), sleep_off, (~known).astype(float), level]
    return [column for column in columns if _informative(column)]


def _informative(column: np.ndarray) -> bool:
    if np.ptp(column) == 0:
        return False
    if np.isin(column, (0.0, 1.0)).all():
        ones = int(np.count_nonzero(column))
        return min(ones, len(column) - ones) >= common.MIN_EXPOSED_DAYS
    return True


def _needs(table: common.OnsetTable) -> list[common.Need]:
    return common.onset_needs(
        table,
        days_noun=(
            "headache-free day with stress recorded on it and the day before",
            "headache-free days with stress recorded on them and the day before",
        ),
        exposed_noun=("such day when stress dropped", "such days when stress dropped"),
        unexposed_noun=("such day without a stress drop", "such days without a stress drop"),
    )


def _insufficient(table: common.OnsetTable) -> InsightResult:
    return common.insufficient(
        KIND, _needs(table), what="drops in stress and headaches", n_days=table.days
    )


def describe(result: InsightResult) -> str:
    """Counts first, then the adjusted odds ratio and what it can and cannot show."""
    if result.status == common.INSUFFICIENT:
        return result.summary
    d = result.details
    counts = (
        f"after {d['exposed_onsets']} of "
        f"{common.count_phrase(d['exposed_days'], 'day')} when your stress fell by "
        f"{d['drop_points']} points or more, a new headache started the next day, against "
        f"{d['unexposed_onsets']} of {common.count_phrase(d['unexposed_days'], 'other day')}"
    )
    periods = ", the days around your period" if PERIMENSTRUAL in d.get("adjusted_for", ()) else ""
    evidence = (
        f"taking weekends, sleep{periods} and stress level into account, the odds were "
        f"{common.number(result.effect)} times as high "
        f"({common.interval(result.ci_low, result.ci_high, d.get('interval_level', 95))}; "
        f"{result.n_days} days and {result.n_events} headache starts)"
    )
    if result.status == common.FOUND:
        return (
            f"Your diary fits a let-down pattern: {counts}; {evidence}. "
            f"{common.certainty(result)} That attacks follow an easing of stress is a "
            f"hypothesis; your diary shows the timing, not the cause. "
            f"{common.ASSOCIATION_NOTE} {common.CLINICIAN_NOTE}"
        )
    return (
        f"No clear let-down pattern so far: {counts}; {evidence}. {common.certainty(result)} "
        f"{common.MORE_DATA_NOTE}"
    )
