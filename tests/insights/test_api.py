import json

import pytest

from accounts.models import AccessEvent
from insights.models import Insight

URL = "/api/v1/insights/"
FIELDS = {
    "kind",
    "title",
    "status",
    "effect",
    "ci_low",
    "ci_high",
    "p_value",
    "n_days",
    "n_events",
    "effect_label",
    "summary",
    "details",
    "computed_at",
    "algorithm_version",
    "learn_more",
}


@pytest.fixture
def alice_insight(alice):
    return Insight.objects.create(
        patient=alice,
        kind="stress_letdown",
        status="found",
        effect=3.2,
        ci_low=1.4,
        ci_high=7.5,
        p_value=0.01,
        n_days=140,
        n_events=24,
        effect_label="odds ratio",
        summary="A let-down pattern.",
        details={"risk_exposed": 0.4},
    )


def test_anonymous_gets_401(api_as, alice_insight):
    assert api_as(None).get(URL).status_code == 401


def test_a_patient_reads_their_own_current_insights(api_as, alice, alice_insight):
    Insight.objects.create(
        patient=alice, kind="sleep_pain", status="not_found", summary="old", is_current=False
    )
    response = api_as(alice).get(URL)
    assert response.status_code == 200
    body = response.json()
    assert [row["kind"] for row in body] == ["stress_letdown"]
    assert set(body[0]) == FIELDS
    assert body[0]["effect"] == 3.2 and body[0]["ci_low"] == 1.4 and body[0]["n_days"] == 140
    assert body[0]["learn_more"] == "/insights/learn/let-down-effect/"


def test_a_patient_may_name_themself(api_as, alice, alice_insight):
    assert api_as(alice).get(URL, {"patient": alice.pk}).status_code == 200


def test_another_patient_gets_404_and_sees_nothing(api_as, alice, bob, alice_insight):
    assert api_as(bob).get(URL, {"patient": alice.pk}).status_code == 404
    assert api_as(bob).get(URL).json() == []


def test_a_clinician_with_an_insights_share_reads_and_is_logged(
    api_as, alice, carol, alice_insight
):
    response = api_as(carol).get(URL, {"patient": alice.pk})
    assert response.status_code == 200
    assert response.json()[0]["kind"] == "stress_letdown"
    event = AccessEvent.objects.get(actor=carol, patient=alice)
    assert event.action == "api.insights.list"


def test_a_clinician_without_a_share_gets_404(api_as, alice, dave, alice_insight):
    assert api_as(dave).get(URL, {"patient": alice.pk}).status_code == 404
    assert not AccessEvent.objects.filter(actor=dave).exists()


def test_a_clinician_whose_share_was_revoked_gets_404(api_as, alice, erin, alice_insight):
    assert api_as(erin).get(URL, {"patient": alice.pk}).status_code == 404


def test_a_share_without_the_insights_scope_gets_404(api_as, alice, dave, alice_insight):
    from tests.factories import ShareFactory

    ShareFactory(patient=alice, clinician=dave, scope_insights=False)
    assert api_as(dave).get(URL, {"patient": alice.pk}).status_code == 404


def test_a_clinician_must_choose_a_patient(api_as, carol):
    response = api_as(carol).get(URL)
    assert response.status_code == 400
    assert "patient" in response.json()


@pytest.mark.parametrize("bad", ["abc", "-1", "99999999999999999999999", "１"])
def test_a_malformed_patient_id_is_404_not_500(api_as, carol, bad):
    assert api_as(carol).get(URL, {"patient": bad}).status_code == 404


def test_an_empty_patient_id_is_refused_as_the_schema_says(api_as, alice, alice_insight):
    response = api_as(alice).get(URL + "?patient=")
    assert response.status_code == 400
    assert [error["attr"] for error in response.json()["errors"]] == ["patient"]


def test_reading_insights_takes_a_constant_number_of_queries(
    api_as, alice, carol, alice_insight, django_assert_max_num_queries
):
    for kind in ("sleep_pain", "pain_spread", "headache_frequency"):
        Insight.objects.create(patient=alice, kind=kind, status="not_found", summary="s")
    client = api_as(carol)
    with django_assert_max_num_queries(4):
        assert len(client.get(URL, {"patient": alice.pk}).json()) == 4


def test_the_schema_documents_the_insight_fields(api_as, alice):
    response = api_as(alice).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    operation = schema["paths"]["/api/v1/insights/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"patient"}
    assert set(operation["responses"]) >= {"200", "401", "404"}
    insight = schema["components"]["schemas"]["Insight"]
    assert set(insight["properties"]) >= FIELDS
    assert "null" in insight["properties"]["effect"]["type"]  # OpenAPI 3.1: type [number, null]
