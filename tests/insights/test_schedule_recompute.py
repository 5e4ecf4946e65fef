"""A burst of diary writes in one transaction costs one recompute per patient, and a rolled-back
edit never swallows the recompute of the edits that commit."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from diary.services import day_upsert
from insights import services, tasks
from insights.models import AnalysisState
from insights.tasks import schedule_recompute
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def recomputed(monkeypatch):
    """Patient ids in the order their insights were recomputed (tasks run in-process here)."""
    calls = []
    real = services.recompute_patient

    def counting(patient_id):
        calls.append(patient_id)
        return real(patient_id)

    monkeypatch.setattr(services, "recompute_patient", counting)
    return calls


def test_many_writes_in_one_transaction_cost_one_recompute_per_patient(
    django_capture_on_commit_callbacks, recomputed
):
    first, second = PatientFactory(), PatientFactory()
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for offset in range(1, 6):
            day_upsert(patient=first, date=today - timedelta(days=offset), stress=offset)
        day_upsert(patient=second, date=today - timedelta(days=1), stress=2)
    assert sorted(recomputed) == sorted([first.pk, second.pk])
    assert services.is_current(first.pk) and services.is_current(second.pk)


def test_a_rolled_back_savepoint_does_not_swallow_the_recompute(
    django_capture_on_commit_callbacks, recomputed
):
    patient = PatientFactory()
    yesterday = timezone.localdate() - timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        try:
            with transaction.atomic():
                day_upsert(patient=patient, date=yesterday, stress=3)
                raise RuntimeError("abandon this edit")
        except RuntimeError:
            pass
        day_upsert(patient=patient, date=yesterday - timedelta(days=1), stress=4)
    assert recomputed == [patient.pk]


def test_a_rolled_back_transaction_enqueues_nothing_and_leaves_no_mark(
    django_capture_on_commit_callbacks,
):
    patient = PatientFactory()
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        schedule_recompute(patient.pk)
        raise RuntimeError("the whole request fails")
    assert callbacks == []
    assert not AnalysisState.objects.filter(patient=patient).exists()


def test_each_committed_transaction_recomputes_again(
    django_capture_on_commit_callbacks, recomputed
):
    patient = PatientFactory()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            schedule_recompute(patient.pk)
            schedule_recompute(patient.pk)
    assert recomputed == [patient.pk, patient.pk]


def test_with_a_broker_a_burst_sends_one_task(
    django_capture_on_commit_callbacks, monkeypatch, not_eager
):
    patient = PatientFactory()
    sent = []
    monkeypatch.setattr(tasks.recompute_patient, "apply_async", lambda **kw: sent.append(kw))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for _ in range(20):
            schedule_recompute(patient.pk)
    assert len(sent) == 1
