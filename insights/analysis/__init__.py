"""Per-patient (N-of-1) insight analyses: pure functions on numpy arrays, no Django.

``analyze_diary`` runs every kind and applies the honesty rules of clinical reference §6. Each
association kind is tested one-sided, in the direction its sentence claims (more pain after
poor nights, more attacks after stress or a drop in stress, a rise in painful areas), so a
finding in the opposite direction can never be worded as the claim. The kinds are adjusted
together with Bonferroni, not Holm: Bonferroni comes with simultaneous intervals, so the
interval shown (95% widened for the m kinds tested: each end at 0.05/m) excludes no effect
exactly when the claim is ``found``; Holm can reject where no such interval exists, which put a
"95% interval excluding no effect" next to "no clear link". The family-wise rate of false
``found`` claims stays at or below 5% (measured by ``benchmarks/bench_false_claims.py``).
"""

from __future__ import annotations

from insights.analysis import (
    common,
    headache_frequency,
    medication_overuse,
    menstrual,
    pain_spread,
    pain_stress_feedback,
    sleep_pain,
    stress_headache,
    stress_letdown,
    triggers,
)
from insights.analysis.common import DiaryArrays, InsightResult, empty_diary

ASSOCIATION_MODULES = (
    stress_headache,
    stress_letdown,
    sleep_pain,
    pain_stress_feedback,
    pain_spread,
    menstrual,
    triggers,
)
COUNT_MODULES = (headache_frequency, medication_overuse)
MODULES = {module.KIND: module for module in (*ASSOCIATION_MODULES, *COUNT_MODULES)}
OPT_IN_KINDS = frozenset({menstrual.KIND})  # only for patients who opted in (None otherwise)
KINDS = tuple(kind for kind in MODULES if kind not in OPT_IN_KINDS)  # every patient gets these
ALL_KINDS = tuple(MODULES)

ALPHA_FAMILY = common.ALPHA  # the family-wise level of the association kinds together

__all__ = [
    "ALL_KINDS",
    "ALPHA_FAMILY",
    "KINDS",
    "DiaryArrays",
    "InsightResult",
    "analyze_diary",
    "empty_diary",
]


def analyze_diary(diary: DiaryArrays) -> list[InsightResult]:
    """All insight kinds for one diary, with Bonferroni-adjusted p-values and final wording.
    An opt-in kind the patient has not opted in to gives no result (and is not tested)."""
    raw = [module.analyze(diary) for module in MODULES.values()]
    raw = [result for result in raw if result is not None]
    tests = sum(1 for result in raw if _tested(result))
    return [_final(result, tests) for result in raw]


def _tested(result: InsightResult) -> bool:
    return result.kind in _ASSOCIATION_KINDS and result.status != common.INSUFFICIENT


def _final(result: InsightResult, tests: int) -> InsightResult:
    """One result with its multiplicity-adjusted p-value and interval, the status that follows
    and its wording (insufficient results already carry theirs)."""
    if _tested(result):
        result = _decide(result, tests)
    summary = MODULES[result.kind].describe(result)
    return result if summary == result.summary else _with(result, summary=summary)


def _decide(result: InsightResult, tests: int) -> InsightResult:
    """Bonferroni over the kinds tested: one-sided p times ``tests`` below 0.05, and the
    interval at 0.05/tests per end on the claimed side of no effect. A kind that tests two
    directions itself (``adjust``) splits its share again."""
    alpha = common.ALPHA / tests
    module = MODULES[result.kind]
    if hasattr(module, "adjust"):  # it records per-direction intervals in its own details copy
        result = _with(result, details={k: _copy(v) for k, v in result.details.items()})
        low, high, holds, per_end = module.adjust(result, alpha)
    else:
        low, high = result.test.interval(alpha)
        holds, per_end = low > (1.0 if result.test.log_scale else 0.0), alpha
    p_value = min(1.0, tests * result.p_value)
    found = result.candidate and holds and p_value < common.ALPHA
    details = {
        **result.details,
        "p_unadjusted": result.p_value,
        "ci95_low": common.finite_or_none(result.ci_low),
        "ci95_high": common.finite_or_none(result.ci_high),
        "interval_level": 100 * (1 - 2 * per_end),
        "tests": tests,
    }
    result = _with(
        result,
        p_value=p_value,
        ci_low=low,
        ci_high=high,
        status=common.FOUND if found else common.NOT_FOUND,
        details=details,
    )
    if hasattr(module, "headline"):  # a kind of many tests names the effect it shows
        result = _with(result, **module.headline(result))
    return result


def _with(result: InsightResult, **changes) -> InsightResult:
    """``dataclasses.replace(result, **changes)`` for InsightResult (a plain frozen dataclass:
    no __post_init__, no slots): the fields are copied as they are instead of being set again
    one by one through the frozen __init__, which dominated the final wording step."""
    copy = object.__new__(InsightResult)
    copy.__dict__.update(result.__dict__, **changes)
    return copy


def _copy(value):
    return dict(value) if isinstance(value, dict) else value


_ASSOCIATION_KINDS = frozenset(module.KIND for module in ASSOCIATION_MODULES)
