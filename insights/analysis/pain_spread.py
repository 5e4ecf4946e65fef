"""Spreading body pain: the trend of a weekly WPI-like count, a central-sensitization signal.

Weekly WPI-like count = the number of the 19 ACR 2016 areas marked painful on at least one
logged day of that week (Wolfe et al. 2016; a daily map is not the validated instrument, hence
"WPI-like"), by ``diary.derive.wpi_week_arrays``: the one WPI-like rule the dashboard and the
report use too. Weeks need >= 4 logged days and the trend >= 8 such weeks. The Theil-Sen slope
(Sen 1968) is tested with Mann-Kendall, its variance corrected for serial correlation (Hamed &
Rao 1998), one-sided for a rise (the claim is "spreading"). Found when significant after the
multiplicity adjustment, with the adjusted interval above 0 and a fitted rise over the period of
>= 2 areas (clinical reference §6). Separately, a "widespread pattern" flag when weekly WPI >= 7
with pain in >= 4 of 5 regions (jaw, chest, abdomen excluded) in >= 12 weeks: a prompt to fill in
the Symptom Severity Scale, never a diagnosis.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from diary import derive, scales
from insights.analysis import common
from insights.analysis.common import DiaryArrays, InsightResult
from insights.analysis.stats import Z_975, Wald, mean, theil_sen_trend

KIND = "pain_spread"
MIN_RISE_AREAS = 2.0
DAYS_PER_MONTH = 30.44
WIDESPREAD_WPI = 7
WIDESPREAD_REGIONS = 4
WIDESPREAD_WEEKS = 12
WIDESPREAD_LOOKBACK_WEEKS = 16

_REGION_INDEX = {region: i for i, region in enumerate(scales.BODY_REGIONS)}


@lru_cache(maxsize=8)
def _region_matrix(area_codes: tuple[str, ...]) -> np.ndarray:
    """(areas, regions) 0/1: which region each area counts towards for generalized pain
    (the same for every diary, so built once)."""
    matrix = np.zeros((len(area_codes), len(scales.BODY_REGIONS)))
    for i, code in enumerate(area_codes):
        area = scales.PAIN_AREA_BY_CODE[code]
        if area.counts_for_generalized:
            matrix[i, _REGION_INDEX[area.region]] = 1
    matrix.flags.writeable = False  # shared by every call
    return matrix


def weekly_wpi(diary: DiaryArrays) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(week index, logged days, WPI-like count, regions with pain) per complete 7-day block.

    Blocks are counted back from the latest day so the current week is always complete.
    """
    logged, painful = derive.wpi_week_arrays(diary.recorded, diary.painful)
    regions = np.count_nonzero(painful @ _region_matrix(diary.area_codes), axis=1)
    return np.arange(len(logged)), logged, painful.sum(axis=1), regions


def analyze(diary: DiaryArrays) -> InsightResult:
    """Theil-Sen slope of weekly WPI-like counts in areas per month, with Mann-Kendall p."""
    week, logged, wpi, regions = weekly_wpi(diary)
    usable = logged >= derive.WPI_MIN_ANSWERED_DAYS
    weeks = int(np.count_nonzero(usable))
    logged_days = int(logged[usable].sum())
    needs = [
        common.Need(
            weeks,
            common.MIN_SPREAD_WEEKS,
            "week with body pain logged on at least 4 days",
            "weeks with body pain logged on at least 4 days",
        )
    ]
    if common.shortfall(needs):
        return common.insufficient(
            KIND, needs, what="how your body pain spreads", n_days=logged_days
        )
    usable_wpi = wpi[usable]
    x, y = week[usable].astype(float), usable_wpi.astype(float)
    trend = theil_sen_trend(x, y)
    per_month = DAYS_PER_MONTH / 7
    first, last = x[0], x[-1]
    rise = trend.slope * (last - first)
    details = {
        "weeks": weeks,
        "first_weeks_wpi": mean(y[:4]),
        "latest_weeks_wpi": mean(y[-4:]),
        "fitted_rise_areas": rise,
        "fitted_start": trend.intercept + trend.slope * first,
        "fitted_end": trend.intercept + trend.slope * last,
        "variance_factor": trend.variance_factor,
        "weekly": usable_wpi[-26:].tolist(),
        "widespread_pattern": _widespread(usable_wpi, regions[usable]),
        "headache_cooccurrence": _cooccurrence(diary),
    }
    return InsightResult(
        kind=KIND,
        status=common.NOT_FOUND,
        effect=trend.slope * per_month,
        ci_low=trend.ci_low * per_month,
        ci_high=trend.ci_high * per_month,
        p_value=trend.p_value / 2 if trend.slope > 0 else 1 - trend.p_value / 2,
        n_days=logged_days,
        n_events=weeks,
        effect_label="painful areas per month",
        details=details,
        candidate=rise >= MIN_RISE_AREAS,
        test=_sen_wald(trend, per_month),
    )


def _sen_wald(trend, per_month: float) -> Wald:
    """Sen's interval as a normal interval (half-width / 1.96), so the final step can widen it
    for the number of kinds tested like the others."""
    error = (trend.ci_high - trend.ci_low) * per_month / (2 * Z_975)
    return Wald(trend.slope * per_month, error)


def _widespread(wpi: np.ndarray, regions: np.ndarray) -> bool:
    """WPI >= 7 and pain in >= 4 of 5 regions in >= 12 of the latest 16 logged weeks."""
    recent = slice(-WIDESPREAD_LOOKBACK_WEEKS, None)
    meets = (wpi[recent] >= WIDESPREAD_WPI) & (regions[recent] >= WIDESPREAD_REGIONS)
    return bool(np.count_nonzero(meets) >= WIDESPREAD_WEEKS)


def _cooccurrence(diary: DiaryArrays) -> dict:
    """Body pain on headache days versus other logged days (pain flaring together)."""
    logged = diary.recorded
    areas = diary.painful_areas
    headache = logged & diary.headache_day
    other = logged & ~diary.headache_day
    on_headache_days, on_other_days = areas[headache], areas[other]
    return {
        "headache_days": len(on_headache_days),
        "mean_areas_on_headache_days": mean(on_headache_days) if len(on_headache_days) else None,
        "mean_areas_on_other_days": mean(on_other_days) if len(on_other_days) else None,
    }


def describe(result: InsightResult) -> str:
    """Plain-language summary of the trend, the widespread flag and co-occurrence."""
    if result.status == common.INSUFFICIENT:
        return result.summary
    d = result.details
    trend = (
        f"the number of body areas you marked painful each week went from about "
        f"{common.number(d['fitted_start'])} to {common.number(d['fitted_end'])} over "
        f"{d['weeks']} logged weeks ({common.number(result.effect)} areas per month, "
        f"{common.interval(result.ci_low, result.ci_high, d.get('interval_level', 95))}; "
        f"{result.n_days} days)"
    )
    widespread = (
        " In most recent weeks the pain was also widespread (7 or more areas across at least 4 "
        "body regions): the Symptom Severity questionnaire can add to that picture."
        if d["widespread_pattern"]
        else ""
    )
    if result.status == common.FOUND:
        return (
            f"Your body pain has been spreading: {trend}. Pain that spreads to new areas can be "
            f"a sign the nervous system is becoming more sensitive. {common.certainty(result)}"
            f"{widespread} "
            f"{common.PATTERN_NOTE} {common.CLINICIAN_NOTE}"
        )
    return (
        f"No clear spreading of body pain so far: {trend}. {common.certainty(result)}"
        f"{widespread} {common.MORE_DATA_NOTE}"
    )
