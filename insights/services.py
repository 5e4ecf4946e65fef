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
from insights.analysis import InsightResult, analyze_diary
from insights.models import AnalysisState, Insight

ALGORITHM_VERSION = 2
_COMPARED = (
    "status",
    "effect",
    "ci_low",
    "ci_high",
    "p_value",
    "n_days",
    "n_events",
    "effect_label",
    "summary",
    "details",
    "algorithm_version",
)


class TransientAnalysisError(Exception):
    """A failure worth retrying (e.g. a database serialization conflict)."""


def recompute_patient(patient_id: int) -> str:
    """Recompute and store the patient's insights. Returns a short status for logs."""
    from insights.loader import load_diary  # late: diary.services imports insights.tasks

    patient = (
        User.objects.select_related("patient_profile")
        .filter(pk=patient_id, role=User.Role.PATIENT)
        .first()
    )
    if patient is None:
        return "gone"
    started = timezone.now()
    try:
        results = analyze_diary(load_diary(patient=patient))
        with transaction.atomic():
            _relax_durability()
            _lock_and_mark(patient, started)
            store_results(patient=patient, results=results, computed_at=started)
    except DatabaseError as exc:  # lock timeouts, serialization failures, dropped connections
        raise TransientAnalysisError(str(exc)) from exc
    return "ok"


def _relax_durability() -> None:
    """Skip waiting for the WAL flush on commit (PostgreSQL ``synchronous_commit = off``, for
    this transaction only).

    Insights are derived data: the rows and ``AnalysisState.computed_at`` commit together, so a
    server crash can only lose the last fraction of a second of recomputes *as a whole*; those
    patients then look stale again (``data_changed_at > computed_at``) and the catch-up task
    recomputes them. Nothing can be half-written and no diary data is affected (diary writes
    keep full durability). PostgreSQL documents this per-transaction use for less critical
    data; it saves the flush wait, the largest single cost of a recompute.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _lock_and_mark(patient: User, started: datetime) -> None:
    """Lock the patient's state row (the UPDATE takes the row lock) and record this run."""
    marked = AnalysisState.objects.filter(patient=patient).update(
        computed_at=started, algorithm_version=ALGORITHM_VERSION, runs=F("runs") + 1
    )
    if not marked:
        state, _ = AnalysisState.objects.select_for_update().get_or_create(patient=patient)
        AnalysisState.objects.filter(pk=state.pk).update(
            computed_at=started, algorithm_version=ALGORITHM_VERSION, runs=F("runs") + 1
        )


def store_results(*, patient: User, results: list[InsightResult], computed_at: datetime) -> None:
    """One current row per kind; unchanged rows are kept, changed ones archived (history)."""
    current = {row.kind: row for row in Insight.objects.filter(patient=patient, is_current=True)}
    produced = {result.kind for result in results}
    unchanged, archived, new_rows = [], [], []
    for result in results:
        row = _row(patient, result, computed_at)
        old = current.get(result.kind)
        if old is not None and _same(old, row):
            unchanged.append(old.pk)
            continue
        if old is not None:
            archived.append(old.pk)
        new_rows.append(row)
    archived += [row.pk for kind, row in current.items() if kind not in produced]
    if unchanged:
        Insight.objects.filter(pk__in=unchanged).update(computed_at=computed_at)
    if archived:
        Insight.objects.filter(pk__in=archived).update(is_current=False)
    if new_rows:
        Insight.objects.bulk_create(new_rows)


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
