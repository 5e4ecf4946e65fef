"""Celery tasks that keep each patient's insights current.

Diary services call ``schedule_recompute`` inside their transaction. It marks the patient's
analysis state stale (same transaction, so the mark can never be lost) and, on commit, enqueues
one debounced ``recompute_patient``. If the broker is unreachable the save still succeeds; the
periodic ``recompute_stale`` task catches the patient up once the broker is back, and also
picks up everyone analysed by an older ``ALGORITHM_VERSION``. ``recompute_nightly`` refreshes
active patients once a day, because windows such as "the last 30 days" move even when no diary
data changed. Both send ``recompute_batch`` tasks of 50 patients: one batch loads its diaries in
three queries and stores in one transaction, several times cheaper than 50 single recomputes.
"""

import logging
from datetime import timedelta
from functools import partial

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from insights import services
from insights.models import AnalysisState

logger = logging.getLogger(__name__)

STALE_BATCH = 500
RECOMPUTE_BATCH = 50  # patients per recompute_batch task (~0.5 s of work)
NIGHTLY_MIN_AGE_HOURS = 20


def _debounce_key(patient_id: int) -> str:
    return f"insights:recompute-pending:{patient_id}"


def schedule_recompute(patient_id: int) -> None:
    """Mark the patient stale now and enqueue a recompute once the transaction commits.

    The mark is written in the diary write's own transaction, so it can never be lost. Each
    write registers its own on-commit enqueue, and a burst (a 500-row import) still costs one
    recompute: ``enqueue_recompute`` skips while one is pending or, in-process, once the patient
    is current. A rolled-back savepoint drops its mark and its callback together.
    """
    now = timezone.now()
    if not AnalysisState.objects.filter(patient_id=patient_id).update(data_changed_at=now):
        AnalysisState.objects.update_or_create(
            patient_id=patient_id, defaults={"data_changed_at": now}
        )
    transaction.on_commit(partial(enqueue_recompute, patient_id), robust=True)


def on_diary_changed(sender, *, patient_id: int, **kwargs) -> None:
    """``diary.signals.diary_changed``: the diary does not import the insights built on it."""
    schedule_recompute(patient_id)


def on_profile_saved(sender, *, instance, created: bool, **kwargs) -> None:
    """A changed profile (time zone, cycle tracking) changes what the analyses may say."""
    if not created:
        schedule_recompute(instance.user_id)


def enqueue_recompute(patient_id: int) -> bool:
    """Send the task unless one is already pending; never raise (the stale mark is the backup)."""
    if recompute_patient.app.conf.task_always_eager:
        if services.is_current(patient_id):
            return False  # an earlier write of the same commit already recomputed
        try:
            recompute_patient.apply(args=(patient_id,))
        except Exception:  # analysis must never break a diary save
            logger.exception("eager recompute failed for patient %s", patient_id)
            return False
        return True
    try:
        if not cache.add(
            _debounce_key(patient_id), "1", timeout=settings.INSIGHTS_DEBOUNCE_SECONDS * 6
        ):
            return False
        recompute_patient.apply_async(
            args=(patient_id,), countdown=settings.INSIGHTS_DEBOUNCE_SECONDS
        )
    except Exception:
        logger.warning("could not enqueue recompute for patient %s; left stale", patient_id)
        return False
    return True


# Late-acked (a killed worker's task runs again) and retried with backoff on transient errors.
RECOMPUTE_TASK_OPTIONS = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": (services.TransientAnalysisError,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(**RECOMPUTE_TASK_OPTIONS, soft_time_limit=120, time_limit=180)
def recompute_patient(self, patient_id: int) -> str:
    """Recompute all insights of one patient; a no-op if the patient is gone."""
    try:
        cache.delete(_debounce_key(patient_id))
    except Exception:
        logger.warning("cache unavailable while clearing debounce key")
    return services.recompute_patient(patient_id)


@shared_task(**RECOMPUTE_TASK_OPTIONS, soft_time_limit=300, time_limit=360)
def recompute_batch(self, patient_ids: list[int]) -> int:
    """Recompute a batch of patients in one go (diaries in three queries, one transaction)."""
    return services.recompute_patients(patient_ids)


def enqueue_batches(patient_ids: list[int]) -> None:
    """Send ``recompute_batch`` tasks of ``RECOMPUTE_BATCH`` patients each; a broker failure is
    logged, not raised: the patients stay stale and the next catch-up run sends them again."""
    for start in range(0, len(patient_ids), RECOMPUTE_BATCH):
        chunk = patient_ids[start : start + RECOMPUTE_BATCH]
        try:
            recompute_batch.apply_async(args=(chunk,))
        except Exception:
            logger.warning("could not enqueue a recompute batch of %s patients", len(chunk))


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def recompute_stale() -> int:
    """Recompute every patient whose data or algorithm changed since their last recompute."""
    patient_ids = services.stale_patient_ids(limit=STALE_BATCH)
    enqueue_batches(patient_ids)
    return len(patient_ids)


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def recompute_nightly() -> int:
    """Recompute active patients not recomputed for a day (rolling 30-day windows move daily)."""
    patient_ids = services.aged_patient_ids(
        older_than=timedelta(hours=NIGHTLY_MIN_AGE_HOURS), active_within=timedelta(days=365)
    )
    enqueue_batches(patient_ids)
    return len(patient_ids)
