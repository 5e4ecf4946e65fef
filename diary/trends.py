"""The trends page's figures, computed from ``diary.derive.DayFacts`` (no queries here).

Headache and migraine days are counted per week (30 and 90 days) or per calendar month
(365 days); daily measures (peak intensity, stress, sleep, painful areas, fatigue, mood) are
plotted per day,
or as weekly means over a year so a phone screen stays readable. Unrecorded days are gaps.
Headache starts (``DayFacts.onset``) are marked on the stress chart, so a fall in stress just
before a start (the "let-down" the insights test) can be seen; the page only shows it, the
insights engine decides whether it is more than chance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from statistics import mean

from diary import charts
from diary.derive import DayFacts

PERIODS = (30, 90, 365)
SHORT_SLEEP_HOURS = 6
LOW_EFFICIENCY = 85  # clinical reference §5: flag sleep efficiency below 85 %


@dataclass
class Bucket:
    label: str
    title: str
    facts: list[DayFacts]

    @property
    def headache_days(self) -> int:
        return sum(fact.headache_day for fact in self.facts)

    @property
    def migraine_days(self) -> int:
        return sum(fact.migraine_day for fact in self.facts)

    @property
    def recorded_days(self) -> int:
        return sum(fact.has_entry for fact in self.facts)


def weekly_buckets(facts: list[DayFacts]) -> list[Bucket]:
    """7-day windows ending on the last day, so the latest week is always complete."""
    buckets = []
    for end in range(len(facts), 0, -7):
        chunk = facts[max(0, end - 7) : end]
        first, last = chunk[0].date, chunk[-1].date
        title = f"{first:%-d %b}–{last:%-d %b}"
        if len(chunk) < 7:
            title += f" ({len(chunk)} days)"
        buckets.append(Bucket(label=f"{first:%-d/%-m}", title=title, facts=chunk))
    return buckets[::-1]


def monthly_buckets(facts: list[DayFacts]) -> list[Bucket]:
    buckets: list[Bucket] = []
    for fact in facts:
        key = fact.date.replace(day=1)
        if not buckets or buckets[-1].facts[0].date.replace(day=1) != key:
            buckets.append(Bucket(label=f"{key:%b}", title=f"{key:%B %Y}", facts=[]))
        buckets[-1].facts.append(fact)
    for bucket in buckets:
        first = bucket.facts[0].date
        days_in_month = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(1)
        if len(bucket.facts) < days_in_month.day:
            bucket.title += f" ({len(bucket.facts)} days)"
    return buckets


def _mean(values) -> float | None:
    values = [value for value in values if value is not None]
    return round(mean(values), 1) if values else None


def _series(facts: list[DayFacts], weekly: bool, pick) -> tuple[list, list[str], list[str]]:
    """Daily values (or weekly means over a long period) with their axis labels and titles."""
    if not weekly:
        values = [pick(fact) for fact in facts]
        labels = [f"{fact.date:%-d/%-m}" for fact in facts]
        titles = [f"{fact.date:%a %-d %b}" for fact in facts]
        return values, labels, titles
    buckets = weekly_buckets(facts)
    values = [_mean(pick(fact) for fact in bucket.facts) for bucket in buckets]
    return values, [b.label for b in buckets], [f"Week {b.title}" for b in buckets]


def _onsets(facts: list[DayFacts], weekly: bool) -> tuple[list[int], list[str]]:
    """Headache starts per x slot of ``_series`` (a day, or a week over a year) and titles."""
    if not weekly:
        counts = [int(fact.onset) for fact in facts]
        titles = [f"{fact.date:%a %-d %b}: a headache started" for fact in facts]
        return counts, titles
    buckets = weekly_buckets(facts)
    counts = [sum(fact.onset for fact in bucket.facts) for bucket in buckets]
    titles = [
        f"Week {b.title}: {n} headache start{'s' if n != 1 else ''}"
        for b, n in zip(buckets, counts, strict=True)
    ]
    return counts, titles


@dataclass
class StressBefore:
    """One headache start with the stress of the days leading up to it (None: not recorded)."""

    date: date
    stress: tuple[int | None, ...]  # LETDOWN_DAYS before, ..., the day before, the day itself

    @property
    def change(self) -> int | None:
        """Stress on the start day minus the highest stress of the days before (if known)."""
        before = [value for value in self.stress[:-1] if value is not None]
        if not before or self.stress[-1] is None:
            return None
        return self.stress[-1] - max(before)

    @property
    def change_text(self) -> str:
        change = self.change
        if change is None:
            return ""
        return f"fell {-change}" if change < 0 else f"rose {change}" if change > 0 else "same"


LETDOWN_DAYS = 2  # days before a start shown in the table (the insights test their own window)


def stress_before_onsets(facts: list[DayFacts]) -> list[StressBefore]:
    """Each headache start with the stress of the start day and the LETDOWN_DAYS before it."""
    rows = []
    for index, fact in enumerate(facts):
        if not fact.onset:
            continue
        window = [
            facts[i].stress if i >= 0 else None for i in range(index - LETDOWN_DAYS, index + 1)
        ]
        rows.append(StressBefore(date=fact.date, stress=tuple(window)))
    return rows


def _peak(fact):
    return fact.peak_intensity if fact.headache_day else None


def _stress(fact):
    return fact.stress


def _sleep_hours(fact):
    return round(fact.total_sleep_min / 60, 1) if fact.total_sleep_min is not None else None


def _fatigue(fact):
    return fact.fatigue


def _mood(fact):
    return fact.mood


def _painful_areas(fact):
    return fact.painful_areas if fact.recorded else None


def _areas_axis(values) -> int:
    """Top of the painful-areas axis: 5, 10 or all 19 areas, whichever fits the data."""
    highest = max([value for value in values if value is not None] + [0])
    return 5 if highest <= 5 else 10 if highest <= 10 else 19


@dataclass
class Trends:
    start: date
    end: date
    days: int
    recorded_days: int
    headache_days: int
    migraine_days: int
    moderate_severe_days: int
    acute_medication_days: int
    onset_days: int
    mean_stress: float | None
    mean_sleep_hours: float | None
    mean_efficiency: float | None
    mean_painful_areas: float | None
    mean_fatigue: float | None
    mean_mood: float | None
    headache_chart: charts.Chart
    headache_buckets: list[Bucket]
    peak_chart: charts.Chart
    stress_chart: charts.Chart
    sleep_chart: charts.Chart
    pain_chart: charts.Chart
    fatigue_chart: charts.Chart
    mood_chart: charts.Chart
    weekly_means: bool
    stress_before: list[StressBefore]

    @property
    def stress_label(self) -> str:
        """The stress chart's text alternative (the table below it holds the values)."""
        per = "weekly average stress" if self.weekly_means else "daily stress"
        starts = f"{self.onset_days} headache start{'s' if self.onset_days != 1 else ''}"
        return f"{per.capitalize()}, 0 to 10, with the {starts} of this period marked"

    @property
    def per_30(self) -> float | None:
        return round(self.headache_days * 30 / self.days, 1) if self.days else None


