"""Reminders that reach the phone (diary.reminders): Web Push first, e-mail when no browser
takes it, quiet hours, the relief follow-up and questionnaires due, at most once."""

import threading
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core import mail
from django.db import connection

from accounts.models import PushSubscription
from diary import reminders, scales, services
from diary.models import SentReminder
from tests.factories import PatientFactory
from tests.push_service import Browser, vapid_claims

# Tuesday 10 March 2026, 20:10 in London (GMT) = 20:10 UTC.
EVENING = datetime(2026, 3, 10, 20, 10, tzinfo=UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://flaremap.example"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def patient(email="rem@example.com", **profile_fields):
    user = PatientFactory(email=email)
    profile = user.patient_profile
    profile.timezone = "Europe/London"
    profile.reminder_time = time(20, 0)
    for name, value in profile_fields.items():
        setattr(profile, name, value)
    profile.save()
    return user


def browser_for(user, receiver, name="phone"):
    browser = Browser()
    PushSubscription.objects.create(
        user=user, endpoint=receiver.endpoint(name), p256dh=browser.p256dh, auth=browser.auth
    )
    return browser


def acute_dose(user, taken_at, **fields):
    medication, _ = services.medication_upsert(
        patient=user, name="Sumatriptan", med_class="triptan", kind="acute"
    )
    dose, _ = services.dose_upsert(patient=user, medication=medication, taken_at=taken_at, **fields)
    return dose


def test_the_check_in_reminder_reaches_the_phone_by_web_push(vapid_keys, push_receiver):
    user = patient(reminder_enabled=True)
    browser = browser_for(user, push_receiver)
    assert reminders.send_due_reminders(now=EVENING) == 1
    [delivery] = push_receiver.deliveries
    claims = vapid_claims(delivery.headers["Authorization"], public_key=vapid_keys)
    assert claims["aud"] == push_receiver.origin
    assert browser.decrypt(delivery.body) == {
        "title": "Time for today's check-in",
        "body": "Open Flaremap",
        "link": "https://flaremap.example/diary/day/2026-03-10/",
        "tag": "checkin",
    }
    assert mail.outbox == []
    assert SentReminder.objects.get(patient=user).channel == "push"


def test_every_browser_of_the_patient_gets_it(vapid_keys, push_receiver):
    user = patient(reminder_enabled=True)
    phone, laptop = (
        browser_for(user, push_receiver, "phone"),
        browser_for(user, push_receiver, "pc"),
    )
    reminders.send_due_reminders(now=EVENING)
    by_path = {d.path: d.body for d in push_receiver.deliveries}
    assert phone.decrypt(by_path["/push/phone"])["tag"] == "checkin"
    assert laptop.decrypt(by_path["/push/pc"])["tag"] == "checkin"


def test_without_a_subscription_the_reminder_comes_by_email(vapid_keys):
    user = patient(reminder_enabled=True)
    assert reminders.send_due_reminders(now=EVENING) == 1
    [message] = mail.outbox
    assert message.to == [user.email]
    assert message.subject == "Your Flaremap check-in for Tuesday 10 March"
    assert SentReminder.objects.get(patient=user).channel == "email"


def test_a_gone_subscription_is_deleted_and_the_reminder_falls_back_to_email(
    vapid_keys, push_receiver
):
    user = patient(reminder_enabled=True)
    browser_for(user, push_receiver)
    push_receiver.status = 410
    assert reminders.send_due_reminders(now=EVENING) == 1
    assert not PushSubscription.objects.filter(user=user).exists()
    assert len(mail.outbox) == 1


def test_a_reminder_in_quiet_hours_waits_until_they_end():
    user = patient(
        reminder_enabled=True, quiet_hours_start=time(19, 0), quiet_hours_end=time(21, 0)
    )
    assert reminders.send_due_reminders(now=EVENING) == 0
    assert reminders.send_due_reminders(now=EVENING.replace(hour=21, minute=5)) == 1
    assert mail.outbox[0].to == [user.email]


def test_a_reminder_still_in_quiet_hours_past_its_window_is_dropped():
    patient(reminder_enabled=True, quiet_hours_start=time(19, 0), quiet_hours_end=time(23, 30))
    for hour, minute in ((20, 10), (22, 0), (23, 20), (23, 35)):
        assert reminders.send_due_reminders(now=EVENING.replace(hour=hour, minute=minute)) == 0


def test_quiet_hours_across_midnight_hold_a_night_follow_up_until_morning():
    user = patient(
        remind_follow_ups=True, quiet_hours_start=time(22, 0), quiet_hours_end=time(7, 0)
    )
    dose = acute_dose(user, datetime(2026, 3, 10, 23, 0, tzinfo=UTC))
    assert reminders.send_due_reminders(now=datetime(2026, 3, 11, 1, 5, tzinfo=UTC)) == 0
    assert reminders.send_due_reminders(now=datetime(2026, 3, 11, 6, 55, tzinfo=UTC)) == 0
    assert reminders.send_due_reminders(now=datetime(2026, 3, 11, 7, 0, tzinfo=UTC)) == 1
    assert f"https://flaremap.example/diary/follow-ups/{dose.pk}/" in mail.outbox[0].body


def test_the_relief_follow_up_is_asked_two_hours_after_an_unrated_acute_dose(
    vapid_keys, push_receiver
):
    user = patient(remind_follow_ups=True)
    browser = browser_for(user, push_receiver)
    taken = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
    dose = acute_dose(user, taken)
    assert reminders.send_due_reminders(now=taken + timedelta(hours=1, minutes=55)) == 0
    assert reminders.send_due_reminders(now=taken + timedelta(hours=2, minutes=3)) == 1
    message = browser.decrypt(push_receiver.deliveries[0].body)
    assert message["title"] == "How did your medication work?"
    assert message["link"] == f"https://flaremap.example/diary/follow-ups/{dose.pk}/"
    assert reminders.send_due_reminders(now=taken + timedelta(hours=3)) == 0  # once


def test_no_follow_up_for_a_rated_preventive_or_unwanted_dose():
    rated = patient("rated@example.com", remind_follow_ups=True)
    taken = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
    acute_dose(rated, taken, relief_2h="partial")
    preventive = patient("prev@example.com", remind_follow_ups=True)
    medication, _ = services.medication_upsert(
        patient=preventive, name="Topiramate", med_class="other", kind="preventive"
    )
    services.dose_upsert(patient=preventive, medication=medication, taken_at=taken)
    unwanted = patient("off@example.com", remind_follow_ups=False)
    acute_dose(unwanted, taken)
    assert reminders.send_due_reminders(now=taken + timedelta(hours=3)) == 0


def test_a_follow_up_older_than_a_day_is_not_sent():
    user = patient(remind_follow_ups=True)
    taken = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
    acute_dose(user, taken)
    assert reminders.send_due_reminders(now=taken + timedelta(hours=24, minutes=1)) == 0


def test_a_questionnaire_due_is_reminded_once_at_the_reminder_time():
    user = patient(remind_questionnaires=True)
    assert reminders.send_due_reminders(now=EVENING.replace(hour=19)) == 0
    assert reminders.send_due_reminders(now=EVENING) == 1
    assert mail.outbox[0].subject == "Flaremap: a questionnaire is due"
    assert "https://flaremap.example/diary/questionnaires/" in mail.outbox[0].body
    assert reminders.send_due_reminders(now=EVENING + timedelta(days=1)) == 0  # same ones due
    assert SentReminder.objects.filter(patient=user, kind="questionnaire").count() > 1


def test_a_questionnaire_due_again_after_its_interval_is_reminded_anew():
    user = patient(remind_questionnaires=True)
    reminders.send_due_reminders(now=EVENING)
    answers = dict.fromkeys(scales.SSS_WEEK_ITEMS + scales.SSS_SIX_MONTH_ITEMS, 0)
    services.questionnaire_upsert(
        patient=user, instrument="sss", date=date(2026, 3, 10), answers=answers
    )
    assert reminders.send_due_reminders(now=EVENING + timedelta(days=6)) == 0
    assert reminders.send_due_reminders(now=EVENING + timedelta(days=7)) == 1
    assert SentReminder.objects.filter(kind="questionnaire", key="sss@2026-03-10").exists()


def test_reminder_texts_carry_no_health_data(vapid_keys, push_receiver):
    user = patient(reminder_enabled=True, remind_follow_ups=True)
    browser = browser_for(user, push_receiver)
    acute_dose(user, EVENING - timedelta(hours=3), amount=50, unit="mg")
    services.day_upsert(patient=user, date=date(2026, 3, 9), stress=9, notes="private")
    reminders.send_due_reminders(now=EVENING)
    texts = [str(browser.decrypt(d.body)) for d in push_receiver.deliveries]
    assert len(texts) == 2
    assert not any(word in text for text in texts for word in ("private", "Sumatriptan", "mg"))


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_each_reminder_once():
    """Two workers at the same moment (threads, each with its own database connection)."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite's test database is one file lock)")
    for n in range(5):
        patient(f"p{n}@example.com", reminder_enabled=True)
    start = threading.Barrier(2)
    sent = []
    lock = threading.Lock()

    class SlowTransport:
        def send(self, *, patient, reminder):
            with lock:
                sent.append(patient.email)

    def run():
        try:
            start.wait()
            reminders.send_due_reminders(now=EVENING, transport=SlowTransport())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(sent) == [f"p{n}@example.com" for n in range(5)]
    assert SentReminder.objects.count() == 5
