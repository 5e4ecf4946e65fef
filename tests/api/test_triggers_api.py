"""/api/v1/triggers/ syncs like medications; days carry their trigger keys."""

import uuid

import pytest

pytestmark = pytest.mark.django_db


def test_a_trigger_is_created_by_client_id_and_ticked_on_a_day(api_as, alice):
    client = api_as(alice)
    key = uuid.uuid4()
    response = client.put(f"/api/v1/triggers/{key}/", {"name": "Perfume"}, format="json")
    assert response.status_code == 201 and response["ETag"] == 'W/"1"'
    day = client.put(
        "/api/v1/days/2026-03-02/", {"triggers": [f"own:{key}", "travel"]}, format="json"
    )
    assert day.status_code == 201, day.content
    assert day.json()["triggers"] == ["travel", f"own:{key}"]


def test_an_unknown_trigger_on_a_day_is_a_field_error(api_as, alice):
    response = api_as(alice).put("/api/v1/days/2026-03-02/", {"triggers": ["wine"]}, format="json")
    assert response.status_code == 400
    assert [error["attr"] for error in response.json()["errors"]] == ["triggers"]


def test_a_stale_if_match_is_412_and_deletion_leaves_a_tombstone(api_as, alice):
    client = api_as(alice)
    key = uuid.uuid4()
    client.put(f"/api/v1/triggers/{key}/", {"name": "Perfume"}, format="json")
    client.put(f"/api/v1/triggers/{key}/", {"name": "Strong perfume"}, format="json")
    stale = client.put(
        f"/api/v1/triggers/{key}/", {"name": "Old"}, format="json", HTTP_IF_MATCH='W/"1"'
    )
    assert stale.status_code == 412 and stale.json()["current"]["name"] == "Strong perfume"
    assert client.delete(f"/api/v1/triggers/{key}/").status_code == 204
    changes = client.get("/api/v1/triggers/?updated_since=2000-01-01T00:00:00Z").json()
    assert [(item["id"], item["deleted"]) for item in changes["results"]] == [(str(key), True)]
    assert client.get("/api/v1/triggers/").json()["results"] == []


def test_triggers_can_be_written_in_a_sync_batch(api_as, alice):
    key = str(uuid.uuid4())
    operations = [
        {"op": "upsert", "resource": "triggers", "key": key, "data": {"name": "Perfume"}},
        {"op": "upsert", "resource": "days", "key": "2026-03-02", "data": {"triggers": []}},
    ]
    response = api_as(alice).post("/api/v1/sync/batch/", {"operations": operations}, format="json")
    assert [item["status"] for item in response.json()["results"]] == [201, 201]


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_empty_patient_id_is_refused_not_read_as_left_out(api_as, alice, method):
    """The schema types ?patient= as an integer (found by the schema fuzzer, ST201)."""
    client = api_as(alice)
    body = {"name": "Perfume", "id": str(uuid.uuid4())} if method == "post" else None
    response = getattr(client, method)("/api/v1/triggers/?patient=", body, format="json")
    assert response.status_code == 400
    assert [error["attr"] for error in response.json()["errors"]] == ["patient"]
    assert client.get("/api/v1/triggers/").json()["results"] == []


def test_an_empty_if_match_is_refused_not_read_as_no_condition(api_as, alice):
    client = api_as(alice)
    key = uuid.uuid4()
    client.put(f"/api/v1/triggers/{key}/", {"name": "Perfume"}, format="json")
    response = client.put(
        f"/api/v1/triggers/{key}/", {"name": "Smoke"}, format="json", HTTP_IF_MATCH=""
    )
    assert response.status_code == 400
    assert [error["attr"] for error in response.json()["errors"]] == ["if_match"]
    assert client.get(f"/api/v1/triggers/{key}/").json()["name"] == "Perfume"
