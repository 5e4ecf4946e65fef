"""``me`` (profile, time zone, account deletion), ``shares`` and the patient's ``access-log``."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AccessEvent, PatientProfile, Share, User
from diary.models import Day
from tests.api.conftest import field_messages

pytestmark = pytest.mark.django_db


# --- me -----------------------------------------------------------------------------------------


def test_me_shows_the_patient_profile_and_no_clinician_profile(api_as, alice):
    me = api_as(alice).get("/api/v1/me/").json()
    assert (me["id"], me["email"], me["role"]) == (alice.pk, "alice@example.com", "patient")
    assert me["patient_profile"]["timezone"] == "Europe/London"
    assert me["clinician_profile"] is None


def test_a_clinician_sees_and_edits_their_clinician_profile(api_as, carol):
    response = api_as(carol).patch(
        "/api/v1/me/", {"clinician_profile": {"organisation": "Pain Centre"}}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["clinician_profile"]["organisation"] == "Pain Centre"
    assert response.json()["patient_profile"] is None


def test_a_patient_changes_the_timezone_and_only_what_is_sent(api_as, alice):
    response = api_as(alice).patch(
        "/api/v1/me/", {"patient_profile": {"timezone": "America/New_York"}}, format="json"
    )
    assert response.status_code == 200
    profile = PatientProfile.objects.get(user=alice)
    assert (profile.timezone, profile.usual_bedtime.hour) == ("America/New_York", 23)


@pytest.mark.parametrize(
    ("profile", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"year_of_birth": 1850}, "year_of_birth"),
        ({"year_of_birth": timezone.now().year + 1}, "year_of_birth"),
        ({"sex": "other"}, "sex"),
        ({"usual_bedtime": "late"}, "usual_bedtime"),
    ],
)
def test_bad_profile_values_are_nested_field_errors(api_as, alice, profile, field):
    response = api_as(alice).patch("/api/v1/me/", {"patient_profile": profile}, format="json")
    assert response.status_code == 400
    assert field in response.json()["patient_profile"]


def test_a_clinician_cannot_send_a_patient_profile(api_as, carol):
    response = api_as(carol).patch(
        "/api/v1/me/", {"patient_profile": {"timezone": "UTC"}}, format="json"
    )
    assert response.status_code == 400
    assert "patient_profile" in response.json()


def test_deleting_the_account_needs_the_password(api_as, alice, password):
    response = api_as(alice).delete("/api/v1/me/", {"password": "wrong"}, format="json")
    assert response.status_code == 400
    assert field_messages(response.json()) == {"password": ["That password is not correct."]}
    assert api_as(alice).delete("/api/v1/me/", {}, format="json").status_code == 400
    assert User.objects.filter(pk=alice.pk).exists()


def test_deleting_the_account_removes_the_diary_revokes_shares_and_keeps_the_audit(
    token_client, alice, carol, alice_diary, password
):
    api_as_carol = token_client(carol)
    api_as_carol.get(f"/api/v1/days/?patient={alice.pk}")
    client = token_client(alice)
    assert client.delete("/api/v1/me/", {"password": password}, format="json").status_code == 204
    assert not User.objects.filter(pk=alice.pk).exists()
    assert not Day.objects.exists()
    assert client.get("/api/v1/me/").status_code == 401, "the token died with the account"
    assert AccessEvent.objects.filter(actor=carol, patient__isnull=True).count() == 1


# --- shares -------------------------------------------------------------------------------------


def test_a_patient_creates_an_invitation_with_scopes_and_an_end_date(api_as, alice):
    ends = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = api_as(alice).post(
        "/api/v1/shares/", {"scope_notes": True, "ends_on": ends}, format="json"
    )
    assert response.status_code == 201
    share = response.json()
    assert (share["status"], share["scope_diary"], share["scope_notes"]) == ("pending", True, True)
    assert share["ends_on"] == ends
    assert share["invite_url"].endswith(f"?code={share['code']}")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scope_diary": False, "scope_insights": False}, "non_field_errors"),
        ({"ends_on": "2000-01-01"}, "ends_on"),
        ({"scope_notes": "maybe"}, "scope_notes"),
    ],
)
def test_bad_invitations_are_field_errors(api_as, alice, body, field):
    response = api_as(alice).post("/api/v1/shares/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_a_clinician_redeems_a_code_and_can_then_read_the_patient(api_as, alice, dave):
    code = api_as(alice).post("/api/v1/shares/", {}, format="json").json()["code"]
    redeemed = api_as(dave).post("/api/v1/shares/redeem/", {"code": code.lower()}, format="json")
    assert redeemed.status_code == 201
    assert (redeemed.json()["status"], redeemed.json()["patient"]) == ("active", alice.pk)
    assert api_as(dave).get(f"/api/v1/days/?patient={alice.pk}").status_code == 200
    listed = api_as(dave).get("/api/v1/shares/").json()["results"]
    assert [s["patient_email"] for s in listed] == ["alice@example.com"]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda share: None, "already been used"),
        (
            lambda share: Share.objects.filter(pk=share.pk).update(revoked_at=timezone.now()),
            "withdrawn",
        ),
        (
            lambda share: Share.objects.filter(pk=share.pk).update(
                created_at=timezone.now() - timedelta(days=30),
                invite_expires_at=timezone.now() - timedelta(days=1),
            ),
            "expired",
        ),
    ],
)
def test_used_withdrawn_or_expired_codes_are_refused_with_a_clear_message(
    api_as, alice, carol, dave, setup, message
):
    share = Share.objects.create(patient=alice)
    if message == "already been used":
        api_as(carol).post("/api/v1/shares/redeem/", {"code": share.code}, format="json")
    else:
        setup(share)
    response = api_as(dave).post("/api/v1/shares/redeem/", {"code": share.code}, format="json")
    assert response.status_code == 400
    assert message in response.json()["code"][0]


def test_an_unknown_code_is_refused_and_a_patient_cannot_redeem(api_as, alice, bob, dave):
    response = api_as(dave).post("/api/v1/shares/redeem/", {"code": "NOPE1234"}, format="json")
    assert response.status_code == 400
    code = Share.objects.create(patient=alice).code
    assert (
        api_as(bob).post("/api/v1/shares/redeem/", {"code": code}, format="json").status_code == 403
    )


def test_revoking_stops_reads_at_once_even_for_existing_tokens(token_client, alice, carol):
    share = Share.objects.get(patient=alice, clinician=carol)
    clinician = token_client(carol)
    assert clinician.get(f"/api/v1/days/?patient={alice.pk}").status_code == 200
    revoked = token_client(alice).post(f"/api/v1/shares/{share.pk}/revoke/")
    assert (revoked.status_code, revoked.json()["status"]) == (200, "revoked")
    assert clinician.get(f"/api/v1/days/?patient={alice.pk}").status_code == 404


def test_revoking_twice_keeps_the_first_revocation_time(api_as, alice, carol):
    share = Share.objects.get(patient=alice, clinician=carol)
    first = api_as(alice).post(f"/api/v1/shares/{share.pk}/revoke/").json()["revoked_at"]
    second = api_as(alice).post(f"/api/v1/shares/{share.pk}/revoke/").json()["revoked_at"]
    assert first == second


@pytest.mark.parametrize("share_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_unknown_share_ids_are_not_found(api_as, alice, share_id):
    assert api_as(alice).get(f"/api/v1/shares/{share_id}/").status_code == 404
    assert api_as(alice).post(f"/api/v1/shares/{share_id}/revoke/").status_code == 404


# --- access log ---------------------------------------------------------------------------------


def test_the_access_log_lists_every_clinician_read_newest_first(api_as, alice, carol, alice_diary):
    reader = api_as(carol)
    reader.get(f"/api/v1/days/?patient={alice.pk}")
    reader.get(f"/api/v1/headaches/{alice_diary.key('headaches')}/?patient={alice.pk}")
    api_as(alice).get("/api/v1/days/")  # the patient's own reads are not logged
    log = api_as(alice).get("/api/v1/access-log/").json()["results"]
    assert [event["action"] for event in log] == ["api.headaches.read", "api.days.list"]
    assert log[0]["actor_label"] == carol.clinician_profile.name


def test_the_access_log_is_read_only(api_as, alice):
    for method in ("post", "put", "patch", "delete"):
        assert getattr(api_as(alice), method)("/api/v1/access-log/").status_code == 405


def test_another_patient_does_not_see_alices_access_log(api_as, alice, bob, carol):
    api_as(carol).get(f"/api/v1/days/?patient={alice.pk}")
    assert api_as(bob).get("/api/v1/access-log/").json()["results"] == []
