"""GET /api/v1/diary-day/: the server's current diary day and zone for offline clients."""

import pytest
from django.utils import timezone

from accounts.models import AccessEvent
from diary.days import patient_today

pytestmark = pytest.mark.django_db
URL = "/api/v1/diary-day/"


def test_a_patient_gets_their_diary_day_zone_and_the_server_clock(api_as, alice):
    alice.patient_profile.timezone = "Pacific/Kiritimati"  # UTC+14: often a day ahead of UTC
    alice.patient_profile.save()
    body = api_as(alice).get(URL).json()
    assert body["diary_day"] == patient_today(alice).isoformat()
    assert body["timezone"] == "Pacific/Kiritimati"
    assert body["rollover_hour"] == 4
    assert (
        abs((timezone.now() - timezone.datetime.fromisoformat(body["server_time"])).total_seconds())
        < 60
    )


def test_anonymous_401_other_patient_404_clinician_with_a_share_logged(api_as, alice, bob, carol):
    assert api_as(None).get(URL).status_code == 401
    assert api_as(bob).get(URL, {"patient": alice.pk}).status_code == 404
    assert api_as(carol).get(URL, {"patient": alice.pk}).status_code == 200
    assert AccessEvent.objects.filter(patient=alice, action="api.diary_day").exists()
