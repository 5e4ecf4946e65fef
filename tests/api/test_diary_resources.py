"""The diary resources over HTTP: PUT/PATCH semantics, validation as 400 field errors (never a
500), clinician views without notes, date filters, throttling and the body-size limit."""

import uuid

import pytest
from django.test import override_settings

from accounts.models import Share
from config.throttling import WriteRateThrottle
from diary.models import Day, Dose
from tests.api.conftest import field_messages, problem_detail

pytestmark = pytest.mark.django_db

DAY_URL = "/api/v1/days/2026-03-01/"


@pytest.fixture
def client(api_as, alice):
    return api_as(alice)


def _errors(response, status=400) -> dict:
    assert response.status_code == status, response.content[:300]
    return field_messages(response.json())


# --- days --------------------------------------------------------------------------------------


def test_put_replaces_the_whole_day_and_patch_changes_only_what_is_sent(client):
    client.put(DAY_URL, {"stress": 4, "mood": 6, "body_pain": {"neck": 3}}, format="json")
    patched = client.patch(DAY_URL, {"mood": 2}, format="json").json()
    assert (patched["stress"], patched["mood"], patched["body_pain"]) == (4, 2, {"neck": 3})
    replaced = client.put(DAY_URL, {"fatigue": 5}, format="json").json()
    assert (replaced["stress"], replaced["mood"], replaced["body_pain"]) == (None, None, {})


def test_body_pain_is_a_map_of_area_to_intensity_and_null_unmarks_an_area(client, alice):
    client.put(DAY_URL, {"body_pain": {"neck": 3, "hip_left": 10}}, format="json")
    response = client.patch(DAY_URL, {"body_pain": {"neck": 5, "hip_left": None}}, format="json")
    assert response.json()["body_pain"] == {"neck": 5}
    day = Day.objects.get(patient=alice)
    assert (day.pain_neck, day.pain_hip_left) == (5, None)


@pytest.mark.parametrize(
    "body_pain",
    [{"elbow": 3}, {"neck": 11}, {"neck": 0}, {"neck": "3"}, {"neck": True}, {"neck": 2.5}, [1]],
)
def test_a_bad_body_pain_map_is_a_field_error(client, body_pain):
    assert "body_pain" in _errors(client.put(DAY_URL, {"body_pain": body_pain}, format="json"))


def test_the_sleep_values_are_computed_and_cannot_be_written(client):
    body = {
        "bedtime": "23:00",
        "sleep_latency_min": 20,
        "final_wake": "06:40",
        "rise_time": "07:00",
        "time_in_bed_min": 1,
        "sleep_efficiency": 1,
    }
    day = client.put(DAY_URL, body, format="json").json()
    assert (day["total_sleep_min"], day["time_in_bed_min"], day["sleep_efficiency"]) == (
        440,
        480,
        91.7,
    )


def test_a_future_day_is_refused_with_a_field_error(client):
    errors = _errors(client.put("/api/v1/days/2999-01-01/", {"stress": 1}, format="json"))
    assert errors == {"date": ["This day is in the future; you can only log past days."]}


def test_days_before_1900_are_refused(client):
    assert "date" in _errors(client.put("/api/v1/days/1899-12-31/", {}, format="json"))


@pytest.mark.parametrize("key", ["2026-02-30", "yesterday", "2026-3-1", "20260301"])
def test_a_date_that_is_not_a_day_is_not_found(client, key):
    assert client.put(f"/api/v1/days/{key}/", {}, format="json").status_code == 404
    assert client.get(f"/api/v1/days/{key}/").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"stress": 11}, "stress"),
        ({"stress": -1}, "stress"),
        ({"stress": "high"}, "stress"),
        ({"sleep_quality": 0}, "sleep_quality"),
        ({"bedtime": "25:00"}, "bedtime"),
        ({"headache": "perhaps"}, "headache"),
        ({"notes": "x" * 2001}, "notes"),
        ({"notes": "nul\x00byte"}, "notes"),
        ({"awakenings": 10**30}, "awakenings"),
    ],
)
def test_wrong_types_and_ranges_are_field_errors(client, body, field):
    assert field in _errors(client.put(DAY_URL, body, format="json"))


