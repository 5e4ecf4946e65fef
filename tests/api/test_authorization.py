"""The authorization matrix: every endpoint and method of /api/v1/ against six personas.

anonymous -> 401; the owner (alice) -> success; another patient (bob) -> 404 for alice's
objects (never 403, so ids do not leak); a clinician with a share (carol) reads but never writes
(403); a clinician without a share (dave) or after revocation (erin) -> 404 on reads, 403 on
writes (clinicians never write, whoever's diary). Around every case: alice's diary is unchanged
unless she wrote it, and exactly the clinician reads that succeeded are in her access log.
"""

import importlib.util
import uuid
from datetime import date

import pytest
from django.urls import Resolver404, resolve

from accounts.models import AccessEvent, Share
from diary.models import Day, Dose, HeadacheAttack, Medication, QuestionnaireResponse, Trigger
from tests.push_service import Browser

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "owner", "other_patient", "shared", "unshared", "revoked")
FIXTURE = {
    "owner": "alice",
    "other_patient": "bob",
    "shared": "carol",
    "unshared": "dave",
    "revoked": "erin",
}
RESOURCES = ("days", "headaches", "medications", "doses", "questionnaires", "triggers")
MODELS = (Day, HeadacheAttack, Medication, Dose, QuestionnaireResponse, Trigger)


def expect(anonymous, owner, other_patient, shared, unshared, revoked) -> dict:
    return dict(
        zip(PERSONAS, (anonymous, owner, other_patient, shared, unshared, revoked), strict=True)
    )


READ = expect(401, 200, 404, 200, 404, 404)
WRITE = expect(401, 200, 404, 403, 403, 403)
DELETE = expect(401, 204, 404, 403, 403, 403)
OWN_CREATE = expect(401, 201, 201, 403, 403, 403)
PATIENTS_ONLY = expect(401, 200, 200, 403, 403, 403)
PUSH = "/api/v1/push-subscriptions/"
PUSH_AT = "https://push.example.net/send/abc"


def new_body(resource: str, diary) -> dict:
    """A valid body for a new object of ``resource`` (the dose uses alice's medication)."""
    return {
        "days": {"stress": 2},
        "headaches": {"started_at": "2026-03-05T08:00:00Z", "peak_intensity": 4},
        "medications": {"name": "Ibuprofen", "med_class": "nsaid"},
        "doses": {"medication": str(diary.medication.pk), "taken_at": "2026-03-05T08:00:00Z"},
        "questionnaires": {"instrument": "asc12", "date": "2026-03-05", "answers": [0] * 12},
        "triggers": {"name": "Perfume"},
    }[resource]


def edit_body(resource: str, diary) -> dict:
    """A valid replacement body for alice's existing object of ``resource``."""
    return {
        "days": {"stress": 9},
        "headaches": {"started_at": "2026-03-02T09:00:00Z", "peak_intensity": 9},
        "medications": {"name": "Sumatriptan", "med_class": "triptan", "unit": "tablet"},
        "doses": {"medication": str(diary.medication.pk), "taken_at": "2026-03-02T10:00:00Z"},
        "questionnaires": {"instrument": "pss4", "date": "2026-03-02", "answers": [4, 0, 0, 4]},
        "triggers": {"name": "Sunlight"},
    }[resource]


def diary_cases():
    cases = []
    for resource in RESOURCES:
        detail = f"/api/v1/{resource}/{{key}}/"
        cases += [
            (f"{resource}-list", "GET", f"/api/v1/{resource}/?patient={{alice}}", None, READ),
            (
                f"{resource}-changes",
                "GET",
                f"/api/v1/{resource}/?patient={{alice}}&updated_since=2000-01-01T00:00:00Z",
                None,
                READ,
            ),
            (f"{resource}-read", "GET", detail + "?patient={alice}", None, READ),
            (f"{resource}-put", "PUT", detail + "?patient={alice}", edit_body, WRITE),
            (f"{resource}-patch", "PATCH", detail + "?patient={alice}", edit_body, WRITE),
            (f"{resource}-delete", "DELETE", detail + "?patient={alice}", None, DELETE),
        ]
        if resource == "days":
            # Without ?patient the date names the caller's own day; clinicians must choose one.
            cases.append(
                ("days-read-own", "GET", detail, None, expect(401, 200, 404, 400, 400, 400))
            )
            continue
        # bob may create his own objects, but alice's medication is not on his list.
        own_create = expect(401, 201, 400, 403, 403, 403) if resource == "doses" else OWN_CREATE
        retry = lambda resource, diary: {  # noqa: E731
            **new_body(resource, diary),
            "id": diary.key(resource),
        }
        cases += [
            (f"{resource}-put-by-id", "PUT", detail, edit_body, WRITE),
            (f"{resource}-patch-by-id", "PATCH", detail, edit_body, WRITE),
            (f"{resource}-delete-by-id", "DELETE", detail, None, DELETE),
            (f"{resource}-create", "POST", f"/api/v1/{resource}/", new_body, own_create),
            (f"{resource}-create-with-known-id", "POST", f"/api/v1/{resource}/", retry, WRITE),
        ]
    return cases


