"""Menstrual migraine: attacks around the start of a period (ICHD-3 appendix A1.1).

ICHD-3 A1.1.1 (pure menstrual migraine) and A1.1.2 (menstrually related migraine), criterion
B: prospectively recorded over at least three consecutive cycles, attacks on day 1 +/- 2 (days
-2 to +3) of menstruation in at least two out of three cycles; "pure" when at no other time of
the cycle, "related" when at other times too. Starts, windows and which cycles count are
defined in ``insights.analysis.cycle``. Only for patients who opted in to cycle tracking.

The count alone can be met by chance by someone with frequent attacks (with an attack every
third day, most five-day windows hold one), so a finding also needs attacks to be more likely
inside the window than outside: an onset analysis like the other kinds (a new attack, not a
relapse within 48 h, as the outcome, on the days at risk of one: headache status known and not
inside a continuing attack, ``DiaryArrays.at_risk``; the exposure is the calendar, not something
measured the day before, so the risk set need not be fixed by the previous day), with a
Firth-penalized odds ratio and autocorrelation-robust errors, tested one-sided and adjusted
with the other association kinds. The minimum data are the onset analyses' (60 days, 10
headache starts, 5 days in and out of the window) plus three consecutive counted cycles.
ICHD-3 asks for attacks meeting migraine criteria; headache starts of any kind are counted
here, and how many of the cycles had a migraine-like start is shown alongside.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from insights.analysis import common, cycle
from insights.analysis.common import DiaryArrays, InsightResult
from insights.analysis.stats import Wald, firth_logistic

KIND = "menstrual_migraine"
SUBTYPE_TEXT = {
    "pure": "pure menstrual migraine (ICHD-3 A1.1.1): attacks only in these days",
    "related": "menstrually related migraine (ICHD-3 A1.1.2): attacks in these days and at "
    "other times too",
}


def analyze(diary: DiaryArrays) -> InsightResult | None:
    """The A1.1 count and the in-window odds ratio; None when the patient does not track."""
    if not diary.tracks_cycle:
        return None
    pattern = cycle.cycle_pattern(
        period=diary.period,
        recorded=diary.recorded,
        headache_known=diary.headache_known,
        onset=diary.onset,
        migraine_onset=diary.onset & diary.migraine_day,
    )
    details = _pattern_details(pattern)
    cycles_need = common.Need(
        pattern.run, cycle.MIN_CYCLES, "cycle logged in a row", "cycles logged in a row"
    )
    if cycles_need.missing:
        result = common.insufficient(
            KIND, [cycles_need], what="headaches around your period", **details
        )
        summary = (
            "Not enough data yet to look at headaches around your period: ICHD-3 asks for "
            f"{cycle.MIN_CYCLES} cycles logged in a row; {pattern.run} so far. Answer "
            "“Period today?” on the check-in, on the days without a period too if you can."
        )
        return replace(result, summary=summary)
    usable = diary.at_risk & _tracked_span(pattern, diary.n)
    in_window = cycle.window_days(pattern.starts, diary.n)[usable]
    onset = diary.onset[usable]
    table = common.onset_table(in_window, onset)
    needs = _needs(table)
    if common.shortfall(needs):
        result = common.insufficient(
            KIND, needs, what="whether this is more than chance", n_days=table.days, **details
        )
        return replace(result, summary=f"{_count_sentence(details)}. {result.summary}")
    coef, se = firth_logistic(onset.astype(float), in_window)
    result = common.onset_result(
        KIND,
        table,
        Wald(float(coef[1]), float(se[1]), log_scale=True),
        n_events=table.events,
        effect_label="odds ratio on days -2 to +3 of a period",
        **details,
    )
    return replace(result, candidate=pattern.criterion_met)


def _tracked_span(pattern: cycle.CyclePattern, days: int) -> np.ndarray:
    """The days from the first counted window to the end of the last counted cycle (or of
    the diary, if sooner): the days on which a window would have been seen."""
    span = np.zeros(days, dtype=bool)
    first = pattern.counted_starts[0] - cycle.WINDOW_BEFORE
    last = min(days, pattern.counted_starts[-1] + cycle.MAX_CYCLE_DAYS)
    span[first:last] = True
    return span


def _pattern_details(pattern: cycle.CyclePattern) -> dict:
    return {
        "cycles": pattern.cycles,
        "cycles_in_a_row": pattern.run,
        "cycles_with_window_attack": pattern.cycles_with_attack,
        "cycles_with_window_migraine": int(np.count_nonzero(pattern.with_migraine)),
        "window_onsets": pattern.window_onsets,
        "outside_onsets": pattern.outside_onsets,
        "criterion_met": pattern.criterion_met,
        "subtype": pattern.subtype,
        "window": "days -2 to +3 of a period (day 1 = first day)",
    }


def _needs(table: common.OnsetTable) -> list[common.Need]:
    return common.onset_needs(
        table,
        days_noun=(
            "logged day not inside an attack while tracking",
            "logged days not inside an attack while tracking",
        ),
        exposed_noun=("such day around a period start", "such days around a period start"),
        unexposed_noun=("such day at other times", "such days at other times"),
    )


def _count_sentence(d: dict) -> str:
    """ "A headache started on days -2 to +3 of your period in 3 of 4 cycles" + the verdict."""
    count = (
        f"A headache started on days -2 to +3 of your period in "
        f"{d['cycles_with_window_attack']} of {common.count_phrase(d['cycles'], 'cycle')}"
    )
    if d["criterion_met"]:
        return f"{count}, as in {SUBTYPE_TEXT[d['subtype']]}"
    return f"{count} (the ICHD-3 pattern needs at least 2 of every 3)"


def describe(result: InsightResult) -> str:
    """The cycle count first, then the risk inside and outside the window with its interval."""
    if result.status == common.INSUFFICIENT:
        return result.summary
    d = result.details
    pattern_sentence = _count_sentence(d)
    risks = (
        f"a new headache started on {d['exposed_onsets']} of "
        f"{common.count_phrase(d['exposed_days'], 'day')} around a period start "
        f"({common.percent(d['risk_exposed'])}) against {d['unexposed_onsets']} of "
        f"{common.count_phrase(d['unexposed_days'], 'other day')} "
        f"({common.percent(d['risk_unexposed'])}): odds {common.number(result.effect)} times "
        f"as high ({common.interval(result.ci_low, result.ci_high, d.get('interval_level', 95))})"
    )
    if result.status == common.FOUND:
        return (
            f"{pattern_sentence}. Attacks are more likely around your period: {risks}. "
            f"{common.certainty(result)} {common.PATTERN_NOTE} {common.CLINICIAN_NOTE}"
        )
    if d["criterion_met"]:
        return (
            f"{pattern_sentence}. It is not clear yet that attacks are more likely around your "
            f"period: {risks}. {common.certainty(result)} {common.MORE_DATA_NOTE}"
        )
    return (
        f"{pattern_sentence}, so your diary does not show that pattern so far: {risks}. "
        f"{common.certainty(result)} {common.MORE_DATA_NOTE}"
    )
