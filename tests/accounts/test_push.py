"""Web Push (accounts.push, /api/v1/push-subscriptions/, /sw.js): a real pywebpush send to a
local push service, which checks the VAPID signature and decrypts the message (RFC 8291)."""

import io
import os
import stat
import time

import http_ece
import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts import push, services
from accounts.models import PushSubscription
from tests.push_service import Browser, vapid_claims

API = "/api/v1/push-subscriptions/"
pytestmark = pytest.mark.django_db


def subscribe(api_as, user, endpoint, browser=None):
    browser = browser or Browser()
    return api_as(user).post(API, browser.subscription(endpoint), format="json"), browser


def test_a_message_reaches_the_browser_signed_and_readable_only_with_its_keys(
    api_as, alice, vapid_keys, push_receiver, settings
):
    response, browser = subscribe(api_as, alice, push_receiver.endpoint("alice-phone"))
    assert response.status_code == 201
    payload = {"title": "Time for today's check-in", "link": "https://flaremap.example/x/"}

    assert push.notify(alice, payload, ttl=600) == 1

    [delivery] = push_receiver.deliveries
    assert delivery.path == "/push/alice-phone"
    assert delivery.headers["Content-Encoding"] == "aes128gcm"
    assert delivery.headers["TTL"] == "600"
    claims = vapid_claims(delivery.headers["Authorization"], public_key=vapid_keys)
    assert claims["aud"] == push_receiver.origin
    assert claims["sub"] == settings.VAPID_SUBJECT
    assert claims["exp"] > time.time()
    assert browser.decrypt(delivery.body) == payload
    assert b"check-in" not in delivery.body  # encrypted on the wire
    with pytest.raises(http_ece.ECEException):  # another browser's keys cannot read it
        Browser().decrypt(delivery.body)
    assert PushSubscription.objects.get(user=alice).last_success_at is not None


@pytest.mark.parametrize("status", [404, 410])
def test_a_subscription_the_push_service_forgot_is_deleted(
    api_as, alice, vapid_keys, push_receiver, status
):
    subscribe(api_as, alice, push_receiver.endpoint("gone"))
    push_receiver.status = status
    assert push.notify(alice, {"title": "t", "link": "/"}, ttl=60) == 0
    assert not PushSubscription.objects.filter(user=alice).exists()


def test_a_push_service_error_is_counted_and_the_subscription_kept(
    api_as, alice, vapid_keys, push_receiver
):
    subscribe(api_as, alice, push_receiver.endpoint("flaky"))
    push_receiver.status = 503
    assert push.notify(alice, {"title": "t", "link": "/"}, ttl=60) == 0
    assert PushSubscription.objects.get(user=alice).failure_count == 1


def test_an_unreachable_push_service_counts_as_a_failure(api_as, alice, vapid_keys, push_receiver):
    subscribe(api_as, alice, push_receiver.endpoint("down"))
    push_receiver.close()
    assert push.notify(alice, {"title": "t", "link": "/"}, ttl=60) == 0
    assert PushSubscription.objects.get(user=alice).failure_count == 1


def test_a_browser_failing_ten_times_in_a_row_is_given_up(api_as, alice, vapid_keys, push_receiver):
    subscribe(api_as, alice, push_receiver.endpoint("stale"))
    PushSubscription.objects.filter(user=alice).update(failure_count=push.MAX_FAILURES_IN_A_ROW - 2)
    push_receiver.status = 503
    push.notify(alice, {"title": "t", "link": "/"}, ttl=60)
    assert PushSubscription.objects.get(user=alice).failure_count == push.MAX_FAILURES_IN_A_ROW - 1
    push.notify(alice, {"title": "t", "link": "/"}, ttl=60)
    assert not PushSubscription.objects.filter(user=alice).exists()


def test_without_a_vapid_key_push_is_off(api_as, alice, settings, push_receiver):
    settings.VAPID_PRIVATE_KEY = settings.VAPID_LOCAL_KEY_FILE = ""
    push.vapid.cache_clear()
    subscribe(api_as, alice, push_receiver.endpoint("x"))
    assert push.public_key() == ""
    assert push.notify(alice, {"title": "t", "link": "/"}, ttl=60) == 0
    assert push_receiver.deliveries == []


def test_a_local_run_generates_one_key_pair_and_keeps_it_private(settings, tmp_path):
    settings.VAPID_PRIVATE_KEY = settings.VAPID_PUBLIC_KEY = ""
    settings.VAPID_LOCAL_KEY_FILE = str(tmp_path / "vapid.pem")
    push.vapid.cache_clear()
    first = push.public_key()
    push.vapid.cache_clear()
    assert push.public_key() == first and len(push.b64url_decode(first)) == 65
    assert stat.S_IMODE(os.stat(settings.VAPID_LOCAL_KEY_FILE).st_mode) == 0o600
    push.vapid.cache_clear()


