"""The clinician dashboard page: rows, sorting, search, audit rows, query counts, timing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AccessEvent
from tests.clinic.bulk_data import make_patients
from tests.factories import ClinicianFactory

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("clinic:dashboard")


def test_dashboard_lists_sharing_patients_and_logs_one_event_each(client, alice, bob, carol):
    client.force_login(carol)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    page = response.content.decode()
    assert "alice@example.com" in page and "bob@example.com" not in page
    events = AccessEvent.objects.filter(actor=carol)
    assert [(e.patient, e.action) for e in events] == [(alice, "dashboard")]


def test_dashboard_without_patients_explains_how_to_add_one(client, dave):
    client.force_login(dave)
    response = client.get(DASHBOARD)
    assert "No patient shares a diary with you yet" in response.content.decode()
    assert not AccessEvent.objects.exists()


def test_dashboard_search_filters_by_email(client, alice, carol):
    client.force_login(carol)
    assert "alice@example.com" in client.get(DASHBOARD + "?q=alice").content.decode()
    response = client.get(DASHBOARD + "?q=nobody")
    assert "No patient matches" in response.content.decode()
    assert not AccessEvent.objects.filter(action="dashboard", path__contains="nobody").exists()


def test_unknown_sort_falls_back_to_name(client, carol):
    client.force_login(carol)
    response = client.get(DASHBOARD + "?sort=drop_tables")
    assert response.status_code == 200
    assert response.context["sort"] == "name"


def test_sort_headers_mark_the_active_column(client, carol):
    client.force_login(carol)
    page = client.get(DASHBOARD + "?sort=headache").content.decode()
    assert 'aria-sort="descending"' in page


def _page_queries(client, clinician):
    client.force_login(clinician)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(DASHBOARD + "?sort=migraine")
    assert response.status_code == 200
    return len(captured), response


def test_dashboard_page_query_count_is_the_same_for_5_and_50_patients(client):
    small, large = ClinicianFactory(), ClinicianFactory()
    make_patients(clinician=small, count=5, days=60, seed=5)
    make_patients(clinician=large, count=50, days=60, seed=6)
    small_queries, _ = _page_queries(client, small)
    large_queries, response = _page_queries(client, large)
    assert small_queries == large_queries
    assert len(response.context["rows"]) == 50
    assert AccessEvent.objects.filter(actor=large).count() == 50


def test_dashboard_pages_record_only_the_patients_shown(client):
    clinician = ClinicianFactory()
    make_patients(clinician=clinician, count=120, days=3, seed=8)
    client.force_login(clinician)
    response = client.get(DASHBOARD)
    assert len(response.context["rows"]) == 100
    assert AccessEvent.objects.filter(actor=clinician).count() == 100
    response = client.get(DASHBOARD + "?page=2")
    assert len(response.context["rows"]) == 20
    assert AccessEvent.objects.filter(actor=clinician).count() == 120


def test_a_patient_without_check_ins_this_week_shows_no_wpi_count_not_zero(client, alice, carol):
    client.force_login(carol)
    page = client.get(reverse("clinic:dashboard")).content.decode()
    assert "– (0/7 days)" in page and "no recent SSS" in page
    assert '0<span class="muted">/19' not in page
