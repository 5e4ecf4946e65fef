"""Per-day clinical facts derived from a diary: the single home of the day definitions.

Pure functions (no queries): the selectors feed them rows, and the calendar, the clinician
report, CSV export and the insight loader all use the same definitions.

Definitions (clinical reference §1, IHS trial guidelines; van der Arend et al., Cephalalgia 2023;
Bertisch et al., Neurology 2020):
- headache day: headache lasting >= 30 min that diary day, or any headache treated with acute
  medication, or the patient answered "headache: yes" for the day without details;
- migraine day: a headache >= 30 min meeting ICHD-3 criteria C and D, or an aura of 5-60 min,
  or a headache treated with migraine-specific medication (triptan, ergot, gepant, ditan);
  an attack spanning days makes each day it covers a migraine day;
- moderate/severe day: peak intensity >= 4/10;
- onset: the diary day an attack starts, unless it starts within one calendar day of the
  previous attack's end (a relapse of the same attack);
- acute medication day: any acute medication taken that diary day.
A diary day runs from 04:00 local to 04:00 the next day (late-night entries belong to the day
that is ending).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from diary import scales

MIN_HEADACHE_MINUTES = 30
AURA_MIN_MINUTES, AURA_MAX_MINUTES = 5, 60
_C_FEATURES = ("unilateral", "pulsating", "worse_with_activity")


@dataclass(frozen=True, slots=True)
class AttackSpan:
    """The parts of a headache attack the day rules need."""

    id: object
    started_at: datetime
    ended_at: datetime | None
    start_date: date
    end_date: date | None
    peak: int
    features: frozenset[str]
    aura_minutes: int | None = None


@dataclass(frozen=True, slots=True)
class DoseEntry:
    date: date
    med_class: str
    acute: bool
    attack_id: object = None
    name: str = ""


@dataclass(slots=True)
class DayFacts:
    """Everything the pages, report and insights need to know about one diary day."""

    date: date
    recorded: bool = False  # a check-in (Day row) exists
    headache_day: bool = False
    migraine_day: bool = False
    moderate_severe_day: bool = False
    onset: bool = False
    peak_intensity: int | None = None
    headache_minutes: int = 0
    features: frozenset[str] = frozenset()
    acute_medication_day: bool = False
    medication_classes: frozenset[str] = frozenset()
    medication_names: tuple[str, ...] = ()
    stress: int | None = None
    sleep_quality: int | None = None
    total_sleep_min: int | None = None
    sleep_efficiency: float | None = None
    pain: dict[str, int] = field(default_factory=dict)

    @property
    def painful_areas(self) -> int:
        return len(self.pain)

    @property
    def mean_pain(self) -> float | None:
        return sum(self.pain.values()) / len(self.pain) if self.pain else None


def attack_meets_migraine_criteria(attack: AttackSpan) -> bool:
    """ICHD-3 1.1 C (>=2 of unilateral, pulsating, moderate/severe, worse with activity) and
    D (nausea and/or vomiting, or photophobia and phonophobia), or an aura of 5-60 minutes."""
    features = attack.features
    c_count = sum(1 for name in _C_FEATURES if name in features) + (attack.peak >= 4)
    d_met = (
        "nausea" in features
        or "vomiting" in features
        or ("photophobia" in features and "phonophobia" in features)
    )
    if c_count >= 2 and d_met:
        return True
    if "aura" in features:
        minutes = attack.aura_minutes
        return minutes is None or AURA_MIN_MINUTES <= minutes <= AURA_MAX_MINUTES
    return False


def diary_window(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The span of one diary day: 04:00 local to 04:00 local the next day."""
    rollover = time(scales.DAY_ROLLOVER_HOUR)
    start = datetime.combine(day, rollover, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), rollover, tzinfo=zone)


