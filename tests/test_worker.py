"""A real Celery worker over Redis runs the recompute that a diary save enqueues on commit.

Needs PostgreSQL (the worker is a separate process and must see the committed rows) and
REDIS_URL; CI provides both. Skipped on the embedded SQLite default.
"""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from diary.services import day_upsert
from insights.models import AnalysisState
from tests.factories import PatientFactory
from tests.workers import Worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_diary_save_is_recomputed_by_a_real_worker_after_commit(broker_queue):
    worker = Worker(broker_queue)
    try:
        patient = PatientFactory()
        before = timezone.now()
        with transaction.atomic():
            day_upsert(patient=patient, date=timezone.localdate() - timedelta(days=1), stress=6)
            # Inside the transaction nothing is sent yet: the task must see committed data.
            assert AnalysisState.objects.get(patient=patient).computed_at is None

        def computed():
            state = AnalysisState.objects.get(patient=patient)
            return state.computed_at is not None and state.computed_at >= before

        assert wait_for(computed), "the worker did not run the task:\n" + worker.output()
        state = AnalysisState.objects.get(patient=patient)
        assert state.runs == 1
        assert state.computed_at >= state.data_changed_at
    finally:
        worker.stop()
