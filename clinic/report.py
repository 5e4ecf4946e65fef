"""The one-page clinician report: every figure is computed here from the diary day facts, and
each count keeps the list of diary days behind it so the page can show where it came from.

Definitions come from ``diary.derive`` (day rules) and ``clinic.criteria`` (published
thresholds); sleep summaries follow the Consensus Sleep Diary (Carney et al. 2012: SE < 85% is
flagged), stress is the daily 0-10 item.
"""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import mean, median

import numpy as np

from accounts.models import PatientProfile, User
from clinic import criteria
from clinic.selectors import latest_by_instrument
from diary import scales
from diary.days import patient_today
from diary.derive import WPI_MIN_ANSWERED_DAYS, DayFacts, WpiWeek, wpi_weeks
from diary.selectors import (
    attacks_touching,
    day_facts,
    days_between,
    doses_between,
    medications_for,
    questionnaires_between,
)
from insights.analysis import cycle

DEFAULT_DAYS = 90
MAX_DAYS = 366
POOR_EFFICIENCY = 85.0
HIGH_STRESS = 7
HEAT_STEPS = (0.1, 0.25, 0.5, 0.75)  # share of check-in days -> heat level 1..5
CHART_DAYS = 30  # the monthly chart counts per 30 days, as the ICHD-3 criteria do


@dataclass
class Month:
    """One calendar month (or the part of it inside the period) with the days behind each count."""

    start: date
    end: date
    facts: list[DayFacts]
    load: criteria.HeadacheLoad = field(init=False)
    overuse: list[criteria.OveruseRow] = field(init=False)

    def __post_init__(self):
        self.load = criteria.headache_load(self.facts)
        self.overuse = criteria.overuse_rows(self.facts)

    @property
    def label(self) -> str:
        return f"{calendar.month_abbr[self.start.month]} {self.start.year}"

    @property
    def days(self) -> int:
        return len(self.facts)

    @property
    def month_days(self) -> int:
        return calendar.monthrange(self.start.year, self.start.month)[1]

    @property
    def partial(self) -> bool:
        return self.days < self.month_days

    def dates(self, attribute: str) -> list[date]:
        return [fact.date for fact in self.facts if getattr(fact, attribute)]

    @property
    def headache_dates(self):
        return self.dates("headache_day")

    @property
    def migraine_dates(self):
        return self.dates("migraine_day")

    @property
    def moderate_severe_dates(self):
        return self.dates("moderate_severe_day")

    @property
    def medication_dates(self):
        return self.dates("acute_medication_day")

    def overuse_for(self, med_class: str) -> criteria.OveruseRow | None:
        return next((row for row in self.overuse if row.med_class == med_class), None)


@dataclass(frozen=True)
class MedicationLine:
    """One class (or "two or more classes") across the months of the period."""

    med_class: str
    label: str
    threshold: int | None
    cells: list[criteria.OveruseRow | None]
    total_days: int

    @property
    def short_label(self) -> str:
        return self.label.split(" (")[0]


@dataclass(frozen=True)
class AreaHeat:
    code: str
    label: str
    days: int
    share: float
    level: int

    @property
    def percent(self) -> int:
        return round(self.share * 100)


@dataclass(frozen=True)
class SleepSummary:
    nights: int
    mean_tst_min: float | None
    efficiency_nights: int
    mean_efficiency: float | None
    poor_efficiency_nights: int

    @property
    def poor_efficiency_percent(self) -> float | None:
        if not self.efficiency_nights:
            return None
        return 100 * self.poor_efficiency_nights / self.efficiency_nights


@dataclass(frozen=True)
class StressSummary:
    days: int
    mean: float | None
    median: float | None
    high_days: int


@dataclass(frozen=True)
class Note:
    date: date
    source: str
    text: str


@dataclass(frozen=True)
class DrugLine:
    """One acute drug: days used per 30 days and its 2-hour response, as the patient rated it.

    "Relief" is pain relief at 2 h (some relief or pain free), "pain free" the stricter trial
    end point (IHS guidelines for controlled trials of acute treatment); doses without a
    rating are left out of both shares."""

    name: str
    med_class: str
    days: int
    per_30: float
    rated: int
    relief: int
    pain_free: int

    @property
    def relief_percent(self) -> int | None:
        return round(100 * self.relief / self.rated) if self.rated else None

    @property
    def pain_free_percent(self) -> int | None:
        return round(100 * self.pain_free / self.rated) if self.rated else None


@dataclass(frozen=True)
class Preventive:
    name: str
    started_on: date | None
    stopped_on: date | None
    unit: str
    amount: object