def _minutes_on(attack: AttackSpan, day: date, zone: ZoneInfo, now: datetime) -> int:
    start, end = diary_window(day, zone)
    attack_end = attack.ended_at or now
    overlap = min(end, attack_end) - max(start, attack.started_at)
    return max(int(overlap.total_seconds() // 60), 0)


def onset_dates(attacks: list[AttackSpan]) -> set[date]:
    """Diary days on which a new attack starts (relapses within one day are not onsets)."""
    onsets: set[date] = set()
    previous_end: date | None = None
    for attack in sorted(attacks, key=lambda a: a.started_at):
        if previous_end is None or attack.start_date > previous_end + timedelta(days=1):
            onsets.add(attack.start_date)
        end = attack.end_date or attack.start_date
        previous_end = end if previous_end is None else max(previous_end, end)
    return onsets


def derive_days(
    *,
    start: date,
    end: date,
    zone: ZoneInfo,
    days: Iterable = (),
    attacks: Iterable[AttackSpan] = (),
    doses: Iterable[DoseEntry] = (),
    now: datetime | None = None,
    history_attacks: Iterable[AttackSpan] | None = None,
) -> list[DayFacts]:
    """One DayFacts per calendar day from ``start`` to ``end`` inclusive.

    ``days`` are Day rows (or objects with the same attributes); ``history_attacks`` (default:
    ``attacks``) may include earlier attacks so an onset on ``start`` is judged correctly.
    """
    now = now or datetime.now(tz=zone)
    today = now.astimezone(zone).date()
    facts = {
        start + timedelta(days=i): DayFacts(date=start + timedelta(days=i))
        for i in range((end - start).days + 1)
    }
    _apply_day_rows(facts, days)
    attacks = list(attacks)
    _apply_doses(facts, doses)
    treated = _treated_attacks(doses)
    for attack in attacks:
        _apply_attack(facts, attack, zone, now, today, treated.get(attack.id, frozenset()))
    for onset in onset_dates(list(history_attacks) if history_attacks is not None else attacks):
        if onset in facts:
            facts[onset].onset = True
    for fact in facts.values():
        _finish_day(fact)
    return list(facts.values())


def _apply_day_rows(facts: dict[date, DayFacts], days: Iterable) -> None:
    for row in days:
        fact = facts.get(row.date)
        if fact is None:
            continue
        fact.recorded = True
        fact.stress = row.stress
        fact.sleep_quality = row.sleep_quality
        fact.total_sleep_min = row.total_sleep_min
        fact.sleep_efficiency = row.sleep_efficiency
        fact.pain = row.pain_map
        if row.headache:
            fact.headache_day = True


def _apply_doses(facts: dict[date, DayFacts], doses: Iterable[DoseEntry]) -> None:
    for dose in doses:
        fact = facts.get(dose.date)
        if fact is None or not dose.acute:
            continue
        fact.acute_medication_day = True
        fact.medication_classes = fact.medication_classes | {dose.med_class}
        if dose.name and dose.name not in fact.medication_names:
            fact.medication_names = (*fact.medication_names, dose.name)


def _treated_attacks(doses: Iterable[DoseEntry]) -> dict[object, frozenset[str]]:
    treated: dict[object, frozenset[str]] = {}
    for dose in doses:
        if dose.attack_id is not None and dose.acute:
            treated[dose.attack_id] = treated.get(dose.attack_id, frozenset()) | {dose.med_class}
    return treated


def _apply_attack(facts, attack: AttackSpan, zone, now, today, treated_classes) -> None:
    last = attack.end_date or max(today, attack.start_date)
    is_migraine = attack_meets_migraine_criteria(attack)
    day = attack.start_date
    while day <= last:
        fact = facts.get(day)
        if fact is not None:
            minutes = _minutes_on(attack, day, zone, now)
            day_classes = fact.medication_classes | treated_classes
            treated = bool(treated_classes) or fact.acute_medication_day
            long_enough = minutes >= MIN_HEADACHE_MINUTES
            if long_enough or treated:
                fact.headache_day = True
                fact.headache_minutes = min(fact.headache_minutes + minutes, 24 * 60)
                fact.peak_intensity = max(fact.peak_intensity or 0, attack.peak)
                fact.features = fact.features | attack.features
                specific = bool(day_classes & scales.MIGRAINE_SPECIFIC_CLASSES) and treated
                if (is_migraine and long_enough) or specific or _aura_qualifies(attack):
                    fact.migraine_day = True
        day += timedelta(days=1)


def _aura_qualifies(attack: AttackSpan) -> bool:
    return (
        "aura" in attack.features
        and attack.aura_minutes is not None
        and AURA_MIN_MINUTES <= attack.aura_minutes <= AURA_MAX_MINUTES
    )


def _finish_day(fact: DayFacts) -> None:
    if fact.peak_intensity is not None and fact.peak_intensity >= scales.MODERATE_SEVERE_MIN:
        fact.moderate_severe_day = True


def wpi_like(pain_maps: Iterable[dict[str, int]]) -> int:
    """WPI-like count (0-19): areas marked on any of the given days (ACR 2016, Wolfe 2016)."""
    areas: set[str] = set()
    for pain in pain_maps:
        areas.update(pain)
    return len(areas)


def generalized_pain(areas: Iterable[str]) -> bool:
    """ACR 2016 generalized pain: pain in >= 4 of 5 regions; jaw, chest, abdomen don't count."""
    regions = {
        scales.PAIN_AREA_BY_CODE[code].region
        for code in areas
        if scales.PAIN_AREA_BY_CODE[code].counts_for_generalized
    }
    return len(regions) >= 4
