"""diary.api.serializers: the read plan's shortcuts give exactly DRF's own output."""

import uuid
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from rest_framework import serializers

from diary.api.serializers import ClockTimeField, _converter


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 3, 10, 12, 0, 5, 123456, tzinfo=UTC),
        datetime(2026, 3, 10, 12, 0, tzinfo=timezone(timedelta(hours=-5))),
        datetime(2026, 3, 10, 12, 0),  # naive: DRF makes it aware
    ],
)
def test_datetime_shortcut_matches_drf(moment, settings):
    field = serializers.DateTimeField()
    assert _converter(field)(moment) == field.to_representation(moment)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (serializers.DateField(), date(2026, 3, 10)),
        (serializers.TimeField(), time(23, 30)),
        (ClockTimeField(), time(6, 5, 30, 250)),
        (serializers.UUIDField(), uuid.UUID("12345678-1234-5678-1234-567812345678")),
    ],
)
def test_date_time_and_uuid_shortcuts_match_drf(field, value):
    assert _converter(field)(value) == field.to_representation(value)


def test_a_datetime_with_its_own_format_keeps_drfs_conversion():
    field = serializers.DateTimeField(format="%Y-%m-%d")
    assert _converter(field) == field.to_representation


def test_plain_numbers_and_text_need_no_conversion():
    assert _converter(serializers.IntegerField()) is None
    assert _converter(serializers.CharField()) is None
