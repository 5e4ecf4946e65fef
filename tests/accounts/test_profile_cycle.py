"""The cycle-tracking opt-in on the profile page (off unless the patient ticks it)."""

import re

import pytest

pytestmark = pytest.mark.django_db

PROFILE = {
    "timezone": "Europe/London",
    "sex": "female",
    "family_history_migraine": "no",
    "family_history_chronic_pain": "no",
    "usual_bedtime": "23:00",
    "usual_wake_time": "07:00",
    "reminder_time": "20:00",
}


def test_the_profile_page_offers_cycle_tracking_unticked(client, alice):
    client.force_login(alice)
    html = client.get("/accounts/profile/").content.decode()
    assert "Track my menstrual cycle" in html
    box = re.search(r'<input type="checkbox" name="tracks_cycle"[^>]*>', html).group()
    assert "checked" not in box


def test_ticking_and_unticking_the_opt_in(client, alice):
    client.force_login(alice)
    assert client.post("/accounts/profile/", {**PROFILE, "tracks_cycle": "on"}).status_code == 302
    alice.patient_profile.refresh_from_db()
    assert alice.patient_profile.tracks_cycle is True
    client.post("/accounts/profile/", PROFILE)
    alice.patient_profile.refresh_from_db()
    assert alice.patient_profile.tracks_cycle is False
