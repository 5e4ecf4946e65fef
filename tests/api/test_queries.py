"""List endpoints cost a constant number of queries, whatever the page size or data size."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AccessEvent
from tests.api.conftest import write_diary
from tests.factories import ClinicianFactory, ShareFactory

pytestmark = pytest.mark.django_db

LISTS = (
    "/api/v1/days/",
    "/api/v1/headaches/",
    "/api/v1/medications/",
    "/api/v1/doses/",
    "/api/v1/questionnaires/",
    "/api/v1/days/?updated_since=2000-01-01T00:00:00Z",
    "/api/v1/doses/?from=2025-01-01&to=2026-12-31",
    "/api/v1/shares/",
    "/api/v1/access-log/",
)
# Token lookup (knox: token + user) + the page itself, with room for knox's expiry refresh.
MAX_QUERIES = 4


def _grow(patient, days: int, start: date = date(2025, 6, 1)) -> None:
    """``days`` diary days, each with an attack, dose and questionnaire; plus shares and reads."""
    for offset in range(days):
        day = start + timedelta(days=offset)
        write_diary(patient, day, medication_name=f"Triptan {day}")
    for _ in range(max(days // 5, 1)):
        clinician = ClinicianFactory()
        ShareFactory(patient=patient, clinician=clinician)
        AccessEvent.objects.create(
            actor=clinician, actor_label="x", patient=patient, action="api.days.list", path="/"
        )


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:200]
    return len(queries)


def test_every_list_costs_the_same_queries_for_one_item_or_a_full_page(
    alice, token_client, django_assert_max_num_queries
):
    client = token_client(alice)
    _grow(alice, 12)
    for url in LISTS:
        joiner = "&" if "?" in url else "?"
        counts = {size: _count(client, f"{url}{joiner}page_size={size}") for size in (1, 10, 500)}
        assert len(set(counts.values())) == 1, (url, counts)
        with django_assert_max_num_queries(MAX_QUERIES):
            client.get(f"{url}{joiner}page_size=500")


def test_every_diary_list_costs_the_same_queries_for_a_small_and_a_large_diary(alice, token_client):
    client = token_client(alice)
    _grow(alice, 2)
    small = {url: _count(client, url) for url in LISTS[:7]}
    _grow(alice, 25, start=date(2025, 9, 1))
    assert {url: _count(client, url) for url in LISTS[:7]} == small


def test_a_clinician_list_adds_only_the_grant_and_the_audit_row(
    alice, carol, token_client, django_assert_max_num_queries
):
    _grow(alice, 5)
    client = token_client(carol)
    for url in LISTS[:7]:
        joiner = "&" if "?" in url else "?"
        with django_assert_max_num_queries(MAX_QUERIES + 2):
            response = client.get(f"{url}{joiner}patient={alice.pk}&page_size=500")
        assert response.status_code == 200
        assert len(response.json()["results"]) >= 1, url


def test_a_batch_costs_a_bounded_number_of_queries_per_operation(alice, token_client):
    """500 operations stay a few seconds: about ten queries each, never per-row explosions."""
    client = token_client(alice)
    operations = [
        {
            "op": "upsert",
            "resource": "days",
            "key": (date(2025, 1, 1) + timedelta(days=n)).isoformat(),
            "data": {"stress": n % 11, "body_pain": {"neck": 1 + n % 10}},
        }
        for n in range(50)
    ]
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/v1/sync/batch/", {"operations": operations}, format="json")
    assert {r["status"] for r in response.json()["results"]} == {201}
    assert len(queries) <= 12 * len(operations) + MAX_QUERIES