@pytest.mark.parametrize(
    "raw",
    [
        "{not json",
        "[1, 2]",
        '"a string"',
        "null",
        "[" * 100_000 + "]" * 100_000,
        '{"notes": "\\ud800"}',
    ],
)
def test_malformed_bodies_answer_400_never_500(client, raw):
    response = client.generic("PUT", DAY_URL, raw, content_type="application/json")
    assert response.status_code == 400


def test_other_content_types_are_refused_with_415(client):
    response = client.generic("PUT", DAY_URL, "stress=3", content_type="text/plain")
    assert response.status_code == 415


@override_settings(MAX_REQUEST_BODY_BYTES=1000)
def test_an_oversized_body_answers_413_json(client):
    response = client.put(DAY_URL, {"notes": "x" * 1500}, format="json")
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]


def test_days_are_filtered_by_date_range_and_ordered_by_date(client):
    for day in ("2026-03-03", "2026-03-01", "2026-02-27", "2026-03-02"):
        client.put(f"/api/v1/days/{day}/", {"stress": 1}, format="json")
    listed = client.get("/api/v1/days/", {"from": "2026-03-01", "to": "2026-03-02"}).json()
    assert [d["date"] for d in listed["results"]] == ["2026-03-01", "2026-03-02"]
    everything = client.get("/api/v1/days/").json()["results"]
    assert [d["date"] for d in everything] == sorted(d["date"] for d in everything)


def test_a_range_that_ends_before_it_starts_is_a_field_error(client):
    response = client.get("/api/v1/days/", {"from": "2026-03-02", "to": "2026-03-01"})
    assert "to" in _errors(response)
    assert "from" in _errors(client.get("/api/v1/days/", {"from": "March"}))
    assert "updated_since" in _errors(client.get("/api/v1/days/", {"updated_since": "soon"}))


def test_an_empty_filter_is_refused_not_ignored(client):
    assert "updated_since" in _errors(client.get("/api/v1/days/", {"updated_since": ""}))
    assert "to" in _errors(client.get("/api/v1/export/csv/", {"to": ""}))
    assert "to" in _errors(client.get("/api/v1/export/fhir/", {"to": "2026-13-01"}))


# --- headaches, medications, doses, questionnaires ---------------------------------------------


def test_an_attack_across_midnight_lists_on_every_day_it_touches(client):
    client.post(
        "/api/v1/headaches/",
        {
            "started_at": "2026-03-01T21:00:00Z",
            "ended_at": "2026-03-02T09:00:00Z",
            "peak_intensity": 5,
        },
        format="json",
    )
    for day in ("2026-03-01", "2026-03-02"):
        assert (
            len(client.get("/api/v1/headaches/", {"from": day, "to": day}).json()["results"]) == 1
        )
    assert client.get("/api/v1/headaches/", {"from": "2026-03-03"}).json()["results"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"started_at": "2026-03-01T10:00:00Z", "ended_at": "2026-03-01T09:00:00Z"}, "ended_at"),
        ({"started_at": "2999-01-01T10:00:00Z"}, "started_at"),
        ({"started_at": "1800-01-01T10:00:00Z"}, "started_at"),
        ({"started_at": "0001-01-01T00:00:00+14:00"}, "started_at"),
        ({"started_at": "2026-03-01T10:00:00Z", "side": "top"}, "side"),
        ({"started_at": "2026-03-01T10:00:00Z", "functional_impact": 4}, "functional_impact"),
        ({"started_at": "2026-03-01T10:00:00Z", "aura_minutes": 5000}, "aura_minutes"),
    ],
)
def test_attack_rules_are_field_errors(client, body, field):
    response = client.post("/api/v1/headaches/", {"peak_intensity": 5, **body}, format="json")
    assert field in _errors(response)


