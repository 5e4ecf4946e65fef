"""The sync contract: a client that keeps the largest ``updated_at`` it received and pulls
``?updated_since=`` from it converges to the server's state once writers stop, whatever the
commit order, page size or page boundaries (tombstones included).

Tested with real concurrency on PostgreSQL (threads with their own connections) and with a
paged pull that another device interrupts.
"""

import random
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from diary import services
from diary.days import patient_today
from diary.models import Day
from insights import tasks
from tests.factories import PatientFactory

EPOCH = "2000-01-01T00:00:00Z"


class SyncingClient:
    """A phone's local copy of the days: pulls changes from the largest ``updated_at`` seen."""

    def __init__(self, api: APIClient, page_size: int = 3):
        self.api, self.page_size = api, page_size
        self.days: dict[str, tuple[int, bool]] = {}
        self.cursor = EPOCH

    def pull_page(self, url: str) -> str | None:
        response = self.api.get(url)
        assert response.status_code == 200, response.content
        page = response.json()
        for item in page["results"]:
            known = self.days.get(item["date"])
            if known is None or item["version"] >= known[0]:
                self.days[item["date"]] = (item["version"], item["deleted"])
            self.cursor = max(self.cursor, item["updated_at"], key=_instant)
        return page["next"]

    def first_page_url(self) -> str:
        return f"/api/v1/days/?updated_since={self.cursor}&page_size={self.page_size}"

    def pull(self) -> None:
        url = self.first_page_url()
        while url:
            url = self.pull_page(url)


def _instant(text: str) -> str:
    """ISO timestamps from the API compare as instants (normalise the UTC spelling)."""
    return text.replace("Z", "+00:00")


def server_days(patient) -> dict[str, tuple[int, bool]]:
    return {
        day.date.isoformat(): (day.version, day.deleted_at is not None)
        for day in Day.objects.filter(patient=patient)
    }


def _api(patient) -> APIClient:
    api = APIClient()
    api.force_authenticate(user=patient)
    return api


def _in_thread(target, *args) -> threading.Thread:
    def run():
        try:
            target(*args)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.mark.django_db
def test_an_edit_during_a_paged_pull_is_delivered():
    patient = PatientFactory()
    api = _api(patient)
    today = patient_today(patient)
    dates = [today - timedelta(days=k) for k in range(1, 11)]
    for day in dates:
        assert api.put(f"/api/v1/days/{day}/", {"stress": 1}, format="json").status_code == 201
    same = Day.objects.filter(patient=patient).order_by("updated_at").first().updated_at
    Day.objects.filter(patient=patient).update(updated_at=same)  # one batch, one timestamp

    phone = SyncingClient(api, page_size=3)
    next_url = phone.pull_page(phone.first_page_url())
    served_first = min(phone.days)  # a day from the page already received
    assert api.put(f"/api/v1/days/{served_first}/", {"stress": 9}, format="json").status_code == 200
    while next_url:  # the interrupted pull goes on, then the next pull starts from the cursor
        next_url = phone.pull_page(next_url)
    phone.pull()

    assert phone.days == server_days(patient)


@pytest.mark.django_db
def test_a_tombstone_reaches_a_client_that_already_had_the_day():
    patient = PatientFactory()
    api = _api(patient)
    day = patient_today(patient) - timedelta(days=1)
    api.put(f"/api/v1/days/{day}/", {"stress": 4}, format="json")
    phone = SyncingClient(api)
    phone.pull()
    assert api.delete(f"/api/v1/days/{day}/").status_code == 204
    phone.pull()
    assert phone.days == server_days(patient)
    assert phone.days[day.isoformat()][1] is True


def _require_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL's row locks")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_write_that_commits_after_a_later_write_is_still_delivered(monkeypatch):
    """Writer A stamps its change, then is slow to commit; writer B stamps later and commits
    first, and the phone pulls in between. A's change must still reach the phone."""
    _require_postgresql()
    patient = PatientFactory()
    day_a, day_b = (patient_today(patient) - timedelta(days=k) for k in (1, 2))
    a_stamped, pulled = threading.Event(), threading.Event()
    slow_thread = []
    schedule = tasks.schedule_recompute

    def slow_for_a(patient_id):  # runs after the row is stamped and saved, before commit
        if threading.current_thread() in slow_thread:
            a_stamped.set()
            pulled.wait(timeout=3)
        schedule(patient_id)

    monkeypatch.setattr(tasks, "schedule_recompute", slow_for_a)
    a = _in_thread(lambda: services.day_upsert(patient=patient, date=day_a, stress=5))
    slow_thread.append(a)
    assert a_stamped.wait(timeout=10)
    b = _in_thread(
        lambda: _api(patient).put(f"/api/v1/days/{day_b}/", {"stress": 2}, format="json")
    )
    time.sleep(0.5)  # B commits now unless the server makes it wait for A
    phone = SyncingClient(_api(patient))
    phone.pull()
    pulled.set()
    a.join(timeout=10)
    b.join(timeout=10)
    phone.pull()

    assert phone.days == server_days(patient)
    assert set(phone.days) == {day_a.isoformat(), day_b.isoformat()}


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_and_a_polling_phone_converge():
    _require_postgresql()
    patient = PatientFactory()
    today = patient_today(patient)
    dates = [today - timedelta(days=k) for k in range(1, 16)]
    stop = threading.Event()

    def writer(seed: int):
        api, rng = _api(patient), random.Random(seed)
        while not stop.is_set():
            day = rng.choice(dates)
            if rng.random() < 0.15:
                api.delete(f"/api/v1/days/{day}/")
            else:
                api.put(f"/api/v1/days/{day}/", {"stress": rng.randint(0, 10)}, format="json")

    phone = SyncingClient(_api(patient), page_size=4)
    writers = [_in_thread(writer, seed) for seed in range(4)]
    deadline = time.monotonic() + 4
    while time.monotonic() < deadline:
        phone.pull()
    stop.set()
    for thread in writers:
        thread.join(timeout=20)
    phone.pull()

    assert phone.days == server_days(patient)
