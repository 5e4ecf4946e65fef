"""The web page where a user sees the phones and apps signed in (API tokens) and signs one out;
a new password signs them all out."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken

from accounts import services

pytestmark = pytest.mark.django_db
DEVICES = reverse("accounts:devices")


def _revoke_url(token):
    return reverse("accounts:device_revoke", kwargs={"token_id": token.token_key})


def test_a_patient_sees_their_signed_in_devices_and_not_others(client, alice, bob):
    services.token_create(user=alice, device_name="Alice's Pixel")
    services.token_create(user=bob, device_name="Bob's iPhone")
    client.force_login(alice)
    page = client.get(DEVICES).content.decode()
    assert "Alice&#x27;s Pixel" in page
    assert "Bob" not in page
    assert "Signed-in phones and apps" in client.get(reverse("accounts:profile")).content.decode()


def test_signing_out_a_device_stops_its_token_at_once(client, api_client, alice):
    token, plaintext = services.token_create(user=alice, device_name="lost phone")
    client.force_login(alice)
    response = client.post(_revoke_url(token))
    assert response.status_code == 302 and response["Location"] == DEVICES
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {plaintext}")
    assert api_client.get("/api/v1/me/").status_code == 401
    assert "is signed out" in client.get(DEVICES).content.decode()


def test_a_user_cannot_sign_out_another_users_device(client, alice, bob):
    token, _ = services.token_create(user=bob, device_name="Bob's iPhone")
    client.force_login(alice)
    client.post(_revoke_url(token))
    assert AuthToken.objects.filter(pk=token.pk).exists()


def test_signing_out_needs_a_post_with_csrf(alice):
    token, _ = services.token_create(user=alice)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert strict.get(_revoke_url(token)).status_code == 405
    assert strict.post(_revoke_url(token)).status_code == 403
    assert AuthToken.objects.filter(pk=token.pk).exists()


def test_the_devices_page_needs_login(client):
    response = client.get(DEVICES)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


NEW_PASSWORD = "amber-lantern-river-42"


def test_changing_the_password_signs_out_every_device(client, alice, bob, password):
    services.token_create(user=alice, device_name="stolen phone")
    services.token_create(user=bob, device_name="Bob's iPhone")
    client.force_login(alice)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert not AuthToken.objects.filter(user=alice).exists()
    assert AuthToken.objects.filter(user=bob).count() == 1
    assert "_auth_user_id" in client.session  # this browser stays signed in


def test_a_wrong_old_password_signs_out_nothing(client, alice):
    services.token_create(user=alice, device_name="phone")
    client.force_login(alice)
    client.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert AuthToken.objects.filter(user=alice).count() == 1


def test_resetting_the_password_signs_out_every_device(client, alice):
    services.token_create(user=alice, device_name="stolen phone")
    client.post(reverse("accounts:password_reset"), {"email": "alice@example.com"})
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert not AuthToken.objects.filter(user=alice).exists()
