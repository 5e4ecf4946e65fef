"""The check-in's "Period today?" question (cycle trackers only) and period days on the calendar."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from diary import services
from diary.models import Day

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # noon in London: the diary day is 10 March
TODAY = date(2026, 3, 10)


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def tracker(alice):
    alice.patient_profile.tracks_cycle = True
    alice.patient_profile.save()
    return alice


def day_url(day: date) -> str:
    return reverse("diary:day", kwargs={"day": day})


def test_the_period_question_is_not_asked_without_the_opt_in(client, alice):
    client.force_login(alice)
    html = client.get(day_url(TODAY)).content.decode()
    assert "Period today?" not in html and 'name="period"' not in html


def test_a_cycle_tracker_is_asked_with_nothing_chosen_until_tapped(client, tracker):
    client.force_login(tracker)
    html = client.get(day_url(TODAY)).content.decode()
    assert "Period today?" in html and "Yes – day 1" in html
    assert 'id="id_period_0">' in html and 'id="id_period_1">' in html  # neither checked


def test_an_untouched_period_question_stores_no_answer(client, tracker):
    client.force_login(tracker)
    client.post(day_url(TODAY), {"stress": "3"})
    assert Day.objects.get(patient=tracker, date=TODAY).period is None


@pytest.mark.parametrize(("answer", "stored"), [("yes", True), ("no", False)])
def test_one_tap_stores_the_answer_and_shows_it_again(client, tracker, answer, stored):
    client.force_login(tracker)
    assert client.post(day_url(TODAY), {"period": answer}).status_code == 302
    assert Day.objects.get(patient=tracker, date=TODAY).period is stored
    html = client.get(day_url(TODAY)).content.decode()
    index = {"yes": 0, "no": 1}[answer]
    assert f'value="{answer}" id="id_period_{index}" checked' in html


def test_an_unknown_answer_is_a_field_error_and_nothing_is_saved(client, tracker):
    client.force_login(tracker)
    response = client.post(day_url(TODAY), {"period": "maybe"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Day.objects.filter(patient=tracker).exists()


def test_after_period_days_the_question_names_the_next_day_and_the_end(client, tracker):
    for back in (1, 2):
        services.day_upsert(patient=tracker, date=TODAY - timedelta(days=back), period=True)
    client.force_login(tracker)
    html = client.get(day_url(TODAY)).content.decode()
    assert "Yesterday was day 2 of your period." in html
    assert "Yes – day 3" in html and "No – it has ended" in html


def test_a_gap_before_yesterday_starts_the_count_again(client, tracker):
    services.day_upsert(patient=tracker, date=TODAY - timedelta(days=3), period=True)
    services.day_upsert(patient=tracker, date=TODAY - timedelta(days=1), period=True)
    client.force_login(tracker)
    assert "Yes – day 2" in client.get(day_url(TODAY)).content.decode()


def test_turning_tracking_off_keeps_the_stored_answers_when_a_day_is_saved(client, alice):
    services.day_upsert(patient=alice, date=TODAY, period=True)
    client.force_login(alice)
    client.post(day_url(TODAY), {"stress": "5", "version": "1"})
    day = Day.objects.get(patient=alice, date=TODAY)
    assert (day.stress, day.period) == (5, True)


def test_the_calendar_marks_period_days_for_screen_readers_too(client, tracker):
    services.day_upsert(patient=tracker, date=TODAY - timedelta(days=1), period=True)
    services.day_upsert(patient=tracker, date=TODAY - timedelta(days=2), period=False)
    client.force_login(tracker)
    html = client.get(reverse("diary:calendar")).content.decode()
    assert html.count('class="cal-period"') == 1
    assert "no headache, 0 painful body areas, period day" in html
    assert "Period day" in html  # the legend
