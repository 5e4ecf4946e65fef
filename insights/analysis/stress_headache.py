"""Stress on day t-1 and a new headache attack on day t, point by point.

The risk set is the days after a logged headache-free day (``common.clear_day_before``): it
is fixed before the outcome, and the stress rating of day t-1 precedes any onset on day t.
The effect is the odds ratio per stress point from a Firth-penalized logistic regression with
autocorrelation-robust errors (``stats.firth_logistic``), tested one-sided for a raised risk:
a dose-response uses every rating, where the top quarter against the rest threw most of the
information away (each +1 point went with OR 1.10 for a more severe day in Vives-Mestres et al.,
Headache 2021). Stress *level* was generally not associated with migraine in Lipton et al.
(Neurology 2014) and within-person prediction is weak (Holsteen et al., Headache 2020), so
modest or absent effects are expected. The highest quarter of the patient's own ratings (the
clinical reference's descriptive split), stress bands and two consecutive high-stress days
(Houle et al., Pain 2012) are shown as counts. For a patient who tracks the cycle, the model
also adjusts for the outcome day falling on days -2 to +3 of a period (``common.
cycle_covariate``): stress often rises premenstrually, and menstrual attacks would otherwise
pass for a stress effect.
"""

from __future__ import annotations

import numpy as np

from insights.analysis import common
from insights.analysis.common import DiaryArrays, InsightResult
from insights.analysis.stats import Wald, firth_logistic, percentile

KIND = "stress_headache"
PERIMENSTRUAL = "perimenstrual days"  # days -2 to +3 of a period (common.cycle_covariate)
BANDS = (("low (0-3)", 0, 3), ("moderate (4-6)", 4, 6), ("high (7-10)", 7, 10))


def analyze(diary: DiaryArrays) -> InsightResult:
    """Odds ratio of an onset per point of stress the day before, among days after a clear day."""
    usable = common.clear_day_before(diary)[1:] & diary.stress_known[:-1]
    levels, onset = diary.stress[:-1][usable], diary.onset[1:][usable]
    recorded_stress = diary.stress[diary.stress_known]
    threshold = percentile(recorded_stress, 75) if len(recorded_stress) else 11.0
    table = common.onset_table(levels >= threshold, onset)
    needs = common.onset_needs(
        table,
        days_noun=(
            "day after a headache-free day with stress recorded",
            "days after a headache-free day with stress recorded",
        ),
        exposed_noun=("such day after a high-stress day", "such days after a high-stress day"),
        unexposed_noun=("such day after a calmer day", "such days after a calmer day"),
    )
    if common.shortfall(needs):
        return common.insufficient(
            KIND, needs, what="stress and next-day headaches", n_days=table.days
        )
    cycle_days = common.cycle_covariate(diary, 1 + np.flatnonzero(usable))
    design = levels if cycle_days is None else np.column_stack([levels, cycle_days])
    coef, se = firth_logistic(onset.astype(float), design)
    return common.onset_result(
        KIND,
        table,
        Wald(float(coef[1]), float(se[1]), log_scale=True),
        n_events=table.events,
        effect_label="odds ratio per stress point",
        threshold=threshold,
        bands=_bands(levels, onset),
        two_high_days=_two_high_days(diary, threshold),
        adjusted_for=[] if cycle_days is None else [PERIMENSTRUAL],
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
    both = high[:-2] & high[1:-1] & common.clear_day_before(diary)[2:]
    return {
        "days": int(np.count_nonzero(both)),
        "onsets": int(np.count_nonzero(both & diary.onset[2:])),
    }


def describe(result: InsightResult) -> str:
    """Counts first, then the odds ratio per point with its interval in plain words."""
    if result.status == common.INSUFFICIENT:
        return result.summary
    d = result.details
    counts = (
        f"a new headache started the next day after {d['exposed_onsets']} of "
        f"{common.count_phrase(d['exposed_days'], 'day')} with stress of "
        f"{common.number(d['threshold'])} or more (your highest quarter), against "
        f"{d['unexposed_onsets']} of {common.count_phrase(d['unexposed_days'], 'calmer day')}"
    )
    cycle_note = (
        "taking the days around your period into account, "
        if PERIMENSTRUAL in d.get("adjusted_for", ())
        else ""
    )
    evidence = (
        f"{cycle_note}each extra point of stress went with odds of a headache starting "
        f"{common.number(result.effect)} times as high "
        f"({common.interval(result.ci_low, result.ci_high, d.get('interval_level', 95))}; "
        f"{result.n_days} days and {result.n_events} headache starts)"
    )
    if result.status == common.FOUND:
        return (
            f"In your diary, {counts}: {evidence}. {common.certainty(result)} "
            f"{common.ASSOCIATION_NOTE} {common.CLINICIAN_NOTE}"
        )
    return (
        f"No clear sign so far that stress raises your chance of a headache the next day: "
        f"{counts}; {evidence}. {common.certainty(result)} {common.MORE_DATA_NOTE}"
    )
