"""Opt-in reminders at the patient's own local time: the daily check-in, the 2-hour relief
follow-up of a dose, and questionnaires due.

``send_due_reminders`` runs every few minutes (Celery beat, ``diary.tasks``). Each reminder is
claimed before it is sent by inserting its unique ``SentReminder`` row, so overlapping runs or
two workers never send it twice; a failed send deletes the claim so the next run tries again.
It goes by Web Push to every browser the patient turned notifications on in
(``accounts.push``); when none accepts it, by the e-mail transport (``DIARY_REMINDER_TRANSPORT``,
default e-mail). Inside the patient's quiet hours nothing is sent: a reminder waits for their
end, and is dropped only once it is older than its window. Messages carry no health data: a
title and a link.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts import push
from accounts.models import PatientProfile, User
from diary import selectors
from diary.days import diary_date_for, patient_zone
from diary.followups import FOLLOW_UP_WINDOW
from diary.forms import diary_moment
from diary.models import Day, Dose, SentReminder

logger = logging.getLogger(__name__)

# A check-in or questionnaire reminder more than this late (beat or workers were down, or quiet
# hours) is skipped rather than sent hours after the chosen time. A questionnaire still due is
# reminded about again the next day.
MAX_LATENESS = timedelta(hours=3)
CLAIMS_KEPT = timedelta(days=90)
DEFAULT_TRANSPORT = "diary.reminders.EmailTransport"
Kind = SentReminder.Kind
TITLES = {
    Kind.CHECKIN: "Time for today's check-in",
    Kind.FOLLOW_UP: "How did your medication work?",
    Kind.QUESTIONNAIRE: "A questionnaire is due",
}


@dataclass(frozen=True)
class Reminder:
    """One message to one patient; ``keys`` are claimed together (one message may cover
    several due questionnaires)."""

    kind: str
    keys: tuple[str, ...]
    link: str
    expires_at: datetime
    day: date | None = None

    @property
    def title(self) -> str:
        return TITLES[self.kind]

    def payload(self) -> dict:
        return {"title": self.title, "body": "Open Flaremap", "link": self.link, "tag": self.kind}


class ReminderTransport(Protocol):
    """The fallback when no browser takes the reminder; raise to signal failure."""

    def send(self, *, patient: User, reminder: Reminder) -> None: ...


class EmailTransport:
    """Plain-text e-mail through Django's configured e-mail backend."""

    def send(self, *, patient: User, reminder: Reminder) -> None:
        context = {
            "reminder": reminder,
            "settings_link": _absolute(reverse("accounts:notifications")),
        }
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


def follow_up_link(dose: Dose) -> str:
    return _absolute(reverse("diary:follow_up", kwargs={"dose_id": dose.pk}))


# --- when -------------------------------------------------------------------------------------


def in_quiet_hours(profile: PatientProfile, now: datetime) -> bool:
    """Whether ``now`` falls in the patient's quiet hours (local time; may span midnight)."""
    return profile.is_quiet(now.astimezone(patient_zone(profile.user)).time())


def reminder_moment(profile: PatientProfile, now: datetime) -> tuple[date, datetime] | None:
    """The diary day whose reminder time passed less than MAX_LATENESS ago, and that time."""
    day = diary_date_for(profile.user, now)
    moment = diary_moment(day, profile.reminder_time, patient_zone(profile.user))
    return (day, moment) if moment <= now < moment + MAX_LATENESS else None


# --- what -------------------------------------------------------------------------------------


def checkin_reminders(profiles: list[PatientProfile], now: datetime) -> list:
    due = [(p, hit) for p in profiles if p.reminder_enabled and (hit := reminder_moment(p, now))]
    checked_in = set(
        Day.objects.filter(
            deleted_at__isnull=True,
            patient_id__in=[profile.user_id for profile, _ in due],
            date__in={day for _, (day, _) in due},
        ).values_list("patient_id", "date")
    )
    return [
        (p, Reminder(Kind.CHECKIN, (day.isoformat(),), checkin_link(day), at + MAX_LATENESS, day))
        for p, (day, at) in due
        if (p.user_id, day) not in checked_in
    ]


