"""Done-when for the API: a client that knows only ``/api/schema/`` signs in, records a month
of diary offline, syncs it replaying every request twice (a lost response is retried), edits
and deletes with If-Match in a second offline session, pulls everything back incrementally, and
ends with exactly the data it meant to write - nothing duplicated, lost or reverted.

The client finds every URL, method and path parameter by ``operationId`` in the schema; it
hardcodes no path.
"""

import json
import random
import re
import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from diary.models import Day, Dose, HeadacheAttack, Medication, QuestionnaireResponse

pytestmark = pytest.mark.django_db


class SchemaClient:
    """A tiny HTTP client generated from the OpenAPI document at run time."""

    def __init__(self, http: Client):
        self.http = http
        self.token = None
        schema = http.get("/api/schema/", {"format": "json"}).json()
        self.operations = {
            operation["operationId"]: (method.upper(), path)
            for path, item in schema["paths"].items()
            for method, operation in item.items()
            if isinstance(operation, dict) and "operationId" in operation
        }
        self.sent = 0

    def call(self, operation_id, *, path=None, query=None, body=None, if_match=None):
        method, template = self.operations[operation_id]
        url = re.sub(r"\{(\w+)\}", lambda m: str(path[m.group(1)]), template)
        headers = {}
        if self.token:
            headers["HTTP_AUTHORIZATION"] = f"Token {self.token}"
        if if_match is not None:
            headers["HTTP_IF_MATCH"] = if_match
        if query:
            url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
        self.sent += 1
        return self.http.generic(
            method,
            url,
            json.dumps(body) if body is not None else "",
            content_type="application/json",
            **headers,
        )

    def call_twice(self, operation_id, **kwargs):
        """Send, then send again as a client does when the first response was lost."""
        first = self.call(operation_id, **kwargs)
        second = self.call(operation_id, **kwargs)
        assert first.status_code < 300, (operation_id, first.content[:300])
        assert second.status_code < 300, (operation_id, second.content[:300])
        if first.status_code != 204:
            volatile = {"version", "updated_at"}
            one, two = first.json(), second.json()
            assert {k: v for k, v in one.items() if k not in volatile} == {
                k: v for k, v in two.items() if k not in volatile
            }
            assert two["version"] == one["version"], "a replay must not count as a new edit"
        return second

    def pull(self, resource: str, since: str = "2000-01-01T00:00:00Z") -> list[dict]:
        """Every change of ``resource`` since ``since`` (tombstones included), all pages."""
        results, query = [], {"updated_since": since, "page_size": 7}
        while True:
            page = self.call(f"{resource}_list", query=query).json()
            results += page["results"]
            if not page["next"]:
                return results
            query = {**query, "cursor": re.search(r"cursor=([^&]+)", page["next"]).group(1)}


RESOURCES = ("days", "headaches", "medications", "doses", "questionnaires")
DAY_FIELDS = ("stress", "mood", "bedtime", "final_wake", "rise_time", "sleep_quality", "notes")


def _intended_month(start: date, rng: random.Random):
    """What the patient means to record: 30 days, attacks with doses, weekly questionnaires."""
    meds = {
        str(uuid.uuid4()): {"name": "Sumatriptan", "med_class": "triptan", "unit": "mg"},
        str(uuid.uuid4()): {"name": "Ibuprofen", "med_class": "nsaid", "unit": "mg"},
    }
    days, attacks, doses, questionnaires = {}, {}, {}, {}
    for offset in range(30):
        day = start + timedelta(days=offset)
        days[day.isoformat()] = {
            "stress": rng.randint(0, 10),
            "mood": rng.randint(0, 10),
            "bedtime": "23:15:00",
            "final_wake": "06:45:00",
            "rise_time": "07:00:00",
            "sleep_quality": rng.randint(1, 5),
            "notes": f"day {offset}",
            "body_pain": {"neck": rng.randint(1, 10), "lower_back": rng.randint(1, 10)}
            if offset % 3
            else {},
        }
        if offset % 4 == 0:
            started = datetime.combine(day, time(10, 0), tzinfo=UTC)
            attack_id = str(uuid.uuid4())
            attacks[attack_id] = {
                "started_at": started.isoformat().replace("+00:00", "Z"),
                "ended_at": (started + timedelta(hours=6)).isoformat().replace("+00:00", "Z"),
                "peak_intensity": rng.randint(4, 9),
                "nausea": True,
                "photophobia": offset % 8 == 0,
            }
            doses[str(uuid.uuid4())] = {
                "medication": list(meds)[offset % 2],
                "attack": attack_id,
                "taken_at": (started + timedelta(minutes=30)).isoformat().replace("+00:00", "Z"),
                "relief_2h": "partial",
            }
        if offset % 7 == 6:
            questionnaires[str(uuid.uuid4())] = {
                "instrument": "pss4",
                "date": day.isoformat(),
                "answers": [rng.randint(0, 4) for _ in range(4)],
            }
    return {
        "medications": meds,
        "days": days,
        "headaches": attacks,
        "doses": doses,
        "questionnaires": questionnaires,
    }


