"""Exports for data rights and clinicians: the CSV of diary-csv.md and a FHIR R4 Bundle, both
through the same access rules (and audit) as every other read."""

import pytest

from accounts.models import AccessEvent, Share

pytestmark = pytest.mark.django_db


def test_a_patient_downloads_their_diary_as_csv(api_as, alice, alice_diary):
    pytest.importorskip("diary.csv_io")
    response = api_as(alice).get("/api/v1/export/csv/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    header, row = response.content.decode().splitlines()[:2]
    assert header.startswith("date,headache")
    assert row.startswith("2026-03-02,1,7,") and row.endswith("private day note")


def test_a_csv_export_can_be_limited_to_a_date_range(api_as, alice, alice_diary):
    pytest.importorskip("diary.csv_io")
    response = api_as(alice).get("/api/v1/export/csv/", {"from": "2026-03-03"})
    assert response.content.decode().splitlines()[1:] == []
    assert api_as(alice).get("/api/v1/export/csv/", {"to": "soon"}).status_code == 400


def test_a_clinician_csv_has_no_notes_without_the_notes_scope_and_is_logged(
    api_as, alice, carol, alice_diary
):
    pytest.importorskip("diary.csv_io")
    response = api_as(carol).get(f"/api/v1/export/csv/?patient={alice.pk}")
    assert response.status_code == 200
    assert b"private" not in response.content
    assert response.content.decode().splitlines()[1].endswith(",")
    assert AccessEvent.objects.filter(actor=carol, action="api.export.csv").count() == 1
    Share.objects.filter(patient=alice, clinician=carol).update(scope_notes=True)
    assert (
        b"private day note" in api_as(carol).get(f"/api/v1/export/csv/?patient={alice.pk}").content
    )


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
