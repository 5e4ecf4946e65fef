"""Synthetic diaries for the analysis tests: realistic noise with optional planted effects.

Stress follows an AR(1) process, body-pain areas persist from day to day (a Markov chain per
area), sleep varies night to night and headache onsets are rare. Every effect is off unless
asked for, so ``synthetic_diary(seed=s)`` is pure noise: no exposure changes any outcome.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np

from diary import scales
from insights.analysis.common import DiaryArrays, empty_diary

AREAS = len(scales.PAIN_AREA_CODES)
TRIPTAN = scales.MEDICATION_CLASS_CODES.index("triptan")
SIMPLE = scales.MEDICATION_CLASS_CODES.index("simple_analgesic")
LOWER_BACK = scales.PAIN_AREA_CODES.index("lower_back")


def _logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


def synthetic_diary(
    *,
    seed: int,
    days: int = 240,
    start: date = date(2025, 1, 1),
    missing: float = 0.08,
    onset_rate: float = 0.1,
    letdown_odds: float = 1.0,
    high_stress_odds: float = 1.0,
    poor_sleep_extra_areas: float = 0.0,
    spread_areas_per_month: float = 0.0,
    pain_to_stress: float = 0.0,
    triptan_days_last_30: int = 0,
    stress_odds_per_point: float = 1.0,
) -> DiaryArrays:
    """A diary of ``days`` days; each keyword plants one effect of the given size."""
    rng = np.random.default_rng(seed)
    stress = _stress(rng, days)
    minutes = np.clip(rng.normal(430, 55, days), 180, 660).round()
    quality = np.clip(np.round(3 + (minutes - 430) / 60 + rng.normal(0, 0.8, days)), 1, 5)
    poor = (minutes < max(360, np.percentile(minutes, 25))) | (quality <= 2)
    painful = _areas(rng, days, spread_areas_per_month)
    if poor_sleep_extra_areas:
        extra = rng.random((days, AREAS)) < poor_sleep_extra_areas / AREAS * 2
        painful |= extra & poor[:, None]
    intensity = np.where(painful, rng.integers(2, 8, (days, AREAS)), 0).astype(float)
    headache_day, onset = _attacks(
        rng, stress, onset_rate, letdown_odds, high_stress_odds, stress_odds_per_point
    )
    peak = np.where(headache_day, rng.integers(4, 9, days), 0).astype(float)
    if pain_to_stress:
        worst = np.maximum(intensity.max(axis=1), peak)
        stress[1:] = np.clip(np.round(stress[1:] + pain_to_stress * (worst[:-1] - 4)), 0, 10)
    recorded = rng.random(days) > missing
    diary = empty_diary(start=start, days=days)
    medication = diary.medication.copy()
    medication[:, SIMPLE] = headache_day & (rng.random(days) < 0.3)
    if triptan_days_last_30:
        medication[-30:, TRIPTAN][rng.choice(30, triptan_days_last_30, replace=False)] = True
        headache_day[-30:] |= medication[-30:, TRIPTAN]
    return replace(
        diary,
        recorded=recorded,
        headache_day=headache_day,
        migraine_day=headache_day & (rng.random(days) < 0.6),
        onset=onset,
        peak=peak,
        stress=np.where(recorded, stress, np.nan),
        sleep_minutes=np.where(recorded, minutes, np.nan),
        sleep_quality=np.where(recorded, quality, np.nan),
        pain=np.where(recorded[:, None], intensity, np.nan),
        medication=medication,
    )


def _stress(rng, days: int) -> np.ndarray:
    values = np.empty(days)
    level = 4.0
    noise = rng.normal(0, 1.8, days)
    for t in range(days):
        level = 4 + 0.5 * (level - 4) + noise[t]
        values[t] = level
    return np.clip(np.round(values), 0, 10)


def _areas(rng, days: int, spread_per_month: float) -> np.ndarray:
    """Persistent areas: each area stays painful with p 0.7, starts with a rate that rises with
    ``spread_per_month`` (extra expected painful areas per month)."""
    base_on = 0.03
    rise = spread_per_month / 30 * np.arange(days) / AREAS * 0.3
    start_rate = np.clip(base_on + rise, 0, 0.9)
    painful = np.zeros((days, AREAS), bool)
    state = rng.random(AREAS) < base_on / (base_on + 0.3)  # stationary share
    draws = rng.random((days, AREAS))
    for t in range(days):
        state = np.where(state, draws[t] < 0.7, draws[t] < start_rate[t])
        painful[t] = state
    return painful


def _attacks(rng, stress, rate, letdown_odds, high_odds, odds_per_point=1.0):
    days = len(stress)
    headache, onset = np.zeros(days, bool), np.zeros(days, bool)
    high = stress >= np.percentile(stress, 75)
    drop = np.zeros(days, bool)
    drop[1:] = stress[:-1] - stress[1:] >= 3
    base = _logit(rate)
    draws, lengths = rng.random(days), rng.random(days)
    for t in range(days):
        if headache[t]:
            continue
        logit = base
        if letdown_odds != 1 and t > 0 and drop[t - 1]:  # the day after the drop
            logit += np.log(letdown_odds)
        if high_odds != 1 and t > 0 and high[t - 1]:
            logit += np.log(high_odds)
        if odds_per_point != 1 and t > 0:
            logit += np.log(odds_per_point) * (stress[t - 1] - 4)
        if draws[t] < 1 / (1 + np.exp(-logit)):
            onset[t] = True
            headache[t : t + (2 if lengths[t] < 0.25 else 1)] = True
    return headache, onset


def realistic_null_diary(
    *,
    seed: int,
    days: int = 365,
    start: date = date(2025, 1, 6),
    weekend_stress_drop: float = 1.5,
    weekend_attack_odds: float = 1.8,
    stress_to_pain: float = 0.0,
):
    """A diary in which no exposure changes any outcome, but with everything that fools naive
    tests: stress a noisy reading of a persistent state (latent AR(1), phi 0.85) that is lower
    at weekends; attacks in clusters (a slow on/off regime) and more likely at weekends; longer
    sleep at weekends; persistent body pain with slow flares; missing days in runs. Weekends
    drive stress, sleep and attacks alike, so only an analysis adjusted for them stays honest.
    ``stress_to_pain`` plants one effect only: the lower back hurts more the day after stress
    (points of pain per point of stress), for checking that the other direction is not named.
    """
    rng = np.random.default_rng(seed)
    weekend = np.isin((start.weekday() + np.arange(days)) % 7, (5, 6))
    latent, state = np.empty(days), 0.0
    for t in range(days):
        state = 0.85 * state + rng.normal(0, 1.0)
        latent[t] = state
    stress = np.clip(
        np.round(4.5 + latent - weekend_stress_drop * weekend + rng.normal(0, 1.0, days)), 0, 10
    )
    cluster, on = np.empty(days, bool), False
    for t in range(days):
        on = rng.random() < (0.9 if on else 0.05)
        cluster[t] = on
    rate = np.where(cluster, 0.25, 0.06) * np.where(weekend, weekend_attack_odds, 1.0)
    headache, onset = np.zeros(days, bool), np.zeros(days, bool)
    for t in range(days):
        if not headache[t] and rng.random() < rate[t]:
            onset[t] = True
            headache[t : t + (2 if rng.random() < 0.3 else 1)] = True
    minutes = np.clip(rng.normal(420, 50, days) + 60 * weekend, 180, 720).round()
    quality = np.clip(np.round(3 + rng.normal(0, 0.9, days)), 1, 5)
    flare = np.repeat(rng.random(days // 14 + 1) < 0.3, 14)[:days]
    painful = _areas(rng, days, 0.0) | (flare[:, None] & (rng.random((days, AREAS)) < 0.15))
    intensity = np.where(painful, rng.integers(2, 8, (days, AREAS)), 0).astype(float)
    peak = np.where(headache, rng.integers(4, 9, days), 0).astype(float)
    if stress_to_pain:
        back = np.full(days, 3.0)
        back[1:] += stress_to_pain * (stress[:-1] - 4.5)
        intensity[:, LOWER_BACK] = np.clip(np.round(back + rng.normal(0, 0.7, days)), 1, 10)
        intensity[:, :LOWER_BACK] = 0  # the worst pain of the day is the lower back
        intensity[:, LOWER_BACK + 1 :] = 0
        peak[:] = 0
    missing_run, recorded = 0, np.ones(days, bool)
    for t in range(days):
        if missing_run == 0 and rng.random() < 0.03:
            missing_run = int(rng.integers(1, 6))
        if missing_run:
            recorded[t], missing_run = False, missing_run - 1
    diary = empty_diary(start=start, days=days)
    medication = diary.medication.copy()
    medication[:, SIMPLE] = headache & (rng.random(days) < 0.3)
    return replace(
        diary,
        recorded=recorded,
        headache_day=headache & recorded,
        migraine_day=headache & recorded & (rng.random(days) < 0.6),
        onset=onset & recorded,
        peak=np.where(recorded, peak, 0.0),
        stress=np.where(recorded, stress, np.nan),
        sleep_minutes=np.where(recorded, minutes, np.nan),
        sleep_quality=np.where(recorded, quality, np.nan),
        pain=np.where(recorded[:, None], intensity, np.nan),
        medication=medication & recorded[:, None],
    )


TRIGGER_PREVALENCE = {  # share of answered days with each default trigger (weekday, weekend eve)
    "alcohol": (0.08, 0.45),
    "skipped_meal": (0.10, 0.10),
    "caffeine_change": (0.08, 0.12),
    "screen_time": (0.50, 0.30),
    "strong_smells": (0.07, 0.07),
    "dehydration": (0.15, 0.20),
}


def trigger_diary(
    *,
    seed: int,
    days: int = 365,
    start: date = date(2025, 1, 6),
    odds: dict[str, float] | None = None,
    own: int = 0,
    answered_share: float = 0.85,
    weekend_attack_odds: float = 1.8,
):
    """A realistic null diary (clustered, weekend-heavy attacks; ``realistic_null_diary``) with
    the trigger checklist answered on most logged days: alcohol mostly on Friday and Saturday
    evenings, travel in trips of a few days, ``own`` extra own triggers. ``odds`` plants
    effects: a trigger on day t-1 multiplies the odds of an onset on day t. Without ``odds``
    no trigger changes anything."""
    rng = np.random.default_rng(seed)
    odds = odds or {}
    weekday = (start.weekday() + np.arange(days)) % 7
    eve = np.isin(weekday, (4, 5))  # Friday and Saturday: drinks before a weekend day
    ticked = {
        key: rng.random(days) < np.where(eve, high, low)
        for key, (low, high) in TRIGGER_PREVALENCE.items()
    }
    trip, travel = 0, np.zeros(days, bool)
    for t in range(days):
        if trip == 0 and rng.random() < 0.04:
            trip = int(rng.integers(2, 6))
        if trip:
            travel[t], trip = True, trip - 1
    ticked["travel"] = travel
    for index in range(own):
        ticked[f"own:00000000-0000-4000-8000-{index:012d}"] = rng.random(days) < 0.12
    cluster, on = np.empty(days, bool), False
    for t in range(days):
        on = rng.random() < (0.9 if on else 0.05)
        cluster[t] = on
    weekend = np.isin(weekday, (5, 6))
    base = np.where(cluster, 0.22, 0.06) * np.where(weekend, weekend_attack_odds, 1.0)
    logit = np.log(base / (1 - base))
    for key, factor in odds.items():
        logit[1:] += np.log(factor) * ticked[key][:-1]
    rate = 1 / (1 + np.exp(-logit))
    headache, onset = np.zeros(days, bool), np.zeros(days, bool)
    for t in range(days):
        if not headache[t] and rng.random() < rate[t]:
            onset[t] = True
            headache[t : t + (2 if rng.random() < 0.3 else 1)] = True
    recorded = rng.random(days) > 0.06
    answered = recorded & (rng.random(days) < answered_share)
    diary = empty_diary(start=start, days=days)
    labels = dict(scales.DEFAULT_TRIGGER_LABELS)
    labels.update(
        {key: f"Own trigger {i}" for i, key in enumerate(ticked) if key.startswith("own:")}
    )
    return replace(
        diary,
        recorded=recorded,
        headache_day=headache & recorded,
        migraine_day=headache & recorded,
        onset=onset & recorded,
        peak=np.where(headache & recorded, 6.0, 0.0),
        stress=np.where(recorded, 4.0, np.nan),
        triggers_answered=answered,
        triggers={key: days_ & answered for key, days_ in ticked.items()},
        trigger_labels=labels,
    )
