"""insights.pg_store: the one-round-trip store keeps plan_store's rules, in the database."""

from datetime import timedelta

import numpy as np
import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from insights import pg_store, services
from insights.analysis import InsightResult
from insights.models import AnalysisState, Insight
from tests.factories import PatientFactory


def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("the pipelined store is PostgreSQL's")


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
    with transaction.atomic():
        services.store_many(results_by_patient, computed_at=at)


def _current(patient):
    return {row.kind: row for row in Insight.objects.filter(patient=patient, is_current=True)}


def test_unchanged_rows_stay_changed_and_vanished_kinds_become_history(alice):
    _needs_postgres()
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
    _needs_postgres()
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
    _needs_postgres()
    _store({alice: [_result("stress_headache")]}, timezone.now())
    Insight.objects.filter(patient=alice).update(algorithm_version=services.ALGORITHM_VERSION - 1)
    old = _current(alice)["stress_headache"]
    _store({alice: [_result("stress_headache")]}, timezone.now())
    new = _current(alice)["stress_headache"]
    assert new.pk != old.pk
    assert new.algorithm_version == services.ALGORITHM_VERSION


def test_missing_states_are_created_and_every_state_is_marked(alice, bob):
    _needs_postgres()
    AnalysisState.objects.filter(patient=bob).delete()
    runs_before = AnalysisState.objects.get_or_create(patient=alice)[0].runs
    at = timezone.now()
    _store({alice: [_result("stress_headache")], bob: [_result("stress_headache")]}, at)
    alice_state = AnalysisState.objects.get(patient=alice)
    bob_state = AnalysisState.objects.get(patient=bob)
    assert alice_state.runs == runs_before + 1 and bob_state.runs == 1
    assert alice_state.computed_at == bob_state.computed_at == at
    assert bob_state.algorithm_version == services.ALGORITHM_VERSION


def test_the_stored_row_reads_back_as_computed(alice):
    _needs_postgres()
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


def test_the_document_converts_numpy_scalars_and_refuses_nan():
    document = pg_store.fresh_document([{"n": np.int64(3), "x": np.float64(0.1), "b": np.bool_(1)}])
    assert document == '[{"n":3,"x":0.1,"b":true}]'
    with pytest.raises(ValueError):
        pg_store.fresh_document([{"x": float("nan")}])
    with pytest.raises(TypeError):
        pg_store.fresh_document([{"x": object()}])


def test_the_store_statements_are_prepared_once_per_connection(alice):
    """From the second run on, no parsing or planning: the statements are prepared."""
    _needs_postgres()
    _store({alice: [_result("stress_headache")]}, timezone.now())
    _store({alice: [_result("stress_headache")]}, timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = " ".join(statement for (statement,) in cursor.fetchall())
    for name in pg_store.STATEMENTS:
        assert pg_store._sql()[name].split("%")[0] in prepared, name


@pytest.mark.django_db(transaction=True)
def test_concurrent_overlapping_recomputes_keep_one_current_row_per_kind(alice, bob):
    """Two workers recomputing overlapping batches at once take turns on the patients' state
    rows (locked in patient order, so no deadlock) and store the same rows once."""
    import threading

    from django.db import connections

    from diary import services as diary_services
    from insights.analysis import KINDS

    _needs_postgres()
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


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_store_brings_its_own_begin_and_commit(alice, monkeypatch):
    """In autocommit (a recompute), BEGIN and COMMIT travel in the store's one pipeline."""
    _needs_postgres()
    sent = []

    class RecordingCursor(pg_store.psycopg.Cursor):
        def execute(self, query, *args, **kwargs):
            sent.append(query)
            return super().execute(query, *args, **kwargs)

    monkeypatch.setattr(pg_store.psycopg, "Cursor", RecordingCursor)
    at = timezone.now()
    services.store_many({alice: [_result("stress_headache")]}, computed_at=at)
    sql = pg_store._sql()
    assert sent == [
        "BEGIN",
        pg_store.TRANSACTION_SETTINGS,
        *(sql[name] for name in pg_store.STATEMENTS),
        "COMMIT",
    ]
    assert (
        connection.connection.info.transaction_status == pg_store.psycopg.pq.TransactionStatus.IDLE
    )
    assert _current(alice)["stress_headache"].computed_at == at
    assert AnalysisState.objects.get(patient=alice).computed_at == at
    with connection.cursor() as cursor:  # the settings ended with the store's transaction
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)


