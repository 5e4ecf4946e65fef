"""A patient's diary days and clock times in their own time zone.

Kept apart from the write services so that reading "today" (pages, insights, reports) never
imports the code that writes the diary.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from datetime import timezone as fixed_offset
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from diary import scales

EARLIEST_DAY = date(scales.EARLIEST_DIARY_YEAR, 1, 1)
LATEST_DAY = date(scales.LATEST_DIARY_YEAR, 12, 31)


def patient_zone(patient: User) -> ZoneInfo:
    profile = getattr(patient, "patient_profile", None)
    try:
        return ZoneInfo(profile.timezone if profile else "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def patient_today(patient: User) -> date:
    """The patient's current diary day (before 04:00 local it is still yesterday)."""
    return diary_date_for(patient, timezone.now())


def diary_date_for(patient: User, moment: datetime, offset_min: int | None = None) -> date:
    """Local diary day of a moment: entries before 04:00 belong to the day that is ending.

    Local means the UTC offset the device sent with the time (``offset_min``, minutes east of
    UTC) when it sent one, so a traveller's 23:30 counts for the day they were living; else the
    profile's zone."""
    zone = patient_zone(patient) if offset_min is None else offset_zone(offset_min)
    return rollover_date(moment.astimezone(zone))


def offset_zone(offset_min: int) -> fixed_offset:
    return fixed_offset(timedelta(minutes=offset_min))


def rollover_date(local: datetime) -> date:
    """The diary day of a local wall-clock time (04:00 rollover)."""
    if local.hour < scales.DAY_ROLLOVER_HOUR:
        return local.date() - timedelta(days=1)
    return local.date()


def local_date(patient: User, moment: datetime) -> date:
    """Plain local calendar date of a moment (used for the days an attack spans)."""
    return moment.astimezone(patient_zone(patient)).date()


def local_datetime(patient: User, day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=patient_zone(patient))


def night_moment(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """The moment of a clock time in the night that ends on the morning of ``day`` (a day's
    record holds last night's sleep): from noon on it is the evening before."""
    on = day - timedelta(days=1) if clock.hour >= 12 else day
    return datetime.combine(on, clock, tzinfo=zone)


def night_minutes(day: date, start: time, end: time, zone: ZoneInfo) -> int:
    """Real minutes from ``start`` to ``end`` in the night before ``day``, in the patient's
    zone: 23:00 to 07:00 is 540 minutes on the night clocks go back, 420 when they go forward."""
    begin, finish = night_moment(day, start, zone), night_moment(day, end, zone)
    if finish < begin:  # both on the same side of noon, the end on the next day
        finish = datetime.combine(finish.date() + timedelta(days=1), end, tzinfo=zone)
    seconds = (finish.astimezone(UTC) - begin.astimezone(UTC)).total_seconds()
    return int(seconds // 60)


def in_diary_range(value: date | datetime) -> bool:
    """Whether a date (or a moment's date) lies in the years any diary can hold. Pages,
    filters and exports refuse the rest, so no date arithmetic overflows at year 1 or 9999."""
    day = value.date() if isinstance(value, datetime) else value
    return EARLIEST_DAY <= day <= LATEST_DAY


def validate_diary_date(value: date | datetime) -> None:
    """``in_diary_range`` as a field validator (forms and API query parameters)."""
    if not in_diary_range(value):
        raise ValidationError(
            f"Choose a date from {EARLIEST_DAY.year} to {LATEST_DAY.year}.", code="out_of_range"
        )
