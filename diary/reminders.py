"""Opt-in daily check-in reminders at the patient's own local time.

``send_due_reminders`` runs every few minutes (Celery beat, ``diary.tasks``). A patient is
reminded once per diary day, after their ``reminder_time`` (in their time zone), only if they
have not checked in yet that day. Each reminder is claimed with a conditional UPDATE before it is
sent, so overlapping runs or two workers never send it twice; a failed send releases the claim
so the next run tries again. The transport is pluggable (``DIARY_REMINDER_TRANSPORT``, default
e-mail); the message carries no health data, only a link to that day's check-in.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.models import PatientProfile, User
from diary.days import diary_date_for, patient_zone
from diary.forms import diary_moment
from diary.models import Day

logger = logging.getLogger(__name__)

# A reminder more than this late (beat or workers were down) is skipped rather than sent at night.
MAX_LATENESS = timedelta(hours=3)
DEFAULT_TRANSPORT = "diary.reminders.EmailTransport"


class ReminderTransport(Protocol):
    """Delivers one reminder; raise to signal failure (the reminder is retried next run)."""

    def send(self, *, patient: User, day: date, link: str) -> None: ...


class EmailTransport:
    """Plain-text e-mail through Django's configured e-mail backend."""

    def send(self, *, patient: User, day: date, link: str) -> None:
        settings_link = _absolute(reverse("accounts:profile"))
        context = {"day": day, "link": link, "settings_link": settings_link}
        subject = render_to_string("diary/email/reminder_subject.txt", context).strip()
        body = render_to_string("diary/email/reminder.txt", context)
        send_mail(subject, body, None, [patient.email])


def get_transport() -> ReminderTransport:
    path = getattr(settings, "DIARY_REMINDER_TRANSPORT", DEFAULT_TRANSPORT)
    return import_string(path)()


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def checkin_link(day: date) -> str:
    """One click to that day's check-in (explicit date: opening it tomorrow still edits it)."""
    return _absolute(reverse("diary:day", kwargs={"day": day}))


def due_day(profile: PatientProfile, now: datetime) -> date | None:
    """The diary day this patient should be reminded about now, or None."""
    day = diary_date_for(profile.user, now)
    moment = diary_moment(day, profile.reminder_time, patient_zone(profile.user))
    if not moment <= now < moment + MAX_LATENESS:
        return None
    if profile.reminder_last_sent_on is not None and profile.reminder_last_sent_on >= day:
        return None
    return day


def send_due_reminders(*, now: datetime | None = None, transport=None) -> int:
    """Send every reminder that is due; returns how many were sent."""
    now = now or timezone.now()
    profiles = PatientProfile.objects.filter(
        reminder_enabled=True, user__is_active=True, user__role=User.Role.PATIENT
    ).select_related("user")
    due = [(p, day) for p in profiles.iterator(chunk_size=500) if (day := due_day(p, now))]
    if not due:
        return 0
    checked_in = set(
        Day.objects.filter(
            deleted_at__isnull=True,
            patient_id__in=[profile.user_id for profile, _ in due],
            date__in={day for _, day in due},
        ).values_list("patient_id", "date")
    )
    transport = transport or get_transport()
    sent = 0
    for profile, day in due:
        if (profile.user_id, day) not in checked_in and _send_one(profile, day, transport):
            sent += 1
    return sent


def _send_one(profile: PatientProfile, day: date, transport) -> bool:
    claimed = (
        PatientProfile.objects.filter(pk=profile.pk, reminder_enabled=True)
        .exclude(reminder_last_sent_on__gte=day)
        .update(reminder_last_sent_on=day)
    )
    if not claimed:
        return False
    try:
        transport.send(patient=profile.user, day=day, link=checkin_link(day))
    except Exception:
        logger.exception("reminder to patient %s failed; will retry", profile.user_id)
        PatientProfile.objects.filter(pk=profile.pk, reminder_last_sent_on=day).update(
            reminder_last_sent_on=profile.reminder_last_sent_on
        )
        return False
    return True
