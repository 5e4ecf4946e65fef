"""Consent lifecycle on the web: a patient invites, a clinician redeems, the patient revokes."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.models import Share
from tests.factories import ClinicianFactory, ShareFactory

pytestmark = pytest.mark.django_db
SHARES = reverse("clinic:shares")
REDEEM = reverse("clinic:redeem")


def invite(client, patient, **data):
    client.force_login(patient)
    payload = {"scope_diary": "on", "scope_insights": "on", **data}
    return client.post(SHARES, payload)


# --- creating invitations ---------------------------------------------------------------------


def test_patient_creates_an_invitation_and_sees_its_code_and_link(client, alice):
    response = invite(client, alice)
    share = Share.objects.get(patient=alice)
    assert response.status_code == 302
    assert response["Location"] == reverse("clinic:share_detail", kwargs={"share_id": share.pk})
    page = client.get(response["Location"]).content.decode()
    assert f"{share.code[:4]}-{share.code[4:]}" in page
    assert f"/clinic/redeem/?code={share.code}" in page
    assert share.scopes == ["diary", "insights"]
    assert share.status == "pending"


def test_invitation_expires_after_14_days_by_default(client, alice):
    invite(client, alice)
    share = Share.objects.get(patient=alice)
    lifetime = share.invite_expires_at - share.created_at
    assert abs(lifetime - timedelta(days=14)) < timedelta(seconds=1)


def test_link_holds_no_personal_data(client, alice):
    response = invite(client, alice)
    share = Share.objects.get(patient=alice)
    link = response.wsgi_request.build_absolute_uri(f"{REDEEM}?code={share.code}")
    page = client.get(response["Location"]).content.decode()
    assert link in page
    assert "alice" not in link and str(alice.pk) not in link.split("code=")[1]


def test_notes_scope_and_end_date_are_kept(client, alice):
    ends = timezone.localdate() + timedelta(days=30)
    invite(client, alice, scope_notes="on", ends_on=ends.isoformat())
    share = Share.objects.get(patient=alice)
    assert share.scope_notes and share.ends_on == ends


def test_invitation_without_diary_or_insights_is_refused_with_a_message(client, alice):
    client.force_login(alice)
    response = client.post(SHARES, {"scope_notes": "on"})
    assert response.status_code == 400
    assert "Choose at least the diary or the insights" in response.content.decode()
    assert not Share.objects.exists()


def test_end_date_in_the_past_is_a_field_error(client, alice):
    response = invite(client, alice, ends_on=(date.today() - timedelta(days=3)).isoformat())
    assert response.status_code == 400
    assert "ends_on" in response.context["form"].errors


def test_share_list_shows_every_status(client, alice, carol, erin):
    ShareFactory(patient=alice, clinician=None, redeemed_at=None)  # pending
    expired = ShareFactory(patient=alice, clinician=None, redeemed_at=None)
    Share.objects.filter(pk=expired.pk).update(
        created_at=timezone.now() - timedelta(days=20),
        invite_expires_at=timezone.now() - timedelta(days=6),
    )
    ShareFactory(patient=alice, ends_on=date(2025, 1, 1))  # ended
    client.force_login(alice)
    response = client.get(SHARES)
    statuses = sorted(share.status for share in response.context["shares"])
    assert statuses == ["active", "ended", "expired", "pending", "revoked"]
    page = response.content.decode()
    assert "Stop sharing" in page and "Cancel invitation" in page


def test_share_detail_of_another_patient_is_404(client, alice, bob):
    share = ShareFactory(patient=bob, clinician=None, redeemed_at=None)
    client.force_login(alice)
    url = reverse("clinic:share_detail", kwargs={"share_id": share.pk})
    assert client.get(url).status_code == 404


# --- revoking ---------------------------------------------------------------------------------


def test_patient_revokes_a_share_at_once(client, alice, carol):
    share = Share.objects.get(patient=alice, clinician=carol)
    client.force_login(alice)
    response = client.post(reverse("clinic:share_revoke", kwargs={"share_id": share.pk}))
    assert response.status_code == 302
    share.refresh_from_db()
    assert share.status == "revoked"
    client.force_login(carol)
    report = reverse("clinic:report", kwargs={"patient_id": alice.pk})
    assert client.get(report).status_code == 404


def test_revoke_needs_post(client, alice, carol):
    share = Share.objects.get(patient=alice, clinician=carol)
    client.force_login(alice)
    url = reverse("clinic:share_revoke", kwargs={"share_id": share.pk})
    assert client.get(url).status_code == 405
    share.refresh_from_db()
    assert share.revoked_at is None


def test_revoke_checks_csrf(alice, carol):
    from django.test import Client

    share = Share.objects.get(patient=alice, clinician=carol)
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(reverse("clinic:share_revoke", kwargs={"share_id": share.pk}))
    assert response.status_code == 403
    share.refresh_from_db()
    assert share.revoked_at is None


def test_patient_cannot_revoke_another_patients_share(client, bob, alice, carol):
    share = Share.objects.get(patient=alice, clinician=carol)
    client.force_login(bob)
    response = client.post(reverse("clinic:share_revoke", kwargs={"share_id": share.pk}))
    assert response.status_code == 404
    share.refresh_from_db()
    assert share.revoked_at is None


def test_clinician_cannot_revoke_a_share(client, alice, carol):
    share = Share.objects.get(patient=alice, clinician=carol)
    client.force_login(carol)
    response = client.post(reverse("clinic:share_revoke", kwargs={"share_id": share.pk}))
    assert response.status_code == 403
    share.refresh_from_db()
    assert share.revoked_at is None


# --- redeeming --------------------------------------------------------------------------------


@pytest.fixture
def pending(alice):
    return ShareFactory(patient=alice, clinician=None, redeemed_at=None)


def test_clinician_redeems_a_code_and_sees_the_patient(client, pending, dave):
    client.force_login(dave)
    code = f"{pending.code[:4].lower()}-{pending.code[4:]}"
    response = client.post(REDEEM, {"code": code})
    assert response.status_code == 302
    assert response["Location"] == reverse("clinic:dashboard")
    pending.refresh_from_db()
    assert pending.clinician == dave and pending.status == "active"
    dashboard = client.get(reverse("clinic:dashboard")).content.decode()
    assert "alice@example.com" in dashboard


def test_redeem_link_prefills_the_code(client, pending, dave):
    client.force_login(dave)
    response = client.get(f"{REDEEM}?code={pending.code}")
    assert response.status_code == 200
    assert f'value="{pending.code}"' in response.content.decode()


def test_anonymous_redeem_link_goes_to_login_and_keeps_the_code(client, pending):
    response = client.get(f"{REDEEM}?code={pending.code}")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert pending.code in response["Location"]


def test_unknown_code_is_404_with_a_clear_message(client, dave):
    client.force_login(dave)
    response = client.post(REDEEM, {"code": "ZZZZZZZZ"})
    assert response.status_code == 404
    assert "This code is not valid" in response.content.decode()


def test_used_code_is_400(client, pending, dave):
    other = ClinicianFactory()
    client.force_login(other)
    client.post(REDEEM, {"code": pending.code})
    client.force_login(dave)
    response = client.post(REDEEM, {"code": pending.code})
    assert response.status_code == 400
    assert "already been used" in response.content.decode()
    pending.refresh_from_db()
    assert pending.clinician == other


def test_expired_code_is_400(client, pending, dave):
    Share.objects.filter(pk=pending.pk).update(
        created_at=timezone.now() - timedelta(days=15),
        invite_expires_at=timezone.now() - timedelta(days=1),
    )
    client.force_login(dave)
    response = client.post(REDEEM, {"code": pending.code})
    assert response.status_code == 400
    assert "expired" in response.content.decode()


def test_withdrawn_invitation_is_400(client, pending, dave):
    Share.objects.filter(pk=pending.pk).update(revoked_at=timezone.now())
    client.force_login(dave)
    response = client.post(REDEEM, {"code": pending.code})
    assert response.status_code == 400
    assert "withdrawn" in response.content.decode()


def test_empty_code_is_a_field_error(client, dave):
    client.force_login(dave)
    response = client.post(REDEEM, {"code": ""})
    assert response.status_code == 400
    assert "code" in response.context["form"].errors


def test_patient_trying_to_redeem_gets_403_and_nothing_changes(client, pending, bob):
    client.force_login(bob)
    response = client.post(REDEEM, {"code": pending.code})
    assert response.status_code == 403
    assert "Only clinician accounts" in response.content.decode()
    pending.refresh_from_db()
    assert pending.clinician is None
    assert client.get(REDEEM).status_code == 403


def test_redeeming_own_code_again_leads_to_the_patient(client, pending, dave):
    client.force_login(dave)
    client.post(REDEEM, {"code": pending.code})
    response = client.post(REDEEM, {"code": pending.code})
    assert response.status_code == 302
    report = reverse("clinic:report", kwargs={"patient_id": pending.patient_id})
    assert response["Location"] == report


def test_failed_codes_are_throttled(client, dave, pending):
    client.force_login(dave)
    for _ in range(10):
        client.post(REDEEM, {"code": "ZZZZZZZZ"})
    response = client.post(REDEEM, {"code": pending.code})
    assert response.status_code == 429
    pending.refresh_from_db()
    assert pending.clinician is None
    cache.clear()
    assert client.post(REDEEM, {"code": pending.code}).status_code == 302
