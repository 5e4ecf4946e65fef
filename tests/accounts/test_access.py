"""The authorization choke point: who may read whose data, and the append-only access log."""

import pytest
from django.http import Http404
from django.utils import timezone

from accounts import access
from accounts.models import AccessEvent, Share
from tests.factories import ShareFactory

pytestmark = pytest.mark.django_db


def test_a_patient_reads_only_themself(alice, bob):
    assert list(access.readable_patients(alice)) == [alice]
    assert access.readable_patient(alice, alice.pk) == alice
    with pytest.raises(Http404):
        access.readable_patient(alice, bob.pk)


def test_a_clinician_with_an_active_share_reads_that_patient(alice, carol):
    assert list(access.readable_patients(carol)) == [alice]
    assert access.readable_patient(carol, alice.pk) == alice


def test_a_clinician_without_a_share_reads_nobody(alice, dave):
    assert not access.readable_patients(dave).exists()
    with pytest.raises(Http404):
        access.readable_patient(dave, alice.pk)


def test_a_revoked_share_grants_nothing(alice, erin):
    assert not access.readable_patients(erin).exists()
    with pytest.raises(Http404):
        access.readable_patient(erin, alice.pk)


def test_a_share_past_its_end_date_grants_nothing(alice, dave):
    ShareFactory(patient=alice, clinician=dave, ends_on=timezone.localdate().replace(year=2020))
    with pytest.raises(Http404):
        access.readable_patient(dave, alice.pk)


def test_an_unredeemed_invitation_grants_nothing(alice, dave):
    Share.objects.create(patient=alice)
    assert not access.readable_patients(dave).exists()


def test_scopes_limit_what_a_clinician_reads(alice, dave):
    ShareFactory(patient=alice, clinician=dave, scope_insights=False, scope_notes=False)
    assert access.readable_patient(dave, alice.pk, scope="diary") == alice
    with pytest.raises(Http404):
        access.readable_patient(dave, alice.pk, scope="insights")
    with pytest.raises(Http404):
        access.readable_patient(dave, alice.pk, scope="notes")


def test_anonymous_and_garbage_ids_read_nothing(alice, carol):
    from django.contrib.auth.models import AnonymousUser

    assert not access.readable_patients(AnonymousUser()).exists()
    with pytest.raises(Http404):
        access.readable_patient(carol, "not-a-number")


def test_a_deactivated_patient_is_not_readable(alice, carol):
    alice.is_active = False
    alice.save()
    assert not access.readable_patients(carol).exists()


def test_record_access_writes_an_append_only_event(alice, carol, rf):
    request = rf.get("/clinic/patients/1/report/", HTTP_USER_AGENT="pytest")
    access.record_access(actor=carol, patient=alice, action="report", request=request)
    event = AccessEvent.objects.get()
    assert (event.actor, event.patient, event.action) == (carol, alice, "report")
    assert event.ip_address == "127.0.0.1"
    event.action = "edited"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AccessEvent.objects.all().update(action="x")
    with pytest.raises(PermissionError):
        AccessEvent.objects.all().delete()


def test_a_patient_reading_their_own_data_is_not_logged(alice):
    access.record_access(actor=alice, patient=alice, action="diary")
    assert not AccessEvent.objects.exists()


def test_access_events_survive_patient_deletion_without_the_link(alice, carol):
    from accounts.services import account_delete

    access.record_access(actor=carol, patient=alice, action="report")
    account_delete(user=alice)
    event = AccessEvent.objects.get()
    assert event.patient is None
    assert event.actor == carol