@dataclass(frozen=True)
class AttackProfile:
    """Attacks that started in the period, as logged (relapses within 48 h are not merged)."""

    attacks: int
    timed: int
    median_hours: float | None
    with_aura: int
    treated: int
    impact: tuple[int, int, int, int]  # attacks rated 0, 1, 2, 3 on the IHS impact scale

    def share(self, count: int) -> int | None:
        return round(100 * count / self.attacks) if self.attacks else None

    @property
    def aura_percent(self):
        return self.share(self.with_aura)

    @property
    def treated_percent(self):
        return self.share(self.treated)

    @property
    def impact_rated(self) -> int:
        return sum(self.impact)

    @property
    def disabling(self) -> int:
        """Attacks rated 2-3 (had to cut back or bed rest)."""
        return self.impact[2] + self.impact[3]


@dataclass(frozen=True)
class ChartBar:
    """One 30-day block of the monthly chart; a shorter first block is scaled to 30 days."""

    start: date
    end: date
    days: int
    headache: int
    migraine: int
    medication: int

    @property
    def partial(self) -> bool:
        return self.days < CHART_DAYS

    def per_30(self, count: int) -> float:
        return count * CHART_DAYS / self.days

    @property
    def values(self) -> tuple[float, float, float]:
        return self.per_30(self.headache), self.per_30(self.migraine), self.per_30(self.medication)


@dataclass(frozen=True)
class DailyTrend:
    """Mean of a daily 0-10 item (fatigue, mood) per 30-day block, and over the period."""

    label: str
    days: int
    mean: float | None
    blocks: list[float | None]


@dataclass(frozen=True)
class ScreenLine:
    """The latest answer to a screen in the period, its reading and the earlier scores."""

    code: str
    label: str
    maximum: int
    latest: object
    reading: dict
    earlier: list[int]


SCREEN_LABELS = {
    "phq4": "PHQ-4",
    "gad7": "GAD-7",
    "phq8": "PHQ-8",
    "tmd": "TMD screen",
    "midas": "MIDAS",
    "dsqsf": "DSQ-SF",
}


def screen_lines(responses) -> list[ScreenLine]:
    """PHQ-4 (with its GAD-7 / PHQ-8 step-up), the TMD Pain Screener, MIDAS and the DSQ-SF,
    with the earlier scores of the period, oldest first."""
    lines = []
    for code, label in SCREEN_LABELS.items():
        rows = [row for row in responses if row.instrument == code]
        if rows:
            latest = rows[-1]
            lines.append(
                ScreenLine(
                    code,
                    label,
                    scales.SCREEN_MAX_SCORE[code],
                    latest,
                    scales.screen_reading(code, latest.score, latest.answers),
                    [row.score for row in rows[:-1]][-4:],
                )
            )
    return lines


@dataclass(frozen=True)
class CycleLine:
    """The period's menstrual cycles (cycle trackers only): the ICHD-3 A1.1 count and the
    share of days with a headache starting inside days -2 to +3 of a period and outside them
    (days with a known headache status; descriptive, the insight carries the statistics)."""

    pattern: cycle.CyclePattern
    window_days: int
    window_onsets: int
    other_days: int
    other_onsets: int

    @property
    def window_percent(self) -> int | None:
        return round(100 * self.window_onsets / self.window_days) if self.window_days else None

    @property
    def other_percent(self) -> int | None:
        return round(100 * self.other_onsets / self.other_days) if self.other_days else None

    @property
    def verdict(self) -> str:
        pattern = self.pattern
        if not pattern.enough_cycles:
            return f"needs {cycle.MIN_CYCLES} consecutive cycles ({pattern.run} so far)"
        if pattern.subtype == "pure":
            return "count met, attacks only in the window (pure menstrual, A1.1.1)"
        if pattern.subtype == "related":
            return "count met, attacks at other times too (menstrually related, A1.1.2)"
        return "count not met (needs attacks in ≥2 of 3 cycles)"


def cycle_line(facts: list[DayFacts]) -> CycleLine:
    """The ICHD-3 A1.1 count over the period's days (``insights.analysis.cycle``)."""
    period = np.array([np.nan if f.period is None else float(f.period) for f in facts])
    recorded = np.array([f.recorded for f in facts], dtype=bool)
    onset = np.array([f.onset for f in facts], dtype=bool)
    known = recorded | np.array([f.headache_day for f in facts], dtype=bool)
    migraine = np.array([f.migraine_day for f in facts], dtype=bool)
    pattern = cycle.cycle_pattern(
        period=period,
        recorded=recorded,
        headache_known=known,
        onset=onset,
        migraine_onset=onset & migraine,
    )
    window = cycle.window_days(pattern.starts, len(facts))
    return CycleLine(
        pattern=pattern,
        window_days=int(np.count_nonzero(window & known)),
        window_onsets=int(np.count_nonzero(window & onset)),
        other_days=int(np.count_nonzero(~window & known)),
        other_onsets=int(np.count_nonzero(~window & onset)),
    )


