"""Bad input never answers 500: the extreme dates (year 1, year 9999) and text that cannot be
stored (lone UTF-16 surrogates, NUL) reach every page, export and API endpoint as a 4xx."""

import json

import pytest

from tests.factories import ClinicianFactory, ShareFactory

pytestmark = pytest.mark.django_db

EXTREME_DATES = ["0001-01-01", "9999-12-31"]


@pytest.fixture
def clinician(alice):
    clinician = ClinicianFactory()
    ShareFactory(patient=alice, clinician=clinician, scope_notes=True)
    return clinician


def _pages(patient_id: int, when: str) -> list[str]:
    return [
        f"/diary/day/{when}/",
        f"/diary/calendar/?month={when[:7]}",
        f"/diary/export.csv?start={when}&end={when}",
        f"/clinic/patients/{patient_id}/report/?start={when}&end={when}",
        f"/clinic/patients/{patient_id}/report/?start=0001-01-01&end={when}",
        f"/clinic/patients/{patient_id}/report.pdf?start={when}&end={when}",
        f"/clinic/patients/{patient_id}/fhir/?start={when}&end={when}",
    ]


def _api_reads(when: str) -> list[str]:
    return [
        f"/api/v1/days/{when}/",
        f"/api/v1/days/?from={when}",
        f"/api/v1/days/?to={when}",
        f"/api/v1/days/?from=0001-01-01&to={when}",
        f"/api/v1/days/?updated_since={when}T00:00:00Z",
        f"/api/v1/doses/?from={when}&to={when}",
        f"/api/v1/headaches/?from={when}&to={when}",
        f"/api/v1/questionnaires/?from={when}",
        f"/api/v1/export/csv/?from={when}&to={when}",
        f"/api/v1/export/fhir/?from={when}&to={when}",
        f"/api/v1/export/report-pdf/?from={when}&to={when}",
    ]


@pytest.mark.parametrize("when", EXTREME_DATES)
def test_pages_answer_extreme_dates_without_an_error(client, alice, when):
    client.force_login(alice)
    for url in _pages(alice.pk, when):
        status = client.get(url).status_code
        assert status in (200, 302, 400, 404), (url, status)


@pytest.mark.parametrize("when", EXTREME_DATES)
def test_clinician_pages_answer_extreme_dates_without_an_error(client, alice, clinician, when):
    client.force_login(clinician)
    for url in _pages(alice.pk, when)[3:]:
        status = client.get(url).status_code
        assert status in (200, 400, 404), (url, status)


@pytest.mark.parametrize("when", EXTREME_DATES)
def test_api_reads_answer_extreme_dates_with_a_4xx_or_200(api_as, alice, when):
    api = api_as(alice)
    for url in _api_reads(when):
        status = api.get(url).status_code
        assert status in (200, 400, 404), (url, status)


@pytest.mark.parametrize("when", EXTREME_DATES)
def test_writing_an_extreme_day_is_a_400_with_field_errors(api_as, alice, when):
    response = api_as(alice).put(f"/api/v1/days/{when}/", {"stress": 3}, format="json")
    assert response.status_code == 400
    assert "date" in response.json()


def _raw(api, method: str, url: str, text: str):
    return getattr(api, method)(url, data=text, content_type="application/json")


LONE_SURROGATE = "\\ud800"  # valid JSON, but no UTF-8 text can hold it


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("put", "/api/v1/days/2026-03-01/", '{"body_pain": {"%s": 3}}'),
        ("put", "/api/v1/days/2026-03-01/", '{"notes": "%s"}'),
        ("post", "/api/v1/medications/", '{"name": "Ibu", "med_class": "%s"}'),
        ("post", "/api/v1/medications/", '{"name": "%s", "med_class": "nsaid"}'),
        ("post", "/api/v1/sync/batch/", '{"operations": [{"op": "%s", "resource": "days"}]}'),
        ("post", "/api/v1/sync/batch/", '{"operations": [{"op": "upsert", "resource": "%s"}]}'),
        ("patch", "/api/v1/me/", '{"patient_profile": {"timezone": "%s"}}'),
    ],
)
def test_a_lone_surrogate_anywhere_is_a_400(api_as, alice, method, url, body):
    response = _raw(api_as(alice), method, url, body % LONE_SURROGATE)
    if url.endswith("batch/") and response.status_code == 200:
        assert response.json()["results"][0]["status"] == 400
    else:
        assert response.status_code == 400, response.content


def test_a_lone_surrogate_in_a_share_code_is_a_400(api_as, clinician):
    response = _raw(api_as(clinician), "post", "/api/v1/shares/redeem/", '{"code": "\\ud800"}')
    assert response.status_code == 400


def test_deeply_nested_json_at_login_is_a_400(api_as, db):
    nested = "[" * 100_000 + "]" * 100_000
    response = _raw(api_as(None), "post", "/api/v1/auth/token/", nested)
    assert response.status_code == 400
    assert "nested" in json.dumps(response.json())


def test_login_accepts_json_only(api_as, db):
    response = api_as(None).post(
        "/api/v1/auth/token/", {"email": "a@example.com", "password": "x"}, format="multipart"
    )
    assert response.status_code == 415
