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


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_only_the_recompute_transaction_skips_the_flush_wait(alice, monkeypatch):
    from django.db import connection

    from insights import pg_store

    if connection.vendor != "postgresql":
        pytest.skip("synchronous_commit is a PostgreSQL setting")
    sent = []

    class RecordingCursor(pg_store.psycopg.Cursor):
        def execute(self, query, *args, **kwargs):
            sent.append(query)
            return super().execute(query, *args, **kwargs)

    _log_days(alice, 1)
    monkeypatch.setattr(pg_store.psycopg, "Cursor", RecordingCursor)
    services.recompute_patient(alice.pk)
    assert sent.count(pg_store.TRANSACTION_SETTINGS) == 1
    with connection.cursor() as cursor:  # SET LOCAL ended with the recompute's transaction
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)


def test_the_pipelined_and_orm_stores_keep_the_same_rows(alice, monkeypatch):
    """Whichever path stores them (PostgreSQL pipeline or ORM), history works the same way."""
    from django.db import connection

    _log_days(alice, 3)
    services.recompute_patient(alice.pk)
    monkeypatch.setattr(connection, "vendor", "other")  # the ORM path, on the same database
    services.recompute_patient(alice.pk)
    assert Insight.objects.filter(patient=alice).count() == len(KINDS)  # nothing changed
    _log_days(alice, 40)
    services.recompute_patient(alice.pk)
    monkeypatch.undo()
    _log_days(alice, 60)
    services.recompute_patient(alice.pk)
    assert Insight.objects.filter(patient=alice, is_current=True).count() == len(KINDS)
    assert Insight.objects.filter(patient=alice, is_current=False).exists()
    assert AnalysisState.objects.get(patient=alice).runs == 4


def test_plan_store_touches_same_rows_archives_changed_and_vanished_kinds(alice):
    now = timezone.now()
    fresh = [services._row(alice, result, now) for result in _results_for(alice)]
    same = fresh[0]
    current = {
        same.kind: (1, *(getattr(same, name) for name in services._COMPARED)),
        fresh[1].kind: (2, *(["changed"] + [getattr(fresh[1], n) for n in services._COMPARED[1:]])),
        "retired_kind": (3, *(getattr(same, name) for name in services._COMPARED)),
    }
    unchanged, archived, inserted = services.plan_store(current, fresh)
    assert unchanged == [1]
    assert sorted(archived) == [2, 3]
    assert [row.kind for row in inserted] == [row.kind for row in fresh[1:]]


def _results_for(patient):
    from insights.analysis import analyze_diary
    from insights.loader import load_diary

    _log_days(patient, 3)
    return analyze_diary(load_diary(patient=patient))


def test_the_store_document_keeps_nan_and_infinities_out_of_json():
    rows = [services._fresh(1, _plain_result(details={"ratio": float("nan"), "n": 2}))]
    assert '"details":{"ratio":null,"n":2}' in services._document(rows)
    rows = [services._fresh(1, _plain_result(details={"when": object()}))]
    assert '"details":{"when":"<object object' in services._document(rows)


def _plain_result(**changes):
    from insights.analysis import InsightResult

    return InsightResult(kind="stress_headache", status="not_found", **changes)


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_store_settings_last_only_for_its_transaction(alice, monkeypatch):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("plan_cache_mode is a PostgreSQL setting")
    _log_days(alice, 1)
    services.recompute_patient(alice.pk)
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone() == ("auto",)
