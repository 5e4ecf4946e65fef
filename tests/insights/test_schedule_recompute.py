"""A burst of diary writes in one transaction queues one recompute per patient."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from diary.services import day_upsert
from insights.models import AnalysisState
from insights.tasks import schedule_recompute
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def test_many_writes_in_one_transaction_queue_one_recompute_per_patient(
    django_capture_on_commit_callbacks,
):
    first, second = PatientFactory(), PatientFactory()
    today = timezone.localdate()
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for offset in range(1, 6):
            day_upsert(patient=first, date=today - timedelta(days=offset), stress=offset)
        day_upsert(patient=second, date=today - timedelta(days=1), stress=2)
    assert len(callbacks) == 2


def test_a_rolled_back_savepoint_does_not_swallow_the_recompute(
    django_capture_on_commit_callbacks,
):
    patient = PatientFactory()
    yesterday = timezone.localdate() - timedelta(days=1)
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        try:
            with transaction.atomic():
                day_upsert(patient=patient, date=yesterday, stress=3)
                raise RuntimeError("abandon this edit")
        except RuntimeError:
            pass
        day_upsert(patient=patient, date=yesterday - timedelta(days=1), stress=4)
    assert len(callbacks) == 1


def test_a_mark_rolled_back_after_an_earlier_one_still_leaves_one_enqueue(
    django_capture_on_commit_callbacks,
):
    patient = PatientFactory()
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        schedule_recompute(patient.pk)
        try:
            with transaction.atomic():
                schedule_recompute(patient.pk)
                raise RuntimeError("abandon this edit")
        except RuntimeError:
            pass
        schedule_recompute(patient.pk)
    assert len(callbacks) >= 1


def test_each_committed_transaction_enqueues_again(django_capture_on_commit_callbacks):
    patient = PatientFactory()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
            schedule_recompute(patient.pk)
            schedule_recompute(patient.pk)
        assert len(callbacks) == 1


def test_a_rolled_back_transaction_does_not_swallow_the_next_ones_enqueue(
    django_capture_on_commit_callbacks,
):
    patient = PatientFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        schedule_recompute(patient.pk)
        raise RuntimeError("the whole request fails")
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        schedule_recompute(patient.pk)
    assert len(callbacks) == 1


def test_every_further_mark_in_a_transaction_is_one_update(django_assert_num_queries):
    patient = PatientFactory()
    AnalysisState.objects.get_or_create(patient=patient)
    with transaction.atomic():
        schedule_recompute(patient.pk)
        with django_assert_num_queries(10):
            for _ in range(10):
                last = timezone.now()
                schedule_recompute(patient.pk)
    assert AnalysisState.objects.get(patient=patient).data_changed_at >= last
