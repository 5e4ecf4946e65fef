"""Brute-force lockout keyed on the normalised e-mail on every path, and what the lockout log
keeps: nothing of a deleted account, nothing past the retention period."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.test import Client
from django.utils import timezone

from accounts import services
from accounts.access import client_ip
from accounts.lockout import lockout_username
from accounts.models import ShareCodeAttempt
from accounts.tasks import purge_lockout_logs

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"


def _web(client, email, password):
    return client.post(LOGIN, {"username": email, "password": password})


def _api(api_client, email, password):
    return api_client.post(TOKEN, {"email": email, "password": password}, format="json")


def test_the_lockout_key_is_the_trimmed_lower_cased_email(rf):
    assert lockout_username(rf.post("/"), {"username": "  Alice@Example.COM "}) == (
        "alice@example.com"
    )
    assert lockout_username(rf.post("/", {"username": "ALICE@example.com"})) == "alice@example.com"


def test_case_variants_of_an_email_share_one_set_of_web_attempts(client, alice, password):
    for email in (
        "alice@example.com",
        "Alice@example.com",
        "ALICE@EXAMPLE.COM",
        "aLiCe@Example.Com",
    ):
        _web(client, email, "wrong")
    _web(client, " alice@example.COM ", "wrong")
    response = _web(client, "Alice@Example.com", password)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"alice@example.com"}


def test_case_variants_share_one_set_of_api_attempts(api_client, alice, password):
    for email in ("alice@example.com", "Alice@example.com", "ALICE@example.com"):
        _api(api_client, email, "wrong")
    _api(api_client, "alicE@example.com", "wrong")
    _api(api_client, "aliCE@example.com", "wrong")
    assert _api(api_client, "ALICE@EXAMPLE.COM", password).status_code == 429


def test_an_account_locked_through_the_api_stays_locked_on_the_web_in_another_case(
    client, api_client, alice, password
):
    for _ in range(5):
        _api(api_client, "alice@example.com", "wrong")
    response = _web(client, "Alice@EXAMPLE.com", password)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_account_locked_on_the_web_stays_locked_on_the_api(client, api_client, alice, password):
    for email in ("ALICE@example.com", "Alice@example.com"):
        for _ in range(3):
            _web(client, email, "wrong")
    assert _api(api_client, "alice@example.com", password).status_code == 429


def test_another_account_is_not_locked_by_failures_on_alice(client, alice, bob, password):
    for _ in range(5):
        _web(client, "ALICE@example.com", "wrong")
    assert _web(client, "bob@example.com", password).status_code == 302


# --- what the lockout log keeps ---------------------------------------------------------------


def _log_rows(email: str) -> int:
    return sum(
        model.objects.filter(username__iexact=email).count()
        for model in (AccessAttempt, AccessFailureLog, AccessLog)
    )


def test_deleting_an_account_deletes_its_lockout_log(client, alice, bob, password):
    _web(client, "alice@example.com", password)  # a successful log-in is logged too
    _web(Client(), "Alice@example.com", "wrong")
    _web(Client(), "bob@example.com", "wrong")
    AccessFailureLog.objects.create(username=" ALICE@example.com", user_agent="old row")
    assert _log_rows("alice@example.com") >= 2
    client.post("/accounts/delete/", {"password": password})
    assert _log_rows("alice@example.com") == 0
    assert not AccessFailureLog.objects.filter(user_agent="old row").exists()
    assert _log_rows("bob@example.com") >= 1


def test_deleting_an_account_through_the_api_deletes_its_lockout_log(api_client, alice, password):
    _api(api_client, "ALICE@example.com", "wrong")
    token = _api(api_client, "alice@example.com", password).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api_client.delete("/api/v1/me/", {"password": password}, format="json")
    assert response.status_code == 204
    assert _log_rows("alice@example.com") == 0


def test_deleting_a_clinician_deletes_their_failed_share_codes(client, dave):
    client.force_login(dave)
    client.post("/clinic/redeem/", {"code": "ZZZZ-ZZZZ-ZZZZ"})
    assert ShareCodeAttempt.objects.filter(clinician=dave).count() == 1
    services.account_delete(user=dave)
    assert not ShareCodeAttempt.objects.exists()


def test_the_purge_task_deletes_lockout_logs_past_the_retention_period(client, alice, dave):
    _web(client, "alice@example.com", "wrong")
    client.force_login(dave)
    client.post("/clinic/redeem/", {"code": "ZZZZ-ZZZZ-ZZZZ"})
    old = timezone.now() - timedelta(days=settings.LOCKOUT_LOG_RETENTION_DAYS, minutes=1)
    AccessFailureLog.objects.create(username="old@example.com", user_agent="ua")
    AccessLog.objects.create(username="old@example.com", user_agent="ua")
    AccessFailureLog.objects.filter(username="old@example.com").update(attempt_time=old)
    AccessLog.objects.filter(username="old@example.com").update(attempt_time=old)
    ShareCodeAttempt.objects.create(code_group="OLD2", at=old)
    assert purge_lockout_logs.delay().get() == 3
    assert _log_rows("old@example.com") == 0
    assert _log_rows("alice@example.com") >= 1
    assert ShareCodeAttempt.objects.filter(clinician=dave).count() == 1


def test_the_purge_runs_daily_from_the_beat_schedule():
    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if "purge_lockout" in e["task"]]
    assert [e["task"] for e in entries] == ["accounts.tasks.purge_lockout_logs"]
    assert settings.LOCKOUT_LOG_RETENTION_DAYS == 30


# --- the client address behind a TLS proxy ----------------------------------------------------


def test_without_a_proxy_a_forged_forwarded_for_header_is_ignored(rf):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="10.9.9.9", REMOTE_ADDR="203.0.113.5")
    assert client_ip(request) == "203.0.113.5"


def test_behind_one_proxy_the_address_it_saw_counts_not_what_the_client_wrote(rf, settings):
    settings.PROXY_COUNT = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7", REMOTE_ADDR="172.18.0.2")
    assert client_ip(request) == "203.0.113.7"
    assert client_ip(rf.get("/", REMOTE_ADDR="172.18.0.2")) == "172.18.0.2"
    garbage = rf.get("/", HTTP_X_FORWARDED_FOR="not-an-address", REMOTE_ADDR="172.18.0.2")
    assert client_ip(garbage) == "172.18.0.2"


def test_behind_a_proxy_one_clients_failures_do_not_lock_out_another(
    client, alice, password, settings
):
    settings.PROXY_COUNT = 1
    for _ in range(5):
        client.post(
            LOGIN,
            {"username": "Alice@example.com", "password": "wrong"},
            HTTP_X_FORWARDED_FOR="203.0.113.66",
        )
    locked = client.post(
        LOGIN,
        {"username": "alice@example.com", "password": password},
        HTTP_X_FORWARDED_FOR="203.0.113.66",
    )
    assert locked.status_code == 429
    other = client.post(
        LOGIN,
        {"username": "alice@example.com", "password": password},
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert other.status_code == 302
