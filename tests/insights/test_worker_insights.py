"""The real path: a demo diary saved on commit is analysed by a Celery worker over Redis and the
insights the API serves are the ones the worker stored. Needs PostgreSQL and REDIS_URL."""

import pytest
from django.db import transaction

from diary.demo import seed_patient_diary
from insights.models import AnalysisState, Insight
from tests.factories import PatientFactory
from tests.workers import Worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_worker_stores_the_demo_patients_insights_once(broker_queue, api_as):
    worker = Worker(broker_queue)
    try:
        patient = PatientFactory()
        with transaction.atomic():
            seed_patient_diary(patient=patient, days=182, seed=1000, persona=0)
        assert wait_for(
            lambda: AnalysisState.objects.filter(patient=patient, runs__gte=1).exists(),
            timeout=90,
        ), worker.output()
    finally:
        worker.stop()
    current = Insight.objects.filter(patient=patient, is_current=True)
    assert current.count() == 8  # every kind but the menstrual one (no cycle tracked)
    assert current.filter(status="found").count() >= 3
    served = api_as(patient).get("/api/v1/insights/").json()
    assert {row["kind"] for row in served} == set(current.values_list("kind", flat=True))
