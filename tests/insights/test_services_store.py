"""insights.services.store_many: one current row per kind, history kept, states marked."""

import threading
from datetime import timedelta

import numpy as np
import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from diary import services as diary_services
from insights import services
from insights.analysis import KINDS, InsightResult
from insights.models import AnalysisState, Insight
from tests.factories import PatientFactory


def _result(kind: str, **changes) -> InsightResult:
    values = {
        "status": "not_found",
        "summary": f"{kind} summary",
        "effect": 1.25,
        "ci_low": 0.5,
        "ci_high": None,
        "p_value": 0.2,
        "n_days": 90,
        "n_events": 12,
        "effect_label": "odds ratio",
        "details": {"days": [1, 2.5, None], "label": "x", "flag": True},
    }
    return InsightResult(kind=kind, **(values | changes))


def _store(results_by_patient, at):
    services.store_many(results_by_patient, computed_at=at)


def _current(patient):
    return {row.kind: row for row in Insight.objects.filter(patient=patient, is_current=True)}


def test_unchanged_rows_stay_changed_and_vanished_kinds_become_history(alice):
    first, second = timezone.now() - timedelta(hours=1), timezone.now()
    _store(
        {alice: [_result("stress_headache"), _result("sleep_pain"), _result("pain_spread")]}, first
    )
    before = _current(alice)
    _store({alice: [_result("stress_headache"), _result("sleep_pain", effect=2.0)]}, second)
    after = _current(alice)
    assert set(after) == {"stress_headache", "sleep_pain"}
    assert after["stress_headache"].pk == before["stress_headache"].pk  # kept, touched
    assert after["stress_headache"].computed_at == second
    assert after["sleep_pain"].pk != before["sleep_pain"].pk  # a new current row
    assert after["sleep_pain"].effect == 2.0
    history = Insight.objects.filter(patient=alice, is_current=False)
    assert {row.kind: row.computed_at for row in history} == {
        "sleep_pain": first,  # history keeps when it was computed
        "pain_spread": first,
    }


def test_every_compared_column_counts_as_a_change(alice):
    changes = {
        "status": "found",
        "effect": None,
        "ci_low": 0.25,
        "ci_high": 3.0,
        "p_value": 0.01,
        "n_days": 91,
        "n_events": None,
        "effect_label": "difference",
        "summary": "other words",
        "details": {"days": [1, 2.5, None], "label": "y", "flag": True},
    }
    _store({alice: [_result("stress_headache")]}, timezone.now())
    for name, value in changes.items():
        old = _current(alice)["stress_headache"].pk
        _store({alice: [_result("stress_headache", **{name: value})]}, timezone.now())
        assert _current(alice)["stress_headache"].pk != old, name
        _store({alice: [_result("stress_headache", **{name: value})]}, timezone.now())
        old = _current(alice)["stress_headache"].pk
        _store({alice: [_result("stress_headache")]}, timezone.now())
        assert _current(alice)["stress_headache"].pk != old, name


def test_an_older_algorithm_version_is_replaced_even_with_the_same_content(alice):
    _store({alice: [_result("stress_headache")]}, timezone.now())
    Insight.objects.filter(patient=alice).update(algorithm_version=services.ALGORITHM_VERSION - 1)
    old = _current(alice)["stress_headache"]
    _store({alice: [_result("stress_headache")]}, timezone.now())
    new = _current(alice)["stress_headache"]
    assert new.pk != old.pk
    assert new.algorithm_version == services.ALGORITHM_VERSION


def test_missing_states_are_created_and_every_state_is_marked(alice, bob):
    AnalysisState.objects.filter(patient=bob).delete()
    runs_before = AnalysisState.objects.get_or_create(patient=alice)[0].runs
    at = timezone.now()
    _store({alice: [_result("stress_headache")], bob: [_result("stress_headache")]}, at)
    alice_state = AnalysisState.objects.get(patient=alice)
    bob_state = AnalysisState.objects.get(patient=bob)
    assert alice_state.runs == runs_before + 1 and bob_state.runs == 1
    assert alice_state.computed_at == bob_state.computed_at == at
    assert bob_state.algorithm_version == services.ALGORITHM_VERSION
    assert bob.pk not in services.stale_patient_ids(limit=10)  # created fresh, not stale


