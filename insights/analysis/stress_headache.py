"""Stress on day t-1 and a new headache attack on day t.

Exposure: stress at or above the patient's own 75th percentile the day before (clinical
reference §6). Outcome: an attack onset, among days not already inside an attack. Stress *level*
was generally not associated with migraine in diary studies (Lipton et al., Neurology 2014) and
within-person prediction is weak (Holsteen et al., Headache 2020), so modest or absent effects
are expected. Two consecutive high-stress days (Houle et al., Pain 2012) and stress bands are
reported descriptively.
"""

from __future__ import annotations

import numpy as np

from insights.analysis import common
from insights.analysis.common import DiaryArrays, InsightResult
from insights.analysis.stats import exact_odds_ratio, percentile

KIND = "stress_headache"
BANDS = (("low (0-3)", 0, 3), ("moderate (4-6)", 4, 6), ("high (7-10)", 7, 10))


def analyze(diary: DiaryArrays) -> InsightResult:
    """Exact conditional odds ratio of onset after a high-stress day versus other days."""
    stress_before = diary.stress[:-1]
    usable = diary.stress_known[:-1] & diary.at_risk[1:]
    levels, onset = stress_before[usable], diary.onset[1:][usable]
    recorded_stress = diary.stress[diary.stress_known]
    threshold = percentile(recorded_stress, 75) if len(recorded_stress) else 11.0
    table = common.onset_table(levels >= threshold, onset)
    needs = common.onset_needs(
        table,
        days_noun=(
            "day with stress recorded the day before",
            "days with stress recorded the day before",
        ),
        exposed_noun=("day after a high-stress day", "days after a high-stress day"),
        unexposed_noun=("day after a lower-stress day", "days after a lower-stress day"),
    )
    if common.shortfall(needs):
        return common.insufficient(
            KIND, needs, what="stress and next-day headaches", n_days=table.days
        )
    return common.onset_result(
        KIND,
        table,
        exact_odds_ratio(*table.cells()),
        n_events=table.events,
        threshold=threshold,
        bands=_bands(levels, onset),
        two_high_days=_two_high_days(diary, threshold),
    )


_BAND_LOWS = np.array([low for _, low, _ in BANDS], dtype=float)
_BAND_HIGHS = np.array([high for _, _, high in BANDS], dtype=float)


def _bands(levels: np.ndarray, onset: np.ndarray) -> list[dict]:
    """Days and onsets per stress band, counted on the sorted levels (one search per edge)."""
    days = _band_counts(np.sort(levels))
    onsets = _band_counts(np.sort(levels[onset]))
    return [
        {"band": label, "days": count, "onsets": events}
        for (label, _, _), count, events in zip(BANDS, days, onsets, strict=True)
    ]


def _band_counts(ordered: np.ndarray) -> list[int]:
    """How many sorted (NaN-free) values fall in each band, bounds included."""
    above_low = ordered.searchsorted(_BAND_LOWS, side="left")
    up_to_high = ordered.searchsorted(_BAND_HIGHS, side="right")
    return (up_to_high - above_low).tolist()


def _two_high_days(diary: DiaryArrays, threshold: float) -> dict:
    """Onsets on day t after high stress on both t-1 and t-2 (Houle et al., Pain 2012)."""
    if diary.n < 3:
        return {"days": 0, "onsets": 0}
    high = diary.stress >= threshold  # NaN compares False
    both = high[:-2] & high[1:-1] & diary.at_risk[2:]
    return {
        "days": int(np.count_nonzero(both)),
        "onsets": int(np.count_nonzero(both & diary.onset[2:])),
    }


def describe(result: InsightResult) -> str:
    """Plain-language summary with the evidence (absolute risks, odds ratio, interval, days)."""
    if result.status == common.INSUFFICIENT:
        return result.summary
    d = result.details
    risks = (
        f"a new headache started the next day after {common.percent(d['risk_exposed'])} of "
        f"days with stress of {common.number(d['threshold'])} or more (your highest quarter), "
        f"and after {common.percent(d['risk_unexposed'])} of calmer days"
    )
    evidence = (
        f"odds ratio {common.number(result.effect)}, "
        f"{common.interval(result.ci_low, result.ci_high)}; "
        f"{result.n_days} days and {result.n_events} headache starts"
    )
    if result.status == common.FOUND:
        return (
            f"In your diary, {risks} ({evidence}; {d['evidence']} evidence). "
            f"{common.ASSOCIATION_NOTE} {common.CLINICIAN_NOTE}"
        )
    return (
        f"No clear link so far between high-stress days and a headache starting the next day: "
        f"{risks} ({evidence}). {common.MORE_DATA_NOTE}"
    )
