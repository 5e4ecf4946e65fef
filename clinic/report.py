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
    questionnaires_between,
)

DEFAULT_DAYS = 90
MAX_DAYS = 366
POOR_EFFICIENCY = 85.0
HIGH_STRESS = 7
HEAT_STEPS = (0.1, 0.25, 0.5, 0.75)  # share of check-in days -> heat level 1..5


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
    notes: list[Note] | None = None
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


def period_notes(*, patient: User, start: date, end: date) -> list[Note]:
    """Free-text notes of days and attacks in the period (only shown with the notes scope)."""
    notes = [
        Note(day.date, "Day", day.notes)
        for day in days_between(patient=patient, start=start, end=end).exclude(notes="")
    ]
    notes += [
        Note(max(attack.start_date, start), "Headache", attack.notes)
        for attack in attacks_touching(patient=patient, start=start, end=end).exclude(notes="")
    ]
    return sorted(notes, key=lambda note: (note.date, note.source))


def build_report(*, patient: User, start: date, end: date, include_notes: bool) -> Report:
    """Everything the report page shows for ``patient`` between ``start`` and ``end``.

    A constant number of queries (day facts: 3; questionnaires: 1; notes: 2 when included).
    """
    facts = day_facts(patient=patient, start=start, end=end)
    months = split_months(facts)
    responses = list(questionnaires_between(patient=patient, start=start, end=end))
    latest = latest_by_instrument(responses)
    check_ins, heat = heat_map(facts)
    acr = acr_screen(facts, latest.get("sss"), end)
    return Report(
        patient=patient,
        profile=getattr(patient, "patient_profile", None),
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
        notes=period_notes(patient=patient, start=start, end=end) if include_notes else None,
    )