def test_the_stored_row_reads_back_as_computed(alice):
    at = timezone.now()
    _store({alice: [_result("stress_headache")]}, at)
    row = _current(alice)["stress_headache"]
    assert (row.status, row.effect, row.ci_low, row.ci_high, row.p_value) == (
        "not_found",
        1.25,
        0.5,
        None,
        0.2,
    )
    assert (row.n_days, row.n_events, row.effect_label) == (90, 12, "odds ratio")
    assert row.details == {"days": [1, 2.5, None], "label": "x", "flag": True}
    assert (row.computed_at, row.algorithm_version) == (at, services.ALGORITHM_VERSION)


def test_numpy_values_nan_and_infinities_are_stored_as_plain_json_and_compare_equal(alice):
    details = {"n": np.int64(3), "x": np.float64(0.1), "ok": np.bool_(1), "r": float("nan")}
    result = _result("stress_headache", effect=float("inf"), details=details)
    _store({alice: [result]}, timezone.now())
    row = _current(alice)["stress_headache"]
    assert row.effect is None
    assert row.details == {"n": 3, "x": 0.1, "ok": True, "r": None}
    _store({alice: [result]}, timezone.now())
    assert _current(alice)["stress_headache"].pk == row.pk  # read back, it is the same content


def test_a_batch_costs_the_same_few_queries_whatever_its_size(alice):
    others = PatientFactory.create_batch(5)
    for patient in (alice, *others):  # every step of the store has work to do below
        _store({patient: [_result("stress_headache"), _result("sleep_pain")]}, timezone.now())
    changed = [
        _result("stress_headache"),
        _result("sleep_pain", effect=3.0),
        _result("pain_spread"),
    ]
    with CaptureQueriesContext(connection) as one:
        _store({alice: changed}, timezone.now())
    with CaptureQueriesContext(connection) as five:
        _store(dict.fromkeys(others, changed), timezone.now())
    assert len(five) == len(one) <= 8  # lock, mark, read, touch, archive, insert (+ savepoint)


def test_a_failed_store_leaves_nothing_behind(alice, monkeypatch):
    state = AnalysisState.objects.get_or_create(patient=alice)[0]

    def broken(rows, *args, **kwargs):
        raise IntegrityError("insert refused")

    monkeypatch.setattr(Insight.objects, "bulk_create", broken)
    with pytest.raises(IntegrityError):
        _store({alice: [_result("stress_headache")]}, timezone.now())
    monkeypatch.undo()
    assert AnalysisState.objects.get(patient=alice).runs == state.runs  # the mark rolled back
    assert not Insight.objects.filter(patient=alice).exists()
    _store({alice: [_result("stress_headache")]}, timezone.now())
    assert set(_current(alice)) == {"stress_headache"}


def test_inside_a_callers_transaction_the_store_rolls_back_with_it(alice):
    with pytest.raises(RuntimeError), transaction.atomic():
        _store({alice: [_result("stress_headache")]}, timezone.now())
        raise RuntimeError("the caller gives up")
    assert not Insight.objects.filter(patient=alice).exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_overlapping_recomputes_keep_one_current_row_per_kind(alice, bob):
    """Two workers recomputing overlapping batches at once take turns on the patients' state
    rows (locked in patient order, so no deadlock) and store the same rows once."""
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections (PostgreSQL)")
    today = timezone.localdate() - timedelta(days=1)
    for patient in (alice, bob):
        for offset in range(30):
            diary_services.day_upsert(
                patient=patient, date=today - timedelta(days=offset), stress=offset % 11
            )
    services.recompute_patients([alice.pk, bob.pk])  # the diary is settled: nothing changes now
    runs = {state.patient_id: state.runs for state in AnalysisState.objects.all()}
    stored = {
        patient.pk: Insight.objects.filter(patient=patient).count() for patient in (alice, bob)
    }
    start, errors = threading.Barrier(2), []

    def worker(order):
        try:
            start.wait()
            for _ in range(5):
                services.recompute_patients(order)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=worker, args=(order,))
        for order in ([alice.pk, bob.pk], [bob.pk, alice.pk])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    for patient in (alice, bob):
        rows = Insight.objects.filter(patient=patient)
        assert sorted(rows.filter(is_current=True).values_list("kind", flat=True)) == sorted(KINDS)
        assert rows.count() == stored[patient.pk]  # the same content: no new rows
        assert AnalysisState.objects.get(patient=patient).runs == runs.get(patient.pk, 0) + 10
