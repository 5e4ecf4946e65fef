"""The OpenAPI schema: committed file in step with the code, served, and accurate where a
mobile client depends on it (enums and ranges from diary.scales, errors, the patient filter)."""

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

from diary import scales

pytestmark = pytest.mark.django_db
COMMITTED = settings.BASE_DIR / "openapi.yaml"


@pytest.fixture(scope="module")
def schema():
    return yaml.safe_load(COMMITTED.read_text())


def test_the_committed_schema_is_what_the_code_generates(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated), "--validate")
    assert generated.read_text() == COMMITTED.read_text(), (
        "openapi.yaml drifted from the code: run `make schema` and commit openapi.yaml"
    )


def test_the_schema_and_docs_are_served(api_client):
    response = api_client.get("/api/schema/?format=json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")
    assert api_client.get("/api/docs/").status_code == 200


def test_the_docs_page_loads_only_same_origin_assets_under_the_csp(api_client):
    """The CSP forbids CDNs and inline scripts: Swagger UI comes from our static files and
    its start-up script is a separate same-origin request."""
    pytest.importorskip("drf_spectacular_sidecar", reason="add drf-spectacular-sidecar")
    page = api_client.get("/api/docs/").content.decode()
    assert "cdn." not in page and "https://" not in page
    assert '<script src="/api/docs/?script=">' in page
    assert "<script>" not in page
    script = api_client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "put", "patch", "post", "delete"}:
                yield path, method, operation


def test_every_operation_documents_401_except_signing_in(schema):
    missing = [
        f"{method.upper()} {path}"
        for path, method, operation in _operations(schema)
        if "401" not in operation["responses"] and path != "/api/v1/auth/token/"
    ]
    assert missing == []


def test_every_diary_write_documents_400_412_413_and_the_if_match_header(schema):
    for resource in ("days", "headaches", "medications", "doses", "questionnaires"):
        for method in ("put", "patch", "delete"):
            operation = schema["paths"][f"/api/v1/{resource}/{{key}}/"][method]
            assert {"400", "403", "404", "412", "413", "429"} <= set(operation["responses"])
            headers = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
            assert headers == ["If-Match"]


def test_every_read_of_patient_data_documents_the_patient_filter(schema):
    for path, method, operation in _operations(schema):
        reads_diary = method == "get" and any(
            part in path for part in ("days", "headaches", "medications", "doses", "export")
        )
        if reads_diary:
            names = [p["name"] for p in operation.get("parameters", [])]
            assert "patient" in names, path


def test_enums_and_ranges_come_from_the_diary_scales(schema):
    components = schema["components"]["schemas"]
    assert components["MedClassEnum"]["enum"] == list(scales.MEDICATION_CLASS_CODES)
    body_pain = components["DayRequest"]["properties"]["body_pain"]
    assert list(body_pain["properties"]) == list(scales.PAIN_AREA_CODES)
    assert body_pain["additionalProperties"] is False
    stress = components["DayRequest"]["properties"]["stress"]
    assert (stress["minimum"], stress["maximum"]) == (scales.STRESS_MIN, scales.STRESS_MAX)
    peak = components["AttackRequest"]["properties"]["peak_intensity"]
    assert (peak["minimum"], peak["maximum"]) == (scales.INTENSITY_MIN, scales.INTENSITY_MAX)


def test_computed_values_are_read_only(schema):
    day = schema["components"]["schemas"]["Day"]["properties"]
    for name in ("time_in_bed_min", "sleep_efficiency", "version", "updated_at", "deleted"):
        assert day[name].get("readOnly") is True, name
    assert "sleep_efficiency" not in schema["components"]["schemas"]["DayRequest"]["properties"]


def test_the_schema_counts_its_endpoints(schema):
    """The closing note quotes these numbers; keep them honest."""
    operations = list(_operations(schema))
    assert len(schema["paths"]) >= 20
    assert len(operations) >= 45


def test_tokens_are_declared_as_http_bearer_so_generated_clients_send_the_right_prefix(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["tokenAuth"]["description"],
    }


def test_response_fields_are_required_except_notes_which_some_readers_do_not_get(schema):
    components = schema["components"]["schemas"]
    for name in ("Day", "Attack", "Medication", "Dose", "Questionnaire", "Me", "Share"):
        component = components[name]
        expected = set(component["properties"]) - {"notes"}
        assert set(component["required"]) == expected, name


def test_nullable_references_are_one_of_the_object_or_null(schema):
    components = schema["components"]["schemas"]
    profile = components["Me"]["properties"]["clinician_profile"]
    assert profile["oneOf"] == [
        {"$ref": "#/components/schemas/ClinicianProfile"},
        {"type": "null"},
    ]
    current = components["DayConflict"]["properties"]["current"]
    assert {"type": "null"} in current["oneOf"]
    assert "nullable" not in COMMITTED.read_text()


def test_batch_results_are_typed(schema):
    result = schema["components"]["schemas"]["BatchResult"]["properties"]
    refs = [option.get("$ref", "").rsplit("/", 1)[-1] for option in result["data"]["oneOf"]]
    assert refs == ["Day", "Attack", "Medication", "Dose", "Questionnaire", "Trigger", ""]
    assert result["errors"]["oneOf"] == [
        {"$ref": "#/components/schemas/FieldErrors"},
        {"type": "null"},
    ]


def test_every_error_is_a_problem_body_with_coded_errors(schema):
    components = schema["components"]["schemas"]
    for name in ("Error", "FieldErrors"):
        assert {"type", "title", "status", "detail", "errors"} <= set(components[name]["required"])
    assert set(components["ProblemItem"]["required"]) == {"code", "detail", "attr"}


def test_conditional_reads_throttles_and_outages_are_documented(schema):
    day = schema["paths"]["/api/v1/days/{key}/"]
    assert "304" in day["get"]["responses"]
    assert "If-None-Match" in [p["name"] for p in day["get"]["parameters"]]
    if_match = next(p for p in day["put"]["parameters"] if p["name"] == "If-Match")
    assert if_match["schema"]["pattern"]
    for method in ("put", "patch", "delete"):
        responses = day[method]["responses"]
        assert {"409", "412", "413", "429", "503"} <= set(responses)
        assert "Retry-After" in responses["429"]["headers"]
        assert "Retry-After" in responses["503"]["headers"]
        assert "RateLimit-Remaining" in responses["200" if method != "delete" else "204"]["headers"]
    pdf = schema["paths"]["/api/v1/export/report-pdf/"]["get"]["responses"]["200"]
    assert pdf["content"]["application/pdf"]["schema"] == {"type": "string", "format": "binary"}


def test_login_takes_json_only(schema):
    login = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert list(login["requestBody"]["content"]) == ["application/json"]
