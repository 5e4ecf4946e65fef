"""A short or poor night and body pain the day after.

A night belongs to the day on which the patient wakes (Consensus Sleep Diary, Carney et al.
2012), so day t's sleep items describe the night before day t. Exposure: total sleep below the
patient's own 25th percentile or under 6 hours, or quality "poor"/"very poor" (<= 2). Outcome:
the number of painful body areas on day t (mean intensity of painful areas as a secondary
measure). In daily-process studies of chronic pain a poor night predicts more next-day pain more
strongly than the reverse (Tang et al., Sleep 2012; Edwards et al., Pain 2008). Days are
autocorrelated, so the difference in means comes from a regression with Newey-West errors. The
claim is "more pain after poor nights", so the test is one-sided in that direction: fewer
painful areas after poor nights is never reported as sleep turning up the pain.
"""

from __future__ import annotations

import numpy as np

from insights.analysis import common
from insights.analysis.common import DiaryArrays, InsightResult
from insights.analysis.stats import Wald, mean, ols_hac, percentile

KIND = "sleep_pain"
SHORT_NIGHT_MINUTES = 6 * 60
POOR_QUALITY_MAX = 2


def poor_nights(diary: DiaryArrays) -> tuple[np.ndarray, np.ndarray, float]:
    """(poor night, night recorded, short-night cut-off in minutes) for every day."""
    minutes, quality = diary.sleep_minutes, diary.sleep_quality
    minutes_known = ~np.isnan(minutes)
    observed = minutes[minutes_known]
    cutoff = SHORT_NIGHT_MINUTES
    if len(observed):
        cutoff = max(cutoff, percentile(observed, 25))
    short = minutes < cutoff  # NaN compares False
    poor_quality = quality <= POOR_QUALITY_MAX
    known = minutes_known | ~np.isnan(quality)
    return (short | poor_quality) & known, known, cutoff


def analyze(diary: DiaryArrays) -> InsightResult:
    """Difference in painful areas after poor versus other nights, with a HAC interval."""
    poor, known, cutoff = poor_nights(diary)
    usable = known & diary.recorded
    areas = diary.painful_areas[usable]
    exposed = poor[usable]
    other = ~exposed
    n_days, n_poor = int(np.count_nonzero(usable)), int(np.count_nonzero(exposed))
    n_other = n_days - n_poor
    needs = [
        common.Need(
            n_days,
            common.MIN_DAY_PAIRS,
            "day with both sleep and body pain recorded",
            "days with both sleep and body pain recorded",
        ),
        common.Need(
            n_poor,
            common.MIN_EXPOSED_DAYS,
            "short or poor night",
            "short or poor nights",
        ),
        common.Need(n_other, common.MIN_EXPOSED_DAYS, "better night", "better nights"),
    ]
    if common.shortfall(needs):
        return common.insufficient(KIND, needs, what="sleep and next-day body pain", n_days=n_days)
    coef, se, df = ols_hac(areas, exposed.astype(float), floor=True)
    test = Wald(float(coef[1]), float(se[1]), df)
    ci_low, ci_high = test.interval(common.ALPHA / 2)
    intensity_after_poor, intensity_after_other = _mean_intensities(diary, usable, poor)
    details = {
        "short_night_minutes": cutoff,
        "mean_areas_after_poor": mean(areas[exposed]),
        "mean_areas_after_other": mean(areas[other]),
        "mean_intensity_after_poor": intensity_after_poor,
        "mean_intensity_after_other": intensity_after_other,
        "poor_nights": n_poor,
        "other_nights": n_other,
    }
    return InsightResult(
        kind=KIND,
        status=common.NOT_FOUND,
        effect=test.effect,
        ci_low=ci_low,
        ci_high=ci_high,
        p_value=test.p_above(),
        n_days=n_days,
        n_events=n_poor,
        effect_label="difference in painful areas, poor vs other nights",
        details=details,
        candidate=True,
        test=test,
    )


def _mean_intensities(
    diary: DiaryArrays, usable: np.ndarray, poor: np.ndarray
) -> tuple[float | None, float | None]:
    """Mean intensity of the painful areas, averaged over the usable days after poor / other
    nights that had any painful area (the others have no intensity; None when no such day)."""
    days = usable & (diary.painful_areas > 0)
    intensity = diary.pain[days]  # a copy: unmarked areas (NaN) can be zeroed in place
    intensity[np.isnan(intensity)] = 0.0
    day_intensity = intensity.sum(axis=1) / diary.painful_areas[days]
    after_poor = poor[days]
    return _nanmean(day_intensity[after_poor]), _nanmean(day_intensity[~after_poor])


def _nanmean(values: np.ndarray) -> float | None:
    values = values[~np.isnan(values)]
    return mean(values) if len(values) else None


def describe(result: InsightResult) -> str:
    """Plain-language summary: mean painful areas after poor versus other nights."""
    if result.status == common.INSUFFICIENT:
        return result.summary
    d = result.details
    means = (
        f"after a short or poor night (under {common.number(d['short_night_minutes'] / 60)} "
        f"hours or rated poor) you marked on average "
        f"{common.number(d['mean_areas_after_poor'])} painful body areas, against "
        f"{common.number(d['mean_areas_after_other'])} after other nights"
    )
    evidence = (
        f"difference {common.number(result.effect)} areas, "
        f"{common.interval(result.ci_low, result.ci_high, d.get('interval_level', 95))}; "
        f"{result.n_days} days, {d['poor_nights']} short or poor nights"
    )
    if result.status == common.FOUND:
        return (
            f"After poor nights you tend to have more body pain: {means} ({evidence}). "
            f"{common.certainty(result)} Poor sleep can turn up the body's pain volume. "
            f"{common.ASSOCIATION_NOTE} {common.CLINICIAN_NOTE}"
        )
    return (
        f"No clear sign so far that poor nights bring more body pain the next day: {means} "
        f"({evidence}). {common.certainty(result)} {common.MORE_DATA_NOTE}"
    )
