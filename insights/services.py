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

from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from insights import pg_store
from insights.analysis import InsightResult, analyze_diary
from insights.models import CONTENT_FIELDS, AnalysisState, Insight

ALGORITHM_VERSION = 2
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
    from diary.days import patient_today, patient_zone
    from insights.loader import diary_from_rows, load_rows_many

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
        results = {
            patient: analyze_diary(
                diary_from_rows(
                    rows[patient.pk], today=todays[patient.pk], zone=patient_zone(patient)
                )
            )
            for patient in patients
        }
        store_many(results, computed_at=started)
    except DatabaseError as exc:  # lock timeouts, serialization failures, dropped connections
        raise TransientAnalysisError(str(exc)) from exc
    return len(patients)


def store_many(results_by_patient: dict[User, list[InsightResult]], *, computed_at) -> None:
    """Lock each patient's ``AnalysisState`` and record this run, then keep one current row per
    kind: unchanged rows stay (``computed_at`` moves), changed ones are archived as history.

    One transaction: the caller's if there is one, else its own. The commit need not wait for
    the WAL flush (PostgreSQL ``synchronous_commit = off`` for this transaction only): insights
    are derived data, and the rows and ``AnalysisState.computed_at`` commit together, so a
    server crash can only lose the last fraction of a second of recomputes *as a whole*; those
    patients then look stale again (``data_changed_at > computed_at``) and the catch-up task
    recomputes them. Diary writes keep full durability.
    """
    if connection.vendor == "postgresql":
        fresh = [
            _fresh(patient.pk, result)
            for patient, results in results_by_patient.items()
            for result in results
        ]
        pg_store.store(
            patient_ids=[patient.pk for patient in results_by_patient],
            document=_document(fresh),
            computed_at=computed_at,
            algorithm_version=ALGORITHM_VERSION,
        )
        return
    with transaction.atomic():
        _store_with_orm(results_by_patient, computed_at)


def _store_with_orm(results_by_patient: dict[User, list[InsightResult]], computed_at) -> None:
    """``store_many`` through the ORM (SQLite, the embedded default), the rules of plan_store."""
    patients = {patient.pk: patient for patient in results_by_patient}
    marked = _mark_states(list(patients), computed_at)
    for patient_id in patients.keys() - marked:
        _create_state(patients[patient_id], computed_at)
    current = Insight.objects.filter(patient_id__in=patients, is_current=True).values_list(
        "pk", "patient_id", "kind", *_COMPARED
    )
    current_by_patient = {patient_id: {} for patient_id in patients}
    for pk, patient_id, kind, *values in current:
        current_by_patient[patient_id][kind] = (pk, *values)
    unchanged, archived, inserted = [], [], []
    for patient, results in results_by_patient.items():
        rows = [_row(patient, result, computed_at) for result in results]
        plan = plan_store(current_by_patient[patient.pk], rows)
        unchanged += plan[0]
        archived += plan[1]
        inserted += plan[2]
    if unchanged:
        Insight.objects.filter(pk__in=unchanged).update(computed_at=computed_at)
    if archived:
        Insight.objects.filter(pk__in=archived).update(is_current=False)
    if inserted:
        Insight.objects.bulk_create(inserted)


def plan_store(current: dict[str, tuple], new_rows: list[Insight]):
    """(ids to touch, ids to archive, rows to insert) from one patient's current rows per kind,
    each ``(id, *values of _COMPARED)``, and their freshly computed rows."""
    unchanged, archived, inserted = [], [], []
    for row in new_rows:
        old = current.get(row.kind)
        if old is not None and _same(old[1:], row):
            unchanged.append(old[0])
            continue
        if old is not None:
            archived.append(old[0])
        inserted.append(row)
    produced = {row.kind for row in new_rows}
    archived += [old[0] for kind, old in current.items() if kind not in produced]
    return unchanged, archived, inserted


def _mark_states(patient_ids: list[int], computed_at: datetime) -> set[int]:
    """Record this run on the patients' state rows (the UPDATE takes the row locks); returns
    the patients that have one."""
    states = AnalysisState.objects.filter(patient_id__in=patient_ids)
    states.update(computed_at=computed_at, algorithm_version=ALGORITHM_VERSION, runs=F("runs") + 1)
    return set(states.values_list("patient_id", flat=True))


def _create_state(patient: User, computed_at: datetime) -> None:
    """A patient analysed for the first time since their state row went missing."""
    AnalysisState.objects.select_for_update().get_or_create(patient=patient)
    _mark_states([patient.pk], computed_at)


def _row(patient: User, result: InsightResult, computed_at: datetime) -> Insight:
    values = _fresh(patient.pk, result) | {"details": jsonable(result.details)}
    del values["patient_id"]
    return Insight(
        patient=patient,
        **values,
        computed_at=computed_at,
        algorithm_version=ALGORITHM_VERSION,
        is_current=True,
    )


def _fresh(patient_id: int, result: InsightResult) -> dict:
    """One result's column values (``pg_store.FRESH_FIELDS``), without building a model
    instance: a row of the PostgreSQL store (details made JSON-ready by ``_document``) and the
    fields of ``_row``."""
    return {
        "patient_id": patient_id,
        "kind": result.kind,
        "status": result.status,
        "effect": _finite(result.effect),
        "ci_low": _finite(result.ci_low),
        "ci_high": _finite(result.ci_high),
        "p_value": _finite(result.p_value),
        "n_days": result.n_days,
        "n_events": result.n_events,
        "effect_label": result.effect_label,
        "summary": result.summary,
        "details": result.details,
    }


def _document(fresh: list[dict]) -> str:
    """The rows as the store's JSON document. Details are mostly plain values and numpy
    scalars, which the JSON encoder converts by itself (in C); only details holding NaN,
    infinities or other objects go through ``jsonable`` first."""
    try:
        return pg_store.fresh_document(fresh)
    except (ValueError, TypeError):
        return pg_store.fresh_document(
            [row | {"details": jsonable(row["details"])} for row in fresh]
        )


def _same(old_values: tuple, new: Insight) -> bool:
    return all(old == getattr(new, name) for name, old in zip(_COMPARED, old_values, strict=True))


def _finite(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def jsonable(value):
    """Plain JSON types: numpy scalars to Python, NaN and infinities to None."""
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if hasattr(value, "item"):  # numpy scalar
        return jsonable(value.item())
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return str(value)


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
