"""Web sign-up, log in/out, password change and reset, brute-force lockout."""

import re

import pytest
from django.core import mail

from accounts.models import User

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "amber-lantern-river-42"


def _signup(client, **overrides):
    data = {
        "email": "new@example.com",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
        "timezone": "Europe/Paris",
        "consent": "on",
    }
    data.update(overrides)
    return client.post("/accounts/signup/", data)


def test_patient_signup_creates_account_with_profile_and_logs_in(client):
    response = _signup(client)
    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert user.is_patient
    assert user.patient_profile.timezone == "Europe/Paris"
    assert user.password.startswith("md5$") or user.has_usable_password()
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signup_keeps_usual_sleep_times_when_given(client):
    _signup(client, usual_bedtime="22:15", usual_wake_time="06:30")
    profile = User.objects.get(email="new@example.com").patient_profile
    assert (str(profile.usual_bedtime), str(profile.usual_wake_time)) == ("22:15:00", "06:30:00")


def test_signup_rejects_a_malformed_email(client):
    response = _signup(client, email="not-an-email")
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert not User.objects.exists()


def test_signup_rejects_a_weak_password(client):
    response = _signup(client, password1="12345678", password2="12345678")
    body = response.content.decode()
    assert response.status_code == 200
    assert "too short" in body or "too common" in body
    assert not User.objects.exists()


def test_signup_rejects_mismatched_passwords(client):
    response = _signup(client, password2=GOOD_PASSWORD + "x")
    assert "The two passwords do not match." in response.content.decode()


def test_signup_rejects_a_duplicate_email_case_insensitively(client, alice):
    response = _signup(client, email="ALICE@example.com")
    assert "An account with this email already exists" in response.content.decode()
    assert User.objects.filter(email__iexact="alice@example.com").count() == 1


def test_clinician_signup_creates_a_clinician_profile(client):
    response = client.post(
        "/accounts/signup/clinician/",
        {
            "email": "doc@example.com",
            "password1": GOOD_PASSWORD,
            "password2": GOOD_PASSWORD,
            "name": "Dr Ada Lovelace",
            "organisation": "Analytical Clinic",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="doc@example.com")
    assert user.is_clinician
    assert user.clinician_profile.name == "Dr Ada Lovelace"


def test_login_with_email_and_logout(client, alice, password):
    response = client.post(
        "/accounts/login/", {"username": "alice@example.com", "password": password}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_login_with_a_wrong_password_shows_an_error(client, alice):
    response = client.post(
        "/accounts/login/", {"username": "alice@example.com", "password": "nope"}
    )
    assert response.status_code == 200
    assert "Please enter a correct email and password" in response.content.decode()


def test_login_locks_out_after_five_failures_even_with_the_right_password(client, alice, password):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "alice@example.com", "password": "wrong"})
    response = client.post(
        "/accounts/login/", {"username": "alice@example.com", "password": password}
    )
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_change_requires_the_old_password(client, alice, password):
    client.force_login(alice)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": password, "new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(GOOD_PASSWORD)


def test_password_reset_sends_a_working_link(client, alice):
    response = client.post("/accounts/password/reset/", {"email": "alice@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(GOOD_PASSWORD)


def test_password_reset_does_not_reveal_whether_an_email_exists(client, alice):
    known = client.post("/accounts/password/reset/", {"email": "alice@example.com"})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1


def test_pages_require_login(client):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_patient_can_edit_profile_with_validation(client, alice):
    client.force_login(alice)
    response = client.post(
        "/accounts/profile/",
        {
            "timezone": "Not/AZone",
            "year_of_birth": "1850",
            "sex": "female",
            "diagnoses": "",
            "family_history_migraine": "first_degree",
            "family_history_chronic_pain": "no",
            "usual_bedtime": "23:00",
            "usual_wake_time": "07:00",
            "reminder_time": "20:00",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in body
    assert "Enter a year between 1900" in body


def test_delete_account_removes_the_user_after_password_confirmation(client, alice, password):
    client.force_login(alice)
    response = client.post("/accounts/delete/", {"password": "wrong"})
    assert "That password is not correct." in response.content.decode()
    response = client.post("/accounts/delete/", {"password": password})
    assert response.status_code == 302
    assert not User.objects.filter(pk=alice.pk).exists()


def test_patient_gives_a_name_and_date_of_birth_for_the_report(client, alice):
    client.force_login(alice)
    fields = {
        "timezone": "Europe/London",
        "full_name": "Alice Example",
        "date_of_birth": "2999-01-01",
        "sex": "female",
        "diagnoses": "",
        "family_history_migraine": "no",
        "family_history_chronic_pain": "no",
        "usual_bedtime": "23:00",
        "usual_wake_time": "07:00",
        "reminder_time": "20:00",
    }
    response = client.post("/accounts/profile/", fields)
    assert "Enter a date of birth between 1900 and today." in response.content.decode()
    client.post("/accounts/profile/", {**fields, "date_of_birth": "1985-03-01"})
    alice.patient_profile.refresh_from_db()
    assert alice.patient_profile.full_name == "Alice Example"
    assert str(alice.patient_profile.date_of_birth) == "1985-03-01"
