"""Celery tasks of accounts."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from accounts import services


@shared_task(acks_late=True)
def purge_lockout_logs() -> int:
    """Delete lockout logs and failed share codes past LOCKOUT_LOG_RETENTION_DAYS (beat: daily).

    They hold e-mails, addresses and browsers; a month covers any investigation of an attack.
    """
    cutoff = timezone.now() - timedelta(days=settings.LOCKOUT_LOG_RETENTION_DAYS)
    return services.lockout_logs_purge(older_than=cutoff)
