from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from diary import services as diary_services
from insights import services, tasks
from insights.analysis import KINDS
from insights.models import AnalysisState, Insight


def _yesterday():
    return timezone.localdate() - timedelta(days=1)


def test_a_diary_save_recomputes_insights_after_commit(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        diary_services.day_upsert(patient=alice, date=_yesterday(), stress=5)
        assert not Insight.objects.filter(patient=alice).exists()
    assert len(callbacks) == 1
    assert Insight.objects.filter(patient=alice, is_current=True).count() == len(KINDS)


def test_a_failing_analysis_never_blocks_a_diary_save(
    alice, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(patient_id):
        raise RuntimeError("analysis bug")

    monkeypatch.setattr(services, "recompute_patient", broken)
    with django_capture_on_commit_callbacks(execute=True):
        day, _ = diary_services.day_upsert(patient=alice, date=_yesterday(), stress=5)
    assert day.pk is not None
    assert AnalysisState.objects.get(patient=alice).computed_at is None  # left stale


def test_a_burst_of_edits_enqueues_one_task(alice, monkeypatch, settings, not_eager):
    sent = []
    monkeypatch.setattr(tasks.recompute_patient, "apply_async", lambda **kw: sent.append(kw))
    for _ in range(20):
        tasks.enqueue_recompute(alice.pk)
    assert len(sent) == 1
    assert sent[0]["countdown"] == settings.INSIGHTS_DEBOUNCE_SECONDS


def test_the_debounce_is_released_when_the_task_starts(alice, monkeypatch, not_eager):
    sent = []
    monkeypatch.setattr(tasks.recompute_patient, "apply_async", lambda **kw: sent.append(kw))
    tasks.enqueue_recompute(alice.pk)
    tasks.recompute_patient.run(alice.pk)
    tasks.enqueue_recompute(alice.pk)
    assert len(sent) == 2


def test_an_unreachable_broker_leaves_the_patient_stale_without_raising(
    alice, monkeypatch, not_eager
):
    def unreachable(**kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.recompute_patient, "apply_async", unreachable)
    assert tasks.enqueue_recompute(alice.pk) is False


def test_the_recompute_task_is_late_acked_retried_and_time_limited():
    task = tasks.recompute_patient
    assert task.acks_late is True
    assert services.TransientAnalysisError in task.autoretry_for
    assert task.retry_backoff and task.max_retries >= 3
    assert task.soft_time_limit and task.time_limit > task.soft_time_limit


def test_recompute_stale_catches_up_patients_whose_data_changed(alice, bob):
    AnalysisState.objects.create(patient=alice, computed_at=None)
    AnalysisState.objects.create(
        patient=bob,
        computed_at=timezone.now() + timedelta(minutes=1),
        algorithm_version=services.ALGORITHM_VERSION,
    )
    assert tasks.recompute_stale() == 1
    assert AnalysisState.objects.get(patient=alice).computed_at is not None


def test_nightly_refresh_recomputes_active_patients_with_old_insights(alice):
    AnalysisState.objects.create(patient=alice, computed_at=timezone.now() - timedelta(days=2))
    assert tasks.recompute_nightly() == 1
    state = AnalysisState.objects.get(patient=alice)
    assert state.computed_at > timezone.now() - timedelta(minutes=1)


def test_nightly_refresh_is_in_the_beat_schedule(settings):
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"insights.tasks.recompute_stale", "insights.tasks.recompute_nightly"} <= tasks_scheduled


def test_turning_on_cycle_tracking_recomputes_insights(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        diary_services.day_upsert(patient=alice, date=_yesterday(), stress=5)
    kinds = set(
        Insight.objects.filter(patient=alice, is_current=True).values_list("kind", flat=True)
    )
    assert "menstrual_migraine" not in kinds
    profile = alice.patient_profile
    profile.tracks_cycle = True
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        profile.save()
    assert len(callbacks) == 1
    kinds = set(
        Insight.objects.filter(patient=alice, is_current=True).values_list("kind", flat=True)
    )
    assert "menstrual_migraine" in kinds
