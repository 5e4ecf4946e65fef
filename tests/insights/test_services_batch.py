"""insights.services.recompute_patients and the batch tasks of the catch-up and nightly runs."""

from datetime import timedelta

from django.utils import timezone

from diary import services as diary_services
from insights import services, tasks
from insights.analysis import KINDS
from insights.models import AnalysisState, Insight

COMPARED = ("kind", "status", "effect", "ci_low", "ci_high", "n_days", "summary", "details")


def _log_days(patient, count: int, stress: int = 4):
    today = timezone.localdate() - timedelta(days=1)
    for offset in range(count):
        diary_services.day_upsert(
            patient=patient,
            date=today - timedelta(days=offset),
            stress=(stress + offset) % 11,
            headache=offset % 4 == 0,
            body_pain={"neck": 1 + offset % 9} if offset % 2 else {},
        )


def _current(patient):
    rows = Insight.objects.filter(patient=patient, is_current=True).order_by("kind")
    return list(rows.values_list(*COMPARED))


def test_a_batch_stores_what_single_recomputes_store(alice, bob):
    _log_days(alice, 50)
    _log_days(bob, 20, stress=7)
    services.recompute_patient(alice.pk)
    services.recompute_patient(bob.pk)
    single = {patient.pk: _current(patient) for patient in (alice, bob)}
    Insight.objects.all().delete()
    assert services.recompute_patients([alice.pk, bob.pk]) == 2
    assert {patient.pk: _current(patient) for patient in (alice, bob)} == single
    assert len(single[alice.pk]) == len(KINDS)


def test_a_batch_rerun_keeps_unchanged_rows_and_archives_changed_ones(alice, bob):
    _log_days(alice, 3)
    _log_days(bob, 3)
    services.recompute_patients([alice.pk, bob.pk])
    before = set(Insight.objects.values_list("pk", flat=True))
    services.recompute_patients([alice.pk, bob.pk])
    assert set(Insight.objects.values_list("pk", flat=True)) == before
    _log_days(alice, 40)
    services.recompute_patients([alice.pk, bob.pk])
    assert Insight.objects.filter(patient=alice, is_current=False).exists()
    assert not Insight.objects.filter(patient=bob, is_current=False).exists()
    for patient in (alice, bob):
        assert Insight.objects.filter(patient=patient, is_current=True).count() == len(KINDS)


def test_a_batch_marks_every_state_and_creates_missing_ones(alice, bob, carol):
    _log_days(alice, 2)
    AnalysisState.objects.filter(patient=bob).delete()
    started = timezone.now()
    assert services.recompute_patients([alice.pk, bob.pk, carol.pk, 999_999]) == 2
    for patient in (alice, bob):
        state = AnalysisState.objects.get(patient=patient)
        assert state.computed_at >= started
        assert state.algorithm_version == services.ALGORITHM_VERSION
    assert not Insight.objects.filter(patient=carol).exists()


def test_catch_up_sends_batches_of_at_most_the_batch_size(alice, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.recompute_batch, "apply_async", lambda args: sent.append(args[0]))
    monkeypatch.setattr(tasks, "RECOMPUTE_BATCH", 2)
    monkeypatch.setattr(services, "stale_patient_ids", lambda limit: [1, 2, 3, 4, 5])
    assert tasks.recompute_stale() == 5
    assert sent == [[1, 2], [3, 4], [5]]


def test_an_unreachable_broker_leaves_the_batch_stale_without_raising(monkeypatch):
    def unreachable(args):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.recompute_batch, "apply_async", unreachable)
    tasks.enqueue_batches([1, 2, 3])  # logged, not raised


def test_the_batch_task_is_late_acked_retried_and_time_limited():
    task = tasks.recompute_batch
    assert task.acks_late is True
    assert services.TransientAnalysisError in task.autoretry_for
    assert task.soft_time_limit and task.time_limit > task.soft_time_limit
