"""The calendar page's month grid, built from ``diary.derive.DayFacts`` (no queries here).

Each day shows its headache status (migraine day / headache day / no headache / not recorded),
its widespread-pain load (number of the 19 WPI areas marked) and whether acute medication was
taken (and, for cycle trackers, period days), as marks and text as well as colour, so the grid
never relies on colour alone.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from diary.days import in_diary_range
from diary.derive import DayFacts

PAIN_BANDS = ((7, "widespread", "7+ areas"), (4, "several", "4–6 areas"), (1, "few", "1–3 areas"))


@dataclass
class Cell:
    date: date
    in_month: bool
    future: bool
    is_today: bool
    fact: DayFacts | None

    @property
    def recorded(self) -> bool:
        return bool(self.fact and self.fact.has_entry)

    @property
    def headache(self) -> str:
        """'migraine', 'headache', 'ongoing' (an attack with no end yet that does not make a
        headache day so far: under 30 minutes that day), 'none' or 'unrecorded'."""
        if not self.recorded:
            return "unrecorded"
        if self.fact.migraine_day:
            return "migraine"
        if self.fact.headache_day:
            return "headache"
        if self.fact.ongoing:
            return "ongoing"
        return "none"

    @property
    def ongoing(self) -> bool:
        """A headache with no end yet covers this day (every day it spans so far)."""
        return bool(self.fact and self.fact.ongoing)

    @property
    def painful_areas(self) -> int:
        return self.fact.painful_areas if self.fact else 0

    @property
    def pain_band(self) -> str:
        for minimum, band, _ in PAIN_BANDS:
            if self.painful_areas >= minimum:
                return band
        return "zero"

    @property
    def acute_medication(self) -> bool:
        return bool(self.fact and self.fact.acute_medication_day)

    @property
    def period(self) -> bool:
        """A period day, as answered on the check-in (cycle trackers)."""
        return bool(self.fact and self.fact.period)

    @property
    def description(self) -> str:
        """What a screen reader announces for the day's link: the visible day number first."""
        return f"{self.date.day}{self.description_after_day}"

    @property
    def description_after_day(self) -> str:
        """The spoken rest of the link's name, after the visible day number.

        The link takes its name from its content (visible number + this hidden text), so
        the name always contains what is seen and "click 10" works by voice (WCAG 2.5.3).
        """
        when = f" {self.date:%B} ({self.date:%A})"
        if self.future:
            return f"{when}: in the future"
        if not self.recorded:
            return f"{when}: not recorded, add an entry"
        parts = {
            "migraine": "migraine day",
            "headache": "headache day",
            "ongoing": "headache ongoing",
            "none": "no headache",
        }[self.headache]
        if self.fact.peak_intensity is not None and self.fact.headache_day:
            parts += f", worst pain {self.fact.peak_intensity} of 10"
        areas = self.painful_areas
        parts += f", {areas} painful body area{'s' if areas != 1 else ''}"
        if self.acute_medication:
            parts += ", acute medication taken"
        if self.period:
            parts += ", period day"
        if self.ongoing and self.headache != "ongoing":
            parts += ", headache ongoing"
        return f"{when}: {parts}"


def parse_month(value: str | None, today: date) -> date:
    """First day of the month given as YYYY-MM; this month for anything unreadable or
    outside the years a diary can hold."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        first = date(year, month, 1)
    except ValueError:
        return today.replace(day=1)
    return first if in_diary_range(first) else today.replace(day=1)


def month_end(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def shift_month(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_grid(*, first: date, facts: list[DayFacts], today: date) -> list[list[Cell]]:
    """Weeks (Monday first) covering the month; days outside it are placeholders."""
    by_date = {fact.date: fact for fact in facts}
    start = first - timedelta(days=first.weekday())
    last = month_end(first)
    weeks: list[list[Cell]] = []
    day = start
    while day <= last or day.weekday() != 0:
        if day.weekday() == 0:
            weeks.append([])
        weeks[-1].append(
            Cell(
                date=day,
                in_month=day.month == first.month,
                future=day > today,
                is_today=day == today,
                fact=by_date.get(day),
            )
        )
        day += timedelta(days=1)
    return weeks
