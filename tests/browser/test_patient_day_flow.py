"""Issue 23's day on a phone (Chromium at 390 x 844): a cycle tracker starts a headache with
one tap, logs the day with two triggers and a period day, answers the 2-hour relief follow-up
of the dose she took earlier, and ends the headache. Every step must keep the others intact."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from diary import services
from diary.days import patient_today
from diary.models import Day, Dose, HeadacheAttack
from tests.browser.conftest import no_horizontal_scroll
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def patient(db):
    patient = PatientFactory(email="whole-day@example.com")
    patient.patient_profile.tracks_cycle = True
    patient.patient_profile.save()
    medication, _ = services.medication_upsert(
        patient=patient, name="Sumatriptan", med_class="triptan", default_amount=Decimal("50")
    )
    services.dose_upsert(
        patient=patient, medication=medication, taken_at=timezone.now() - timedelta(hours=2)
    )
    return patient


def chip(page, text: str):
    return page.locator(".chip span").get_by_text(text, exact=True)


def test_a_day_with_two_triggers_a_period_an_attack_and_a_relief_follow_up(page_as, patient):
    page = page_as(patient)
    today = patient_today(patient)
    page.goto("/diary/today/")

    timer = page.locator("section.timer")
    with page.expect_navigation():
        timer.get_by_role("button", name="5 of 10").tap()
    attack = HeadacheAttack.objects.get(patient=patient)
    assert attack.ended_at is None and attack.peak_intensity == 5

    chip(page, "Alcohol").tap()
    chip(page, "Travel").tap()
    chip(page, "Yes – day 1").tap()
    page.get_by_role("button", name="Save today").tap()
    page.get_by_text(f"Saved for {today:%A %-d %B}").wait_for()
    day = Day.objects.get(patient=patient, date=today)
    assert (day.triggers, day.period) == (["alcohol", "travel"], True)
    assert day.stress is None and not day.body_map_answered  # untouched: not answered
    attack.refresh_from_db()
    assert attack.ended_at is None and attack.deleted_at is None  # still going after the save

    page.goto("/diary/today/")
    with page.expect_navigation():
        page.locator("section.follow-up").get_by_role("button", name="Some relief").tap()
    assert Dose.objects.get(patient=patient).relief_2h == "partial"

    with page.expect_navigation():
        page.locator("section.timer").get_by_role("button", name="Ended now").tap()
    attack.refresh_from_db()
    assert attack.ended_at is not None and attack.peak_intensity == 5
    assert HeadacheAttack.objects.filter(patient=patient).count() == 1
    day.refresh_from_db()
    assert (day.triggers, day.period) == (["alcohol", "travel"], True)
    assert no_horizontal_scroll(page)
    assert page.js_errors == []