def build_trends(facts: list[DayFacts]) -> Trends:
    """All figures of the trends page for the given consecutive days."""
    weekly_means = len(facts) > 120
    buckets = monthly_buckets(facts) if weekly_means else weekly_buckets(facts)
    headache_chart = charts.bar_chart(
        values=[b.headache_days for b in buckets],
        overlay=[b.migraine_days for b in buckets],
        labels=[b.label for b in buckets],
        titles=[
            f"{b.title}: {b.headache_days} headache days, {b.migraine_days} migraine days"
            for b in buckets
        ],
        y_max=31 if weekly_means else 7,
    )
    peak_values, labels, titles = _series(facts, weekly_means, _peak)
    stress_values, _, _ = _series(facts, weekly_means, _stress)
    sleep_values, _, _ = _series(facts, weekly_means, _sleep_hours)
    pain_values, _, _ = _series(facts, weekly_means, _painful_areas)
    fatigue_values, _, _ = _series(facts, weekly_means, _fatigue)
    mood_values, _, _ = _series(facts, weekly_means, _mood)
    onset_counts, onset_titles = _onsets(facts, weekly_means)
    areas_top = _areas_axis(pain_values)
    return Trends(
        start=facts[0].date,
        end=facts[-1].date,
        days=len(facts),
        recorded_days=sum(f.has_entry for f in facts),
        headache_days=sum(f.headache_day for f in facts),
        migraine_days=sum(f.migraine_day for f in facts),
        moderate_severe_days=sum(f.moderate_severe_day for f in facts),
        acute_medication_days=sum(f.acute_medication_day for f in facts),
        onset_days=sum(f.onset for f in facts),
        mean_stress=_mean(f.stress for f in facts),
        mean_sleep_hours=_mean(_sleep_hours(f) for f in facts),
        mean_efficiency=_mean(f.sleep_efficiency for f in facts),
        mean_painful_areas=_mean(_painful_areas(f) for f in facts),
        mean_fatigue=_mean(f.fatigue for f in facts),
        mean_mood=_mean(f.mood for f in facts),
        headache_chart=headache_chart,
        headache_buckets=buckets,
        peak_chart=charts.line_chart(
            values=peak_values, labels=labels, titles=titles, y_max=10, step=2
        ),
        stress_chart=charts.mark_events(
            charts.line_chart(values=stress_values, labels=labels, titles=titles, y_max=10, step=2),
            counts=onset_counts,
            titles=onset_titles,
        ),
        sleep_chart=charts.line_chart(
            values=sleep_values,
            labels=labels,
            titles=titles,
            y_max=12,
            step=2,
            threshold=(SHORT_SLEEP_HOURS, f"{SHORT_SLEEP_HOURS} h"),
        ),
        pain_chart=charts.line_chart(
            values=pain_values,
            labels=labels,
            titles=titles,
            y_max=areas_top,
            step={5: 1, 10: 2}.get(areas_top, 5),
        ),
        fatigue_chart=charts.line_chart(
            values=fatigue_values, labels=labels, titles=titles, y_max=10, step=5
        ),
        mood_chart=charts.line_chart(
            values=mood_values, labels=labels, titles=titles, y_max=10, step=5
        ),
        weekly_means=weekly_means,
        stress_before=stress_before_onsets(facts),
    )