@dataclass
class Report:
    patient: User
    profile: PatientProfile | None
    start: date
    end: date
    facts: list[DayFacts]
    total: criteria.HeadacheLoad
    months: list[Month]
    medication_lines: list[MedicationLine]
    chronic_months_in_a_row: int
    check_in_days: int
    heat: list[AreaHeat]
    weekly_wpi: list[WpiWeek]
    acr: criteria.Acr2016Screen
    questionnaires: dict
    sleep: SleepSummary
    stress: StressSummary
    drugs: list[DrugLine] = field(default_factory=list)
    preventives: list[Preventive] = field(default_factory=list)
    attack_profile: AttackProfile | None = None
    chart: list[ChartBar] = field(default_factory=list)
    daily_trends: list[DailyTrend] = field(default_factory=list)
    screens: list[ScreenLine] = field(default_factory=list)
    notes: list[Note] | None = None
    cycle: CycleLine | None = None  # only for patients who track their cycle
    wpi_min_days = WPI_MIN_ANSWERED_DAYS

    @property
    def days(self) -> int:
        return len(self.facts)

    @property
    def acr_week(self) -> tuple[date, date]:
        return self.acr.week.start, self.acr.week.end

    @property
    def latest_wpi(self) -> WpiWeek | None:
        """The last 7 days of the period: what the dashboard shows when the period ends today."""
        return self.weekly_wpi[-1] if self.weekly_wpi else None

    @property
    def long_aura_dates(self) -> list[date]:
        """Days an aura over 60 minutes started: outside typical aura, to be assessed."""
        return [fact.date for fact in self.facts if fact.long_aura]

    @property
    def has_data(self) -> bool:
        return self.total.recorded_days > 0 or bool(self.questionnaires)

    @property
    def heat_by_code(self) -> dict[str, AreaHeat]:
        return {area.code: area for area in self.heat}

    @property
    def top_areas(self) -> list[AreaHeat]:
        return sorted((a for a in self.heat if a.days), key=lambda a: (-a.days, a.label))

    @property
    def midas(self) -> ScreenLine | None:
        return next((line for line in self.screens if line.code == "midas"), None)

    @property
    def mood_screens(self) -> list[ScreenLine]:
        return [line for line in self.screens if line.code != "midas"]

    @property
    def has_alerts(self) -> bool:
        """Whether the page opens with at least one threshold statement."""
        chronic = any(month.load.meets_chronic_pattern for month in self.months)
        poor_sleep = (self.sleep.poor_efficiency_percent or 0) >= 50
        flagged = self.acr.status == "meets" or bool(self.long_aura_dates)
        return chronic or bool(self.overuse_alerts) or flagged or poor_sleep

    @property
    def overuse_alerts(self) -> list[dict]:
        """Months in which a class meets its ICHD-3 8.2 threshold."""
        return [
            {
                "label": line.label,
                "month": month.label,
                "days": cell.days,
                "threshold": cell.threshold,
            }
            for line in self.medication_lines
            for month, cell in zip(self.months, line.cells, strict=True)
            if cell is not None and cell.meets
        ]

    @property
    def recent_days(self) -> list[DayFacts]:
        """Days with any entry, newest first (the day-by-day table behind every figure)."""
        return [fact for fact in reversed(self.facts) if fact.has_entry]


def default_period(patient: User) -> tuple[date, date]:
    end = patient_today(patient)
    return end - timedelta(days=DEFAULT_DAYS - 1), end


def split_months(facts: list[DayFacts]) -> list[Month]:
    months: list[Month] = []
    bucket: list[DayFacts] = []
    for fact in facts:
        if bucket and (fact.date.month, fact.date.year) != (
            bucket[0].date.month,
            bucket[0].date.year,
        ):
            months.append(Month(bucket[0].date, bucket[-1].date, bucket))
            bucket = []
        bucket.append(fact)
    if bucket:
        months.append(Month(bucket[0].date, bucket[-1].date, bucket))
    return months