def test_a_medication_stopped_before_it_started_is_a_field_error(client):
    body = {"name": "Topiramate", "med_class": "other", "kind": "preventive"}
    created = client.post("/api/v1/medications/", body, format="json").json()
    response = client.patch(
        f"/api/v1/medications/{created['id']}/",
        {"started_on": "2026-03-01", "stopped_on": "2026-02-01"},
        format="json",
    )
    assert _errors(response) == {"stopped_on": ["The stop date must be on or after the start."]}


def test_the_same_medication_twice_is_a_field_error(client):
    body = {"name": "Ibuprofen", "med_class": "nsaid"}
    client.post("/api/v1/medications/", body, format="json")
    response = client.post("/api/v1/medications/", {**body, "name": "ibuprofen "}, format="json")
    assert _errors(response) == {"name": ["This medication is already on your list."]}
    [error] = response.json()["errors"]
    assert error["attr"] == "name" and error["code"] not in ("", None)


def test_a_dose_needs_a_live_medication_of_the_patient(client, api_as, bob):
    theirs = api_as(bob).post(
        "/api/v1/medications/", {"name": "Naproxen", "med_class": "nsaid"}, format="json"
    )
    dose = {"medication": theirs.json()["id"], "taken_at": "2026-03-01T10:00:00Z"}
    expected = {"medication": ["Choose a medication from your list."]}
    assert _errors(client.post("/api/v1/doses/", dose, format="json")) == expected
    mine = client.post(
        "/api/v1/medications/", {"name": "Naproxen", "med_class": "nsaid"}, format="json"
    ).json()
    client.delete(f"/api/v1/medications/{mine['id']}/")
    dose["medication"] = mine["id"]
    assert _errors(client.post("/api/v1/doses/", dose, format="json")) == expected


def test_a_dose_takes_the_medication_defaults_and_its_diary_day(client, alice):
    med = client.post(
        "/api/v1/medications/",
        {"name": "Ibuprofen", "med_class": "nsaid", "default_amount": 400, "unit": "mg"},
        format="json",
    ).json()
    dose = client.post(
        "/api/v1/doses/",
        {"medication": med["id"], "taken_at": "2026-03-02T02:30:00Z", "attack": None},
        format="json",
    ).json()
    assert (dose["amount"], dose["unit"], dose["date"]) == (400.0, "mg", "2026-03-01")
    assert Dose.objects.get(patient=alice).amount == 400


def test_a_dose_for_an_unknown_attack_is_a_field_error(client, alice_diary):
    dose = {
        "medication": str(alice_diary.medication.pk),
        "taken_at": "2026-03-01T10:00:00Z",
        "attack": str(uuid.uuid4()),
    }
    assert _errors(client.post("/api/v1/doses/", dose, format="json")) == {
        "attack": ["That headache is not in your diary."]
    }


@pytest.mark.parametrize(
    ("instrument", "answers", "score"),
    [
        ("pss4", [1, 4, 0, 2], 7),
        ("asc12", [2] * 12, 24),
        (
            "sss",
            {
                "fatigue": 3,
                "waking_unrefreshed": 2,
                "cognitive_symptoms": 1,
                "headaches": 1,
                "lower_abdominal_pain": 0,
                "depression": 1,
            },
            8,
        ),
        ("dsqsf", [[2, 2]] * 14, 50),
    ],
)
def test_questionnaires_are_scored_when_saved(client, instrument, answers, score):
    body = {"instrument": instrument, "date": "2026-03-01", "answers": answers}
    assert client.post("/api/v1/questionnaires/", body, format="json").json()["score"] == score


@pytest.mark.parametrize(
    ("answers", "field"),
    [([1, 2, 3], "answers"), ([1, 2, 3, 9], "answers"), ("1234", "answers"), ({"x": 1}, "answers")],
)
def test_bad_questionnaire_answers_are_field_errors(client, answers, field):
    body = {"instrument": "pss4", "date": "2026-03-01", "answers": answers}
    assert field in _errors(client.post("/api/v1/questionnaires/", body, format="json"))


