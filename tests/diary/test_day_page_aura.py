"""The day page surfaces an aura over 60 minutes (diary.derive: outside typical aura, not a
migraine day by itself) instead of dropping it silently."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from diary import services

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
DAY = date(2026, 3, 2)


def attack_with_aura(patient, minutes):
    services.attack_upsert(
        patient=patient,
        started_at=datetime(2026, 3, 2, 9, tzinfo=LONDON),
        ended_at=datetime(2026, 3, 2, 9, 20, tzinfo=LONDON),
        peak_intensity=2,
        aura=True,
        aura_minutes=minutes,
    )


def test_an_aura_over_60_minutes_asks_the_patient_to_get_it_assessed(client, alice):
    attack_with_aura(alice, 70)
    client.force_login(alice)
    page = client.get(reverse("diary:day", kwargs={"day": DAY})).content.decode()
    assert "longer than a typical migraine aura." in page and "get it assessed" in page


def test_a_typical_aura_shows_no_assessment_prompt(client, alice):
    attack_with_aura(alice, 60)
    client.force_login(alice)
    page = client.get(reverse("diary:day", kwargs={"day": DAY})).content.decode()
    assert "longer than a typical migraine aura" not in page