def medication_lines(months: list[Month]) -> list[MedicationLine]:
    """Per class, days per month vs the ICHD-3 8.2 threshold (classes used in the period)."""
    codes = [*criteria.OVERUSE_ORDER, criteria.MULTI_CLASS]
    used = {row.med_class for month in months for row in month.overuse}
    lines = []
    for code in codes:
        if code not in used:
            continue
        cells = [month.overuse_for(code) for month in months]
        first = next(cell for cell in cells if cell)
        lines.append(
            MedicationLine(
                code,
                first.label,
                first.threshold,
                cells,
                sum(cell.days for cell in cells if cell),
            )
        )
    return lines


def chronic_run(months: list[Month]) -> int:
    """Longest run of consecutive full months meeting the ICHD-3 1.3 day counts."""
    best = run = 0
    for month in months:
        run = run + 1 if (not month.partial and month.load.meets_chronic_pattern) else 0
        best = max(best, run)
    return best


def heat_map(facts: list[DayFacts]) -> tuple[int, list[AreaHeat]]:
    """Per WPI area: check-in days with pain there, as a share of check-in days (0-5 level)."""
    check_ins = sum(1 for fact in facts if fact.recorded)
    counts = Counter(code for fact in facts for code in fact.pain)
    heat = []
    for area in scales.PAIN_AREAS:
        days = counts[area.code]
        share = days / check_ins if check_ins else 0.0
        level = 0 if not days else 1 + sum(1 for step in HEAT_STEPS if share > step)
        heat.append(AreaHeat(area.code, area.label, days, share, level))
    return check_ins, heat


def acr_screen(facts: list[DayFacts], sss, end: date) -> criteria.Acr2016Screen:
    """The latest SSS of the period with the WPI-like of the 7 days ending on its date, as the
    dashboard pairs them (``criteria.acr_screen``); without an SSS, the period's last 7 days."""
    return criteria.acr_screen(
        facts,
        sss_score=None if sss is None else sss.score,
        sss_date=None if sss is None else sss.date,
        end=end,
    )


def sleep_summary(facts: list[DayFacts]) -> SleepSummary:
    tst = [f.total_sleep_min for f in facts if f.total_sleep_min is not None]
    efficiency = [f.sleep_efficiency for f in facts if f.sleep_efficiency is not None]
    return SleepSummary(
        nights=len(tst),
        mean_tst_min=mean(tst) if tst else None,
        efficiency_nights=len(efficiency),
        mean_efficiency=mean(efficiency) if efficiency else None,
        poor_efficiency_nights=sum(1 for value in efficiency if value < POOR_EFFICIENCY),
    )


def stress_summary(facts: list[DayFacts]) -> StressSummary:
    values = [f.stress for f in facts if f.stress is not None]
    return StressSummary(
        days=len(values),
        mean=mean(values) if values else None,
        median=median(values) if values else None,
        high_days=sum(1 for value in values if value >= HIGH_STRESS),
    )


def chart_blocks(facts: list[DayFacts]) -> list[ChartBar]:
    """Headache, migraine and acute-medication days per 30-day block, counted back from the
    period's end, so the only short block is the oldest (scaled to 30 days and marked)."""
    bars = []
    for stop in range(len(facts), 0, -CHART_DAYS):
        block = facts[max(0, stop - CHART_DAYS) : stop]
        bars.append(
            ChartBar(
                start=block[0].date,
                end=block[-1].date,
                days=len(block),
                headache=sum(1 for f in block if f.headache_day),
                migraine=sum(1 for f in block if f.migraine_day),
                medication=sum(1 for f in block if f.acute_medication_day),
            )
        )
    return bars[::-1]


def drug_lines(doses, days: int) -> list[DrugLine]:
    """Per acute drug: diary days with a dose (per 30 days of the period) and the 2-hour
    response of its rated doses; most used first."""
    by_drug: dict = {}
    for dose in doses:
        if dose.medication.kind != "acute":
            continue
        by_drug.setdefault(dose.medication_id, []).append(dose)
    lines = []
    for drug_doses in by_drug.values():
        medication = drug_doses[0].medication
        used = len({dose.date for dose in drug_doses})
        rated = [dose.relief_2h for dose in drug_doses if dose.relief_2h]
        lines.append(
            DrugLine(
                name=medication.name,
                med_class=medication.get_med_class_display().split(" (")[0],
                days=used,
                per_30=used * CHART_DAYS / days,
                rated=len(rated),
                relief=sum(1 for r in rated if r in ("partial", "complete")),
                pain_free=rated.count("complete"),
            )
        )
    return sorted(lines, key=lambda line: (-line.days, line.name))


