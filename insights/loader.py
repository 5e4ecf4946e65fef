"""Load patients' whole diaries into ``DiaryArrays`` (one row per calendar day).

The rows come from ``diary.selectors.diary_rows`` (three queries for one patient or many), and
headache, migraine, onset and acute-medication days from ``diary.derive.derive_arrays``: the one
read model and the one home of the day rules that the pages, report and CSV export use too.
Stress, sleep and the body-pain map go straight from the row tuples into numpy arrays (no
model instances). Patients should be fetched with ``select_related("patient_profile")`` so
the time zone costs no extra query.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import numpy as np

from accounts.models import User
from diary import scales
from diary.days import patient_today, patient_zone
from diary.derive import derive_arrays
from diary.selectors import DAY_COLUMNS, PAIN_FIELDS, DiaryRows, diary_rows, trigger_labels
from insights.analysis.common import DiaryArrays, empty_diary

_TRIGGERS = DAY_COLUMNS.index("triggers")
_OWN_PREFIX = scales.OWN_TRIGGER_PREFIX


def load_diary(*, patient: User, today: date | None = None, now: datetime | None = None):
    """The patient's diary from the first logged day to ``today`` (their current diary day)."""
    today = today or patient_today(patient)
    rows = load_rows_many([patient], todays={patient.pk: today})
    labels = load_trigger_labels(rows)[patient.pk]
    return diary_from_rows(
        rows[patient.pk],
        today=today,
        zone=patient_zone(patient),
        now=now,
        tracks_cycle=tracks_cycle(patient),
        labels=labels,
    )


def tracks_cycle(patient: User) -> bool:
    """The patient opted in to cycle tracking (no profile: not)."""
    profile = getattr(patient, "patient_profile", None)
    return bool(profile and profile.tracks_cycle)


def load_rows_many(patients: list[User], *, todays: dict[int, date]) -> dict[int, DiaryRows]:
    """Each patient's live rows up to their own ``todays[patient.pk]``, in three queries."""
    return diary_rows(windows={patient.pk: (None, todays[patient.pk]) for patient in patients})


def load_trigger_labels(rows: dict[int, DiaryRows]) -> dict[int, dict[str, str]]:
    """Each patient's trigger labels; a query only when some day ticked an own trigger."""
    own = [
        patient_id
        for patient_id, patient_rows in rows.items()
        if any(
            key.startswith(_OWN_PREFIX) for row in patient_rows.days for key in row[_TRIGGERS] or ()
        )
    ]
    labels = trigger_labels(patient_ids=own)
    return {patient_id: labels.get(patient_id) for patient_id in rows}


def diary_from_rows(
    rows: DiaryRows,
    *,
    today: date,
    zone,
    now=None,
    tracks_cycle: bool = False,
    labels: dict[str, str] | None = None,
) -> DiaryArrays:
    """Build the arrays from raw rows; pure apart from the clock for open attacks (``now``).
    ``tracks_cycle``: the patient's opt-in, which turns on the cycle analyses. ``labels`` names
    the own triggers (``load_trigger_labels``); unnamed ones are left out."""
    firsts = [r[0] for r in rows.days[:1]] + [r[3] for r in rows.attacks[:1]]
    firsts += [min(row[0] for row in rows.doses)] if rows.doses else []
    if not firsts:
        return empty_diary(start=today, days=0, tracks_cycle=tracks_cycle)
    start = min(firsts)
    diary = empty_diary(start=start, days=(today - start).days + 1, tracks_cycle=tracks_cycle)
    _fill_day_columns(diary, rows.days, start)
    diary = _with_triggers(diary, rows.days, start, labels)
    _fill_derived(diary, rows, start, today, zone, now)
    return diary


def _fill_day_columns(diary: DiaryArrays, day_rows: list[tuple], start: date) -> None:
    """One pass per column (NULL becomes NaN); unmarked pain areas become 0."""
    if not day_rows:
        return
    count = len(day_rows)
    columns = dict(zip(DAY_COLUMNS, zip(*day_rows, strict=True), strict=True))  # by name
    dates, stress = columns["date"], columns["stress"]
    sleep_quality, sleep_minutes = columns["sleep_quality"], columns["total_sleep_min"]
    period = columns["period"]
    pain = [columns[name] for name in PAIN_FIELDS]
    index = np.fromiter(map(date.toordinal, dates), np.int64, count) - start.toordinal()
    diary.recorded[index] = True
    # numpy's float conversion stores None as NaN, in C: no Python code per value
    diary.stress[index] = np.fromiter(stress, float, count)
    diary.sleep_minutes[index] = np.fromiter(sleep_minutes, float, count)
    diary.sleep_quality[index] = np.fromiter(sleep_quality, float, count)
    diary.period[index] = np.fromiter(period, float, count)  # True 1, False 0, None NaN
    diary.pain[index] = _pain_block(pain, count)


def _with_triggers(diary: DiaryArrays, day_rows, start: date, labels) -> DiaryArrays:
    """The answered days and a day column per ticked key of the checklist (``labels``, the
    defaults when no own trigger was ticked): keys of own triggers since deleted are left out."""
    labels = labels or dict(scales.DEFAULT_TRIGGER_LABELS)
    answered = np.zeros(diary.n, bool)
    ticked: dict[str, np.ndarray] = {}
    for row in day_rows:
        keys = row[_TRIGGERS]
        if keys is None:
            continue
        index = row[0].toordinal() - start.toordinal()
        answered[index] = True
        for key in keys:
            if key in labels:
                ticked.setdefault(key, np.zeros(diary.n, bool))[index] = True
    return replace(diary, triggers_answered=answered, triggers=ticked, trigger_labels=labels)


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
    answered = rows.headache_answers()
    if not (rows.attacks or rows.doses or answered):
        return
    derived = derive_arrays(
        start=start,
        end=today,
        zone=zone,
        attacks=rows.attack_columns(),
        doses=rows.dose_columns(),
        headache_answers=answered,
        now=now,
    )
    diary.headache_day[:] = derived.headache_day
    diary.migraine_day[:] = derived.migraine_day
    diary.peak[:] = np.maximum(derived.peak, 0)  # -1 (no attack counted that day) becomes 0
    diary.onset[:] = derived.onset
    diary.medication[:] = derived.medication
