"""Fault tolerance with the real services: Redis down while patients save, a worker killed
mid-task. (Database drops and concurrent edits are tested through the API in tests/api.)"""

import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from celery import Celery
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


@contextmanager
def _dead_broker():
    """Send tasks, for the block, through a Celery app whose broker nothing listens on (the
    tasks resolve through the current app); the project's app is current again afterwards."""
    dead = Celery("flaremap-dead-broker", set_as_current=False)
    dead.config_from_object("django.conf:settings", namespace="CELERY")
    dead.conf.update(broker_url=DEAD_BROKER, task_always_eager=False)
    dead.set_current()
    try:
        yield dead
    finally:
        app.set_current()
        dead.close()


def test_saves_succeed_while_redis_is_down_and_are_caught_up_when_it_returns(broker_queue, caplog):
    patient = PatientFactory()
    yesterday = timezone.localdate() - timedelta(days=1)
    started = time.monotonic()
    with _dead_broker(), transaction.atomic():
        day, _ = day_upsert(patient=patient, date=yesterday, stress=7)
    assert time.monotonic() - started < 15, "a broker outage must not hang the save for long"
    assert "could not enqueue recompute" in caplog.text  # the dead broker refused it
    state = AnalysisState.objects.get(patient=patient)
    assert state.computed_at is None  # nothing ran, but the change is marked stale
    assert day.pk is not None and day.stress == 7

    worker = Worker(broker_queue)
    try:
        recompute_stale()  # the periodic beat task
        assert wait_for(
            lambda: AnalysisState.objects.get(patient=patient).computed_at is not None
        ), worker.output()
    finally:
        worker.stop()


def test_a_task_whose_worker_is_killed_runs_again_without_duplicate_insights(broker_queue):
    marker = ROOT / f".marker-{broker_queue}"
    slow = Worker(broker_queue, delay=60, marker=marker)
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
        broker_queue,
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

    from insights import tasks

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    import psycopg

    patient = PatientFactory()
    client = api_as(patient)
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    real_schedule = tasks.schedule_recompute

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

    monkeypatch.setattr(tasks, "schedule_recompute", drop_connection_then_continue)
    body = {"stress": 6, "body_pain": {"neck": 4}}
    response = client.put(f"/api/v1/days/{day}/", body, format="json")
    assert response.status_code == 503
    assert response["Retry-After"]
    monkeypatch.setattr(tasks, "schedule_recompute", real_schedule)

    from diary.models import Day

    assert not Day.objects.filter(patient=patient).exists()  # the write rolled back whole
    retry = client.put(f"/api/v1/days/{day}/", body, format="json")
    assert retry.status_code in (200, 201), retry.content
    assert Day.objects.get(patient=patient).stress == 6
