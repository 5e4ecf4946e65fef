"""Load one patient's whole diary into ``DiaryArrays`` (one row per calendar day) in 3 queries.

Stress, sleep and the body-pain map go straight from ``values_list`` rows into numpy arrays
(no model instances). Headache, migraine and onset days, and acute-medication days, come from
``diary.derive.derive_days``: the single home of the clinical day definitions, shared with the
calendar and the clinician report. The patient should be fetched with
``select_related("patient_profile")`` so the time zone costs no extra query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np

from accounts.models import User
from diary import scales
from diary.derive import AttackSpan, DoseEntry, derive_days
from diary.models import Day, Dose, HeadacheAttack, Medication
from diary.selectors import live
from diary.services import patient_today, patient_zone
from insights.analysis.common import DiaryArrays, empty_diary

PAIN_FIELDS = tuple(scales.pain_field(code) for code in scales.PAIN_AREA_CODES)
DAY_COLUMNS = ("date", "headache", "stress", "total_sleep_min", "sleep_quality", *PAIN_FIELDS)
ATTACK_COLUMNS = (
    "id",
    "started_at",
    "ended_at",
    "start_date",
    "end_date",
    "peak_intensity",
    "aura_minutes",
    *scales.MIGRAINE_FEATURE_CODES,
)
DOSE_COLUMNS = ("date", "medication__med_class", "medication__kind", "attack_id")
_CLASS_INDEX = {code: i for i, code in enumerate(scales.MEDICATION_CLASS_CODES)}


@dataclass(frozen=True, slots=True)
class DiaryRows:
    """The raw rows the analysis needs (what the benchmark's floor loads, too)."""

    days: list[tuple]
    attacks: list[tuple]
    doses: list[tuple]


@dataclass(frozen=True, slots=True)
class _AnsweredHeadache:
    """A check-in that answered "headache: yes" (derive's day-row interface, nothing else)."""

    date: date
    headache: bool = True
    stress: int | None = None
    sleep_quality: int | None = None
    total_sleep_min: int | None = None
    sleep_efficiency: float | None = None
    pain_map: dict = field(default_factory=dict)


def load_rows(*, patient: User, until: date) -> DiaryRows:
    """Live days, attacks and acute/preventive doses up to ``until`` (three queries)."""
    days = live(Day.objects.filter(patient=patient, date__lte=until)).order_by("date")
    attacks = live(HeadacheAttack.objects.filter(patient=patient, start_date__lte=until))
    doses = live(Dose.objects.filter(patient=patient, date__lte=until))
    return DiaryRows(
        days=list(days.values_list(*DAY_COLUMNS)),
        attacks=list(attacks.order_by("started_at").values_list(*ATTACK_COLUMNS)),
        doses=list(doses.values_list(*DOSE_COLUMNS)),
    )


def load_diary(*, patient: User, today: date | None = None, now: datetime | None = None):
    """The patient's diary from the first logged day to ``today`` (their current diary day)."""
    today = today or patient_today(patient)
    rows = load_rows(patient=patient, until=today)
    return diary_from_rows(rows, today=today, zone=patient_zone(patient), now=now)


def diary_from_rows(rows: DiaryRows, *, today: date, zone, now=None) -> DiaryArrays:
    """Build the arrays from raw rows; pure apart from ``derive_days``' clock for open attacks."""
    firsts = [r[0] for r in rows.days[:1]] + [r[3] for r in rows.attacks[:1]]
    firsts += [min(r[0] for r in rows.doses)] if rows.doses else []
    if not firsts:
        return empty_diary(start=today, days=0)
    start = min(firsts)
    diary = empty_diary(start=start, days=(today - start).days + 1)
    _fill_day_columns(diary, rows.days, start)
    _fill_derived(diary, rows, start, today, zone, now)
    return diary


def _fill_day_columns(diary: DiaryArrays, day_rows: list[tuple], start: date) -> None:
    """One pass over the block (NULL becomes NaN); unmarked pain areas become 0."""
    if not day_rows:
        return
    index = np.fromiter((row[0].toordinal() for row in day_rows), int, len(day_rows))
    index -= start.toordinal()
    width = len(DAY_COLUMNS) - 2
    values = np.fromiter(
        (np.nan if value is None else value for row in day_rows for value in row[2:]),
        float,
        len(day_rows) * width,
    ).reshape(len(day_rows), width)
    diary.recorded[index] = True
    diary.stress[index] = values[:, 0]
    diary.sleep_minutes[index] = values[:, 1]
    diary.sleep_quality[index] = values[:, 2]
    diary.pain[index] = np.nan_to_num(values[:, 3:], nan=0.0)


def _fill_derived(diary, rows: DiaryRows, start, today, zone, now) -> None:
    """Headache/migraine/onset/medication days through ``diary.derive`` (one definition)."""
    attacks = [_attack_span(row) for row in rows.attacks]
    # derive only counts acute doses; ids as ints keep its dict lookups cheap (UUID eq is slow)
    doses = [
        DoseEntry(date=row[0], med_class=row[1], acute=True, attack_id=_key(row[3]))
        for row in rows.doses
        if row[2] == Medication.Kind.ACUTE
    ]
    answered = [_AnsweredHeadache(date=row[0]) for row in rows.days if row[1]]
    if not (attacks or doses or answered):
        return
    facts = derive_days(
        start=start, end=today, zone=zone, days=answered, attacks=attacks, doses=doses, now=now
    )
    for i, fact in enumerate(facts):
        if fact.headache_day:
            diary.headache_day[i] = True
            diary.migraine_day[i] = fact.migraine_day
            diary.peak[i] = fact.peak_intensity or 0
        if fact.onset:
            diary.onset[i] = True
        for code in fact.medication_classes:
            diary.medication[i, _CLASS_INDEX[code]] = True


def _attack_span(row: tuple) -> AttackSpan:
    features = frozenset(
        code for code, flag in zip(scales.MIGRAINE_FEATURE_CODES, row[7:], strict=True) if flag
    )
    return AttackSpan(
        id=_key(row[0]),
        started_at=row[1],
        ended_at=row[2],
        start_date=row[3],
        end_date=row[4],
        peak=row[5],
        features=features,
        aura_minutes=row[6],
    )


def _key(attack_id) -> int | None:
    return None if attack_id is None else attack_id.int