def test_a_public_key_that_does_not_match_the_private_key_is_refused(settings, vapid_keys):
    settings.VAPID_PUBLIC_KEY = Browser().p256dh
    push.vapid.cache_clear()
    with pytest.raises(ValueError, match="does not belong"):
        push.public_key()


# --- the API ------------------------------------------------------------------------------------


def test_the_page_learns_the_public_key_and_its_own_devices(api_as, alice, bob, vapid_keys):
    subscribe(api_as, bob, "https://push.example.net/bob")
    subscribe(api_as, alice, "https://fcm.googleapis.com/fcm/send/alice")
    body = api_as(alice).get(API).json()
    assert body["vapid_public_key"] == vapid_keys
    assert [row["endpoint"] for row in body["subscriptions"]] == [
        "https://fcm.googleapis.com/fcm/send/alice"
    ]


def test_subscribing_again_refreshes_the_keys(api_as, alice):
    endpoint = "https://updates.push.services.mozilla.com/wpush/v2/abc"
    subscribe(api_as, alice, endpoint)
    newer = Browser()
    response, _ = subscribe(api_as, alice, endpoint, newer)
    assert response.status_code == 200
    assert PushSubscription.objects.get(endpoint=endpoint).p256dh == newer.p256dh


def test_a_user_agent_label_defaults_to_the_browsers(api_as, alice):
    client = api_as(alice)
    client.credentials(HTTP_USER_AGENT="Mozilla/5.0 (iPhone)")
    client.post(API, Browser().subscription("https://web.push.apple.com/x"), format="json")
    assert PushSubscription.objects.get(user=alice).user_agent == "Mozilla/5.0 (iPhone)"


@pytest.mark.parametrize(
    ("endpoint", "message"),
    [
        ("http://push.example.net/x", "https://"),
        ("ftp://push.example.net/x", "https://"),
        ("https://127.0.0.1/x", "on the internet"),
        ("https://10.0.0.5/x", "on the internet"),
        ("https://localhost/x", "on the internet"),
        ("https://[::1]/x", "on the internet"),
        ("https://user:pw@push.example.net/x", "https://"),
        ("https://push.example.net/" + "x" * 2100, "2048"),
    ],
)
def test_an_endpoint_we_should_not_post_to_is_refused(api_as, alice, endpoint, message):
    response, _ = subscribe(api_as, alice, endpoint)
    assert response.status_code == 400
    assert message in response.json()["endpoint"][0]


def test_plain_http_to_127_0_0_1_only_for_local_runs(api_as, alice, settings):
    settings.LOCAL_HTTP = False
    response, _ = subscribe(api_as, alice, "http://127.0.0.1:9/push/x")
    assert response.status_code == 400
    settings.LOCAL_HTTP = True
    response, _ = subscribe(api_as, alice, "http://127.0.0.1:9/push/x")
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("keys", "field", "message"),
    [
        ({"p256dh": Browser().p256dh[:-4]}, "p256dh", "65 bytes"),
        ({"p256dh": push.b64url(b"\x04" + b"\x01" * 64)}, "p256dh", "not a P-256"),
        ({"p256dh": "not base64!"}, "p256dh", "base64url"),
        ({"p256dh": "A"}, "p256dh", "base64url"),
        ({"auth": "AAAAA="}, "auth", "base64url"),
        ({"auth": push.b64url(os.urandom(12))}, "auth", "16 bytes"),
        ({"auth": ""}, "auth", "blank"),
    ],
)
def test_keys_of_the_wrong_kind_or_length_are_refused(api_as, alice, keys, field, message):
    body = Browser().subscription("https://push.example.net/x")
    body["keys"].update(keys)
    response = api_as(alice).post(API, body, format="json")
    assert response.status_code == 400
    assert message in response.json()["keys"][field][0]


def test_missing_fields_answer_400_with_field_errors(api_as, alice):
    response = api_as(alice).post(API, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"endpoint", "keys"}


def test_anonymous_and_clinicians_cannot_register(api_as, carol):
    body = Browser().subscription("https://push.example.net/x")
    assert api_as(None).post(API, body, format="json").status_code == 401
    assert api_as(carol).post(API, body, format="json").status_code == 403
    assert api_as(carol).get(API).status_code == 403


def test_a_patient_cannot_remove_another_patients_browser(api_as, alice, bob):
    endpoint = "https://push.example.net/alice"
    subscribe(api_as, alice, endpoint)
    assert api_as(bob).delete(API, {"endpoint": endpoint}, format="json").status_code == 404
    assert PushSubscription.objects.filter(user=alice).exists()
    assert api_as(alice).delete(API, {"endpoint": endpoint}, format="json").status_code == 204
    assert not PushSubscription.objects.exists()


def test_a_browser_subscribed_by_another_account_now_belongs_to_the_new_one(api_as, alice, bob):
    endpoint = "https://push.example.net/shared-laptop"
    subscribe(api_as, alice, endpoint)
    subscribe(api_as, bob, endpoint)
    assert PushSubscription.objects.get(endpoint=endpoint).user == bob


