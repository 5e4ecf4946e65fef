"""Security properties that cut across apps: admin access, MFA readiness, CSRF, cookies."""

import subprocess
import sys
import textwrap

import pytest
from django.test import Client

from tests.test_settings import ROOT

pytestmark = pytest.mark.django_db


def test_the_admin_is_closed_to_patients_and_clinicians(client, alice, carol):
    for user in (alice, carol):
        client.force_login(user)
        response = client.get("/admin/")
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def test_the_admin_opens_for_staff(client, django_user_model):
    staff = django_user_model.objects.create_superuser(email="root@example.com", password="x")
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


def test_access_log_is_read_only_in_the_admin(client, django_user_model):
    staff = django_user_model.objects.create_superuser(email="root@example.com", password="x")
    client.force_login(staff)
    assert client.get("/admin/accounts/accessevent/add/").status_code == 403


def test_forms_are_csrf_protected(alice, password):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"username": alice.email, "password": password})
    assert response.status_code == 403


def test_session_and_csrf_cookies_are_http_only(client, alice, password):
    client.get("/accounts/login/")
    assert client.cookies["csrftoken"]["httponly"]
    client.post("/accounts/login/", {"username": alice.email, "password": password})
    assert client.cookies["sessionid"]["httponly"]
    assert client.cookies["sessionid"]["samesite"] == "Lax"


MFA_PROBE = textwrap.dedent(
    """
    import django, os
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from django.test import Client
    from accounts.models import User
    staff = User.objects.create_superuser(email="root@example.com", password="pw-123-long-enough")
    client = Client()
    client.force_login(staff)
    response = client.get("/admin/")
    print(response.status_code, response.get("Location", ""))
    """
)


def test_admin_requires_a_one_time_password_when_mfa_is_switched_on(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'mfa.sqlite3'}",
        "ADMIN_REQUIRE_MFA": "1",
        "TESTING": "1",
    }
    result = subprocess.run(
        [sys.executable, "-c", MFA_PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    status, location = result.stdout.split()[-2:]
    assert status == "302" and "/admin/login/" in location


# --- response headers ---------------------------------------------------------------------------

HEALTH_DATA_PATHS = [
    "/api/v1/me/",
    "/api/v1/days/",
    "/api/v1/export/csv/",
    "/api/v1/export/fhir/",
    "/api/v1/export/report-pdf/",
    "/diary/export.csv",
    "/diary/today/",
    "/clinic/patients/{alice}/report/",
    "/clinic/patients/{alice}/report.pdf",
    "/clinic/patients/{alice}/fhir/",
]


@pytest.mark.parametrize("path", HEALTH_DATA_PATHS)
def test_health_data_is_never_stored_by_a_cache(client, alice, path):
    client.force_login(alice)
    response = client.get(path.format(alice=alice.pk))
    assert response.status_code in (200, 503), response.status_code  # 503: no PDF engine here
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives
    assert "public" not in directives


def test_a_clinicians_report_and_exports_are_never_stored(client, alice, carol):
    client.force_login(carol)
    for path in ("report/", "fhir/", "report.pdf"):
        response = client.get(f"/clinic/patients/{alice.pk}/{path}")
        assert {"no-store", "private"} <= set(response["Cache-Control"].replace(" ", "").split(","))


def test_errors_and_lockouts_are_not_stored_either(client, api_client, alice):
    assert "no-store" in api_client.get("/api/v1/me/")["Cache-Control"]  # 401
    for _ in range(6):
        response = client.post("/accounts/login/", {"username": alice.email, "password": "x"})
    assert response.status_code == 429
    assert "no-store" in response["Cache-Control"]


def test_static_files_keep_their_long_cache_lifetime(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/v1/me/", "/diary/today/"])
def test_every_page_sends_the_security_headers(client, alice, path):
    client.force_login(alice)
    response = client.get(path, secure=True)
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp and "unsafe-inline" not in csp


def test_the_threat_model_names_only_tests_that_exist():
    import re

    text = (ROOT / "docs" / "security.md").read_text()
    named = re.findall(r"`(tests/[\w/]+\.py)::(test_\w+)`", text)
    assert len(named) >= 30
    missing = [
        f"{path}::{name}"
        for path, name in named
        if not re.search(rf"^def {name}\(", (ROOT / path).read_text(), re.MULTILINE)
    ]
    assert missing == []
