"""'Who viewed my diary': every clinician read shows up, paginated, read-only."""

import pytest
from django.urls import reverse

from accounts.access import record_access
from accounts.models import AccessEvent

pytestmark = pytest.mark.django_db
LOG = reverse("clinic:access_log")


def test_patient_sees_who_read_what_when_and_from_where(client, alice, carol):
    client.force_login(carol)
    client.get(reverse("clinic:report", kwargs={"patient_id": alice.pk}), REMOTE_ADDR="203.0.113.9")
    client.force_login(alice)
    page = client.get(LOG).content.decode()
    assert carol.display_name in page
    assert "Opened your report" in page
    assert "203.0.113.9" in page
    assert "Headache Clinic" in page  # the clinician's organisation


def test_every_read_path_appears_in_the_log(client, alice, carol):
    client.force_login(carol)
    client.get(reverse("clinic:dashboard"))
    client.get(reverse("clinic:report", kwargs={"patient_id": alice.pk}))
    client.get(reverse("clinic:fhir_export", kwargs={"patient_id": alice.pk}))
    actions = list(AccessEvent.objects.filter(patient=alice).values_list("action", flat=True))
    assert sorted(actions) == ["dashboard", "fhir_export", "report"]
    client.force_login(alice)
    page = client.get(LOG).content.decode()
    for text in ("Saw your summary", "Opened your report", "Downloaded your diary (FHIR)"):
        assert text in page


def test_api_reads_get_plain_labels(client, alice, carol):
    record_access(actor=carol, patient=alice, action="api.days.list")
    record_access(actor=carol, patient=alice, action="api.export.csv")
    client.force_login(alice)
    page = client.get(LOG).content.decode()
    assert "Read your days through the API" in page
    assert "Downloaded your diary (CSV) through the API" in page


def test_log_shows_only_the_patients_own_events(client, alice, bob, carol):
    record_access(actor=carol, patient=alice, action="report")
    client.force_login(bob)
    response = client.get(LOG)
    assert list(response.context["events"]) == []
    assert "No clinician has viewed your diary yet" in response.content.decode()


def test_log_is_paginated_newest_first(client, alice, carol):
    for _ in range(30):
        record_access(actor=carol, patient=alice, action="report")
    client.force_login(alice)
    first = client.get(LOG).context["events"]
    assert len(first) == 25 and first.has_next()
    ats = [event.at for event in first]
    assert ats == sorted(ats, reverse=True)
    assert len(client.get(LOG + "?page=2").context["events"]) == 5
    assert client.get(LOG + "?page=99").status_code == 200


def test_log_survives_the_clinician_account_being_deleted(client, alice, carol):
    record_access(actor=carol, patient=alice, action="report")
    label = carol.display_name
    carol.delete()
    client.force_login(alice)
    assert label in client.get(LOG).content.decode()


def test_access_log_page_has_no_way_to_change_the_log(client, alice, carol):
    record_access(actor=carol, patient=alice, action="report")
    client.force_login(alice)
    response = client.get(LOG)
    assert "<form" not in response.content.decode().split('<main id="main"')[1].split("</main>")[0]
    assert client.post(LOG).status_code == 405
    assert AccessEvent.objects.count() == 1


def test_clinicians_cannot_open_the_access_log_page(client, carol):
    client.force_login(carol)
    assert client.get(LOG).status_code == 403
