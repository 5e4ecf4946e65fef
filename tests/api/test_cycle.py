"""Cycle tracking in the API: the profile opt-in on /api/v1/me/ and Day.period on /days/."""

from datetime import date

import pytest

from diary.models import Day

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 2)
URL = f"/api/v1/days/{DAY.isoformat()}/"


def test_the_opt_in_is_off_by_default_and_set_through_me(api_as, alice):
    client = api_as(alice)
    assert client.get("/api/v1/me/").json()["patient_profile"]["tracks_cycle"] is False
    response = client.patch(
        "/api/v1/me/", {"patient_profile": {"tracks_cycle": True}}, format="json"
    )
    assert response.status_code == 200, response.json()
    alice.patient_profile.refresh_from_db()
    assert alice.patient_profile.tracks_cycle is True
    assert alice.patient_profile.timezone == "Europe/London"  # only what was sent changed


def test_a_bad_opt_in_value_is_a_nested_field_error(api_as, alice):
    response = api_as(alice).patch(
        "/api/v1/me/", {"patient_profile": {"tracks_cycle": "often"}}, format="json"
    )
    assert response.status_code == 400
    assert "tracks_cycle" in response.json()["patient_profile"]


@pytest.mark.parametrize("answer", [True, False, None])
def test_period_is_stored_as_sent_with_null_for_no_answer(api_as, alice, answer):
    response = api_as(alice).put(URL, {"period": answer, "stress": 3}, format="json")
    assert response.status_code in (200, 201), response.json()
    assert response.json()["period"] is answer
    assert Day.objects.get(patient=alice, date=DAY).period is answer


def test_period_is_accepted_whether_or_not_the_patient_tracks_the_cycle(api_as, alice):
    assert not alice.patient_profile.tracks_cycle
    assert api_as(alice).put(URL, {"period": True}, format="json").status_code == 201


@pytest.mark.parametrize("value", ["maybe", 2, [True]])
def test_a_period_that_is_not_yes_no_or_null_is_a_field_error(api_as, alice, value):
    response = api_as(alice).put(URL, {"period": value}, format="json")
    assert response.status_code == 400
    assert "period" in response.json()
    assert not Day.objects.filter(patient=alice).exists()


def test_period_reads_follow_the_sharing_rules(api_as, alice, bob, carol, erin):
    api_as(alice).put(URL, {"period": True}, format="json")
    assert api_as(None).get(URL).status_code == 401
    assert api_as(bob).get(URL, {"patient": alice.pk}).status_code == 404
    assert api_as(erin).get(URL, {"patient": alice.pk}).status_code == 404  # share revoked
    shared = api_as(carol).get(URL, {"patient": alice.pk})
    assert shared.status_code == 200 and shared.json()["period"] is True
    write = api_as(carol).put(f"{URL}?patient={alice.pk}", {"period": False}, format="json")
    assert write.status_code in (403, 404, 405)  # clinicians read, never write
    assert Day.objects.get(patient=alice, date=DAY).period is True
