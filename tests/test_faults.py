"""Fault tolerance with the real services: Redis down while patients save, a worker killed
mid-task. (Database drops and concurrent edits are tested through the API in tests/api.)"""

import os
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from config.celery import app
from diary.services import day_upsert
from insights.models import AnalysisState, Insight
from insights.tasks import recompute_stale
from tests.factories import PatientFactory
from tests.workers import ROOT, Worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
DEAD_BROKER = "redis://127.0.0.1:6399/0"  # nothing listens here


@pytest.fixture
def real_broker(broker_queue):
    """``broker_queue`` that also restores the broker URL a test switched away from."""
    previous = app.conf.broker_url
    yield broker_queue
    _use_broker(previous)


def _use_broker(url: str) -> None:
    """Point the producer at another broker (fresh connection and producer pools)."""
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.update(broker_url=url)


def test_saves_succeed_while_redis_is_down_and_are_caught_up_when_it_returns(real_broker):
    patient = PatientFactory()
    yesterday = timezone.localdate() - timedelta(days=1)
    _use_broker(DEAD_BROKER)
    started = time.monotonic()
    with transaction.atomic():
        day, _ = day_upsert(patient=patient, date=yesterday, stress=7)
    assert time.monotonic() - started < 15, "a broker outage must not hang the save for long"
    state = AnalysisState.objects.get(patient=patient)
    assert state.computed_at is None  # nothing ran, but the change is marked stale
    assert day.pk is not None and day.stress == 7

    _use_broker(_real_url())
    worker = Worker(real_broker)
    try:
        recompute_stale()  # the periodic beat task
        assert wait_for(
            lambda: AnalysisState.objects.get(patient=patient).computed_at is not None
        ), worker.output()
    finally:
        worker.stop()


def _real_url() -> str:
    return os.environ["REDIS_URL"]


def test_a_task_whose_worker_is_killed_runs_again_without_duplicate_insights(real_broker):
    marker = ROOT / f".marker-{real_broker}"
    slow = Worker(real_broker, delay=60, marker=marker)
    patient = PatientFactory()
    try:
        with transaction.atomic():
            day_upsert(patient=patient, date=timezone.localdate() - timedelta(days=1), stress=3)
        assert wait_for(marker.exists, timeout=60), "the slow worker never started the task"
        slow.kill()  # mid-task, before the late acknowledgement
    finally:
        slow.stop()
        marker.unlink(missing_ok=True)
    assert AnalysisState.objects.get(patient=patient).computed_at is None

    rescuer = Worker(
        real_broker,
        CELERY_VISIBILITY_TIMEOUT="2",
        CELERY_UNACKED_RESTORE_INTERVAL="1",
        CELERY_UNACKED_RESTORE_THROTTLE="1",
    )
    try:
        assert wait_for(
            lambda: AnalysisState.objects.get(patient=patient).computed_at is not None,
            timeout=90,
        ), rescuer.output()
    finally:
        rescuer.stop()
    state = AnalysisState.objects.get(patient=patient)
    assert state.runs == 1
    current = Insight.objects.filter(patient=patient, is_current=True)
    kinds = list(current.values_list("kind", flat=True))
    assert len(kinds) == len(set(kinds))


@pytest.mark.django_db(transaction=True)
def test_a_dropped_database_connection_answers_503_and_a_retry_succeeds(api_as, monkeypatch):
    """The connection is killed server-side (pg_terminate_backend) mid-write: 503, nothing
    half-written, and the client's retry goes through on a fresh connection."""
    from django.db import connection

    import diary.services

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    import psycopg

    patient = PatientFactory()
    client = api_as(patient)
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    real_schedule = diary.services.schedule_recompute

    def drop_connection_then_continue(patient_id):
        pid = connection.connection.info.backend_pid
        s = connection.settings_dict
        with psycopg.connect(
            host=s["HOST"] or "localhost",
            port=s["PORT"] or 5432,
            user=s["USER"],
            dbname=s["NAME"],
            autocommit=True,
        ) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        real_schedule(patient_id)

    monkeypatch.setattr(diary.services, "schedule_recompute", drop_connection_then_continue)
    body = {"stress": 6, "body_pain": {"neck": 4}}
    response = client.put(f"/api/v1/days/{day}/", body, format="json")
    assert response.status_code == 503
    assert response["Retry-After"]
    monkeypatch.setattr(diary.services, "schedule_recompute", real_schedule)

    from diary.models import Day

    assert not Day.objects.filter(patient=patient).exists()  # the write rolled back whole
    retry = client.put(f"/api/v1/days/{day}/", body, format="json")
    assert retry.status_code in (200, 201), retry.content
    assert Day.objects.get(patient=patient).stress == 6
