"""Load one patient's whole diary into ``DiaryArrays`` (one row per calendar day) in 3 queries.

Stress, sleep and the body-pain map go straight from ``values_list`` rows into numpy arrays
(no model instances). Headache, migraine and onset days, and acute-medication days, come from
``diary.derive.derive_arrays``: the single home of the clinical day definitions (the calendar and
the clinician report get them through ``derive_days``, which is built on it). The rows go to it
as columns, so no object is built per row, and its work is per attack and dose, not per day.
The patient should be fetched with ``select_related("patient_profile")`` so the time zone costs
no extra query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from itertools import compress
from operator import itemgetter

import numpy as np

from accounts.models import User
from diary import scales
from diary.days import patient_today, patient_zone
from diary.derive import FEATURE_BITS, AttackColumns, DoseColumns, derive_arrays
from diary.models import Day, Dose, HeadacheAttack, Medication
from diary.selectors import live
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
_DAY_DATE, _DAY_HEADACHE = itemgetter(0), itemgetter(1)
_DOSE_DATE = itemgetter(0)
_ACUTE = Medication.Kind.ACUTE.value
_FEATURE_WEIGHTS = np.array([FEATURE_BITS[code] for code in scales.MIGRAINE_FEATURE_CODES])


@dataclass(frozen=True, slots=True)
class DiaryRows:
    """The raw rows the analysis needs (what the benchmark's floor loads, too)."""

    days: list[tuple]
    attacks: list[tuple]
    doses: list[tuple]


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
    """Build the arrays from raw rows; pure apart from the clock for open attacks (``now``)."""
    firsts = [r[0] for r in rows.days[:1]] + [r[3] for r in rows.attacks[:1]]
    firsts += [min(map(_DOSE_DATE, rows.doses))] if rows.doses else []
    if not firsts:
        return empty_diary(start=today, days=0)
    start = min(firsts)
    diary = empty_diary(start=start, days=(today - start).days + 1)
    _fill_day_columns(diary, rows.days, start)
    _fill_derived(diary, rows, start, today, zone, now)
    return diary


def _fill_day_columns(diary: DiaryArrays, day_rows: list[tuple], start: date) -> None:
    """One pass per column (NULL becomes NaN); unmarked pain areas become 0."""
    if not day_rows:
        return
    count = len(day_rows)
    dates, _headache, stress, sleep_minutes, sleep_quality, *pain = zip(*day_rows, strict=True)
    index = np.fromiter(map(date.toordinal, dates), np.int64, count) - start.toordinal()
    diary.recorded[index] = True
    # numpy's float conversion stores None as NaN, in C: no Python code per value
    diary.stress[index] = np.fromiter(stress, float, count)
    diary.sleep_minutes[index] = np.fromiter(sleep_minutes, float, count)
    diary.sleep_quality[index] = np.fromiter(sleep_quality, float, count)
    diary.pain[index] = _pain_block(pain, count)


def _pain_block(pain_columns: list[tuple], count: int) -> np.ndarray:
    """The pain areas of the logged days (0 where unmarked); areas never marked cost nothing."""
    areas = np.zeros((count, len(pain_columns)))
    never_marked = (None,) * count
    for area, column in enumerate(pain_columns):
        if column != never_marked:  # tuples compare items by identity first: a quick test
            areas[:, area] = np.fromiter(column, float, count)
    areas[np.isnan(areas)] = 0.0
    return areas


def _fill_derived(diary, rows: DiaryRows, start, today, zone, now) -> None:
    """Headache/migraine/onset/medication days from ``diary.derive`` (one definition)."""
    answered = list(compress(map(_DAY_DATE, rows.days), map(_DAY_HEADACHE, rows.days)))
    if not (rows.attacks or rows.doses or answered):
        return
    derived = derive_arrays(
        start=start,
        end=today,
        zone=zone,
        attacks=_attack_columns(rows.attacks),
        doses=_dose_columns(rows.doses),
        headache_answers=answered,
        now=now,
    )
    diary.headache_day[:] = derived.headache_day
    diary.migraine_day[:] = derived.migraine_day
    diary.peak[:] = np.maximum(derived.peak, 0)  # -1 (no attack counted that day) becomes 0
    diary.onset[:] = derived.onset
    diary.medication[:] = derived.medication


def _attack_columns(attack_rows: list[tuple]) -> AttackColumns:
    """The attack rows (ATTACK_COLUMNS) as derive's columns; the feature flags become masks.

    Ids become ints (``UUID.int``) for both attacks and doses: derive matches doses to attacks
    by id, and UUID hashing and equality are slow Python code.
    """
    if not attack_rows:
        return AttackColumns([], [], [], [], [], [], [], np.zeros(0, dtype=np.int64))
    ids, started, ended, start_date, end_date, peak, aura, *flags = zip(*attack_rows, strict=True)
    flag_bytes = np.frombuffer(b"".join(map(bytes, flags)), np.uint8)  # a byte per True/False
    return AttackColumns(
        ids=[attack_id.int for attack_id in ids],
        started_at=started,
        ended_at=ended,
        start_date=start_date,
        end_date=end_date,
        peak=peak,
        aura_minutes=aura,
        features=_FEATURE_WEIGHTS @ flag_bytes.reshape(len(flags), len(attack_rows)),
    )


def _dose_columns(dose_rows: list[tuple]) -> DoseColumns:
    """The dose rows (DOSE_COLUMNS) as derive's columns."""
    if not dose_rows:
        return DoseColumns([], [], [], [])
    day, med_class, kind, attack_id = zip(*dose_rows, strict=True)
    return DoseColumns(
        date=day,
        med_class=med_class,
        acute=[value == _ACUTE for value in kind],
        attack_id=[None if value is None else value.int for value in attack_id],
    )


def load_rows_many(patients: list[User], *, todays: dict[int, date]) -> dict[int, DiaryRows]:
    """``load_rows`` for many patients in the same three queries: each patient's rows up to
    their own ``todays[patient.pk]``, in the same order and shape as ``load_rows`` gives."""
    ids = [patient.pk for patient in patients]
    until = max(todays.values())
    days = live(Day.objects.filter(patient_id__in=ids, date__lte=until))
    attacks = live(HeadacheAttack.objects.filter(patient_id__in=ids, start_date__lte=until))
    doses = live(Dose.objects.filter(patient_id__in=ids, date__lte=until))
    grouped = {patient_id: DiaryRows(days=[], attacks=[], doses=[]) for patient_id in ids}
    queries = (
        (days.order_by("patient_id", "date"), DAY_COLUMNS, 0, "days"),
        (attacks.order_by("patient_id", "started_at"), ATTACK_COLUMNS, 3, "attacks"),
        (doses, DOSE_COLUMNS, 0, "doses"),
    )
    for queryset, columns, date_at, name in queries:
        for patient_id, *row in queryset.values_list("patient_id", *columns):
            if row[date_at] <= todays[patient_id]:
                getattr(grouped[patient_id], name).append(tuple(row))
    return grouped
