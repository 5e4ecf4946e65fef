"""The traveller's offset (issue 18): a time sent with the device's UTC offset counts for the
local day in that offset; a time in UTC or without an offset counts in the profile zone."""

import uuid
from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from diary import services
from diary.models import Dose, HeadacheAttack
from tests.api.conftest import field_messages

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)  # 13:00 in Paris, 07:00 in New York
DEVICE_LATE_EVENING = "2026-12-05T23:30:00-05:00"  # 05:30 on 6 December in Paris


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def parisian(alice):
    alice.patient_profile.timezone = "Europe/Paris"
    alice.patient_profile.save()
    return alice


@pytest.fixture
def client(api_as, parisian):
    return api_as(parisian)


@pytest.fixture
def triptan(parisian):
    medication, _ = services.medication_upsert(
        patient=parisian, name="Sumatriptan", med_class="triptan"
    )
    return medication


def _attack(client, started_at: str, **fields) -> dict:
    body = {"id": str(uuid.uuid4()), "started_at": started_at, "peak_intensity": 5, **fields}
    response = client.post("/api/v1/headaches/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_a_late_entry_from_a_device_at_minus_5_lands_on_the_devices_day(client):
    attack = _attack(client, DEVICE_LATE_EVENING)
    assert attack["start_date"] == "2026-12-05"  # not 6 December, the Paris date
    assert attack["started_at"] == DEVICE_LATE_EVENING  # answered as it was sent
    assert attack["started_offset_min"] == -300


def test_an_edit_without_the_time_keeps_the_devices_day(client):
    attack = _attack(client, DEVICE_LATE_EVENING)
    edited = client.patch(f"/api/v1/headaches/{attack['id']}/", {"peak_intensity": 8}).json()
    assert (edited["start_date"], edited["started_offset_min"]) == ("2026-12-05", -300)


def test_sending_back_what_was_read_keeps_the_day(client):
    attack = _attack(client, DEVICE_LATE_EVENING, ended_at="2026-12-06T01:00:00-05:00")
    url = f"/api/v1/headaches/{attack['id']}/"
    read = client.get(url).json()
    replaced = client.put(url, {**read, "nausea": True}, format="json").json()
    assert (replaced["start_date"], replaced["end_date"]) == ("2026-12-05", "2026-12-05")
    assert replaced["nausea"] is True and replaced["version"] == 2


@pytest.mark.parametrize("utc", ["2026-12-06T04:30:00Z", "2026-12-06T04:30:00+00:00"])
def test_a_time_in_utc_counts_in_the_profile_zone(client, utc):
    attack = _attack(client, utc)  # 05:30 in Paris
    assert (attack["start_date"], attack["started_offset_min"]) == ("2026-12-06", None)
    assert attack["started_at"] == "2026-12-06T04:30:00Z"


def test_a_time_without_an_offset_counts_in_the_profile_zone(client):
    attack = _attack(client, "2026-12-06T04:30:00")
    assert (attack["start_date"], attack["started_offset_min"]) == ("2026-12-06", None)


def test_resending_the_time_in_utc_moves_the_entry_to_the_profile_zones_day(client):
    attack = _attack(client, DEVICE_LATE_EVENING)
    edited = client.patch(
        f"/api/v1/headaches/{attack['id']}/", {"started_at": "2026-12-06T04:30:00Z"}
    ).json()
    assert (edited["start_date"], edited["started_offset_min"]) == ("2026-12-06", None)


@pytest.mark.parametrize("offset", ["-14:01", "+14:30", "+23:59"])
def test_offsets_beyond_14_hours_are_a_field_error(client, triptan, offset):
    body = {"id": str(uuid.uuid4()), "started_at": f"2026-12-05T10:00:00{offset}"}
    response = client.post("/api/v1/headaches/", {**body, "peak_intensity": 5}, format="json")
    assert response.status_code == 400
    assert "started_at" in field_messages(response.json())
    dose = {"id": body["id"], "medication": str(triptan.pk), "taken_at": body["started_at"]}
    response = client.post("/api/v1/doses/", dose, format="json")
    assert response.status_code == 400
    assert "taken_at" in field_messages(response.json())
    assert not HeadacheAttack.objects.exists() and not Dose.objects.exists()


def test_a_dose_taken_late_on_a_trip_counts_for_the_devices_day(client, triptan):
    body = {"id": str(uuid.uuid4()), "medication": str(triptan.pk), "taken_at": DEVICE_LATE_EVENING}
    dose = client.post("/api/v1/doses/", body, format="json").json()
    assert (dose["date"], dose["taken_offset_min"], dose["taken_at"]) == (
        "2026-12-05",
        -300,
        DEVICE_LATE_EVENING,
    )
    edited = client.patch(f"/api/v1/doses/{dose['id']}/", {"relief_2h": "partial"}).json()
    assert (edited["date"], edited["relief_2h"]) == ("2026-12-05", "partial")


def test_a_device_ahead_of_the_profile_zone_may_log_its_own_today(client, triptan, monkeypatch):
    # 02:30 in Paris (still 5 December there), 10:30 on 6 December in Tokyo.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 6, 1, 30, tzinfo=UTC))
    body = {"medication": str(triptan.pk), "taken_at": "2026-12-06T10:00:00+09:00"}
    response = client.post("/api/v1/doses/", {"id": str(uuid.uuid4()), **body}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["date"] == "2026-12-06"


def test_a_new_time_without_a_date_moves_the_dose_to_the_times_day(client, triptan):
    body = {"id": str(uuid.uuid4()), "medication": str(triptan.pk), "taken_at": DEVICE_LATE_EVENING}
    dose = client.post("/api/v1/doses/", body, format="json").json()
    moved = client.patch(
        f"/api/v1/doses/{dose['id']}/", {"taken_at": "2026-12-04T09:00:00-05:00"}
    ).json()
    assert moved["date"] == "2026-12-04"


def test_the_diary_day_endpoint_gives_the_profile_zone_and_its_offset(client):
    body = client.get("/api/v1/diary-day/").json()
    assert (body["diary_day"], body["timezone"], body["utc_offset_min"]) == (
        "2026-12-06",
        "Europe/Paris",
        60,
    )
    assert date.fromisoformat(body["diary_day"]) == date(2026, 12, 6)


def test_a_batched_write_keeps_the_device_offset_like_a_single_one(client):
    key = str(uuid.uuid4())
    operation = {
        "op": "create",
        "resource": "headaches",
        "key": key,
        "data": {"started_at": DEVICE_LATE_EVENING, "peak_intensity": 4},
    }
    response = client.post("/api/v1/sync/batch/", {"operations": [operation]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["results"][0]["status"] == 201
    stored = HeadacheAttack.objects.get(pk=key)
    assert (stored.start_date, stored.started_offset_min) == (date(2026, 12, 5), -300)
