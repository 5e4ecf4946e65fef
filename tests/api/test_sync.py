"""Offline sync: client UUIDs make retries safe, versions and If-Match catch concurrent edits,
``updated_since`` delivers changes with tombstones, and the batch applies items one by one."""

import threading
import uuid

import pytest
from django.db import connection

from diary.api.resources import STALE
from diary.models import Day, HeadacheAttack, Medication
from tests.api.conftest import field_messages, problem_detail

pytestmark = pytest.mark.django_db

ATTACK = {"started_at": "2026-03-01T08:00:00Z", "peak_intensity": 6, "nausea": True}


@pytest.fixture
def client(api_as, alice):
    return api_as(alice)


# --- duplicate creates -------------------------------------------------------------------------


def test_a_retried_post_with_the_same_id_creates_one_attack(client, alice):
    body = {**ATTACK, "id": str(uuid.uuid4())}
    first = client.post("/api/v1/headaches/", body, format="json")
    second = client.post("/api/v1/headaches/", body, format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json() == first.json()
    assert HeadacheAttack.objects.filter(patient=alice).count() == 1


def test_a_post_with_a_known_id_returns_the_stored_object_without_changing_it(client):
    attack_id = str(uuid.uuid4())
    client.post("/api/v1/headaches/", {**ATTACK, "id": attack_id}, format="json")
    again = client.post(
        "/api/v1/headaches/", {**ATTACK, "id": attack_id, "peak_intensity": 9}, format="json"
    )
    assert again.status_code == 200
    assert again.json()["peak_intensity"] == 6
    assert again.json()["version"] == 1


def test_a_post_without_an_id_gets_a_server_uuid(client):
    response = client.post("/api/v1/headaches/", ATTACK, format="json")
    assert response.status_code == 201
    assert uuid.UUID(response.json()["id"])


def test_put_to_a_new_uuid_creates_and_a_replay_changes_nothing(client):
    url = f"/api/v1/headaches/{uuid.uuid4()}/"
    first = client.put(url, ATTACK, format="json")
    second = client.put(url, ATTACK, format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["version"] == 1
    assert second.json()["updated_at"] == first.json()["updated_at"]


def test_a_replayed_day_put_keeps_its_version(client, alice):
    body = {"stress": 4, "body_pain": {"neck": 3, "lower_back": 5}, "notes": "ok"}
    assert client.put("/api/v1/days/2026-03-01/", body, format="json").status_code == 201
    replay = client.put("/api/v1/days/2026-03-01/", body, format="json")
    assert replay.status_code == 200
    assert replay.json()["version"] == 1
    assert Day.objects.get(patient=alice).version == 1


def test_a_body_id_that_differs_from_the_url_is_refused(client):
    response = client.put(
        f"/api/v1/headaches/{uuid.uuid4()}/", {**ATTACK, "id": str(uuid.uuid4())}, format="json"
    )
    assert response.status_code == 400
    assert "id" in response.json()


# --- concurrent edits --------------------------------------------------------------------------


def test_every_response_carries_the_version_as_etag(client):
    created = client.put("/api/v1/days/2026-03-01/", {"stress": 1}, format="json")
    assert created["ETag"] == 'W/"1"'
    changed = client.patch("/api/v1/days/2026-03-01/", {"stress": 2}, format="json")
    assert changed["ETag"] == 'W/"2"'
    assert client.get("/api/v1/days/2026-03-01/")["ETag"] == 'W/"2"'


def test_the_etag_is_the_same_whether_or_not_the_answer_is_gzipped(client):
    client.put("/api/v1/days/2026-03-01/", {"stress": 1, "notes": "x" * 500}, format="json")
    plain = client.get("/api/v1/days/2026-03-01/")
    gzipped = client.get("/api/v1/days/2026-03-01/", HTTP_ACCEPT_ENCODING="gzip")
    assert gzipped["Content-Encoding"] == "gzip"
    assert plain["ETag"] == gzipped["ETag"] == 'W/"1"'


@pytest.mark.parametrize("held", ['W/"1"', '"1"', "1", '"7", W/"1"', "*"])
def test_a_read_with_the_current_etag_answers_304_without_a_body(client, held):
    client.put("/api/v1/days/2026-03-01/", {"stress": 1}, format="json")
    response = client.get("/api/v1/days/2026-03-01/", HTTP_IF_NONE_MATCH=held)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == 'W/"1"'
    assert "no-store" in response["Cache-Control"]


def test_a_read_with_an_old_etag_answers_the_object(client):
    client.put("/api/v1/days/2026-03-01/", {"stress": 1}, format="json")
    client.put("/api/v1/days/2026-03-01/", {"stress": 2}, format="json")
    response = client.get("/api/v1/days/2026-03-01/", HTTP_IF_NONE_MATCH='W/"1"')
    assert response.status_code == 200
    assert response.json()["stress"] == 2


@pytest.mark.parametrize("sent", ['W/"1"', '"1"', "1"])
def test_if_match_accepts_the_etag_weak_strong_or_bare(client, sent):
    client.put("/api/v1/days/2026-03-01/", {"stress": 1}, format="json")
    response = client.patch(
        "/api/v1/days/2026-03-01/", {"stress": 2}, format="json", HTTP_IF_MATCH=sent
    )
    assert response.status_code == 200
    assert response["ETag"] == 'W/"2"'


def test_writes_carry_the_rate_limit_headers_and_reads_do_not(client):
    written = client.put("/api/v1/days/2026-03-01/", {"stress": 1}, format="json")
    limit = int(written["RateLimit-Limit"])
    assert int(written["RateLimit-Remaining"]) == limit - 1
    assert written["RateLimit-Policy"] == f"{limit};w=60"
    assert "RateLimit-Limit" not in client.get("/api/v1/days/2026-03-01/")


def test_the_second_of_two_edits_from_the_same_version_gets_412_with_the_current_object(
    api_as, alice
):
    phone, laptop = api_as(alice), api_as(alice)
    etag = phone.put("/api/v1/days/2026-03-01/", {"stress": 3}, format="json")["ETag"]
    won = phone.patch("/api/v1/days/2026-03-01/", {"stress": 7}, format="json", HTTP_IF_MATCH=etag)
    lost = laptop.patch(
        "/api/v1/days/2026-03-01/", {"stress": 1}, format="json", HTTP_IF_MATCH=etag
    )
    assert won.status_code == 200
    assert lost.status_code == 412
    assert lost.json()["current"]["stress"] == 7
    assert lost.json()["current"]["version"] == 2
    assert problem_detail(lost.json()) == {"code": "precondition_failed", "detail": STALE}
    assert lost["ETag"] == 'W/"2"'
    assert Day.objects.get(patient=alice).stress == 7


def test_a_replayed_edit_with_its_now_stale_if_match_succeeds_without_a_new_version(client):
    etag = client.put("/api/v1/days/2026-03-01/", {"stress": 3}, format="json")["ETag"]
    first = client.patch(
        "/api/v1/days/2026-03-01/", {"stress": 5}, format="json", HTTP_IF_MATCH=etag
    )
    replay = client.patch(
        "/api/v1/days/2026-03-01/", {"stress": 5}, format="json", HTTP_IF_MATCH=etag
    )
    assert first.status_code == replay.status_code == 200
    assert replay.json()["version"] == first.json()["version"] == 2


@pytest.mark.parametrize("value", ['W/"1"', "1", '"1"', "*"])
def test_if_match_accepts_strong_weak_bare_and_star(client, value):
    client.put("/api/v1/days/2026-03-01/", {"stress": 3}, format="json")
    response = client.patch(
        "/api/v1/days/2026-03-01/", {"stress": 4}, format="json", HTTP_IF_MATCH=value
    )
    assert response.status_code == 200


def test_a_malformed_if_match_answers_400(client):
    client.put("/api/v1/days/2026-03-01/", {"stress": 3}, format="json")
    response = client.patch(
        "/api/v1/days/2026-03-01/", {"stress": 4}, format="json", HTTP_IF_MATCH="banana"
    )
    assert response.status_code == 400
    assert "if_match" in response.json()


def test_if_match_on_an_object_that_does_not_exist_answers_412_with_null_current(client):
    response = client.put(
        f"/api/v1/headaches/{uuid.uuid4()}/", ATTACK, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 412
    assert response.json()["current"] is None


def test_a_stale_delete_answers_412_and_keeps_the_object(client, alice):
    client.put("/api/v1/days/2026-03-01/", {"stress": 3}, format="json")
    client.patch("/api/v1/days/2026-03-01/", {"stress": 4}, format="json")
    response = client.delete("/api/v1/days/2026-03-01/", HTTP_IF_MATCH='"1"')
    assert response.status_code == 412
    assert Day.objects.get(patient=alice).deleted_at is None


def _at_once(send, count: int = 2) -> list[int]:
    """Run ``send`` from ``count`` threads released together; their status codes."""
    barrier, statuses = threading.Barrier(count), []

    def run():
        from django.db import connections

        barrier.wait()
        statuses.append(send().status_code)
        connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_edits_from_one_version_let_exactly_one_win(alice, api_as):
    """Real concurrency (PostgreSQL row locks): the loser sees the winner's row and gets 412."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    api_as(alice).put("/api/v1/days/2026-03-01/", {"stress": 3}, format="json")
    stresses = iter((7, 8))
    statuses = _at_once(
        lambda: api_as(alice).patch(
            "/api/v1/days/2026-03-01/",
            {"stress": next(stresses)},
            format="json",
            HTTP_IF_MATCH='"1"',
        )
    )
    assert statuses == [200, 412]
    assert Day.objects.get(patient=alice).version == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/days/2026-03-01/", {"stress": 3}),
        (f"/api/v1/headaches/{uuid.uuid4()}/", ATTACK),
        (
            f"/api/v1/questionnaires/{uuid.uuid4()}/",
            {"instrument": "pss4", "date": "2026-03-01", "answers": [1, 2, 3, 1]},
        ),
    ],
)
def test_simultaneous_first_writes_of_one_object_store_it_once(alice, api_as, url, body):
    """Both inserts race; the loser's unique violation is retried and finds the winner's row,
    which already holds what it sends: one 201, one 200, version 1."""
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent PostgreSQL transactions")
    statuses = _at_once(lambda: api_as(alice).put(url, body, format="json"), count=3)
    assert statuses == [200, 200, 201]
    stored = api_as(alice).get(url).json()
    assert stored["version"] == 1


def test_a_write_losing_a_unique_key_race_is_retried_once_then_answers_409(client, monkeypatch):
    """The loser of two simultaneous first writes retries and finds the winner's row; a
    second loss in a row is a 409 the client may retry."""
    import dataclasses

    from django.db import IntegrityError

    from diary.api import resources, views

    attempts = []

    def always_racing(**kwargs):
        attempts.append(kwargs)
        raise IntegrityError("duplicate key value violates unique constraint")

    racing = dataclasses.replace(resources.HEADACHES, upsert=always_racing)
    monkeypatch.setattr(views.HeadacheViewSet, "resource", racing)
    response = client.put(f"/api/v1/headaches/{uuid.uuid4()}/", ATTACK, format="json")
    assert (response.status_code, len(attempts)) == (409, 2)


# --- tombstones and incremental sync -----------------------------------------------------------


def test_deleting_twice_answers_204_both_times_and_unknown_ids_404(client):
    client.put("/api/v1/days/2026-03-01/", {"stress": 3}, format="json")
    assert client.delete("/api/v1/days/2026-03-01/").status_code == 204
    assert client.delete("/api/v1/days/2026-03-01/").status_code == 204
    assert client.delete("/api/v1/days/2026-02-01/").status_code == 404
    assert client.delete(f"/api/v1/headaches/{uuid.uuid4()}/").status_code == 404


def test_a_deleted_object_is_gone_from_reads_but_listed_as_a_tombstone_in_changes(client):
    attack = client.post("/api/v1/headaches/", ATTACK, format="json").json()
    client.delete(f"/api/v1/headaches/{attack['id']}/")
    assert client.get(f"/api/v1/headaches/{attack['id']}/").status_code == 404
    assert client.get("/api/v1/headaches/").json()["results"] == []
    changes = client.get("/api/v1/headaches/", {"updated_since": attack["updated_at"]}).json()[
        "results"
    ]
    assert [(c["id"], c["deleted"], c["version"]) for c in changes] == [(attack["id"], True, 2)]


def test_updated_since_returns_only_what_changed_after_the_given_time(client):
    client.put("/api/v1/days/2026-03-01/", {"stress": 1}, format="json")
    mark = client.put("/api/v1/days/2026-03-02/", {"stress": 2}, format="json").json()
    client.patch("/api/v1/days/2026-03-01/", {"stress": 5}, format="json")
    changes = client.get("/api/v1/days/", {"updated_since": mark["updated_at"]}).json()
    assert [(d["date"], d["stress"]) for d in changes["results"]] == [
        ("2026-03-02", 2),
        ("2026-03-01", 5),
    ]


def test_a_put_revives_a_deleted_day_as_a_create(client):
    client.put("/api/v1/days/2026-03-01/", {"stress": 3}, format="json")
    client.delete("/api/v1/days/2026-03-01/")
    revived = client.put("/api/v1/days/2026-03-01/", {"stress": 4}, format="json")
    assert revived.status_code == 201
    assert revived.json()["deleted"] is False
    assert revived.json()["version"] == 3


def test_a_replayed_create_after_a_delete_does_not_revive_the_object(client):
    body = {**ATTACK, "id": str(uuid.uuid4())}
    client.post("/api/v1/headaches/", body, format="json")
    client.delete(f"/api/v1/headaches/{body['id']}/")
    replay = client.post("/api/v1/headaches/", body, format="json")
    assert replay.status_code == 200
    assert replay.json()["deleted"] is True


def test_paging_through_changes_yields_every_object_exactly_once(client, alice):
    for day in range(1, 26):
        client.put(f"/api/v1/days/2026-01-{day:02d}/", {"stress": day % 10}, format="json")
    Day.objects.filter(patient=alice, date__day__lte=10).update(
        updated_at=Day.objects.get(patient=alice, date__day=1).updated_at
    )  # ten rows share one timestamp: the cursor must still not skip or repeat
    seen, url = [], "/api/v1/days/?updated_since=2000-01-01T00:00:00Z&page_size=4"
    while url:
        page = client.get(url).json()
        seen += [d["date"] for d in page["results"]]
        url = page["next"]
    assert sorted(seen) == [f"2026-01-{day:02d}" for day in range(1, 26)]
    assert len(seen) == len(set(seen))


def test_a_forged_cursor_answers_400(client):
    import base64

    forged = base64.b64encode(b"p=not-a-date").decode()
    assert client.get("/api/v1/days/", {"cursor": forged}).status_code == 400
    bad_offset = base64.b64encode(b"o=minus-one").decode()
    assert client.get("/api/v1/days/", {"cursor": bad_offset}).status_code == 400


# --- batch -------------------------------------------------------------------------------------


def _batch(client, *operations):
    return client.post("/api/v1/sync/batch/", {"operations": list(operations)}, format="json")


def test_a_batch_applies_valid_items_and_reports_each_failure(client, alice):
    med_id = str(uuid.uuid4())
    response = _batch(
        client,
        {"op": "upsert", "resource": "days", "key": "2026-03-01", "data": {"stress": 3}},
        {"op": "upsert", "resource": "days", "key": "2999-01-01", "data": {"stress": 3}},
        {"op": "create", "resource": "medications", "key": med_id, "data": {"name": "Ibuprofen"}},
        {
            "op": "create",
            "resource": "medications",
            "data": {"id": med_id, "name": "Ibuprofen", "med_class": "nsaid"},
        },
        {"op": "delete", "resource": "headaches", "key": str(uuid.uuid4())},
        {"op": "patch", "resource": "days", "key": "2026-03-01", "if_match": '"9"', "data": {}},
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == [201, 400, 400, 201, 404, 200]
    assert field_messages(results[1]["errors"]) == {
        "date": ["This day is in the future; you can only log past days."]
    }
    assert results[4]["errors"]["type"] == "urn:flaremap:problem:not_found"
    assert "med_class" in results[2]["errors"]
    assert Day.objects.filter(patient=alice).count() == 1
    assert Medication.objects.filter(patient=alice).count() == 1


def test_a_batch_item_that_fails_leaves_nothing_half_written(client, alice):
    response = _batch(
        client,
        {
            "op": "upsert",
            "resource": "days",
            "key": "2026-03-01",
            "data": {"stress": 3, "body_pain": {"neck": 11}},
        },
    )
    assert response.json()["results"][0]["status"] == 400
    assert not Day.objects.filter(patient=alice).exists()


def test_a_stale_batch_item_answers_412_with_current_and_others_still_apply(client):
    client.put("/api/v1/days/2026-03-01/", {"stress": 3}, format="json")
    client.patch("/api/v1/days/2026-03-01/", {"stress": 4}, format="json")
    results = _batch(
        client,
        {
            "op": "patch",
            "resource": "days",
            "key": "2026-03-01",
            "if_match": "1",
            "data": {"stress": 9},
        },
        {"op": "upsert", "resource": "days", "key": "2026-03-02", "data": {"stress": 2}},
    ).json()["results"]
    assert results[0]["status"] == 412
    assert results[0]["current"]["stress"] == 4
    assert results[1]["status"] == 201


def test_later_batch_items_can_refer_to_objects_created_earlier_in_the_batch(client):
    med, attack = str(uuid.uuid4()), str(uuid.uuid4())
    results = _batch(
        client,
        {
            "op": "upsert",
            "resource": "medications",
            "key": med,
            "data": {"name": "Suma", "med_class": "triptan"},
        },
        {"op": "upsert", "resource": "headaches", "key": attack, "data": ATTACK},
        {
            "op": "create",
            "resource": "doses",
            "data": {"medication": med, "attack": attack, "taken_at": "2026-03-01T09:00:00Z"},
        },
    ).json()["results"]
    assert [r["status"] for r in results] == [201, 201, 201]
    assert results[2]["data"]["attack"] == attack


def test_replaying_a_whole_batch_changes_nothing(client, alice):
    operations = [
        {
            "op": "upsert",
            "resource": "days",
            "key": f"2026-02-{day:02d}",
            "data": {"stress": day % 11},
        }
        for day in range(1, 21)
    ]
    first = _batch(client, *operations).json()["results"]
    versions = sorted(Day.objects.filter(patient=alice).values_list("date", "version"))
    second = _batch(client, *operations).json()["results"]
    assert {r["status"] for r in first} == {201}
    assert {r["status"] for r in second} == {200}
    assert sorted(Day.objects.filter(patient=alice).values_list("date", "version")) == versions


def test_a_batch_of_more_than_500_operations_is_refused_whole(client, alice):
    operation = {"op": "upsert", "resource": "days", "key": "2026-03-01", "data": {}}
    response = _batch(client, *[operation] * 501)
    assert response.status_code == 400
    assert "operations" in response.json()
    assert not Day.objects.filter(patient=alice).exists()


@pytest.mark.parametrize(
    "envelope",
    [{}, {"operations": []}, {"operations": [{"op": "explode", "resource": "days"}]}, []],
)
def test_a_malformed_batch_envelope_answers_400(client, envelope):
    assert client.post("/api/v1/sync/batch/", envelope, format="json").status_code == 400


def test_a_batch_item_without_a_key_or_with_a_bad_one_fails_alone(client):
    results = _batch(
        client,
        {"op": "upsert", "resource": "headaches", "data": ATTACK},
        {"op": "upsert", "resource": "days", "key": "yesterday", "data": {}},
        {"op": "create", "resource": "days", "key": "2026-03-01", "data": {}},
        {"op": "delete", "resource": "days", "key": "2026-03-01", "if_match": "x"},
    ).json()["results"]
    assert [r["status"] for r in results] == [400, 404, 404, 400]


def test_clinicians_cannot_send_batches(api_as, carol, alice):
    operation = {"op": "upsert", "resource": "days", "key": "2026-03-01", "data": {}}
    response = api_as(carol).post(
        f"/api/v1/sync/batch/?patient={alice.pk}", {"operations": [operation]}, format="json"
    )
    assert response.status_code == 403
    assert not Day.objects.filter(patient=alice).exists()


def test_a_batch_cut_off_part_way_changes_nothing(client, alice, monkeypatch):
    """The whole batch is one transaction: a request that dies after some items (a worker
    timeout, a dropped connection) leaves no item of it stored."""
    from diary.api import sync

    real = sync.apply_operation

    def dies_at_the_third(patient, index, operation):
        if index == 2:
            raise RuntimeError("the worker was killed here")
        return real(patient, index, operation)

    monkeypatch.setattr(sync, "apply_operation", dies_at_the_third)
    client.raise_request_exception = False
    operations = [
        {"op": "upsert", "resource": "days", "key": f"2026-03-0{day}", "data": {"stress": day}}
        for day in (1, 2, 3)
    ]
    assert _batch(client, *operations).status_code == 500
    assert not Day.objects.filter(patient=alice).exists()
