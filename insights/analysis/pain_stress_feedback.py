"""The pain-stress loop: does today's pain raise tomorrow's stress, and today's stress tomorrow's
pain?

Each direction is a lagged regression that adjusts for the previous ``LAGS`` days of *both*
series: stress(t+1) ~ pain(t..t-2) + stress(t..t-2), and the mirror image; the effect is the
coefficient of the predictor on day t. Why three lags: a rating is a noisy reading of a
persistent state (stress lingers for days), so one lag of the outcome leaves part of its
persistence unadjusted, and a one-way effect of stress on pain then shows up as a spurious
"pain raises stress" through yesterday's stress; Houle et al. (Pain 2012) found lags 1 and 2
both predictive, and a third lag absorbs most of the rest in simulated persistent diaries at
the cost of a few usable days. Errors are Newey-West with the usual plug-in window
floor(4 (n/100)^(2/9)) (Newey & West 1994): with the lagged outcomes in the model the residuals
are close to white, and the interval keeps its nominal coverage on autocorrelated series
(tested). Pain is the day's worst pain, 0-10 (headache peak or the most painful body area).

Both directions are tested one-sided for a positive effect (the sentences claim "more pain,
then more stress"), each at half the kind's share of the error rate. The kind's p-value is the
smaller of the two, doubled; the sentence names a direction only when that direction holds, and
says "loop" only when both hold.
"""

from __future__ import annotations

import numpy as np

from insights.analysis import common
from insights.analysis.common import DiaryArrays, InsightResult
from insights.analysis.stats import Wald, ols_hac

KIND = "pain_stress_feedback"
LAGS = 3
DIRECTIONS = ("pain_to_stress", "stress_to_pain")


def _lagged(
    outcome: np.ndarray, predictor: np.ndarray, known: np.ndarray
) -> tuple[Wald | None, int]:
    """Coefficient of predictor(t) on outcome(t+1), adjusting for LAGS days of both series.
    ``known``: days on which both series are recorded."""
    n = len(outcome)
    rows = n - LAGS
    if rows <= 0:
        return None, 0
    usable = np.ones(rows, bool)
    for back in range(LAGS + 1):  # days t+1-LAGS .. t+1 all known
        usable &= known[back : back + rows]
    count = int(np.count_nonzero(usable))
    if count < common.MIN_DAY_PAIRS:
        return None, count
    columns = []
    for lag in range(1, LAGS + 1):  # predictor(t+1-lag), then outcome(t+1-lag)
        start = LAGS - lag
        columns.append(predictor[start : start + rows][usable])
    for lag in range(1, LAGS + 1):
        start = LAGS - lag
        columns.append(outcome[start : start + rows][usable])
    if np.ptp(columns[0]) == 0:
        return None, count
    y = outcome[LAGS:][usable]
    coef, se, df = ols_hac(y, np.column_stack(columns), floor=True)
    return Wald(float(coef[1]), float(se[1]), df), count


def analyze(diary: DiaryArrays) -> InsightResult:
    """Both lagged directions; the one with the smaller p-value is the kind's effect."""
    pain, stress = diary.worst_pain, diary.stress
    known = ~np.isnan(pain) & diary.stress_known
    tests = {
        "pain_to_stress": _lagged(stress, pain, known),
        "stress_to_pain": _lagged(pain, stress, known),
    }
    n_days = min(count for _, count in tests.values())
    if any(test is None for test, _ in tests.values()):
        needs = [
            common.Need(
                n_days,
                common.MIN_DAY_PAIRS,
                f"run of {LAGS + 1} consecutive days with pain and stress recorded",
                f"runs of {LAGS + 1} consecutive days with pain and stress recorded",
            )
        ]
        if not common.shortfall(needs):  # enough days, but pain or stress never changed
            needs = [common.Need(0, 1, "day with a different pain or stress level", "days")]
        return common.insufficient(KIND, needs, what="the pain-stress loop", n_days=n_days)
    directions = {direction: test for direction, (test, _) in tests.items()}
    p_values = {direction: test.p_above() for direction, test in directions.items()}
    main = min(DIRECTIONS, key=p_values.get)
    details = {"direction": main, "lags": LAGS}
    for direction, test in directions.items():
        low, high = test.interval(common.ALPHA / 2)
        details[direction] = {
            "effect": test.effect,
            "ci_low": low,
            "ci_high": high,
            "p_value": p_values[direction],
        }
    details["other_direction_holds"] = False
    low, high = directions[main].interval(common.ALPHA / 2)
    return InsightResult(
        kind=KIND,
        status=common.NOT_FOUND,
        effect=directions[main].effect,
        ci_low=low,
        ci_high=high,
        p_value=min(1.0, 2 * p_values[main]),
        n_days=n_days,
        effect_label=_label(main),
        details=details,
        candidate=True,
        test=directions,
    )


def _label(direction: str) -> str:
    if direction == "pain_to_stress":
        return "stress points tomorrow per point of pain today"
    return "pain points tomorrow per point of stress today"


def adjust(result: InsightResult, alpha: float) -> tuple[float, float, bool, float]:
    """Both directions at ``alpha / 2`` per end (the kind's share split between them): the main
    direction's interval, whether it holds and the share per end; in ``details`` each
    direction's interval and whether the other one holds too (the loop)."""
    share = alpha / 2
    holds = {}
    for direction, test in result.test.items():
        low, high = test.interval(share)
        result.details[direction].update(ci_low=low, ci_high=high)
        holds[direction] = low > 0
    main = result.details["direction"]
    other = DIRECTIONS[1 - DIRECTIONS.index(main)]
    result.details["other_direction_holds"] = holds[other]
    low, high = result.test[main].interval(share)
    return low, high, holds[main], share


def is_loop(result: InsightResult) -> bool:
    """Both directions hold (only meaningful once the kind itself is found)."""
    return result.status == common.FOUND and bool(result.details.get("other_direction_holds"))


def describe(result: InsightResult) -> str:
    """Plain-language summary naming only the direction(s) that hold, with the size per point."""
    if result.status == common.INSUFFICIENT:
        return result.summary
    d = result.details
    level = d.get("interval_level", 95)
    forward, reverse = d["pain_to_stress"], d["stress_to_pain"]
    both = (
        f"each extra point of pain went with {common.number(forward['effect'])} points of stress "
        f"the next day ({common.interval(forward['ci_low'], forward['ci_high'], level)}), and "
        f"each extra point of stress with {common.number(reverse['effect'])} points of pain the "
        f"next day ({common.interval(reverse['ci_low'], reverse['ci_high'], level)}); "
        f"{result.n_days} days, taking the {LAGS} days before into account"
    )
    if result.status != common.FOUND:
        return (
            f"No clear pain-stress loop so far: {both}. {common.certainty(result)} "
            f"{common.MORE_DATA_NOTE}"
        )
    if is_loop(result):
        opening = "Pain and stress seem to feed each other in your diary (a loop)"
    elif d["direction"] == "pain_to_stress":
        opening = "In your diary, painful days tend to be followed by more stressful days"
    else:
        opening = "In your diary, stressful days tend to be followed by more painful days"
    return (
        f"{opening}: {both}. {common.certainty(result)} {common.ASSOCIATION_NOTE} "
        f"{common.CLINICIAN_NOTE}"
    )