def other_cases():
    batch = lambda resource, diary: {  # noqa: E731
        "operations": [
            {"op": "patch", "resource": "headaches", "key": diary.key("headaches"), "data": {}},
            {"op": "delete", "resource": "doses", "key": diary.key("doses")},
        ]
    }
    cases = [
        ("me-read", "GET", "/api/v1/me/", None, expect(401, 200, 200, 200, 200, 200)),
        ("me-edit", "PATCH", "/api/v1/me/", lambda *_: {}, expect(401, 200, 200, 200, 200, 200)),
        ("shares-list", "GET", "/api/v1/shares/", None, expect(401, 200, 200, 200, 200, 200)),
        ("shares-create", "POST", "/api/v1/shares/", lambda *_: {}, OWN_CREATE),
        ("share-read", "GET", "/api/v1/shares/{share}/", None, READ),
        ("share-revoke", "POST", "/api/v1/shares/{share}/revoke/", None, WRITE),
        (
            "share-redeem",
            "POST",
            "/api/v1/shares/redeem/",
            "invite",
            expect(401, 403, 403, 201, 201, 201),
        ),
        ("access-log", "GET", "/api/v1/access-log/", None, expect(401, 200, 200, 403, 403, 403)),
        ("diary-day", "GET", "/api/v1/diary-day/?patient={alice}", None, READ),
        ("export-csv", "GET", "/api/v1/export/csv/?patient={alice}", None, READ),
        ("export-fhir", "GET", "/api/v1/export/fhir/?patient={alice}", None, READ),
        ("export-report-pdf", "GET", "/api/v1/export/report-pdf/?patient={alice}", None, READ),
        ("sync-batch", "POST", "/api/v1/sync/batch/", batch, expect(401, 200, 200, 403, 403, 403)),
        ("tokens", "GET", "/api/v1/auth/tokens/", None, expect(401, 200, 200, 200, 200, 200)),
        ("ping", "GET", "/api/v1/ping/", None, expect(401, 200, 200, 200, 200, 200)),
        ("push-list", "GET", PUSH, None, PATIENTS_ONLY),
        ("push-create", "POST", PUSH, lambda *_: Browser().subscription(PUSH_AT), OWN_CREATE),
        # nobody has this browser: 404 for a patient, refused to everyone else
        (
            "push-delete",
            "DELETE",
            PUSH,
            lambda *_: {"endpoint": PUSH_AT},
            expect(401, 404, 404, 403, 403, 403),
        ),
    ]
    try:
        resolve("/api/v1/insights/")
    except Resolver404:
        pass
    else:
        cases.append(("insights", "GET", "/api/v1/insights/?patient={alice}", None, READ))
    return cases


CASES = diary_cases() + other_cases()
CASE_COUNT = len(CASES) * len(PERSONAS)


def _snapshot(patient) -> dict:
    return {
        model.__name__: sorted(
            model.objects.filter(patient=patient).values_list("pk", "version", "deleted_at")
        )
        for model in MODELS
    }


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("name", "method", "path", "body", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_authorization_matrix(
    request,
    api_as,
    alice,
    bob,
    carol,
    dave,
    erin,
    alice_diary,
    persona,
    name,
    method,
    path,
    body,
    expected,
):
    if "fhir" in path and importlib.util.find_spec("clinic.fhir") is None:
        pytest.skip("clinic.fhir has not landed yet")
    share = Share.objects.get(patient=alice, clinician=carol)
    user = request.getfixturevalue(FIXTURE[persona]) if persona != "anonymous" else None
    url = path.format(alice=alice.pk, key="{key}", share=share.pk)
    resource = url.split("/")[3]
    if "{key}" in url:
        url = url.replace("{key}", alice_diary.key(resource))
    if body == "invite":
        payload = {"code": Share.objects.create(patient=alice).code}
    else:
        payload = body(resource, alice_diary) if body else None
    before = _snapshot(alice)
    events_before = AccessEvent.objects.filter(patient=alice).count()

    response = api_as(user).generic(
        method, url, data=_json(payload), content_type="application/json"
    )

    assert response.status_code == expected[persona], response.content[:300]
    if persona != "owner":
        assert _snapshot(alice) == before, "someone other than alice changed her diary"
    new_events = AccessEvent.objects.filter(patient=alice).count() - events_before
    reads_alice = method == "GET" and "patient=" in url and response.status_code == 200
    if persona == "shared" and reads_alice:
        assert new_events == 1, "every clinician read is in the access log"
        assert b'"notes"' not in response.content and b"private" not in response.content
    elif persona != "owner":
        assert new_events == 0


def _json(payload):
    import json

    return json.dumps(payload) if payload is not None else ""


def test_the_matrix_covers_every_api_route():
    """Each /api/v1/ route of the URLconf is exercised by at least one case above."""
    from django.urls import get_resolver

    covered = {resolve(_probe(path)).route for _, _, path, _, _ in CASES}
    routes = set()

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                routes.add(prefix + str(pattern.pattern))

    walk(get_resolver().url_patterns)
    api_routes = {r for r in routes if r.startswith("api/v1/") and "auth/token" not in r}
    api_routes -= {"api/v1/auth/tokens/<str:token_id>/"}  # tests/accounts/test_api_tokens.py
    assert api_routes <= covered, sorted(api_routes - covered)


def _probe(path: str) -> str:
    probe = path.split("?")[0].format(alice=1, key="{key}", share=uuid.uuid4())
    return probe.replace(
        "{key}", date(2026, 3, 2).isoformat() if "/days/" in probe else str(uuid.uuid4())
    )
