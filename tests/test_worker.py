"""A real Celery worker over Redis runs the recompute that a diary save enqueues on commit.

Needs PostgreSQL (the worker is a separate process and must see the committed rows) and
REDIS_URL; CI provides both. Skipped on the embedded SQLite default.
"""

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.utils import timezone

from config.celery import app
from diary.services import day_upsert
from insights.models import AnalysisState
from tests.factories import PatientFactory

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def worker_queue(settings):
    if not os.environ.get("REDIS_URL") or connection.vendor != "postgresql":
        pytest.skip("needs REDIS_URL and PostgreSQL (DATABASE_URL)")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = dict(
        os.environ,
        DATABASE_URL=_database_url(),
        TESTING="0",
        DJANGO_SETTINGS_MODULE="config.settings",
        CELERY_EAGER="0",
    )
    log = open(ROOT / f".worker-{queue}.log", "w")  # noqa: SIM115 (closed in finally)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-P",
            "solo",
            "-Q",
            queue,
            "-l",
            "info",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    settings.INSIGHTS_DEBOUNCE_SECONDS = 0
    try:
        yield queue
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous
        worker.terminate()
        worker.wait(timeout=20)
        log.close()
        (ROOT / f".worker-{queue}.log").unlink(missing_ok=True)


def _wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False


def test_a_diary_save_is_recomputed_by_a_real_worker_after_commit(worker_queue):
    patient = PatientFactory()
    before = timezone.now()
    with transaction.atomic():
        day_upsert(patient=patient, date=timezone.localdate() - timedelta(days=1), stress=6)
        # Inside the transaction nothing is sent yet: the task must only see committed data.
        assert AnalysisState.objects.get(patient=patient).computed_at is None

    def computed():
        state = AnalysisState.objects.get(patient=patient)
        return state.computed_at is not None and state.computed_at >= before

    assert _wait_for(computed), "the worker did not run the recompute task"
    state = AnalysisState.objects.get(patient=patient)
    assert state.runs == 1
    assert state.computed_at >= state.data_changed_at
