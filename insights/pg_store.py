"""A recompute's writes on PostgreSQL in one round trip (psycopg pipeline mode).

The ORM sends each statement and waits for its answer, quotes every value of a bulk insert in
Python and, for a multi-row INSERT, has psycopg re-parse a statement with thousands of
placeholders on every call. Here the freshly computed rows travel as one JSON document
(``jsonb_to_recordset``), so every statement has a handful of parameters and its parsed form is
cached; the comparison with the current rows happens in the database. In one pipeline, inside
the caller's transaction or in one of its own (then BEGIN and COMMIT travel in the same round
trip):

1. ``synchronous_commit`` off and ``plan_cache_mode`` to ``force_generic_plan`` for this
   transaction (the statements are prepared once per connection; left to choose, PostgreSQL
   kept planning each run for its values, and such a plan costs more than running these small
   statements), and ``enable_seqscan`` off: every statement reaches a batch's rows through
   an index on the patient, but a generic plan made while the table was small (a fresh
   deployment, or before autovacuum's first ANALYZE) chose a sequential scan and kept it for
   the connection's life, 30 ms per store once the table held 87,000 rows;
2. mark the patients' ``AnalysisState`` rows with this run, creating those that are missing
   (one upsert, which locks the rows in patient order, so two overlapping batches cannot
   deadlock);
3. settle the current insight rows: a row whose content equals the fresh one for its kind stays
   current (only ``computed_at`` moves); every other current row is archived
   (``is_current = false``: history);
4. insert the fresh rows of the kinds left without a current row.

Statement 4 sees what statement 3 did (a later command of the same transaction), so the
one-current-row-per-kind constraint holds at every step. The rules are those of
``insights.services.plan_store``, which the SQLite path (the embedded default) uses; both
paths are tested to store the same rows.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import datetime
from functools import cache

import psycopg
from django.db import connection

from insights.models import CONTENT_FIELDS, AnalysisState, Insight

TRANSACTION_SETTINGS = (
    "SELECT set_config('synchronous_commit', 'off', true), "
    "set_config('plan_cache_mode', 'force_generic_plan', true), "
    "set_config('enable_seqscan', 'off', true)"
)
STATEMENTS = ("mark", "settle", "insert")
FRESH_FIELDS = ("patient", "kind", *CONTENT_FIELDS)
"""The columns a recompute computes; ``computed_at``, ``algorithm_version`` and ``is_current``
are the same for every row of a run."""


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _column(model, name: str) -> str:
    return _q(model._meta.get_field(name).column)


@cache
def _sql() -> dict[str, str]:
    insight, state = _q(Insight._meta.db_table), _q(AnalysisState._meta.db_table)
    patient, state_patient = _column(Insight, "patient"), _column(AnalysisState, "patient")
    fields = [Insight._meta.get_field(name) for name in FRESH_FIELDS]
    record = ", ".join(f"{_q(field.column)} {field.db_type(connection)}" for field in fields)
    fresh = f"jsonb_to_recordset(%(fresh)s::jsonb) AS fresh({record})"
    columns = ", ".join(_q(field.column) for field in fields)
    fresh_columns = ", ".join(f"fresh.{_q(field.column)}" for field in fields)
    old = ", ".join(f"old.{_column(Insight, name)}" for name in CONTENT_FIELDS)
    new = ", ".join(f"fresh.{_column(Insight, name)}" for name in CONTENT_FIELDS)
    kind, is_current = _column(Insight, "kind"), _column(Insight, "is_current")
    computed_at = _column(Insight, "computed_at")
    state_computed_at = _column(AnalysisState, "computed_at")
    state_version, runs = (
        _column(AnalysisState, "algorithm_version"),
        _column(AnalysisState, "runs"),
    )
    return {
        "mark": (
            f"INSERT INTO {state} AS have ({state_patient}, "
            f"{_column(AnalysisState, 'data_changed_at')}, {state_computed_at}, "
            f"{state_version}, {runs}) "
            f"SELECT wanted.id, %(at)s, %(at)s, %(version)s, 1 "
            f"FROM unnest(%(patients)s::bigint[]) AS wanted(id) ORDER BY wanted.id "
            f"ON CONFLICT ({state_patient}) DO UPDATE SET "
            f"{state_computed_at} = excluded.{state_computed_at}, "
            f"{state_version} = excluded.{state_version}, {runs} = have.{runs} + 1"
        ),
        "settle": (
            f"WITH kept AS (SELECT old.id FROM {insight} AS old JOIN {fresh} "
            f"ON fresh.{patient} = old.{patient} AND fresh.{kind} = old.{kind} "
            f"WHERE old.{is_current} AND old.{patient} = ANY(%(patients)s) "
            f"AND old.{_column(Insight, 'algorithm_version')} = %(version)s "
            f"AND ({old}) IS NOT DISTINCT FROM ({new})) "
            f"UPDATE {insight} AS stored SET "
            f"{computed_at} = CASE WHEN stored.id IN (SELECT kept.id FROM kept) "
            f"THEN %(at)s ELSE stored.{computed_at} END, "
            f"{is_current} = stored.id IN (SELECT kept.id FROM kept) "
            f"WHERE stored.{patient} = ANY(%(patients)s) AND stored.{is_current}"
        ),
        "insert": (
            f"INSERT INTO {insight} ({columns}, {computed_at}, "
            f"{_column(Insight, 'algorithm_version')}, {is_current}) "
            f"SELECT {fresh_columns}, %(at)s, %(version)s, true FROM {fresh} "
            f"WHERE NOT EXISTS (SELECT 1 FROM {insight} AS old WHERE old.{patient} = "
            f"fresh.{patient} AND old.{kind} = fresh.{kind} AND old.{is_current} "
            # the batch's own rows only, whatever the planner thinks of the table's size
            f"AND old.{patient} = ANY(%(patients)s))"
        ),
    }


def store(
    *, patient_ids: list[int], document: str, computed_at: datetime, algorithm_version: int
) -> None:
    """Store one run's rows for ``patient_ids`` in one round trip: inside the caller's
    transaction if there is one, else in its own, whose BEGIN and COMMIT travel in the same
    pipeline. ``document``: the rows from ``fresh_document``."""
    sql = _sql()
    params = {
        "patients": sorted(set(patient_ids)),
        "at": computed_at,
        "version": algorithm_version,
        "fresh": document,
    }
    with connection.wrap_database_errors, _transaction() as raw:
        psycopg.Cursor(raw).execute(TRANSACTION_SETTINGS)
        for name in STATEMENTS:
            psycopg.Cursor(raw).execute(sql[name], params, prepare=True)


def fresh_document(rows: list[dict]) -> str:
    """The rows (a dict of FRESH_FIELDS values each, keyed by column, ``patient_id`` for the
    patient) as one JSON array. numpy scalars are converted; NaN and infinities are refused
    with ValueError (jsonb has no such numbers), other objects with TypeError."""
    return json.dumps(rows, allow_nan=False, separators=(",", ":"), default=_numpy_scalar)


def _numpy_scalar(value):
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


@contextmanager
def _transaction():
    """psycopg's pipeline on Django's connection, in the caller's ``atomic`` block if there is
    one; otherwise BEGIN goes first and COMMIT last in the pipeline (one round trip instead of
    two, and none of ``atomic``'s bookkeeping), and a failure rolls back."""
    connection.ensure_connection()
    raw = connection.connection
    if connection.in_atomic_block:
        with raw.pipeline():
            yield raw
        return
    if not connection.get_autocommit():
        raise RuntimeError("the store needs autocommit or an atomic block")
    try:
        with raw.pipeline():
            psycopg.Cursor(raw).execute("BEGIN")
            yield raw
            psycopg.Cursor(raw).execute("COMMIT")
    except BaseException:
        if raw.info.transaction_status in _IN_TRANSACTION:
            raw.execute("ROLLBACK")
        raise


_IN_TRANSACTION = (psycopg.pq.TransactionStatus.INTRANS, psycopg.pq.TransactionStatus.INERROR)
