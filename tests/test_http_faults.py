"""Faults that only show up in the production shape: real gunicorn on PostgreSQL, a REDIS_URL
that points at nothing, and request bodies sent chunked (no Content-Length)."""

from datetime import timedelta

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.db import connection
from knox.models import AuthToken

from diary.days import patient_today
from diary.models import Day
from insights.models import AnalysisState
from tests.factories import PatientFactory
from tests.servers import Gunicorn

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
DEAD_REDIS = "redis://127.0.0.1:6399/0"  # nothing listens here
PASSWORD = "a-long-test-password-1"


@pytest.fixture
def server():
    if connection.vendor != "postgresql":
        pytest.skip("gunicorn reads the test database through DATABASE_URL (PostgreSQL)")
    gunicorn = Gunicorn(REDIS_URL=DEAD_REDIS)
    yield gunicorn
    gunicorn.stop()


@pytest.fixture
def patient():
    patient = PatientFactory(email="dana@example.com")
    # The server runs the production hashers, not the tests' fast MD5.
    patient.password = make_password(PASSWORD, hasher=PBKDF2PasswordHasher())
    patient.save()
    return patient


def _auth(patient) -> dict:
    return {"Authorization": f"Token {AuthToken.objects.create(patient)[1]}"}


def test_diary_writes_and_login_succeed_while_redis_is_unreachable(server, patient):
    day = patient_today(patient) - timedelta(days=1)
    headers = _auth(patient)

    status, body, _ = server.request(
        "PUT", f"/api/v1/days/{day}/", {"stress": 6, "headache": True}, headers=headers
    )
    assert status == 201, body
    assert Day.objects.get(patient=patient, date=day).stress == 6

    operations = [
        {"op": "upsert", "resource": "days", "key": str(day - timedelta(days=k)), "data": {}}
        for k in (1, 2)
    ]
    operations[0]["data"] = {"stress": 2}
    operations[1]["data"] = {"stress": 3}
    status, body, _ = server.request(
        "POST", "/api/v1/sync/batch/", {"operations": operations}, headers=headers
    )
    assert status == 200, body
    assert [item["status"] for item in body["results"]] == [201, 201]
    assert Day.objects.filter(patient=patient).count() == 3

    status, body, _ = server.request(
        "POST", "/api/v1/auth/token/", {"email": patient.email, "password": PASSWORD}
    )
    assert status == 201, body
    assert body["token"]

    state = AnalysisState.objects.get(patient=patient)
    assert state.data_changed_at is not None
    assert state.computed_at is None or state.computed_at < state.data_changed_at  # caught up later
    assert "cache unavailable" in server.stop()  # the skipped limit is logged


def test_a_chunked_body_is_refused_and_never_read_as_empty(server, patient):
    day = patient_today(patient) - timedelta(days=1)
    headers = _auth(patient)
    assert server.request("PUT", f"/api/v1/days/{day}/", {"stress": 7}, headers=headers)[0] == 201

    status, body, _ = server.request(
        "PUT", f"/api/v1/days/{day}/", {"stress": 1}, headers=headers, chunked=True
    )
    assert status == 411
    assert "Content-Length" in body["detail"]
    stored = Day.objects.get(patient=patient, date=day)
    assert (stored.stress, stored.version) == (7, 1)  # neither wiped nor changed
