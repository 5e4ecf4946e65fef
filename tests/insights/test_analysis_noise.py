"""Honesty on pure noise: across many synthetic diaries with no planted effect, almost none gets
a `found` association (family-wise error controlled by Bonferroni across the five kinds; the
harder, realistic null diaries are in ``test_analysis_false_claims``)."""

from datetime import date

import pytest

from insights.analysis import ASSOCIATION_MODULES, analyze_diary
from insights.analysis.common import empty_diary
from tests.insights.synthetic import synthetic_diary

ASSOCIATIONS = {module.KIND for module in ASSOCIATION_MODULES}
SEEDS = range(1000, 1200)


def test_pure_noise_rarely_yields_any_found_association():
    any_found = sum(
        any(
            r.status == "found" and r.kind in ASSOCIATIONS
            for r in analyze_diary(synthetic_diary(seed=seed, days=240))
        )
        for seed in SEEDS
    )
    # Bonferroni bounds the family-wise rate at 5%; 0.075 is the binomial tolerance for 200
    assert any_found / len(SEEDS) < 0.075


def _short(days: int):
    if days < 3:
        return empty_diary(start=date(2025, 1, 1), days=days)
    return synthetic_diary(seed=days, days=days)


@pytest.mark.parametrize("days", [1, 2, 3, 7, 29, 30, 41])
def test_diaries_shorter_than_six_weeks_never_report_an_association(days):
    results = analyze_diary(_short(days))
    assert {r.status for r in results if r.kind in ASSOCIATIONS} == {"insufficient_data"}


def test_onset_analyses_need_sixty_at_risk_days():
    results = {r.kind: r for r in analyze_diary(_short(59))}
    for kind in ("stress_headache", "stress_letdown"):
        assert results[kind].status == "insufficient_data"
        assert "with stress recorded" in results[kind].summary
