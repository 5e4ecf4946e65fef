"""The FHIR R4 export validates against the FHIR models (fhir.resources, R4B package: the
published R4 corrections release, structurally identical for the resources used) and carries
the codes of the clinical reference §7."""

import re
from datetime import date

import pytest
from fhir.resources.R4B.bundle import Bundle

from accounts.models import PatientProfile
from clinic.fhir import patient_bundle
from diary import services
from tests.clinic.conftest import PERIOD

pytestmark = pytest.mark.django_db
FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


@pytest.fixture
def bundle(diary_alice):
    return patient_bundle(diary_alice, include_notes=True)


def resources(bundle, kind):
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def codes(resource):
    return {(c["system"], c["code"]) for c in resource["code"].get("coding", [])}


def test_bundle_validates_against_the_fhir_models(bundle):
    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "collection"
    assert len(parsed.entry) == len(bundle["entry"])


def test_empty_diary_bundle_validates(bob):
    bundle = patient_bundle(bob, include_notes=False)
    Bundle.model_validate(bundle)
    assert {e["resource"]["resourceType"] for e in bundle["entry"]} == {"Patient", "Provenance"}


def test_every_id_is_valid_unique_and_every_reference_resolves(bundle):
    urls = [entry["fullUrl"] for entry in bundle["entry"]]
    assert len(urls) == len(set(urls))
    for entry in bundle["entry"]:
        assert FHIR_ID.match(entry["resource"]["id"])
        assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"
    references = re.findall(r"'reference': '([^']+)'", str(bundle))
    assert references and set(references) <= set(urls)


def test_patient_resource_carries_demographics_without_a_name(bundle):
    patient = resources(bundle, "Patient")[0]
    assert patient["gender"] == "female"
    assert patient["birthDate"] == "1985"
    assert patient["telecom"] == [{"system": "email", "value": "alice@example.com"}]


def test_headache_attacks_are_pain_severity_episodes_never_coded_as_the_disorder(bundle):
    attacks = [
        o
        for o in resources(bundle, "Observation")
        if "effectivePeriod" in o and ("http://loinc.org", "72514-3") in codes(o)
    ]
    assert [o["valueInteger"] for o in attacks] == [7, 5, 3, 2, 4]
    assert all(o["bodySite"]["coding"][0]["code"] == "69536005" for o in attacks)
    episodes = [o["component"][0]["valueCodeableConcept"]["coding"][0]["code"] for o in attacks]
    assert episodes == ["25064002"] * 5  # Headache (finding), whatever the features
    assert "37796009" not in str(attacks)  # Migraine (disorder) is a diagnosis, not an attack
    criteria = [o["component"][1] for o in attacks]
    assert {c["code"]["coding"][0]["code"] for c in criteria} == {"ichd3-migraine-features"}
    # A1, A2 meet ICHD-3 C+D; A3-A5 do not (A5 is a migraine *day* only by triptan).
    assert [c["valueBoolean"] for c in criteria] == [True, True, False, False, False]
    features = {
        c["code"]["coding"][0]["code"]: c["valueBoolean"]
        for c in attacks[0]["component"]
        if "valueBoolean" in c
    }
    assert features["feature-unilateral"] and features["feature-nausea"]
    assert not features["feature-photophobia"]
    assert attacks[1]["effectivePeriod"] == {
        "start": "2026-01-10T20:00:00+00:00",
        "end": "2026-01-11T10:00:00+00:00",
    }


def test_body_pain_has_one_observation_per_area_with_site_and_laterality(bundle):
    pain = [
        o
        for o in resources(bundle, "Observation")
        if o.get("effectiveDateTime") == "2026-01-05"
        and ("http://loinc.org", "72514-3") in codes(o)
    ]
    by_site = {o["bodySite"]["text"]: o for o in pain}
    assert set(by_site) == {"Neck", "Shoulder girdle, left"}
    assert by_site["Neck"]["valueInteger"] == 5
    assert by_site["Neck"]["bodySite"]["coding"][0]["code"] == "45048000"
    assert "extension" not in by_site["Neck"]["bodySite"]
    shoulder = by_site["Shoulder girdle, left"]["bodySite"]
    assert shoulder["coding"][0]["code"] == "16982005"
    laterality = shoulder["extension"][0]["valueCodeableConcept"]["coding"][0]
    assert laterality["code"] == "419161000"


