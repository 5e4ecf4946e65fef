from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from diary import services as diary_services
from insights import services
from insights.analysis import KINDS
from insights.models import AnalysisState, Insight


def _log_days(patient, count: int, stress: int = 4):
    today = timezone.localdate() - timedelta(days=1)
    for offset in range(count):
        diary_services.day_upsert(
            patient=patient, date=today - timedelta(days=offset), stress=stress + offset % 3
        )


def test_recompute_stores_one_current_insight_per_kind(alice):
    _log_days(alice, 3)
    assert services.recompute_patient(alice.pk) == "ok"
    current = Insight.objects.filter(patient=alice, is_current=True)
    assert sorted(current.values_list("kind", flat=True)) == sorted(KINDS)
    assert {row.status for row in current} == {"insufficient_data"}


def test_recomputing_twice_keeps_the_same_current_rows_and_adds_no_history(alice):
    _log_days(alice, 3)
    services.recompute_patient(alice.pk)
    first = set(Insight.objects.filter(patient=alice).values_list("pk", flat=True))
    services.recompute_patient(alice.pk)
    assert set(Insight.objects.filter(patient=alice).values_list("pk", flat=True)) == first


def test_a_changed_insight_becomes_a_new_current_row_and_the_old_one_is_history(alice):
    _log_days(alice, 3)
    services.recompute_patient(alice.pk)
    old = Insight.objects.get(patient=alice, kind="headache_frequency", is_current=True)
    _log_days(alice, 40)
    services.recompute_patient(alice.pk)
    new = Insight.objects.get(patient=alice, kind="headache_frequency", is_current=True)
    assert new.pk != old.pk
    old.refresh_from_db()
    assert old.is_current is False
    assert Insight.objects.filter(patient=alice, is_current=True).count() == len(KINDS)


def test_recompute_updates_the_analysis_state(alice):
    _log_days(alice, 1)
    services.recompute_patient(alice.pk)
    state = AnalysisState.objects.get(patient=alice)
    assert state.computed_at >= state.data_changed_at
    assert state.algorithm_version == services.ALGORITHM_VERSION
    assert state.runs >= 1
    assert alice.pk not in services.stale_patient_ids(limit=10)


def test_recompute_creates_a_missing_analysis_state(alice):
    AnalysisState.objects.filter(patient=alice).delete()
    services.recompute_patient(alice.pk)
    assert AnalysisState.objects.get(patient=alice).runs == 1


def test_an_unknown_or_non_patient_id_is_gone(carol):
    assert services.recompute_patient(carol.pk) == "gone"
    assert services.recompute_patient(999_999) == "gone"


def test_an_older_algorithm_version_makes_a_patient_stale(alice):
    _log_days(alice, 1)
    services.recompute_patient(alice.pk)
    AnalysisState.objects.filter(patient=alice).update(algorithm_version=1)
    assert alice.pk in services.stale_patient_ids(limit=10)


def test_database_errors_are_transient_so_the_task_retries(alice, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("could not serialize access")

    monkeypatch.setattr(services, "store_many", broken)
    with pytest.raises(services.TransientAnalysisError):
        services.recompute_patient(alice.pk)


def test_stored_values_have_no_infinities_or_numpy_types():
    details = services.jsonable({"a": float("inf"), "b": [float("nan"), 1.5], "c": True})
    assert details == {"a": None, "b": [None, 1.5], "c": True}


def test_aged_patients_are_those_active_but_not_recomputed_for_a_day(alice, bob):
    _log_days(alice, 1)
    _log_days(bob, 1)
    services.recompute_patient(alice.pk)
    services.recompute_patient(bob.pk)
    AnalysisState.objects.filter(patient=alice).update(
        computed_at=timezone.now() - timedelta(days=2)
    )
    aged = services.aged_patient_ids(
        older_than=timedelta(hours=20), active_within=timedelta(days=365)
    )
    assert aged == [alice.pk]
