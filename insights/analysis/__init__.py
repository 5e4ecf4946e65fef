"""Per-patient (N-of-1) insight analyses: pure functions on numpy arrays, no Django.

``analyze_diary`` runs every kind and applies the honesty rules of clinical reference §6: the
association kinds are Holm-adjusted together, and an association is ``found`` only when its
95% interval excludes no effect *and* its adjusted p-value is below 0.05.
"""

from __future__ import annotations

from insights.analysis import (
    common,
    headache_frequency,
    medication_overuse,
    pain_spread,
    pain_stress_feedback,
    sleep_pain,
    stress_headache,
    stress_letdown,
)
from insights.analysis.common import DiaryArrays, InsightResult, empty_diary
from insights.analysis.stats import holm

ASSOCIATION_MODULES = (
    stress_headache,
    stress_letdown,
    sleep_pain,
    pain_stress_feedback,
    pain_spread,
)
COUNT_MODULES = (headache_frequency, medication_overuse)
MODULES = {module.KIND: module for module in (*ASSOCIATION_MODULES, *COUNT_MODULES)}
KINDS = tuple(MODULES)

__all__ = ["KINDS", "DiaryArrays", "InsightResult", "analyze_diary", "empty_diary"]


def analyze_diary(diary: DiaryArrays) -> list[InsightResult]:
    """All insight kinds for one diary, with Holm-adjusted p-values and final wording."""
    raw = [module.analyze(diary) for module in MODULES.values()]
    tested = {
        result.kind: result.p_value
        for result in raw
        if result.kind in _ASSOCIATION_KINDS and result.status != common.INSUFFICIENT
    }
    adjusted = holm(tested)
    return [_final(result, adjusted) for result in raw]


def _final(result: InsightResult, adjusted: dict[str, float]) -> InsightResult:
    """One result with its Holm-adjusted p-value, the status that follows from it and its
    wording (insufficient results already carry theirs, so they are returned as they are)."""
    if result.kind in adjusted:
        p_value = adjusted[result.kind]
        found = result.candidate and p_value < common.ALPHA
        status = common.FOUND if found else common.NOT_FOUND
        result = _with(result, p_value=p_value, status=status)
    summary = MODULES[result.kind].describe(result)
    return result if summary == result.summary else _with(result, summary=summary)


def _with(result: InsightResult, **changes) -> InsightResult:
    """``dataclasses.replace(result, **changes)`` for InsightResult (a plain frozen dataclass:
    no __post_init__, no slots): the fields are copied as they are instead of being set again
    one by one through the frozen __init__, which dominated the final wording step."""
    copy = object.__new__(InsightResult)
    copy.__dict__.update(result.__dict__, **changes)
    return copy


_ASSOCIATION_KINDS = frozenset(module.KIND for module in ASSOCIATION_MODULES)
