"""Daily CSV export, and the format both directions share (``design/diary-csv.md``).

A row is one diary day as the read model sees it: ``selectors.day_facts`` (``diary.derive``)
gives ``headache`` (1 on every derived headache day) and the headache columns, so
``headache_hours`` is derive's minutes (at most 24 hours, also on the 25-hour day). Day rows add
the "no headache" answer and the notes; acute doses are listed in the order taken. The sleep
diary's clock items, mood, fatigue, attack and dose details, preventives and questionnaires are
not in the format (the REST API carries every field).

Canonical form (what round-trips byte for byte): integers without decimals; hours with at most
two decimals, no trailing zeros; features in ``FEATURE_ORDER``; body-pain areas in WPI order;
``\\n`` line endings; minimal quoting. Free text a spreadsheet would run as a formula (notes,
medication names) gets a leading ``'`` (OWASP CSV injection), which the import removes again.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Min

from accounts.models import User
from diary import scales, selectors
from diary.days import patient_today
from diary.derive import DayFacts
from diary.models import Medication

COLUMNS = (
    "date",
    "headache",
    "headache_peak",
    "headache_hours",
    "migraine_features",
    "acute_medication",
    "stress",
    "sleep_hours",
    "sleep_quality",
    "body_pain",
    "notes",
)
ATTACK_COLUMNS = ("headache_peak", "headache_hours", "migraine_features")
# Pain character (ICHD-3 C), sensory sensitivity, nausea/vomiting, aura: the format's example.
FEATURE_ORDER = (
    "unilateral",
    "pulsating",
    "worse_with_activity",
    "photophobia",
    "phonophobia",
    "nausea",
    "vomiting",
    "aura",
)
assert set(FEATURE_ORDER) == set(scales.MIGRAINE_FEATURE_CODES)
_ONE_DAY = timedelta(days=1)
_FIRST_DAY = date(scales.EARLIEST_DIARY_YEAR, 1, 1)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP: cells a spreadsheet may evaluate


@dataclass(frozen=True)
class RowValues:
    """One diary day as the CSV sees it (None / empty = not recorded)."""

    date: date
    recorded: bool = False  # a Day row exists
    headache: bool | None = None
    peak: int | None = None
    headache_minutes: int | None = None
    features: frozenset[str] = frozenset()
    medications: tuple[tuple[str, str], ...] = ()
    stress: int | None = None
    sleep_minutes: int | None = None
    sleep_quality: int | None = None
    body_pain: tuple[tuple[str, int], ...] = ()
    notes: str = ""

    @property
    def has_attack(self) -> bool:
        return bool(self.headache_minutes)

    def attack_key(self):
        return (self.peak, self.headache_minutes, self.features)

    def medication_key(self):
        return tuple((name.casefold(), med_class) for name, med_class in self.medications)


def _formula_like(text: str) -> bool:
    return text.lstrip("'").startswith(FORMULA_STARTS)


def neutralise(text: str) -> str:
    """A leading ``'`` on text a spreadsheet would run, and on text already starting with ``'``
    before such a character (so that ``restore`` can tell the two apart)."""
    return "'" + text if _formula_like(text) else text


def restore(text: str) -> str:
    """The inverse of ``neutralise``: drop the one ``'`` it adds."""
    return text[1:] if text.startswith("'") and _formula_like(text[1:]) else text


def format_hours(minutes: int | None) -> str:
    """Minutes as hours with at most two decimals (re-imports to the same minute)."""
    if minutes is None:
        return ""
    hours = (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{hours:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def render_row(values: RowValues) -> list[str]:
    """The CSV cells of one day, in ``COLUMNS`` order."""
    medications = (f"{neutralise(name)}|{med_class}" for name, med_class in values.medications)
    return [
        values.date.isoformat(),
        "" if values.headache is None else str(int(values.headache)),
        _number(values.peak),
        format_hours(values.headache_minutes),
        ";".join(code for code in FEATURE_ORDER if code in values.features),
        ";".join(medications),
        _number(values.stress),
        format_hours(values.sleep_minutes),
        _number(values.sleep_quality),
        ";".join(f"{code}:{level}" for code, level in values.body_pain),
        neutralise(values.notes),
    ]


def _row(fact: DayFacts, day, medications: tuple[tuple[str, str], ...]) -> RowValues:
    answer = None if day is None else day.headache
    attack = {}
    if fact.headache_minutes:
        attack = {"peak": fact.peak_intensity, "headache_minutes": fact.headache_minutes}
    elif day is not None and day.headache_peak is not None:
        attack = {"peak": day.headache_peak}  # a pain score given without times
    return RowValues(
        date=fact.date,
        recorded=fact.recorded,
        headache=True if fact.headache_day else answer,
        features=fact.features if fact.headache_minutes else frozenset(),
        medications=medications,
        stress=fact.stress,
        sleep_minutes=fact.total_sleep_min,
        sleep_quality=fact.sleep_quality,
        body_pain=tuple(
            (code, fact.pain[code]) for code in scales.PAIN_AREA_CODES if code in fact.pain
        ),
        notes="" if day is None else day.notes,
        **attack,
    )


def diary_rows(
    *, patient: User, start: date | None = None, end: date | None = None
) -> dict[date, RowValues]:
    """Every diary day in the range with a check-in, a headache or an acute dose (default: the
    whole diary)."""
    until = end or date.max
    days = selectors.days_between(patient=patient, start=start, end=until)
    days = {day.date: day for day in days.only("date", "headache", "headache_peak", "notes")}
    doses = selectors.doses_between(patient=patient, start=start, end=until).filter(
        medication__kind=Medication.Kind.ACUTE
    )
    medications: dict[date, tuple[tuple[str, str], ...]] = {}
    for dose in doses.order_by("taken_at", "medication__name", "id"):
        entry = (dose.medication.name, dose.medication.med_class)
        medications[dose.date] = (*medications.get(dose.date, ()), entry)
    if start is None:  # the whole diary: from its first entry
        attacks = selectors.attacks_touching(patient=patient, start=None, end=date.max)
        first_attack = attacks.aggregate(first=Min("start_date"))["first"]
        start = min(filter(None, [*days, *medications, first_attack]), default=None)
    end = min(end or date.max, max([patient_today(patient), *days, *medications]))
    if start is None or max(start, _FIRST_DAY) > end:
        return {}
    start = max(start, _FIRST_DAY)
    # a day of margin: an attack is treated by a linked dose taken on the day before or after
    facts = selectors.day_facts(patient=patient, start=start - _ONE_DAY, end=end + _ONE_DAY)
    return {
        fact.date: _row(fact, days.get(fact.date), medications.get(fact.date, ()))
        for fact in facts[1:-1]
        if fact.recorded or fact.headache_day or fact.date in medications
    }


def export_csv(
    patient: User, *, start: date | None = None, end: date | None = None, notes: bool = True
) -> str:
    """The patient's diary in the daily CSV format; ``notes=False`` leaves the notes column
    empty (a clinician share without the notes scope)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    # Python's minimal quoting leaves a lone CR bare, and readers then split the row there
    quoted = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(COLUMNS)
    for values in diary_rows(patient=patient, start=start, end=end).values():
        cells = render_row(values if notes else replace(values, notes=""))
        (quoted if any("\r" in cell for cell in cells) else writer).writerow(cells)
    return buffer.getvalue()
