"""Reads of stored insights. Pages and the API only read these rows; nothing here computes.

Callers resolve the patient through ``accounts.access`` first (and record clinician reads).
"""

from __future__ import annotations

from accounts.models import User
from insights.models import INSIGHT_KINDS, AnalysisState, Insight

KIND_ORDER = {kind: index for index, (kind, _) in enumerate(INSIGHT_KINDS)}
STATUS_ORDER = {"found": 0, "not_found": 1, "insufficient_data": 2}


def current_insights(*, patient: User) -> list[Insight]:
    """The patient's current insight per kind, `found` first, then in the canonical kind order.

    One query. An empty list means nothing has been computed yet.
    """
    rows = list(Insight.objects.filter(patient=patient, is_current=True))
    rows.sort(key=lambda row: (STATUS_ORDER.get(row.status, 9), KIND_ORDER.get(row.kind, 99)))
    return rows


def insight_history(*, patient: User, kind: str, limit: int = 20) -> list[Insight]:
    """Earlier computations of one kind (newest first), for showing how a finding developed."""
    rows = Insight.objects.filter(patient=patient, kind=kind).order_by("-computed_at")
    return list(rows[:limit])


def recompute_pending(*, patient: User) -> bool:
    """True while a diary change has not been analysed yet (the page says "updating")."""
    state = AnalysisState.objects.filter(patient=patient).only("data_changed_at", "computed_at")
    state = state.first()
    return state is not None and (
        state.computed_at is None or state.computed_at < state.data_changed_at
    )
