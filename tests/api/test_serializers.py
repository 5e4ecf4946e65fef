"""diary.api.serializers: the read plan's shortcuts give exactly DRF's own output."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from rest_framework import serializers

from diary.api.serializers import _converter


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


def test_a_datetime_with_its_own_format_keeps_drfs_conversion():
    field = serializers.DateTimeField(format="%Y-%m-%d")
    assert _converter(field) == field.to_representation


def test_plain_numbers_and_text_need_no_conversion():
    assert _converter(serializers.IntegerField()) is None
    assert _converter(serializers.CharField()) is None
