"""Published thresholds applied to diary-derived day facts, for the clinician's summaries.

Pure functions over ``diary.derive.DayFacts`` (no queries). They state whether a published
threshold is met; they never diagnose. Sources:
- ICHD-3 1.3 chronic migraine: headache on >= 15 days/month with >= 8 migraine days
  (for > 3 months);
- ICHD-3 8.2 medication overuse, by the insight's rule (``medication_overuse.assess``):
  >= 15 days/month for non-opioid analgesics together (paracetamol, aspirin, NSAIDs; 8.2.3);
  >= 10 days/month for triptans, ergots, opioids or combination analgesics, or for days with
  any of two or more different classes when none is overused alone (8.2.6); gepants and ditans
  have no established threshold (their days are reported);
- ACR 2016 fibromyalgia criteria (Wolfe et al., Semin Arthritis Rheum 2016): generalized pain
  (>= 4 of 5 regions) and WPI >= 7 with SSS >= 5, or WPI 4-6 with SSS >= 9; symptoms for
  >= 3 months (which a diary screen cannot confirm). The WPI-like count is
  ``diary.derive.wpi_week``'s: no screen from a week with too few answered days.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from diary import scales
from diary.derive import WPI_MIN_ANSWERED_DAYS, DayFacts, WpiWeek, generalized_pain, wpi_week
from insights.analysis import medication_overuse as overuse

CHRONIC_HEADACHE_DAYS = 15
CHRONIC_MIGRAINE_DAYS = 8
MULTI_CLASS = "multiple"
MEDICATION_CLASS_LABELS = dict(scales.MEDICATION_CLASSES)
OVERUSE_LABELS = {
    overuse.NON_OPIOID: "Non-opioid analgesics (paracetamol, aspirin, NSAIDs)",
    MULTI_CLASS: "Two or more classes (days with any of them)",
}
OVERUSE_ORDER = [
    overuse.NON_OPIOID,
    *(code for code, _ in scales.MEDICATION_CLASSES if code not in overuse.NON_OPIOID_CODES),
]


@dataclass(frozen=True)
class OveruseRow:
    """Acute-medication days of one class (or of any of two or more classes) in a window."""

    med_class: str
    label: str
    days: int
    threshold: int | None
    status: str  # meets | approaching | below | no_threshold

    @property
    def meets(self) -> bool:
        return self.status == "meets"

    @property
    def short_label(self) -> str:
        """ "Simple analgesic (paracetamol, aspirin)" -> "Simple analgesic"."""
        return self.label.split(" (")[0]


def overuse_rows(facts: Iterable[DayFacts]) -> list[OveruseRow]:
    """Acute-medication days per ICHD-3 8.2 class in the window, each against its threshold,
    judged by the same rule as the medication-overuse insight (``medication_overuse.assess``):
    paracetamol, aspirin and NSAIDs are one non-opioid class at 15 days (8.2.3); the 10-day
    rule for different classes (8.2.6) only when two or more were used and none is overused
    alone. Classes never taken are left out.
    """
    merged = [
        {overuse.NON_OPIOID if code in overuse.NON_OPIOID_CODES else code for code in classes}
        for classes in (fact.medication_classes for fact in facts)
    ]
    counts = {code: sum(code in day for day in merged) for code in set().union(*merged)}
    limited = set(overuse.THRESHOLDS)
    days = {code: [count] for code, count in counts.items()}
    days[overuse.MULTI_CLASS] = [sum(1 for day in merged if day & limited)]
    days["classes used"] = [len(set(counts) & limited)]
    levels = overuse.assess(days)
    rows = [
        OveruseRow(
            code,
            OVERUSE_LABELS.get(code) or MEDICATION_CLASS_LABELS[code],
            counts[code],
            overuse.THRESHOLDS.get(code),
            levels.get(code, "no_threshold"),
        )
        for code in OVERUSE_ORDER
        if code in counts
    ]
    if overuse.MULTI_CLASS in levels:
        rows.append(
            OveruseRow(
                MULTI_CLASS,
                OVERUSE_LABELS[MULTI_CLASS],
                days[overuse.MULTI_CLASS][0],
                overuse.MULTI_CLASS_DAYS,
                levels[overuse.MULTI_CLASS],
            )
        )
    return rows


def overuse_summary(rows: Sequence[OveruseRow]) -> str:
    """The most notable overuse status among the rows: meets > approaching > below/none."""
    statuses = {row.status for row in rows}
    for status in ("meets", "approaching"):
        if status in statuses:
            return status
    return "below"


@dataclass(frozen=True)
class HeadacheLoad:
    """Day counts of a window; ``recorded_days`` = days with a check-in, attack or dose."""

    recorded_days: int
    headache_days: int
    migraine_days: int
    moderate_severe_days: int
    acute_medication_days: int
    headache_days_without_duration: int = 0  # a bare "headache: yes": the 30-min rule unchecked

    @property
    def meets_chronic_pattern(self) -> bool:
        """ICHD-3 1.3 day counts for one month (the >3-month duration is judged separately)."""
        return (
            self.headache_days >= CHRONIC_HEADACHE_DAYS
            and self.migraine_days >= CHRONIC_MIGRAINE_DAYS
        )


def headache_load(facts: Iterable[DayFacts]) -> HeadacheLoad:
    facts = list(facts)
    return HeadacheLoad(
        recorded_days=sum(1 for f in facts if f.has_entry),
        headache_days=sum(1 for f in facts if f.headache_day),
        migraine_days=sum(1 for f in facts if f.migraine_day),
        moderate_severe_days=sum(1 for f in facts if f.moderate_severe_day),
        acute_medication_days=sum(1 for f in facts if f.acute_medication_day),
        headache_days_without_duration=sum(1 for f in facts if f.headache_without_duration),
    )


@dataclass(frozen=True)
class Acr2016Screen:
    """ACR 2016 WPI/SSS screen from one diary week; ``status`` is meets | not_met | no_sss |
    too_few_days (an SSS, but fewer than WPI_MIN_ANSWERED_DAYS answered days in its week).
    ``wpi`` is None whenever the week has too few answered days."""

    wpi: int | None
    sss: int | None
    generalized: bool
    status: str
    week: WpiWeek | None = None

    @property
    def answered_days(self) -> int | None:
        return None if self.week is None else self.week.answered_days

    @property
    def severity(self) -> int | None:
        """Fibromyalgia severity (polysymptomatic distress) scale, WPI + SSS, 0-31."""
        return None if self.sss is None or self.wpi is None else self.wpi + self.sss

    @property
    def statement(self) -> str:
        if self.status == "too_few_days":
            return (
                f"Only {self.answered_days} of {self.week.days} days of that week have a "
                f"check-in (at least {WPI_MIN_ANSWERED_DAYS} are needed), so no WPI-like count "
                "and no ACR 2016 screen."
            )
        if self.status == "no_sss":
            return "No symptom severity (SSS) answers for this period, so no ACR 2016 screen."
        if self.status == "meets":
            return (
                "Meets the published ACR 2016 threshold for fibromyalgia criteria (WPI/SSS and "
                "generalized pain); the 3-month duration and other causes need a clinician's "
                "assessment."
            )
        return "Does not meet the published ACR 2016 WPI/SSS threshold."


def acr2016_screen(*, week: WpiWeek, sss: int | None) -> Acr2016Screen:
    """Screen the ACR 2016 criteria from one diary week's WPI-like count and an SSS score.

    A week with too few answered days gives no screen: "0/19, does not meet" would read as no
    pain when nothing was recorded.
    """
    if not week.enough:
        status = "no_sss" if sss is None else "too_few_days"
        return Acr2016Screen(None, sss, False, status, week)
    wpi = len(week.areas)
    generalized = generalized_pain(week.areas)
    if sss is None:
        return Acr2016Screen(wpi, None, generalized, "no_sss", week)
    level_met = (wpi >= 7 and sss >= 5) or (4 <= wpi <= 6 and sss >= 9)
    status = "meets" if (level_met and generalized) else "not_met"
    return Acr2016Screen(wpi, sss, generalized, status, week)


def acr_screen(
    facts: Iterable[DayFacts], *, sss_score: int | None, sss_date: date | None, end: date
) -> Acr2016Screen:
    """The screen the dashboard and the report both show: the SSS with the WPI-like of the 7
    days ending on its date (both ask about the past week); without an SSS, the week ending on
    ``end`` and no screen."""
    facts = list(facts)
    if sss_date is None or sss_score is None:
        return acr2016_screen(week=wpi_week(facts, end=end), sss=None)
    return acr2016_screen(week=wpi_week(facts, end=sss_date), sss=sss_score)