def follow_up_reminders(profiles: list[PatientProfile], now: datetime) -> list:
    """One reminder per unrated dose (``diary.followups``), for patients who asked for them."""
    wanted = {p.user_id: p for p in profiles if p.remind_follow_ups}
    doses = selectors.awaiting_relief(Dose.objects.filter(patient_id__in=list(wanted)), now)
    return [
        (
            wanted[dose.patient_id],
            Reminder(
                Kind.FOLLOW_UP,
                (str(dose.pk),),
                follow_up_link(dose),
                dose.taken_at + FOLLOW_UP_WINDOW,
            ),
        )
        for dose in doses.order_by("patient_id", "taken_at")
    ]


def questionnaire_reminders(profiles: list[PatientProfile], now: datetime) -> list:
    """At the daily reminder time: one message when a questionnaire newly became due. Keyed by
    the questionnaire and its last answer, so answering it and falling due again reminds anew."""
    found = []
    for profile in profiles:
        hit = profile.remind_questionnaires and reminder_moment(profile, now)
        if not hit:
            continue
        day, at = hit
        due = selectors.questionnaires_due(profile.user, day)
        keys = tuple(
            f"{status.instrument}@{status.latest.date if status.latest else 'never'}"
            for status in due
        )
        if keys:
            link = _absolute(reverse("diary:questionnaires"))
            found.append((profile, Reminder(Kind.QUESTIONNAIRE, keys, link, at + MAX_LATENESS)))
    return found


# --- sending ----------------------------------------------------------------------------------


def send_due_reminders(*, now: datetime | None = None, transport=None) -> int:
    """Send every reminder that is due and outside quiet hours; returns how many were sent."""
    now = now or timezone.now()
    profiles = [
        profile
        for profile in PatientProfile.objects.filter(
            user__is_active=True, user__role=User.Role.PATIENT
        )
        .exclude(reminder_enabled=False, remind_follow_ups=False, remind_questionnaires=False)
        .select_related("user")
        .iterator(chunk_size=500)
        if not in_quiet_hours(profile, now)
    ]
    due = (
        checkin_reminders(profiles, now)
        + follow_up_reminders(profiles, now)
        + questionnaire_reminders(profiles, now)
    )
    transport = transport or get_transport()
    sent = sum(_send_one(profile.user, reminder, now, transport) for profile, reminder in due)
    SentReminder.objects.filter(claimed_at__lt=now - CLAIMS_KEPT).delete()
    return sent


def _claim(patient: User, reminder: Reminder) -> list[str]:
    """Insert the claim rows; the keys this run won (an existing row means already sent)."""
    won = []
    for key in reminder.keys:
        try:
            with transaction.atomic():
                SentReminder.objects.create(patient=patient, kind=reminder.kind, key=key)
        except IntegrityError:
            continue
        won.append(key)
    return won


def _send_one(patient: User, reminder: Reminder, now: datetime, transport) -> bool:
    if now >= reminder.expires_at:
        return False
    won = _claim(patient, reminder)
    if not won:
        return False
    claims = SentReminder.objects.filter(patient=patient, kind=reminder.kind, key__in=won)
    try:
        channel = _deliver(patient, reminder, now, transport)
    except Exception:
        logger.exception("%s reminder to patient %s failed; will retry", reminder.kind, patient.pk)
        claims.delete()
        return False
    claims.update(channel=channel)
    return True


def _deliver(patient: User, reminder: Reminder, now: datetime, transport) -> str:
    """Web Push to each of the patient's browsers; e-mail when none of them took it."""
    ttl = max(60, int((reminder.expires_at - now).total_seconds()))
    if push.notify(patient, reminder.payload(), ttl=ttl):
        return "push"
    transport.send(patient=patient, reminder=reminder)
    return "email"
