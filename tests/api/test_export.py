"""Exports for data rights and clinicians: the CSV of diary-csv.md and a FHIR R4 Bundle, both
through the same access rules (and audit) as every other read."""

import io
from datetime import date, timedelta

import pytest

from accounts.models import AccessEvent, Share
from diary.days import patient_today
from tests.api.conftest import problem_detail

pytestmark = pytest.mark.django_db


def test_a_patient_downloads_their_diary_as_csv(api_as, alice, alice_diary):
    pytest.importorskip("diary.csv_export")
    response = api_as(alice).get("/api/v1/export/csv/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    header, row = response.content.decode().splitlines()[:2]
    assert header.startswith("date,headache")
    assert row.startswith("2026-03-02,1,7,") and row.endswith("private day note")


def test_a_csv_export_can_be_limited_to_a_date_range(api_as, alice, alice_diary):
    pytest.importorskip("diary.csv_export")
    response = api_as(alice).get("/api/v1/export/csv/", {"from": "2026-03-03"})
    assert response.content.decode().splitlines()[1:] == []
    assert api_as(alice).get("/api/v1/export/csv/", {"to": "soon"}).status_code == 400


def test_a_clinician_csv_has_no_notes_without_the_notes_scope_and_is_logged(
    api_as, alice, carol, alice_diary
):
    pytest.importorskip("diary.csv_export")
    response = api_as(carol).get(f"/api/v1/export/csv/?patient={alice.pk}")
    assert response.status_code == 200
    assert b"private" not in response.content
    assert response.content.decode().splitlines()[1].endswith(",")
    assert AccessEvent.objects.filter(actor=carol, action="api.export.csv").count() == 1
    Share.objects.filter(patient=alice, clinician=carol).update(scope_notes=True)
    assert (
        b"private day note" in api_as(carol).get(f"/api/v1/export/csv/?patient={alice.pk}").content
    )


def test_a_csv_export_from_year_1_to_9999_is_refused_with_field_errors(api_as, alice, alice_diary):
    response = api_as(alice).get("/api/v1/export/csv/", {"from": "0001-01-01", "to": "9999-12-31"})
    assert response.status_code == 400
    assert {"from", "to"} <= set(response.json())


def test_a_clinician_csv_neutralises_spreadsheet_formulas(api_as, alice, carol, alice_diary):
    from diary import services

    Share.objects.filter(patient=alice, clinician=carol).update(scope_notes=True)
    services.day_upsert(patient=alice, date=date(2026, 3, 1), notes='=HYPERLINK("http://x")')
    response = api_as(carol).get(f"/api/v1/export/csv/?patient={alice.pk}")
    assert "2026-03-01" in response.content.decode()
    assert ',"\'=HYPERLINK(""http://x"")"\n' in response.content.decode()


def test_the_fhir_export_is_a_bundle_with_the_patient_and_observations(api_as, alice, alice_diary):
    pytest.importorskip("clinic.fhir")
    response = api_as(alice).get("/api/v1/export/fhir/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    bundle = response.json()
    types = {entry["resource"]["resourceType"] for entry in bundle["entry"]}
    assert bundle["resourceType"] == "Bundle"
    assert {"Patient", "Observation", "QuestionnaireResponse"} <= types


def test_a_clinician_fhir_export_leaves_notes_out_without_the_scope(
    api_as, alice, carol, alice_diary
):
    pytest.importorskip("clinic.fhir")
    response = api_as(carol).get(f"/api/v1/export/fhir/?patient={alice.pk}")
    assert response.status_code == 200
    assert b"private" not in response.content
    Share.objects.filter(patient=alice, clinician=carol).update(scope_notes=True)
    assert b"private" in api_as(carol).get(f"/api/v1/export/fhir/?patient={alice.pk}").content


def test_export_errors_are_json_even_when_csv_is_accepted(api_as, dave, alice):
    response = api_as(dave).get(f"/api/v1/export/csv/?patient={alice.pk}", HTTP_ACCEPT="text/csv")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def _pdf_pages_and_text(response):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(response.content))
    return len(reader.pages), " ".join(page.extract_text() for page in reader.pages)


def test_a_patient_downloads_their_one_page_report_as_pdf(api_as, alice, alice_diary):
    response = api_as(alice).get("/api/v1/export/report-pdf/", {"from": "2026-02-01"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    to = patient_today(alice)
    assert response["Content-Disposition"] == (
        f'attachment; filename="flaremap-report-2026-02-01-to-{to:%Y-%m-%d}.pdf"'
    )
    pages, text = _pdf_pages_and_text(response)
    assert pages == 1
    assert f"Diary summary · {alice.email}" in text
    assert "private day note" in text  # the patient's own notes


def test_a_clinician_report_pdf_is_logged_and_has_no_notes_without_the_scope(
    api_as, alice, carol, alice_diary
):
    from clinic.views import action_label

    response = api_as(carol).get(f"/api/v1/export/report-pdf/?patient={alice.pk}")
    assert response.status_code == 200
    assert "private day note" not in _pdf_pages_and_text(response)[1]
    event = AccessEvent.objects.get(actor=carol, action="api.export.pdf")
    assert action_label(event.action) == "Downloaded your report (PDF) through the API"


@pytest.mark.parametrize(
    "params, field",
    [
        ({"to": "soon"}, "to"),
        ({"from": "2026-03-05", "to": "2026-03-01"}, "to"),
        ({"to": "2999-01-01"}, "to"),
        ({"from": "2024-01-01", "to": "2026-01-01"}, "from"),
    ],
)
def test_a_report_pdf_period_is_checked_with_field_errors(api_as, alice, params, field):
    response = api_as(alice).get("/api/v1/export/report-pdf/", params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert field in response.json()


def test_without_pdf_rendering_the_api_answers_503_in_json(api_as, alice, monkeypatch):
    from clinic import pdf

    def missing():
        raise pdf.PdfUnavailable("no pango")

    monkeypatch.setattr(pdf, "_response_class", missing)
    response = api_as(alice).get("/api/v1/export/report-pdf/")
    assert response.status_code == 503
    assert problem_detail(response.json()) == {
        "code": "pdf_unavailable",
        "detail": "PDF export is not available on this server.",
    }


def test_the_report_pdf_costs_the_same_queries_for_a_week_or_a_year(
    api_as, alice, alice_diary, django_assert_max_num_queries
):
    client = api_as(alice)
    today = patient_today(alice)
    for days_back in (7, 364):  # a week, then the longest period a report covers
        start = (today - timedelta(days=days_back)).isoformat()
        with django_assert_max_num_queries(16):  # as the report page
            assert client.get("/api/v1/export/report-pdf/", {"from": start}).status_code == 200