def test_upper_back_uses_a_thoracic_back_code_not_the_thoracic_cavity(bundle):
    upper_back = [
        o
        for o in resources(bundle, "Observation")
        if o.get("bodySite", {}).get("text") == "Upper back"
    ]
    assert [o["bodySite"]["coding"][0]["code"] for o in upper_back] == ["1141986006"]


def test_the_wpi_chest_area_is_the_anterior_chest_wall_not_the_thorax(bundle):
    chest = [
        o for o in resources(bundle, "Observation") if o.get("bodySite", {}).get("text") == "Chest"
    ]
    sites = [o["bodySite"]["coding"][0] for o in chest]
    assert [(site["code"], site["display"]) for site in sites] == [
        ("63698005", "Anterior chest wall structure")
    ]
    assert "51185008" not in str(bundle)  # Thoracic structure (the whole thorax)


def test_sleep_duration_uses_loinc_and_ucum_minutes(bundle):
    sleep = [
        o for o in resources(bundle, "Observation") if ("http://loinc.org", "93832-4") in codes(o)
    ]
    assert len(sleep) == 6
    assert sleep[0]["valueQuantity"] == {
        "value": 440,
        "unit": "min",
        "system": "http://unitsofmeasure.org",
        "code": "min",
    }


def test_stress_is_an_integer_observation_with_a_project_code(bundle):
    stress = [
        o
        for o in resources(bundle, "Observation")
        if o["code"]["coding"][0]["code"] == "stress-0-10"
    ]
    assert [o["valueInteger"] for o in stress] == [6, 8, 2, 4, 7, 3]


def test_questionnaire_responses_for_sss_asc12_and_pss4(bundle):
    responses = {
        r["questionnaire"].rsplit("/", 1)[1]: r for r in resources(bundle, "QuestionnaireResponse")
    }
    assert set(responses) == {"acr2016-sss", "asc-12", "pss-4"}
    total = {k: r["item"][-1]["answer"][0]["valueInteger"] for k, r in responses.items()}
    assert total == {"acr2016-sss": 9, "asc-12": 9, "pss-4": 12}
    assert len(responses["asc-12"]["item"]) == 13
    assert responses["acr2016-sss"]["status"] == "completed"


def test_every_dose_is_exported_as_a_medication_statement(bundle):
    statements = resources(bundle, "MedicationStatement")
    assert sorted(s["medicationCodeableConcept"]["text"] for s in statements) == [
        "Ibuprofen",
        "Ibuprofen",
        "Propranolol",
        "Propranolol",
        "Sumatriptan",
        "Sumatriptan",
    ]


def test_provenance_marks_every_resource_as_patient_authored(bundle):
    provenance = resources(bundle, "Provenance")[0]
    patient_id = resources(bundle, "Patient")[0]["id"]
    targets = {t["reference"] for t in provenance["target"]}
    others = {
        e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] != "Provenance"
    }
    assert targets == others
    agent = provenance["agent"][0]
    assert agent["who"]["reference"] == f"urn:uuid:{patient_id}"
    assert agent["type"]["coding"][0]["code"] == "author"


def test_diagnoses_and_family_history_are_exported(bundle):
    assert [c["code"]["text"] for c in resources(bundle, "Condition")] == [
        "Migraine without aura",
        "Fibromyalgia",
    ]
    family = resources(bundle, "FamilyMemberHistory")
    assert [f["condition"][0]["code"]["text"] for f in family] == [
        "Migraine",
        "Chronic widespread pain",
    ]


def test_notes_are_left_out_without_the_notes_scope(diary_alice):
    bundle = patient_bundle(diary_alice, include_notes=False)
    text = str(bundle)
    assert "Bad day at work" not in text and "Started after a long meeting" not in text
    with_notes = str(patient_bundle(diary_alice, include_notes=True))
    assert "Bad day at work" in with_notes and "Started after a long meeting" in with_notes


