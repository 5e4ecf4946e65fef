"""A recompute's writes on PostgreSQL in one round trip (psycopg pipeline mode).

The ORM sends each statement and waits for its answer, quotes every value of a bulk insert in
Python and, for a multi-row INSERT, has psycopg re-parse a statement with thousands of
placeholders on every call. Here the freshly computed rows travel as one JSON document
(``jsonb_to_recordset``), so every statement has a handful of parameters and its parsed form is
cached; the comparison with the current rows happens in the database. Inside the caller's
transaction, in one pipeline:

1. ``SET LOCAL synchronous_commit TO OFF`` and ``plan_cache_mode TO force_generic_plan`` (the
   statements are prepared once per connection; left to choose, PostgreSQL kept planning each
   run for its values, and such a plan costs more than running these small statements);
2. create the ``AnalysisState`` rows that are missing, lock them all (in patient order, so two
   overlapping batches cannot deadlock) and mark them with this run;
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

RELAX_DURABILITY = "SET LOCAL synchronous_commit TO OFF"
GENERIC_PLANS = "SET LOCAL plan_cache_mode TO force_generic_plan"
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
    return {
        "create_states": (
            f"INSERT INTO {state} ({state_patient}, {_column(AnalysisState, 'data_changed_at')}, "
            f"{_column(AnalysisState, 'algorithm_version')}, {_column(AnalysisState, 'runs')}) "
            f"SELECT wanted.id, %(at)s, 0, 0 FROM unnest(%(patients)s::bigint[]) AS wanted(id) "
            f"WHERE NOT EXISTS (SELECT 1 FROM {state} AS have "
            f"WHERE have.{state_patient} = wanted.id) "
            f"ON CONFLICT ({state_patient}) DO NOTHING"
        ),
        "lock": (
            f"SELECT {state_patient} FROM {state} WHERE {state_patient} = ANY(%(patients)s) "
            f"ORDER BY {state_patient} FOR UPDATE"
        ),
        "mark": (
            f"UPDATE {state} SET {_column(AnalysisState, 'computed_at')} = %(at)s, "
            f"{_column(AnalysisState, 'algorithm_version')} = %(version)s, "
            f"{_column(AnalysisState, 'runs')} = {_column(AnalysisState, 'runs')} + 1 "
            f"WHERE {state_patient} = ANY(%(patients)s)"
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
            f"fresh.{patient} AND old.{kind} = fresh.{kind} AND old.{is_current})"
        ),
    }


def store(
    *, patient_ids: list[int], document: str, computed_at: datetime, algorithm_version: int
) -> None:
    """Store one run's rows for ``patient_ids`` in one round trip, inside the caller's
    transaction. ``document``: the rows from ``fresh_document``."""
    sql = _sql()
    params = {
        "patients": sorted(patient_ids),
        "at": computed_at,
        "version": algorithm_version,
        "fresh": document,
    }
    with connection.wrap_database_errors, _pipeline() as raw:
        psycopg.Cursor(raw).execute(RELAX_DURABILITY)
        psycopg.Cursor(raw).execute(GENERIC_PLANS)
        for name in ("create_states", "lock", "mark", "settle", "insert"):
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
def _pipeline():
    """psycopg's pipeline on Django's connection, inside the caller's ``atomic`` block."""
    connection.ensure_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("the pipelined store runs inside the caller's transaction")
    with connection.connection.pipeline():
        yield connection.connection
