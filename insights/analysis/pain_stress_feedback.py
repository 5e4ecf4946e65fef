"""The pain-stress loop: does today's pain raise tomorrow's stress, and today's stress tomorrow's
pain?

Both directions are lagged regressions that adjust for the outcome's own value today, with
Newey-West errors because daily series are autocorrelated (clinical reference §6):
stress(t+1) ~ pain(t) + stress(t) and pain(t+1) ~ stress(t) + pain(t). Pain is the day's worst
pain, 0-10 (headache peak or the most painful body area). Each +1 stress point went with
OR 1.10 for a more severe headache day in Vives-Mestres et al. (Headache 2021). The kind's
p-value is the smaller of the two, Bonferroni-doubled; "loop" when both directions hold.
"""

from __future__ import annotations

import numpy as np

from insights.analysis import common
from insights.analysis.common import DiaryArrays, InsightResult
from insights.analysis.stats import Estimate, coefficient, ols_hac

KIND = "pain_stress_feedback"


def _lagged(
    outcome: np.ndarray,
    outcome_known: np.ndarray,
    predictor: np.ndarray,
    predictor_known: np.ndarray,
) -> tuple[Estimate | None, int]:
    """Coefficient of predictor(t) on outcome(t+1), adjusting for outcome(t). The ``*_known``
    masks (not NaN) are computed once per series, since each series is used in both directions."""
    usable = outcome_known[1:] & predictor_known[:-1] & outcome_known[:-1]
    count = int(np.count_nonzero(usable))
    if count < common.MIN_DAY_PAIRS:
        return None, count
    x = predictor[:-1][usable]
    if np.ptp(x) == 0:
        return None, count
    y, y_before = outcome[1:][usable], outcome[:-1][usable]
    coef, se, df = ols_hac(y, np.column_stack([x, y_before]))
    return coefficient(coef, se, df, 1), count


def analyze(diary: DiaryArrays) -> InsightResult:
    """Both lagged directions; the stronger one is the kind's effect."""
    pain, stress = diary.worst_pain, diary.stress
    pain_known, stress_known = ~np.isnan(pain), diary.stress_known
    pain_to_stress, n_forward = _lagged(stress, stress_known, pain, pain_known)
    stress_to_pain, n_reverse = _lagged(pain, pain_known, stress, stress_known)
    n_days = min(n_forward, n_reverse)
    if pain_to_stress is None or stress_to_pain is None:
        needs = [
            common.Need(
                n_days,
                common.MIN_DAY_PAIRS,
                "pair of consecutive days with pain and stress recorded",
                "pairs of consecutive days with pain and stress recorded",
            )
        ]
        if not common.shortfall(needs):  # enough days, but pain or stress never changed
            needs = [common.Need(0, 1, "day with a different pain or stress level", "days")]
        return common.insufficient(KIND, needs, what="the pain-stress loop", n_days=n_days)
    forward_first = pain_to_stress.p_value <= stress_to_pain.p_value
    main = pain_to_stress if forward_first else stress_to_pain
    other = stress_to_pain if forward_first else pain_to_stress
    p_value = min(1.0, 2 * main.p_value)
    details = {
        "direction": "pain_to_stress" if forward_first else "stress_to_pain",
        "pain_to_stress": _as_dict(pain_to_stress),
        "stress_to_pain": _as_dict(stress_to_pain),
        "other_direction_holds": min(1.0, 2 * other.p_value) < common.ALPHA
        and other.effect > 0
        and main.effect > 0,
        "p_unadjusted": p_value,
    }
    label = (
        "stress points tomorrow per point of pain today"
        if forward_first
        else "pain points tomorrow per point of stress today"
    )
    return InsightResult(
        kind=KIND,
        status=common.NOT_FOUND,
        effect=main.effect,
        ci_low=main.ci_low,
        ci_high=main.ci_high,
        p_value=p_value,
        n_days=n_days,
        effect_label=label,
        details=details,
        candidate=main.ci_low > 0 or main.ci_high < 0,
    )


def _as_dict(estimate: Estimate) -> dict:
    return {
        "effect": estimate.effect,
        "ci_low": estimate.ci_low,
        "ci_high": estimate.ci_high,
        "p_value": estimate.p_value,
    }


def is_loop(result: InsightResult) -> bool:
    """Both directions hold (only meaningful once the kind itself is found)."""
    return result.status == common.FOUND and bool(result.details.get("other_direction_holds"))


def describe(result: InsightResult) -> str:
    """Plain-language summary naming the direction(s) and the size per point."""
    if result.status == common.INSUFFICIENT:
        return result.summary
    d = result.details
    forward, reverse = d["pain_to_stress"], d["stress_to_pain"]
    both = (
        f"each extra point of pain went with {common.number(forward['effect'])} points of stress "
        f"the next day ({common.interval(forward['ci_low'], forward['ci_high'])}), and each extra "
        f"point of stress with {common.number(reverse['effect'])} points of pain the next day "
        f"({common.interval(reverse['ci_low'], reverse['ci_high'])}); {result.n_days} day pairs"
    )
    if result.status != common.FOUND:
        return f"No clear pain-stress loop so far: {both}. {common.MORE_DATA_NOTE}"
    if is_loop(result):
        opening = "Pain and stress seem to feed each other in your diary (a loop)"
    elif d["direction"] == "pain_to_stress":
        opening = "In your diary, painful days tend to be followed by more stressful days"
    else:
        opening = "In your diary, stressful days tend to be followed by more painful days"
    if (result.effect or 0) < 0:
        opening = "In your diary, pain and next-day stress move in opposite directions"
    return f"{opening}: {both}. {common.ASSOCIATION_NOTE} {common.CLINICIAN_NOTE}"
