"""The report's cycle line for patients who track their cycle (ICHD-3 A1.1 count), on the page
and in the one-page PDF, with the demo's second patient (periods and perimenstrual attacks)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from clinic.report import build_report, default_period
from diary import services
from diary.demo import seed_patient_diary
from insights import services as insight_services
from tests.clinic.test_pdf import pdf_text
from tests.factories import ShareFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle_patient(alice):
    alice.patient_profile.tracks_cycle = True
    alice.patient_profile.save()
    seed_patient_diary(patient=alice, days=182, seed=1001, persona=1)
    insight_services.recompute_patient(alice.pk)
    return alice


def test_the_demo_cycle_meets_the_a1_1_count_as_menstrually_related(cycle_patient):
    start, end = default_period(cycle_patient)
    line = build_report(patient=cycle_patient, start=start, end=end, include_notes=False).cycle
    assert line.pattern.cycles >= 3
    assert line.pattern.subtype == "related"
    assert line.window_percent > line.other_percent
    assert "menstrually related, A1.1.2" in line.verdict


def test_a_patient_who_does_not_track_has_no_cycle_line(client, alice, carol):
    start, end = default_period(alice)
    services.day_upsert(patient=alice, date=end - timedelta(days=1), period=True)
    assert build_report(patient=alice, start=start, end=end, include_notes=False).cycle is None
    client.force_login(carol)
    page = client.get(reverse("clinic:report", args=[alice.pk])).content.decode()
    assert "Menstrual cycle" not in page


def test_one_logged_period_says_how_many_cycles_are_needed(alice):
    alice.patient_profile.tracks_cycle = True
    alice.patient_profile.save()
    start, end = default_period(alice)
    for offset in (6, 7, 9, 10, 11):  # the days around it, logged without a period
        services.day_upsert(patient=alice, date=end - timedelta(days=offset), stress=3)
    services.day_upsert(patient=alice, date=end - timedelta(days=8), period=True)
    line = build_report(patient=alice, start=start, end=end, include_notes=False).cycle
    assert line.verdict == "needs 3 consecutive cycles (1 so far)"


def test_the_clinician_sees_the_cycle_line_on_the_page_and_a_one_page_pdf(client, cycle_patient):
    clinician = ShareFactory(patient=cycle_patient).clinician
    client.force_login(clinician)
    page = client.get(reverse("clinic:report", args=[cycle_patient.pk])).content.decode()
    assert "Menstrual cycle (patient-tracked)" in page
    assert "ICHD-3 A1.1: <strong>count met" in page
    assert "Headaches around your period" in page  # the insight, in the insights section
    response = client.get(reverse("clinic:report_pdf", kwargs={"patient_id": cycle_patient.pk}))
    pages, text = pdf_text(response)
    assert pages == 1
    assert "Menstrual cycle" in text
