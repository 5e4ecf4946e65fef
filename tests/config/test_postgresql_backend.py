"""The PostgreSQL backend loads timestamps with psycopg's C loader and Django's exact results."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader

pytestmark = pytest.mark.django_db

SAMPLES = [
    "2026-12-02 03:49:11+00",
    "2026-03-29 01:30:00.5+02",  # a clock-change night, with an offset and a fraction
    "1900-01-01 00:00:00.000001-12",
    "9999-12-31 23:59:59.999999+14",
    "2024-02-29 12:00:00.123+05:30",
]


def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("the backend is PostgreSQL's")


def _load(samples, *, django_loader: bool):
    with connection.cursor() as cursor:
        if django_loader:
            register_tzloader(UTC, cursor.cursor)  # Django's own Python loader, for comparison
        values = ", ".join(f"'{text}'::timestamptz" for text in samples)
        cursor.execute(f"SELECT {values}")
        return list(cursor.fetchone())


def test_connections_use_the_fast_loader():
    _needs_postgres()
    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(1184, 0)  # timestamptz, text
    assert loader.__name__ == "UtcTimestamptzLoader"
    assert loader.timezone is UTC


def test_loaded_timestamps_equal_djangos_to_the_microsecond_and_the_zone():
    _needs_postgres()
    fast, django = _load(SAMPLES, django_loader=False), _load(SAMPLES, django_loader=True)
    assert fast == django
    assert [value.tzinfo for value in fast] == [UTC] * len(SAMPLES)
    assert fast[1] == datetime(2026, 3, 28, 23, 30, 0, 500000, tzinfo=UTC)
    assert fast[2] == datetime(1900, 1, 1, 12, 0, 0, 1, tzinfo=timezone(timedelta(0)))


def test_model_datetimes_round_trip(django_user_model):
    _needs_postgres()
    user = django_user_model.objects.create_user(email="t@example.com", password="x" * 12)
    stored = datetime(2026, 7, 1, 8, 15, 30, 123456, tzinfo=UTC)
    django_user_model.objects.filter(pk=user.pk).update(last_login=stored)
    assert django_user_model.objects.get(pk=user.pk).last_login == stored


def test_only_queries_that_ask_become_prepared_statements():
    """Django's ORM cursors never prepare; a psycopg cursor does only with prepare=True."""
    import psycopg

    _needs_postgres()
    connection.ensure_connection()
    raw = connection.connection
    for _ in range(10):  # repeated: psycopg's default threshold (5) would prepare it
        psycopg.Cursor(raw).execute("SELECT %s::int + 1", (1,))
    psycopg.Cursor(raw).execute("SELECT %s::int + 2", (1,), prepare=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert any("+ 2" in statement for statement in prepared)
    assert not any("+ 1" in statement for statement in prepared)


def test_an_explicit_prepare_threshold_still_decides():
    from config.postgresql.base import PREPARE_ON_REQUEST

    _needs_postgres()
    assert connection.get_connection_params()["prepare_threshold"] == PREPARE_ON_REQUEST
    options = connection.settings_dict["OPTIONS"]
    options["prepare_threshold"] = None  # e.g. behind a transaction-mode pooler
    try:
        assert connection.get_connection_params()["prepare_threshold"] is None
    finally:
        del options["prepare_threshold"]
