"""A recompute's writes on PostgreSQL in two round trips (psycopg pipeline mode).

The ORM sends each statement and waits for its answer, and with Django's client-side binding
it quotes every value of a bulk insert in Python; for a 1-year diary that made storing seven
small rows cost more than loading the whole diary. Here the same statements go out together
through psycopg's pipeline with server-side parameters, inside the caller's transaction:

1. ``SET LOCAL synchronous_commit TO OFF``, the ``AnalysisState`` rows locked (in patient
   order) and marked with this run, and the read of the current insight rows;
2. after comparing in Python (``insights.services.plan_store``): touch the unchanged rows,
   archive the changed ones and insert the new ones.

The SQL is built from the models' metadata, so it follows the schema; SQLite (the embedded
default) keeps the ORM path in ``insights.services``. Both paths are tested.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from functools import cache

import psycopg
from django.db import connection

from insights.models import AnalysisState, Insight

RELAX_DURABILITY = "SET LOCAL synchronous_commit TO OFF"
_INSERTED = [field for field in Insight._meta.concrete_fields if not field.primary_key]


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


@cache
def _sql() -> dict[str, str]:
    insight, state = _table(Insight), _table(AnalysisState)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in _INSERTED)
    placeholders = ", ".join(["%s"] * len(_INSERTED))
    return {
        "lock": (
            f"SELECT {_column(AnalysisState, 'patient')} FROM {state} "
            f"WHERE {_column(AnalysisState, 'patient')} = ANY(%s) "
            f"ORDER BY {_column(AnalysisState, 'patient')} FOR UPDATE"
        ),
        "mark": (
            f"UPDATE {state} SET {_column(AnalysisState, 'computed_at')} = %s, "
            f"{_column(AnalysisState, 'algorithm_version')} = %s, "
            f"{_column(AnalysisState, 'runs')} = {_column(AnalysisState, 'runs')} + 1 "
            f"WHERE {_column(AnalysisState, 'patient')} = ANY(%s)"
        ),
        "touch": (
            f"UPDATE {insight} SET {_column(Insight, 'computed_at')} = %s "
            f"WHERE {_column(Insight, 'id')} = ANY(%s)"
        ),
        "archive": (
            f"UPDATE {insight} SET {_column(Insight, 'is_current')} = false "
            f"WHERE {_column(Insight, 'id')} = ANY(%s)"
        ),
        "insert": f"INSERT INTO {insight} ({columns}) VALUES ",
        "row": f"({placeholders})",
    }


@cache
def current_sql(compared: tuple[str, ...]) -> str:
    insight = _table(Insight)
    columns = ", ".join(_column(Insight, name) for name in ("id", "patient", "kind", *compared))
    return (
        f"SELECT {columns} FROM {insight} "
        f"WHERE {_column(Insight, 'patient')} = ANY(%s) AND {_column(Insight, 'is_current')}"
    )


def mark_and_read_current(
    *,
    patient_ids: list[int],
    computed_at: datetime,
    algorithm_version: int,
    compared: tuple[str, ...],
) -> tuple[set[int], list[tuple]]:
    """Round trip 1: relax durability, lock and mark the patients' state rows (in id order, so
    two overlapping batches cannot deadlock), read their current rows.

    Returns (patients whose state row exists, current rows as ``(id, patient_id, kind,
    *compared)`` with Python values).
    """
    sql = _sql()
    with connection.wrap_database_errors, _pipeline() as raw:
        psycopg.Cursor(raw).execute(RELAX_DURABILITY)
        locked = psycopg.Cursor(raw)
        locked.execute(sql["lock"], (patient_ids,))
        psycopg.Cursor(raw).execute(sql["mark"], (computed_at, algorithm_version, patient_ids))
        current = psycopg.Cursor(raw)
        current.execute(current_sql(compared), (patient_ids,))
    with connection.wrap_database_errors:
        marked = {patient_id for (patient_id,) in locked.fetchall()}
        rows = current.fetchall()
    converters = [_from_db(name) for name in compared]
    return marked, [
        (pk, patient_id, kind, *(convert(v) for convert, v in zip(converters, values, strict=True)))
        for pk, patient_id, kind, *values in rows
    ]


def write_changes(
    *, computed_at: datetime, unchanged: list[int], archived: list[int], new_rows: list[Insight]
) -> None:
    """Round trip 2: touch unchanged rows, archive replaced ones, insert the new ones."""
    sql = _sql()
    with connection.wrap_database_errors, _pipeline() as raw:
        cursor = psycopg.Cursor(raw)
        if unchanged:
            cursor.execute(sql["touch"], (computed_at, unchanged))
        if archived:
            cursor.execute(sql["archive"], (archived,))
        if new_rows:  # one multi-row INSERT: one statement to parse, plan and execute
            values = ", ".join([sql["row"]] * len(new_rows))
            cursor.execute(
                sql["insert"] + values, [v for row in new_rows for v in _insert_values(row)]
            )


def _insert_values(row: Insight) -> tuple:
    """Column values of a row built by ``insights.services._row``: plain Python values that
    psycopg adapts itself, except JSON, which goes through the field (Django's Jsonb)."""
    return tuple(
        field.get_db_prep_save(getattr(row, field.attname), connection)
        if field.get_internal_type() == "JSONField"
        else getattr(row, field.attname)
        for field in _INSERTED
    )


def _from_db(name: str):
    """The model field's own conversion of a raw column value (e.g. jsonb text -> dict)."""
    field = Insight._meta.get_field(name)
    if hasattr(field, "from_db_value"):
        return lambda value: field.from_db_value(value, None, connection)
    return lambda value: value


@contextmanager
def _pipeline():
    """psycopg's pipeline on Django's connection, inside the caller's ``atomic`` block."""
    connection.ensure_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("the pipelined store runs inside the caller's transaction")
    with connection.connection.pipeline():
        yield connection.connection
