"""A burst of diary writes in one transaction queues one recompute per patient."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from diary.services import day_upsert
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