def test_dsq_sf_answers_that_are_not_pairs_are_a_field_error(client):
    body = {"instrument": "dsqsf", "date": "2026-03-01", "answers": [2] * 28}
    assert "answers" in _errors(client.post("/api/v1/questionnaires/", body, format="json"))


def test_a_questionnaire_patch_keeps_the_other_parts_and_rescores(client):
    body = {"instrument": "pss4", "date": "2026-03-01", "answers": [0, 4, 4, 0]}
    created = client.post("/api/v1/questionnaires/", body, format="json").json()
    patched = client.patch(
        f"/api/v1/questionnaires/{created['id']}/", {"answers": [4, 0, 0, 4]}, format="json"
    ).json()
    assert (patched["instrument"], patched["date"], patched["score"]) == ("pss4", "2026-03-01", 16)


def test_one_questionnaire_per_instrument_and_day(client):
    body = {"instrument": "pss4", "date": "2026-03-01", "answers": [0, 4, 4, 0]}
    client.post("/api/v1/questionnaires/", body, format="json")
    response = client.post("/api/v1/questionnaires/", body, format="json")
    assert _errors(response) == {"date": ["You already answered this questionnaire on that day."]}


# --- clinicians ----------------------------------------------------------------------------------


def test_a_clinician_reads_without_notes_unless_the_share_includes_them(
    api_as, alice, carol, alice_diary
):
    url = f"/api/v1/days/{alice_diary.key('days')}/?patient={alice.pk}"
    assert "notes" not in api_as(carol).get(url).json()
    Share.objects.filter(patient=alice, clinician=carol).update(scope_notes=True)
    assert api_as(carol).get(url).json()["notes"] == "private day note"


def test_a_clinician_must_say_which_patient_to_read(api_as, carol):
    assert "patient" in _errors(api_as(carol).get("/api/v1/days/"))


def test_a_share_without_the_diary_scope_reads_no_diary(api_as, alice, carol, alice_diary):
    Share.objects.filter(patient=alice, clinician=carol).update(scope_diary=False)
    assert api_as(carol).get(f"/api/v1/days/?patient={alice.pk}").status_code == 404


@pytest.mark.parametrize("patient", ["abc", "-1", "99999999999999999999999", "1.0", "١"])
def test_a_patient_parameter_that_is_not_an_id_is_not_found(api_as, carol, patient):
    assert api_as(carol).get("/api/v1/days/", {"patient": patient}).status_code == 404


# --- throttling ---------------------------------------------------------------------------------


def test_writes_are_throttled_with_retry_after_and_reads_are_not(client, monkeypatch):
    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", {"writes": "3/min"})
    statuses = [client.put(DAY_URL, {"stress": n}, format="json").status_code for n in range(4)]
    assert statuses == [201, 200, 200, 429]
    throttled = client.put(DAY_URL, {"stress": 1}, format="json")
    assert int(throttled["Retry-After"]) > 0
    assert all(client.get(DAY_URL).status_code == 200 for _ in range(5))


def test_an_unknown_api_url_answers_json_404_and_pages_keep_the_html_404(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert problem_detail(response.json()) == {"code": "not_found", "detail": "Not found."}
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


def test_an_api_url_without_its_slash_answers_a_json_308_to_the_right_url(client):
    response = client.put("/api/v1/days/2026-03-02?patient=1", {"stress": 1}, format="json")
    assert response.status_code == 308
    assert response["Location"] == "http://testserver/api/v1/days/2026-03-02/?patient=1"
    body = response.json()
    assert problem_detail(body)["code"] == "trailing_slash"
    assert body["location"] == response["Location"]
    assert not Day.objects.exists()


def test_an_unknown_api_url_without_a_slash_answers_a_json_404(client):
    response = client.post("/api/v1/no-such-thing", {}, format="json")
    assert response.status_code == 404
    assert problem_detail(response.json())["code"] == "not_found"


def test_an_oversized_body_is_a_problem_with_a_code(client):
    response = client.generic(
        "PUT", DAY_URL, "x" * (3 * 1024 * 1024), content_type="application/json"
    )
    assert response.status_code == 413
    assert problem_detail(response.json())["code"] == "too_large"