def _matches(intended: dict, stored: dict) -> bool:
    return all(stored.get(name) == value for name, value in intended.items())


def _view(client: SchemaClient) -> dict:
    """The client's local copy after a full pull: live objects by key, tombstones dropped."""
    view = {}
    for resource in RESOURCES:
        key = "date" if resource == "days" else "id"
        rows = client.pull(resource)
        assert len(rows) == len({row[key] for row in rows}), f"{resource} listed twice"
        view[resource] = {row[key]: row for row in rows if not row["deleted"]}
    return view


def test_a_schema_only_client_syncs_a_month_offline_and_ends_with_exactly_its_data(alice, password):
    rng = random.Random(20260301)
    client = SchemaClient(Client())
    signed_in = client.call(
        "auth_token_create",
        body={"email": "alice@example.com", "password": password, "device_name": "phone"},
    )
    assert signed_in.status_code == 201
    client.token = signed_in.json()["token"]

    start = timezone.localdate() - timedelta(days=75)
    intended = _intended_month(start, rng)

    # Session 1 (offline queue flushed on reconnect): creates by POST with client ids for
    # medications and attacks, PUT upserts for days, doses and questionnaires, every request
    # sent twice; the last week of days goes through the batch endpoint, also sent twice.
    for med_id, med in intended["medications"].items():
        client.call_twice("medications_create", body={"id": med_id, **med})
    day_items = list(intended["days"].items())
    for key, day in day_items[:-7]:
        client.call_twice("days_update", path={"key": key}, body=day)
    batch = {
        "operations": [
            {"op": "upsert", "resource": "days", "key": key, "data": day}
            for key, day in day_items[-7:]
        ]
    }
    for _ in range(2):
        results = client.call("sync_batch_create", body=batch).json()["results"]
        assert {r["status"] for r in results} <= {200, 201}
    for attack_id, attack in intended["headaches"].items():
        client.call_twice("headaches_create", body={"id": attack_id, **attack})
    for dose_id, dose in intended["doses"].items():
        client.call_twice("doses_update", path={"key": dose_id}, body=dose)
    for questionnaire_id, answers in intended["questionnaires"].items():
        client.call_twice("questionnaires_update", path={"key": questionnaire_id}, body=answers)

    view = _view(client)
    synced_at = max(row["updated_at"] for rows in view.values() for row in rows.values())

    # Session 2 (offline again): edits with If-Match from the synced copy, a deletion of an
    # attack and its dose, a new attack - each sent twice.
    edited_day = day_items[3][0]
    etag = f'"{view["days"][edited_day]["version"]}"'
    intended["days"][edited_day]["stress"] = 10
    client.call_twice(
        "days_partial_update", path={"key": edited_day}, body={"stress": 10}, if_match=etag
    )
    gone_attack = next(iter(intended["headaches"]))
    gone_dose = next(k for k, d in intended["doses"].items() if d["attack"] == gone_attack)
    for resource, key in (("doses", gone_dose), ("headaches", gone_attack)):
        etag = f'"{view[resource][key]["version"]}"'
        client.call_twice(f"{resource}_destroy", path={"key": key}, if_match=etag)
        del intended[resource][key]
    new_attack = str(uuid.uuid4())
    intended["headaches"][new_attack] = {
        "started_at": f"{day_items[-1][0]}T15:00:00Z",
        "peak_intensity": 3,
        "nausea": False,
        "photophobia": False,
    }
    client.call_twice(
        "headaches_update", path={"key": new_attack}, body=intended["headaches"][new_attack]
    )

    # A second device still holding the session-1 copy cannot silently overwrite the edit.
    stale = client.call(
        "days_partial_update",
        path={"key": edited_day},
        body={"stress": 0},
        if_match=f'"{view["days"][edited_day]["version"]}"',
    )
    assert stale.status_code == 412
    assert stale.json()["current"]["stress"] == 10

    # Incremental pull: exactly what session 2 changed, tombstones included.
    changed = {
        resource: {row["date" if resource == "days" else "id"]: row["deleted"] for row in rows}
        for resource in RESOURCES
        if (rows := client.pull(resource, since=synced_at.replace("+00:00", "Z")))
    }
    assert changed["days"][edited_day] is False
    assert changed["headaches"] == {gone_attack: True, new_attack: False}
    assert changed["doses"] == {gone_dose: True}

    # The end state is exactly the intended data: same keys, same values, no extras.
    final = _view(client)
    for resource in RESOURCES:
        assert set(final[resource]) == set(intended[resource]), resource
        for key, wanted in intended[resource].items():
            assert _matches(wanted, final[resource][key]), (resource, key)
    assert Day.objects.filter(patient=alice, deleted_at__isnull=True).count() == 30
    assert Medication.objects.filter(patient=alice).count() == 2
    assert HeadacheAttack.objects.filter(patient=alice).count() == len(intended["headaches"]) + 1
    assert Dose.objects.filter(patient=alice, deleted_at__isnull=True).count() == len(
        intended["doses"]
    )
    assert QuestionnaireResponse.objects.filter(patient=alice).count() == 4
    assert client.sent > 100
