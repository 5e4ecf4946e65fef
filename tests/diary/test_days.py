"""diary.days: a patient's diary day and the real length of a night in their time zone."""

from datetime import date, time
from zoneinfo import ZoneInfo

import pytest

from diary.days import night_minutes

LONDON = ZoneInfo("Europe/London")
AUTUMN_MORNING = date(2026, 10, 25)  # 02:00 BST becomes 01:00 GMT in the night before
SPRING_MORNING = date(2026, 3, 29)  # 01:00 GMT becomes 02:00 BST in the night before


@pytest.mark.parametrize(
    ("day", "minutes"),
    [(date(2026, 6, 10), 480), (AUTUMN_MORNING, 540), (SPRING_MORNING, 420)],
)
def test_a_night_from_23_to_07_lasts_what_the_clocks_say(day, minutes):
    assert night_minutes(day, time(23, 0), time(7, 0), LONDON) == minutes


def test_a_bedtime_after_midnight_is_the_same_night():
    assert night_minutes(date(2026, 6, 10), time(0, 30), time(6, 30), LONDON) == 360


def test_an_end_before_the_start_on_the_same_side_of_noon_is_the_next_morning():
    assert night_minutes(date(2026, 6, 10), time(13, 0), time(12, 30), LONDON) == 23 * 60 + 30


def test_equal_times_are_no_time_at_all():
    assert night_minutes(date(2026, 6, 10), time(7, 0), time(7, 0), LONDON) == 0


def test_a_zone_without_daylight_saving_keeps_clock_minutes():
    assert night_minutes(AUTUMN_MORNING, time(23, 0), time(7, 0), ZoneInfo("UTC")) == 480