def test_period_limits_the_exported_days(diary_alice):
    bundle = patient_bundle(diary_alice, include_notes=False, start=date(2026, 2, 1), end=PERIOD[1])
    Bundle.model_validate(bundle)
    dated = [
        e["resource"].get("effectiveDateTime") or e["resource"].get("authored")
        for e in bundle["entry"]
    ]
    assert all(d is None or d >= "2026-02-01" for d in dated)
    attacks = [o for o in resources(bundle, "Observation") if "effectivePeriod" in o]
    assert [o["valueInteger"] for o in attacks] == [2, 4]


def test_export_runs_in_a_constant_number_of_queries(diary_alice, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        patient_bundle(diary_alice, include_notes=True)


def test_screens_export_as_responses_with_coded_total_score_observations(diary_alice):
    day = date(2026, 2, 10)
    for instrument, answers in (
        ("phq4", [2, 2, 0, 1]),
        ("gad7", [2, 2, 1, 1, 1, 1, 2]),
        ("phq8", [1] * 8),
        ("tmd", [1, 1, 1, 0, 0, 0]),
        ("midas", [2, 3, 1, 0, 1, 12, 6]),
    ):
        services.questionnaire_upsert(
            patient=diary_alice, instrument=instrument, date=day, answers=answers
        )
    bundle = patient_bundle(diary_alice, include_notes=False)
    Bundle.model_validate(bundle)
    scores = {
        next(iter(codes(obs))): obs
        for obs in resources(bundle, "Observation")
        if obs.get("derivedFrom")
    }
    assert scores[("http://loinc.org", "70272-0")]["valueInteger"] == 5  # PHQ-4 total
    assert scores[("http://loinc.org", "70274-6")]["valueInteger"] == 10  # GAD-7 total
    project = "https://flaremap.example/fhir/CodeSystem/diary"
    assert scores[(project, "phq8-total")]["valueInteger"] == 8
    assert scores[(project, "tmd-screener-total")]["valueInteger"] == 3
    assert scores[(project, "midas-total")]["valueInteger"] == 7
    responses = {
        r["questionnaire"].rsplit("/", 1)[1]: r for r in resources(bundle, "QuestionnaireResponse")
    }
    assert {"phq-4", "gad-7", "phq-8", "tmd-pain-screener", "midas"} <= set(responses)
    assert len(responses["phq-8"]["item"]) == 9  # eight items and the total, no item 9


def test_the_dsq_sf_exports_frequency_and_severity_per_symptom_and_its_composite(diary_alice):
    answers = [[3, 2]] * 13 + [[0, 0]]
    services.questionnaire_upsert(
        patient=diary_alice, instrument="dsqsf", date=date(2026, 2, 10), answers=answers
    )
    bundle = patient_bundle(diary_alice, include_notes=False)
    Bundle.model_validate(bundle)
    response = next(
        r
        for r in resources(bundle, "QuestionnaireResponse")
        if r["questionnaire"].endswith("dsq-sf")
    )
    first, *_, last, total = response["item"]
    assert first["text"] == "Fatigue or extreme tiredness"
    assert [(i["linkId"], i["answer"][0]["valueInteger"]) for i in first["item"]] == [
        ("1.frequency", 3),
        ("1.severity", 2),
    ]
    assert [i["answer"][0]["valueInteger"] for i in last["item"]] == [0, 0]
    assert total["answer"] == [{"valueInteger": 58}]  # 13 x 5 x 25 / 28 = 58.0
    score = next(
        o
        for o in resources(bundle, "Observation")
        if o.get("derivedFrom") == [{"reference": f"urn:uuid:{response['id']}"}]
    )
    assert codes(score) == {("https://flaremap.example/fhir/CodeSystem/diary", "dsq-sf-composite")}
    assert score["valueInteger"] == 58


def test_the_patient_name_and_birth_date_are_exported_when_given(diary_alice):
    PatientProfile.objects.filter(user=diary_alice).update(
        full_name="Alice Example", date_of_birth=date(1985, 3, 1)
    )
    patient = resources(patient_bundle(diary_alice, include_notes=False), "Patient")[0]
    assert patient["name"] == [{"text": "Alice Example"}]
    assert patient["birthDate"] == "1985-03-01"