def preventive_history(medications) -> list[Preventive]:
    """Preventive treatments with their start and stop dates, most recent first."""
    rows = [
        Preventive(m.name, m.started_on, m.stopped_on, m.unit, m.default_amount)
        for m in medications
        if m.kind == "preventive"
    ]
    return sorted(rows, key=lambda row: row.started_on or date.min, reverse=True)


def attack_profile(attacks, doses, start: date) -> AttackProfile:
    """Median duration of ended attacks, share with aura, share treated (a dose linked to the
    attack or any acute dose on its first day) and the IHS 0-3 functional impact ratings."""
    started = [attack for attack in attacks if attack.start_date >= start]
    treated_ids = {dose.attack_id for dose in doses if dose.attack_id}
    dosed_days = {dose.date for dose in doses if dose.medication.kind == "acute"}
    hours = [
        (attack.ended_at - attack.started_at).total_seconds() / 3600
        for attack in started
        if attack.ended_at
    ]
    impact = Counter(a.functional_impact for a in started if a.functional_impact is not None)
    return AttackProfile(
        attacks=len(started),
        timed=len(hours),
        median_hours=median(hours) if hours else None,
        with_aura=sum(1 for attack in started if attack.aura),
        treated=sum(1 for a in started if a.pk in treated_ids or a.start_date in dosed_days),
        impact=tuple(impact[grade] for grade in range(4)),
    )


def daily_trends(facts: list[DayFacts], days) -> list[DailyTrend]:
    """Fatigue and mood (daily 0-10 items) per 30-day block: the trend behind the SSS fatigue
    item, between questionnaires."""
    by_date = {day.date: day for day in days}
    trends = []
    for label, attribute in (("Fatigue", "fatigue"), ("Mood", "mood")):
        blocks = []
        values = []
        for stop in range(len(facts), 0, -CHART_DAYS):
            block = facts[max(0, stop - CHART_DAYS) : stop]
            found = [
                getattr(by_date[f.date], attribute)
                for f in block
                if f.date in by_date and getattr(by_date[f.date], attribute) is not None
            ]
            blocks.append(mean(found) if found else None)
            values += found
        trends.append(
            DailyTrend(label, len(values), mean(values) if values else None, blocks[::-1])
        )
    return trends


def period_notes(*, days, attacks, start: date) -> list[Note]:
    """Free-text notes of the period's days and attacks (only shown with the notes scope)."""
    notes = [Note(day.date, "Day", day.notes) for day in days if day.notes]
    notes += [
        Note(max(attack.start_date, start), "Headache", attack.notes)
        for attack in attacks
        if attack.notes
    ]
    return sorted(notes, key=lambda note: (note.date, note.source))


def build_report(*, patient: User, start: date, end: date, include_notes: bool) -> Report:
    """Everything the report page shows for ``patient`` between ``start`` and ``end``.

    A constant number of queries (day facts: 3; questionnaires: 1; days, attacks, doses and
    medications for the notes, drug, attack and fatigue sections: 4).
    """
    facts = day_facts(patient=patient, start=start, end=end)
    doses = list(doses_between(patient=patient, start=start, end=end))
    attacks = list(attacks_touching(patient=patient, start=start, end=end))
    check_in_rows = list(days_between(patient=patient, start=start, end=end))
    months = split_months(facts)
    responses = list(questionnaires_between(patient=patient, start=start, end=end))
    latest = latest_by_instrument(responses)
    check_ins, heat = heat_map(facts)
    acr = acr_screen(facts, latest.get("sss"), end)
    profile = getattr(patient, "patient_profile", None)
    return Report(
        patient=patient,
        profile=profile,
        start=start,
        end=end,
        facts=facts,
        total=criteria.headache_load(facts),
        months=months,
        medication_lines=medication_lines(months),
        chronic_months_in_a_row=chronic_run(months),
        check_in_days=check_ins,
        heat=heat,
        weekly_wpi=wpi_weeks(facts),
        acr=acr,
        questionnaires=latest,
        sleep=sleep_summary(facts),
        stress=stress_summary(facts),
        drugs=drug_lines(doses, len(facts)),
        preventives=preventive_history(medications_for(patient=patient)),
        attack_profile=attack_profile(attacks, doses, start),
        chart=chart_blocks(facts),
        daily_trends=daily_trends(facts, check_in_rows),
        screens=screen_lines(responses),
        notes=period_notes(days=check_in_rows, attacks=attacks, start=start)
        if include_notes
        else None,
        cycle=cycle_line(facts) if profile is not None and profile.tracks_cycle else None,
    )
