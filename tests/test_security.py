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