@pytest.mark.django_db(transaction=True)
def test_a_failed_store_rolls_back_its_own_transaction_and_the_connection_stays_usable(alice):
    _needs_postgres()
    state = AnalysisState.objects.get_or_create(patient=alice)[0]
    bad = [{"patient_id": alice.pk, "kind": None, "status": "found"}]  # kind is NOT NULL
    with pytest.raises(IntegrityError):
        pg_store.store(
            patient_ids=[alice.pk],
            document=pg_store.fresh_document(bad),
            computed_at=timezone.now(),
            algorithm_version=services.ALGORITHM_VERSION,
        )
    assert (
        connection.connection.info.transaction_status == pg_store.psycopg.pq.TransactionStatus.IDLE
    )
    assert AnalysisState.objects.get(patient=alice).runs == state.runs  # the mark rolled back
    assert not Insight.objects.filter(patient=alice).exists()
    services.store_many({alice: [_result("stress_headache")]}, computed_at=timezone.now())
    assert set(_current(alice)) == {"stress_headache"}


def _scanned_rows(plan: dict, table: str) -> int:
    """The most rows any node of an EXPLAIN ANALYZE plan read from ``table`` (kept or filtered
    out)."""
    here = 0
    if plan.get("Relation Name") == table:
        here = plan.get("Actual Rows", 0) + plan.get("Rows Removed by Filter", 0)
    return max([here, *(_scanned_rows(child, table) for child in plan.get("Plans", []))])


@pytest.mark.parametrize("analysed", [False, True], ids=["never analysed", "analysed empty"])
def test_plans_made_while_the_table_was_empty_still_read_only_the_batchs_rows(alice, analysed):
    """A worker's connection prepares the store's statements once and PostgreSQL keeps their
    generic plans until the table is analysed again. Plans made on a fresh deployment (an
    empty table) must not scan the whole table once it has grown: in the benchmark, with
    autovacuum off, such plans cost 30 ms per store on 87,000 rows instead of 1 ms."""
    _needs_postgres()
    table = Insight._meta.db_table
    sql = pg_store._sql()
    at = timezone.now()
    document = services._document([services._fresh(alice.pk, _result("stress_headache"))])
    arguments = [[alice.pk], at, document]
    with connection.cursor() as cursor:
        if analysed:
            cursor.execute(f"ANALYZE {table}")
        cursor.execute(pg_store.TRANSACTION_SETTINGS)
        for name in pg_store.STATEMENTS[1:]:  # the two that read the insight table
            statement = (
                sql[name]
                .replace("%(patients)s", "$1")
                .replace("%(at)s", "$2")
                .replace("%(version)s", "1")
                .replace("%(fresh)s", "$3")
            )
            cursor.execute(f"PREPARE probe_{name}(bigint[], timestamptz, text) AS {statement}")
            cursor.execute("SAVEPOINT probe")
            cursor.execute(f"EXECUTE probe_{name}(%s, %s, %s)", arguments)  # the generic plan
            cursor.execute("ROLLBACK TO SAVEPOINT probe")
        others = PatientFactory.create_batch(20)
        fresh = {patient: [_result("stress_headache"), _result("sleep_pain")] for patient in others}
        services.store_many(fresh, computed_at=at)  # the table grows: 40 current rows
        for name in pg_store.STATEMENTS[1:]:
            cursor.execute(
                f"EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE probe_{name}(%s, %s, %s)", arguments
            )
            plan = cursor.fetchone()[0][0]["Plan"]
            assert _scanned_rows(plan, table) <= 1, (name, plan)
            cursor.execute(f"DEALLOCATE probe_{name}")
