"""Celery tasks of the diary."""

from celery import shared_task

from diary import reminders


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def send_reminders() -> int:
    """Send the reminders that are due (beat: every 5 minutes). Idempotent: each is claimed."""
    return reminders.send_due_reminders()
