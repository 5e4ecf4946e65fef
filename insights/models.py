"""Stored insights (one current row per patient and kind, history kept) and recompute state."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

INSIGHT_KINDS = (
    ("stress_headache", "Stress and next-day headache"),
    ("stress_letdown", "Stress let-down and headache"),
    ("sleep_pain", "Sleep and next-day body pain"),
    ("pain_stress_feedback", "Pain-stress feedback loop"),
    ("pain_spread", "Spreading body pain"),
    ("headache_frequency", "Headache frequency"),
    ("medication_overuse", "Acute medication use"),
    ("menstrual_migraine", "Headaches around your period"),
    ("triggers", "Possible triggers and next-day headache"),
)
CONTENT_FIELDS = (
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
)
"""What a recompute computes for one patient and kind: a row whose content is unchanged is kept."""
INSIGHT_STATUSES = (
    ("found", "Found"),
    ("not_found", "Not found"),
    ("insufficient_data", "Not enough data yet"),
)


class Insight(models.Model):
    """One computed insight with its evidence. Only rows with ``is_current`` are shown."""

    # No index of its own: (patient, is_current) leads with it, and each index costs the insert.
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="insights", db_index=False
    )
    kind = models.CharField(max_length=32, choices=INSIGHT_KINDS)
    status = models.CharField(max_length=20, choices=INSIGHT_STATUSES)
    effect = models.FloatField(null=True, blank=True)
    ci_low = models.FloatField(null=True, blank=True)
    ci_high = models.FloatField(null=True, blank=True)
    p_value = models.FloatField(null=True, blank=True)
    n_days = models.PositiveIntegerField(default=0)
    n_events = models.PositiveIntegerField(null=True, blank=True)
    effect_label = models.CharField(max_length=80, blank=True)
    summary = models.TextField()
    details = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)
    algorithm_version = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "-computed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "kind"],
                condition=Q(is_current=True),
                name="insight_one_current_per_kind",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["found", "not_found", "insufficient_data"]),
                name="insight_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "is_current"], name="insight_patient_current_idx")
        ]

    def __str__(self):
        return f"{self.kind} {self.status} for {self.patient_id}"


class AnalysisState(models.Model):
    """Per-patient bookkeeping so no diary change is ever left unanalysed.

    ``data_changed_at`` is written in the same transaction as the diary change; a recompute sets
    ``computed_at``. Any patient with data_changed_at > computed_at (or an older algorithm
    version) is stale and picked up by the periodic catch-up task, even if the broker was down
    when the change was saved.
    """

    patient = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="analysis_state"
    )
    data_changed_at = models.DateTimeField(default=timezone.now)
    computed_at = models.DateTimeField(null=True, blank=True)
    algorithm_version = models.PositiveIntegerField(default=0)
    runs = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["data_changed_at"], name="analysis_changed_idx")]

    def __str__(self):
        return f"analysis state of {self.patient_id}"
