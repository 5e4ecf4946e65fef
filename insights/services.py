"""Writes for insights: recompute one patient and store one current row per kind.

The whole diary is loaded in a few queries (``insights.loader``), analysed by pure functions
(``insights.analysis``) and stored in one transaction that first locks the patient's
``AnalysisState`` row, so two workers recomputing the same patient take turns and the
one-current-row-per-kind constraint always holds. An insight whose content did not change keeps
its row (only ``computed_at`` moves); a changed one becomes a new current row and the old row
stays as history with ``is_current=False``.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from diary.days import patient_today, patient_zone
from insights.analysis import InsightResult, analyze_diary
from insights.loader import diary_from_rows, load_rows_many, load_trigger_labels, tracks_cycle
from insights.models import CONTENT_FIELDS, AnalysisState, Insight

ALGORITHM_VERSION = 4  # 4: trigger and menstrual-migraine kinds, cycle-adjusted onset analyses
_COMPARED = (*CONTENT_FIELDS, "algorithm_version")


class TransientAnalysisError(Exception):
    """A failure worth retrying (e.g. a database serialization conflict)."""


def recompute_patient(patient_id: int) -> str:
    """Recompute and store one patient's insights (after a diary write). Returns a short
    status for logs: "ok", or "gone" for an unknown or non-patient id."""
    return "ok" if recompute_patients([patient_id]) else "gone"


def recompute_patients(patient_ids: list[int]) -> int:
    """Recompute patients at once (the catch-up and nightly runs send 50): their diaries in the
    same three queries and their insights stored in one transaction. Returns how many."""
    patients = list(
        User.objects.select_related("patient_profile")
        .filter(pk__in=patient_ids, role=User.Role.PATIENT)
        .order_by("pk")
    )
    if not patients:
        return 0
    started = timezone.now()
    todays = {patient.pk: patient_today(patient) for patient in patients}
    try:
        rows = load_rows_many(patients, todays=todays)
        labels = load_trigger_labels(rows)
        results = {
            patient: analyze_diary(
                diary_from_rows(
                    rows[patient.pk],
                    today=todays[patient.pk],
                    zone=patient_zone(patient),
                    tracks_cycle=tracks_cycle(patient),
                    labels=labels[patient.pk],
                )
            )
            for patient in patients
        }
        store_many(results, computed_at=started)
    except DatabaseError as exc:  # lock timeouts, serialization failures, dropped connections
        raise TransientAnalysisError(str(exc)) from exc
    return len(patients)


def store_many(results_by_patient: dict[User, list[InsightResult]], *, computed_at) -> None:
    """Store one run for several patients in one transaction (the caller's, or its own).

    First the patients' ``AnalysisState`` rows are locked in patient order and this run is
    recorded on them, so two workers with overlapping batches take turns instead of
    deadlocking. Then each kind keeps one current row: a row whose content is unchanged stays
    (only ``computed_at`` moves), a changed or vanished one is archived as history and the new
    content inserted. A batch costs the same handful of queries whatever its size.
    """
    patient_ids = sorted(patient.pk for patient in results_by_patient)
    with transaction.atomic():
        _mark_states(patient_ids, computed_at)
        current = {
            (row.patient_id, row.kind): row
            for row in Insight.objects.filter(patient_id__in=patient_ids, is_current=True).only(
                "patient", "kind", *_COMPARED
            )
        }
        unchanged, inserted = set(), []
        for patient, results in results_by_patient.items():
            for result in results:
                row = _row(patient, result, computed_at)
                old = current.get((patient.pk, row.kind))
                if old is not None and _same(old, row):
                    unchanged.add(old.pk)
                else:
                    inserted.append(row)
        archived = [old.pk for old in current.values() if old.pk not in unchanged]
        if unchanged:
            Insight.objects.filter(pk__in=unchanged).update(computed_at=computed_at)
        if archived:
            Insight.objects.filter(pk__in=archived).update(is_current=False)
        Insight.objects.bulk_create(inserted)


def _mark_states(patient_ids: list[int], computed_at: datetime) -> None:
    """Lock the patients' state rows in patient order (creating missing ones) and record
    this run on them."""
    states = AnalysisState.objects.filter(patient_id__in=patient_ids).order_by("patient_id")
    locked = set(states.select_for_update().values_list("patient_id", flat=True))
    missing = [patient_id for patient_id in patient_ids if patient_id not in locked]
    if missing:
        AnalysisState.objects.bulk_create(
            [AnalysisState(patient_id=pk, data_changed_at=computed_at) for pk in missing],
            ignore_conflicts=True,
        )
        list(states.filter(patient_id__in=missing).select_for_update().values_list("pk"))
    states.update(computed_at=computed_at, algorithm_version=ALGORITHM_VERSION, runs=F("runs") + 1)


def _row(patient: User, result: InsightResult, computed_at: datetime) -> Insight:
    return Insight(
        patient=patient,
        kind=result.kind,
        status=result.status,
        effect=_finite(result.effect),
        ci_low=_finite(result.ci_low),
        ci_high=_finite(result.ci_high),
        p_value=_finite(result.p_value),
        n_days=result.n_days,
        n_events=result.n_events,
        effect_label=result.effect_label,
        summary=result.summary,
        details=jsonable(result.details),
        computed_at=computed_at,
        algorithm_version=ALGORITHM_VERSION,
        is_current=True,
    )


def _same(old: Insight, new: Insight) -> bool:
    return all(getattr(old, name) == getattr(new, name) for name in _COMPARED)


def _finite(value) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def jsonable(value):
    """Plain JSON types: numpy scalars to Python, NaN and infinities to None."""
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, float):
        return _finite(value)
    return value if value is None or isinstance(value, bool | int | str) else str(value)


def is_current(patient_id: int) -> bool:
    """True when the patient's insights were computed after their last diary change."""
    return AnalysisState.objects.filter(
        patient_id=patient_id,
        computed_at__gte=F("data_changed_at"),
        algorithm_version=ALGORITHM_VERSION,
    ).exists()


def stale_patient_ids(*, limit: int) -> list[int]:
    """Patients whose diary changed after their last recompute or with an older algorithm."""
    stale = AnalysisState.objects.filter(
        Q(computed_at__isnull=True)
        | Q(computed_at__lt=F("data_changed_at"))
        | Q(algorithm_version__lt=ALGORITHM_VERSION)
    )
    return list(stale.order_by("data_changed_at").values_list("patient_id", flat=True)[:limit])


def aged_patient_ids(*, older_than: timedelta, active_within: timedelta) -> list[int]:
    """Patients with diary changes in ``active_within`` whose insights are older than
    ``older_than`` (their "last 30 days" has moved on since)."""
    now = timezone.now()
    aged = AnalysisState.objects.filter(
        computed_at__lt=now - older_than, data_changed_at__gte=now - active_within
    )
    return list(aged.values_list("patient_id", flat=True))