def test_deleting_the_account_removes_its_subscriptions(api_as, alice, bob):
    subscribe(api_as, alice, "https://push.example.net/a1")
    subscribe(api_as, alice, "https://push.example.net/a2")
    subscribe(api_as, bob, "https://push.example.net/b")
    services.account_delete(user=alice)
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [
        "https://push.example.net/b"
    ]


# --- the service worker and the page -------------------------------------------------------------


def test_the_service_worker_is_served_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    assert 'addEventListener("push"' in body and "openWindow" in body


def test_the_notifications_page_offers_the_device_button_with_the_key(client, alice, vapid_keys):
    client.force_login(alice)
    html = client.get(reverse("accounts:notifications")).content.decode()
    assert f'data-vapid-key="{vapid_keys}"' in html
    assert "Turn on notifications on this device" in html
    assert "js/push.js" in html


def test_quiet_hours_and_reminder_kinds_are_saved_from_the_page(client, alice):
    client.force_login(alice)
    fields = {
        "reminder_enabled": "on",
        "reminder_time": "20:30",
        "remind_follow_ups": "on",
        "quiet_hours_start": "22:00",
        "quiet_hours_end": "07:00",
    }
    assert client.post(reverse("accounts:notifications"), fields).status_code == 302
    profile = alice.patient_profile
    profile.refresh_from_db()
    assert (profile.remind_follow_ups, profile.remind_questionnaires) == (True, False)
    assert (str(profile.quiet_hours_start), str(profile.quiet_hours_end)) == (
        "22:00:00",
        "07:00:00",
    )


def test_quiet_hours_need_both_ends(client, alice):
    client.force_login(alice)
    fields = {"reminder_time": "20:00", "quiet_hours_start": "22:00"}
    response = client.post(reverse("accounts:notifications"), fields)
    assert "Give both ends of the quiet hours" in response.content.decode()


def test_quiet_hours_are_in_the_profile_api(api_as, alice):
    client = api_as(alice)
    body = {"patient_profile": {"quiet_hours_start": "21:30", "quiet_hours_end": "06:45"}}
    response = client.patch("/api/v1/me/", body, format="json")
    assert response.status_code == 200
    profile = response.json()["patient_profile"]
    assert (profile["quiet_hours_start"], profile["quiet_hours_end"]) == ("21:30:00", "06:45:00")
    half = {"patient_profile": {"quiet_hours_start": None, "quiet_hours_end": "06:45"}}
    assert client.patch("/api/v1/me/", half, format="json").status_code == 400


def test_the_key_generating_command_prints_a_matching_pair(settings):
    out = io.StringIO()
    call_command("generate_vapid_keys", stdout=out)
    env = dict(line.split("=", 1) for line in out.getvalue().split())
    settings.VAPID_PRIVATE_KEY, settings.VAPID_PUBLIC_KEY = (
        env["VAPID_PRIVATE_KEY"],
        env["VAPID_PUBLIC_KEY"],
    )
    push.vapid.cache_clear()
    assert push.public_key() == env["VAPID_PUBLIC_KEY"]
    push.vapid.cache_clear()


@pytest.mark.parametrize(
    ("quiet", "reminder", "refused"),
    [
        (("22:00", "07:00"), "23:30", True),  # spans midnight, before it
        (("22:00", "07:00"), "06:59", True),  # spans midnight, after it
        (("22:00", "07:00"), "07:00", False),  # the end is not quiet
        (("13:00", "15:00"), "14:00", True),
        (("13:00", "15:00"), "20:00", False),
    ],
)
def test_a_reminder_time_inside_the_quiet_hours_is_refused(client, alice, quiet, reminder, refused):
    """It would wait for the quiet hours and, past its 3-hour window, never be sent."""
    client.force_login(alice)
    fields = {
        "reminder_enabled": "on",
        "reminder_time": reminder,
        "quiet_hours_start": quiet[0],
        "quiet_hours_end": quiet[1],
    }
    response = client.post(reverse("accounts:notifications"), fields)
    assert (response.status_code == 200) is refused
    if refused:
        assert "inside your quiet hours" in response.content.decode()
    alice.patient_profile.refresh_from_db()
    assert alice.patient_profile.reminder_enabled is not refused


def test_the_profile_api_refuses_a_reminder_inside_the_quiet_hours(api_as, alice):
    body = {
        "patient_profile": {
            "reminder_enabled": True,
            "reminder_time": "23:00",
            "quiet_hours_start": "22:00",
            "quiet_hours_end": "07:00",
        }
    }
    response = api_as(alice).patch("/api/v1/me/", body, format="json")
    assert response.status_code == 400
    assert "inside your quiet hours" in str(response.json())
    body["patient_profile"]["reminder_enabled"] = False  # no reminder: nothing to lose
    assert api_as(alice).patch("/api/v1/me/", body, format="json").status_code == 200
