"""Consent lifecycle on the web: a patient invites, a clinician redeems, the patient revokes."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.models import SHARE_CODE_ALPHABET, AccessEvent, Share, ShareCodeAttempt
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
    assert f"{share.code[:4]}-{share.code[4:8]}-{share.code[8:]}" in page
    assert f"/clinic/redeem/?code={share.code}" in page
    assert share.scopes == ["diary", "insights"]
    assert share.status == "pending"


def test_invitation_expires_after_72_hours_by_default(client, alice):
    invite(client, alice)
    share = Share.objects.get(patient=alice)
    lifetime = share.invite_expires_at - share.created_at
    assert abs(lifetime - timedelta(hours=72)) < timedelta(seconds=1)


def test_codes_have_59_bits_in_groups_a_patient_can_read_aloud(client, alice):
    for _ in range(3):
        invite(client, alice)
    for share in Share.objects.filter(patient=alice):
        assert len(share.code) == 12
        assert set(share.code) <= set(SHARE_CODE_ALPHABET)
        assert not set(share.code) & set("01OIL")
        assert share.code_display == "-".join([share.code[:4], share.code[4:8], share.code[8:]])
    assert len(SHARE_CODE_ALPHABET) ** 12 > 2**59
    assert len({share.code for share in Share.objects.all()}) == 3


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


def test_revoke_asks_for_confirmation_first_and_a_get_changes_nothing(client, alice, carol):
    share = Share.objects.get(patient=alice, clinician=carol)
    client.force_login(alice)
    url = reverse("clinic:share_revoke", kwargs={"share_id": share.pk})
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Stop sharing with {carol.display_name}?" in page
    assert 'method="post"' in page and "Keep sharing" in page
    share.refresh_from_db()
    assert share.revoked_at is None


def test_the_shares_list_links_to_the_confirmation_instead_of_revoking(client, alice, carol):
    share = Share.objects.get(patient=alice, clinician=carol)
    client.force_login(alice)
    page = client.get(reverse("clinic:shares")).content.decode()
    url = reverse("clinic:share_revoke", kwargs={"share_id": share.pk})
    assert f'href="{url}"' in page
    assert f'action="{url}"' not in page


def test_cancelling_an_invitation_is_confirmed_too(client, alice):
    share = ShareFactory(patient=alice, clinician=None, redeemed_at=None)
    client.force_login(alice)
    url = reverse("clinic:share_revoke", kwargs={"share_id": share.pk})
    page = client.get(url).content.decode()
    assert "Cancel this invitation?" in page and share.code_display in page
    assert client.post(url).status_code == 302
    share.refresh_from_db()
    assert share.status == "revoked"


def test_confirming_for_another_patients_share_is_404(client, bob, alice, carol):
    share = Share.objects.get(patient=alice, clinician=carol)
    client.force_login(bob)
    url = reverse("clinic:share_revoke", kwargs={"share_id": share.pk})
    assert client.get(url).status_code == 404


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


def _an_hour_passes():
    ShareCodeAttempt.objects.update(at=timezone.now() - timedelta(hours=1, seconds=1))


def test_failed_codes_are_throttled_per_clinician_for_an_hour(client, dave, pending):
    client.force_login(dave)
    for n in range(10):
        client.post(REDEEM, {"code": f"Z{n}ZZZZZZZZZZ"}, REMOTE_ADDR=f"203.0.113.{n}")
    response = client.post(REDEEM, {"code": pending.code}, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "Too many codes that did not work" in response.content.decode()
    pending.refresh_from_db()
    assert pending.clinician is None
    _an_hour_passes()
    assert client.post(REDEEM, {"code": pending.code}).status_code == 302


def test_code_failures_are_counted_in_the_database_for_every_worker(client, dave, pending):
    client.force_login(dave)
    for n in range(10):
        client.post(REDEEM, {"code": f"Z{n}ZZZZZZZZZZ"}, REMOTE_ADDR=f"203.0.113.{n}")
        cache.clear()  # another worker's local-memory cache knows nothing of this one
    assert client.post(REDEEM, {"code": pending.code}).status_code == 429


def test_web_and_api_share_one_failure_count_per_source_address(client, api_client, pending):
    for n in range(20):
        clinician = ClinicianFactory()  # clinician sign-up is open: accounts are free
        api_client.force_authenticate(clinician)
        path = "/api/v1/shares/redeem/" if n % 2 else REDEEM
        poster = api_client if n % 2 else client
        if poster is client:
            client.force_login(clinician)
        poster.post(path, {"code": f"Q{n:02d}QQQQQQQQQ"}, REMOTE_ADDR="203.0.113.9")
    fresh = ClinicianFactory()
    client.force_login(fresh)
    assert client.post(REDEEM, {"code": pending.code}, REMOTE_ADDR="203.0.113.9").status_code == 429
    api_client.force_authenticate(fresh)
    api = api_client.post(
        "/api/v1/shares/redeem/", {"code": pending.code}, REMOTE_ADDR="203.0.113.9"
    )
    assert api.status_code == 429
    assert (
        client.post(REDEEM, {"code": pending.code}, REMOTE_ADDR="198.51.100.1").status_code == 302
    )


def test_guesses_at_one_code_are_limited_whatever_the_address_and_account(client, pending):
    for n in range(10):
        client.force_login(ClinicianFactory())
        wrong = pending.code[:4] + ("ZZZZZZZZ" if pending.code[4:] != "ZZZZZZZZ" else "YYYYYYYY")
        response = client.post(REDEEM, {"code": wrong}, REMOTE_ADDR=f"203.0.113.{n}")
        assert response.status_code == 404
    client.force_login(ClinicianFactory())
    response = client.post(REDEEM, {"code": pending.code}, REMOTE_ADDR="198.51.100.2")
    assert response.status_code == 429
    assert "tried too many times" in response.content.decode()
    pending.refresh_from_db()
    assert pending.clinician is None


def test_patient_sees_a_wrong_code_like_theirs_in_the_access_log(client, alice, dave, pending):
    client.force_login(dave)
    wrong = pending.code[:4] + ("ZZZZZZZZ" if pending.code[4:] != "ZZZZZZZZ" else "YYYYYYYY")
    client.post(REDEEM, {"code": wrong}, REMOTE_ADDR="203.0.113.50")
    event = AccessEvent.objects.get(patient=alice)
    assert (event.actor, event.action, event.ip_address) == (
        dave,
        "share_code_guessed",
        "203.0.113.50",
    )
    client.force_login(alice)
    log = client.get(reverse("clinic:access_log")).content.decode()
    assert "Entered a wrong share code that starts like your invitation" in log
    assert wrong not in log


def test_patient_sees_when_someone_tries_their_code_after_it_was_used(client, alice, pending):
    first, second = ClinicianFactory(), ClinicianFactory()
    client.force_login(first)
    client.post(REDEEM, {"code": pending.code})
    client.force_login(second)
    assert client.post(REDEEM, {"code": pending.code}).status_code == 400
    event = AccessEvent.objects.get(patient=alice, action="share_code_reused")
    assert event.actor == second
    client.force_login(first)  # the clinician who holds the share, entering it again: no alert
    client.post(REDEEM, {"code": pending.code})
    assert AccessEvent.objects.filter(action="share_code_reused").count() == 1


def test_an_eight_symbol_code_made_before_the_change_still_works(client, alice, dave):
    old = ShareFactory(patient=alice, clinician=None, redeemed_at=None, code="ABCD2345")
    client.force_login(dave)
    assert client.post(REDEEM, {"code": "abcd-2345"}).status_code == 302
    old.refresh_from_db()
    assert old.clinician == dave
