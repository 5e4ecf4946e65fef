"""Opt-in daily check-in reminders at the patient's local time (diary.reminders, diary.tasks)."""

from datetime import UTC, date, datetime, time

import pytest
from django.conf import settings as django_settings
from django.core import mail

from diary import reminders, services
from diary.models import SentReminder
from diary.tasks import send_reminders
from tests.factories import PatientFactory

# Tuesday 10 March 2026, 20:10 in London (GMT) = 20:10 UTC.
EVENING = datetime(2026, 3, 10, 20, 10, tzinfo=UTC)


class RecordingTransport:
    def __init__(self):
        self.sent = []

    def send(self, *, patient, reminder):
        self.sent.append((patient.email, reminder.day, reminder.link))


class FailingTransport:
    def send(self, *, patient, reminder):
        raise ConnectionError("SMTP down")


class ModuleTransport(RecordingTransport):
    """Used through the DIARY_REMINDER_TRANSPORT setting."""

    instances: list = []

    def __init__(self):
        super().__init__()
        ModuleTransport.instances.append(self)


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://flaremap.example"


def opted_in(email="rem@example.com", zone="Europe/London", at=time(20, 0), **extra):
    patient = PatientFactory(email=email)
    profile = patient.patient_profile
    profile.timezone = zone
    profile.reminder_enabled = True
    profile.reminder_time = at
    for name, value in extra.items():
        setattr(profile, name, value)
    profile.save()
    return patient


@pytest.mark.django_db
def test_reminder_is_sent_once_the_local_reminder_time_has_passed():
    patient = opted_in()
    transport = RecordingTransport()
    assert reminders.send_due_reminders(now=EVENING, transport=transport) == 1
    assert transport.sent == [
        (patient.email, date(2026, 3, 10), "https://flaremap.example/diary/day/2026-03-10/")
    ]


@pytest.mark.django_db
def test_no_reminder_before_the_chosen_time():
    opted_in(at=time(21, 0))
    transport = RecordingTransport()
    assert reminders.send_due_reminders(now=EVENING, transport=transport) == 0


@pytest.mark.django_db
def test_no_reminder_when_the_patient_already_checked_in(monkeypatch):
    patient = opted_in()
    services.day_upsert(patient=patient, date=date(2026, 3, 10), stress=3)
    transport = RecordingTransport()
    assert reminders.send_due_reminders(now=EVENING, transport=transport) == 0


@pytest.mark.django_db
def test_running_again_the_same_day_sends_nothing_more():
    opted_in()
    transport = RecordingTransport()
    reminders.send_due_reminders(now=EVENING, transport=transport)
    later = EVENING.replace(hour=21, minute=40)
    assert reminders.send_due_reminders(now=later, transport=transport) == 0
    assert len(transport.sent) == 1


@pytest.mark.django_db
def test_the_next_day_gets_its_own_reminder():
    patient = opted_in()
    transport = RecordingTransport()
    reminders.send_due_reminders(now=EVENING, transport=transport)
    next_evening = EVENING.replace(day=11)
    assert reminders.send_due_reminders(now=next_evening, transport=transport) == 1
    claims = SentReminder.objects.filter(patient=patient, kind="checkin")
    assert sorted(claims.values_list("key", flat=True)) == ["2026-03-10", "2026-03-11"]


@pytest.mark.django_db
def test_reminder_follows_the_patients_time_zone():
    opted_in(zone="America/New_York")  # 20:00 in New York is 01:00 UTC the next day (EDT)
    transport = RecordingTransport()
    assert reminders.send_due_reminders(now=EVENING, transport=transport) == 0
    new_york_evening = datetime(2026, 3, 11, 0, 10, tzinfo=UTC)  # 20:10 EDT on 10 March
    assert reminders.send_due_reminders(now=new_york_evening, transport=transport) == 1
    assert transport.sent[0][1] == date(2026, 3, 10)


@pytest.mark.django_db
def test_a_reminder_after_midnight_is_for_the_day_that_is_ending():
    opted_in(at=time(0, 30))
    transport = RecordingTransport()
    night = datetime(2026, 3, 11, 0, 45, tzinfo=UTC)
    assert reminders.send_due_reminders(now=night, transport=transport) == 1
    assert transport.sent[0][1] == date(2026, 3, 10)


@pytest.mark.django_db
def test_a_reminder_hours_overdue_is_skipped_rather_than_sent_at_night():
    opted_in(at=time(18, 0))
    transport = RecordingTransport()
    late = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)
    assert reminders.send_due_reminders(now=late, transport=transport) == 0


@pytest.mark.django_db
def test_patients_who_did_not_opt_in_or_are_inactive_get_nothing():
    opted_in(email="off@example.com", reminder_enabled=False)
    inactive = opted_in(email="gone@example.com")
    inactive.is_active = False
    inactive.save()
    transport = RecordingTransport()
    assert reminders.send_due_reminders(now=EVENING, transport=transport) == 0


@pytest.mark.django_db
def test_a_failed_send_is_retried_on_the_next_run():
    patient = opted_in()
    assert reminders.send_due_reminders(now=EVENING, transport=FailingTransport()) == 0
    assert not SentReminder.objects.filter(patient=patient).exists()
    transport = RecordingTransport()
    assert reminders.send_due_reminders(now=EVENING, transport=transport) == 1


@pytest.mark.django_db
def test_the_transport_is_chosen_by_setting(settings):
    settings.DIARY_REMINDER_TRANSPORT = "tests.diary.test_reminders.ModuleTransport"
    ModuleTransport.instances.clear()
    opted_in()
    reminders.send_due_reminders(now=EVENING)
    assert len(ModuleTransport.instances) == 1
    assert len(ModuleTransport.instances[0].sent) == 1


@pytest.mark.django_db
def test_the_beat_task_emails_a_one_click_link_without_health_data(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: EVENING)
    patient = opted_in()
    services.day_upsert(patient=patient, date=date(2026, 3, 9), stress=9, notes="private")
    assert send_reminders.delay().get() == 1
    message = mail.outbox[0]
    assert message.to == [patient.email]
    assert message.subject == "Your Flaremap check-in for Tuesday 10 March"
    assert "https://flaremap.example/diary/day/2026-03-10/" in message.body
    assert "https://flaremap.example/accounts/notifications/" in message.body
    assert "private" not in message.body and "stress" not in message.body.lower()


def test_the_reminder_task_is_scheduled_every_5_minutes():
    schedule = django_settings.CELERY_BEAT_SCHEDULE["diary-reminders"]
    assert schedule == {"task": "diary.tasks.send_reminders", "schedule": 300.0}
