from unittest import mock

from django.db import OperationalError


def test_health_check_answers_ok_when_the_database_is_up(client, db):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_check_answers_503_when_the_database_is_down(client, db):
    from django.db.backends.utils import CursorWrapper

    with mock.patch.object(CursorWrapper, "execute", side_effect=OperationalError("refused")):
        response = client.get("/healthz/")
    assert response.status_code == 503


def test_oversized_api_body_answers_413_json(client, db):
    response = client.post(
        "/api/v1/auth/token/",
        data="x" * (3 * 1024 * 1024),
        content_type="application/json",
    )
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]


def test_security_headers_are_set(client, db):
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_html_is_compressed_for_clients_that_accept_gzip(client, db):
    response = client.get("/accounts/signup/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"


def test_an_api_read_that_loses_the_database_answers_a_503_problem(client, db, alice):
    from config.api_views import PingView

    client.force_login(alice)
    with mock.patch.object(PingView, "get", side_effect=OperationalError("server closed")):
        response = client.get("/api/v1/ping/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["type"] == "urn:flaremap:problem:service_unavailable"
