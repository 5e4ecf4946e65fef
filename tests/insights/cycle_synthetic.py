"""Synthetic diaries of a patient who tracks the cycle: periods every ~28 days, with optional
attacks planted on days -2 to +3 (ICHD-3 A1.1) and stress that rises before each period."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np

from insights.analysis.common import DiaryArrays, empty_diary


def cycle_diary(
    *,
    seed: int,
    days: int = 240,
    cycle_days: tuple[int, int] = (26, 31),
    bleed_days: tuple[int, int] = (4, 6),
    window_rate: float = 0.0,
    other_rate: float = 0.05,
    premenstrual_stress: float = 0.0,
    answer_no: float = 0.5,
    missing: float = 0.03,
    tracks: bool = True,
) -> DiaryArrays:
    """A diary of ``days`` days. Period starts every ``cycle_days`` (uniform), bleeding for
    ``bleed_days``; non-period days are answered "no" with probability ``answer_no`` (else
    left unanswered). Onset probability per day is ``window_rate`` on days -2 to +3 of a
    period and ``other_rate`` elsewhere (pure noise when they are equal); stress rises by
    ``premenstrual_stress`` points on the 3 days before each start."""
    rng = np.random.default_rng(seed)
    starts, day = [], int(rng.integers(3, 20))
    while day < days:
        starts.append(day)
        day += int(rng.integers(cycle_days[0], cycle_days[1] + 1))
    bleeding = np.zeros(days, bool)
    window = np.zeros(days, bool)
    premenstrual = np.zeros(days, bool)
    for start in starts:
        bleeding[start : start + int(rng.integers(bleed_days[0], bleed_days[1] + 1))] = True
        window[max(0, start - 2) : start + 3] = True
        premenstrual[max(0, start - 3) : start] = True
    stress = np.clip(
        np.round(4 + rng.normal(0, 1.5, days) + premenstrual_stress * premenstrual), 0, 10
    )
    headache, onset = np.zeros(days, bool), np.zeros(days, bool)
    for t in range(days):
        rate = window_rate if window[t] else other_rate
        if not headache[t] and rng.random() < rate:
            onset[t] = True
            headache[t : t + (2 if rng.random() < 0.3 else 1)] = True
    recorded = rng.random(days) > missing
    answered_no = rng.random(days) < answer_no
    period = np.where(bleeding, 1.0, np.where(answered_no, 0.0, np.nan))
    diary = empty_diary(start=date(2025, 1, 1), days=days, tracks_cycle=tracks)
    return replace(
        diary,
        recorded=recorded,
        headache_day=headache & recorded,
        migraine_day=headache & recorded,
        onset=onset & recorded,
        peak=np.where(headache & recorded, 6.0, 0.0),
        stress=np.where(recorded, stress, np.nan),
        period=np.where(recorded, period, np.nan),
    )
