"""The attack timer ("Headache started now" / "Ended now", the ongoing banner and calendar
marks) and the 2-hour relief follow-ups on Today and on their own page (issue 23)."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from diary import services
from diary.models import Dose, HeadacheAttack
from tests.diary.test_views import calendar_name, day_url, london

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # 12:00 in London: diary day 10 March
TODAY = date(2026, 3, 10)
YESTERDAY = TODAY - timedelta(days=1)
START = reverse("diary:attack_start")
TODAY_URL = reverse("diary:today")


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def patient_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def sumatriptan(alice):
    medication, _ = services.medication_upsert(
        patient=alice, name="Sumatriptan", med_class="triptan", default_amount=Decimal("50")
    )
    return medication


@pytest.fixture
def since_last_night(alice):
    attack, _ = services.attack_upsert(
        patient=alice, started_at=london(YESTERDAY, 22, 10), peak_intensity=6
    )
    return attack


def end_url(attack) -> str:
    return reverse("diary:attack_end", kwargs={"attack_id": attack.pk})


def follow_up_url(dose) -> str:
    return reverse("diary:follow_up", kwargs={"dose_id": dose.pk})


def dose_at(patient, medication, moment, **fields) -> Dose:
    dose, _ = services.dose_upsert(
        patient=patient, medication=medication, taken_at=moment, **fields
    )
    return dose


# --- starting and ending ----------------------------------------------------------------------


def test_today_offers_headache_started_now_with_one_tap_per_pain_level(patient_client):
    html = patient_client.get(TODAY_URL).content.decode()
    assert "Headache started now" in html
    assert f'action="{START}"' in html
    assert html.count('name="peak_intensity"') == 10


def test_one_tap_starts_an_ongoing_attack_and_today_shows_ended_now(patient_client, alice):
    response = patient_client.post(START, {"peak_intensity": "6", "next": TODAY_URL})
    assert response.status_code == 302 and response["Location"] == TODAY_URL
    attack = HeadacheAttack.objects.get(patient=alice)
    assert (attack.started_at, attack.ended_at, attack.peak_intensity) == (NOW, None, 6)
    html = patient_client.get(TODAY_URL).content.decode()
    assert "Headache ongoing since 12:00" in html
    assert f'action="{end_url(attack)}"' in html
    assert "Headache started now" not in html
    assert 'class="ongoing-banner"' not in html  # the card says it once on Today


def test_a_second_tap_shows_the_ongoing_attack_instead_of_starting_another(
    patient_client, alice, since_last_night
):
    response = patient_client.post(START, {"peak_intensity": "3"}, follow=True)
    assert HeadacheAttack.objects.filter(patient=alice).count() == 1
    assert "Your headache since 22:10 yesterday is still ongoing." in response.content.decode()


@pytest.mark.parametrize("level", ["", "0", "11", "six"])
def test_a_start_without_a_pain_level_saves_nothing(patient_client, level):
    response = patient_client.post(START, {"peak_intensity": level}, follow=True)
    assert "Tap how strong the headache is" in response.content.decode()
    assert not HeadacheAttack.objects.exists()


def test_ended_now_ends_it_today_and_today_offers_a_new_start(
    patient_client, alice, since_last_night
):
    response = patient_client.post(end_url(since_last_night), {"next": TODAY_URL}, follow=True)
    since_last_night.refresh_from_db()
    assert (since_last_night.ended_at, since_last_night.end_date) == (NOW, TODAY)
    assert (since_last_night.start_date, since_last_night.version) == (YESTERDAY, 2)
    html = response.content.decode()
    assert "Headache ended at 12:00." in html and "Headache started now" in html


def test_the_redirect_stays_on_this_site(patient_client, since_last_night):
    response = patient_client.post(end_url(since_last_night), {"next": "https://evil.example/"})
    assert response["Location"] == TODAY_URL


def test_ended_now_answers_a_replay_without_moving_the_end(
    patient_client, since_last_night, monkeypatch
):
    patient_client.post(end_url(since_last_night))
    monkeypatch.setattr(timezone, "now", lambda: NOW + timedelta(minutes=10))
    response = patient_client.post(end_url(since_last_night), follow=True)
    since_last_night.refresh_from_db()
    assert since_last_night.ended_at == NOW
    assert "This headache had already ended at 12:00." in response.content.decode()


def test_timer_forms_work_for_the_patient_only(client, alice, bob, dave, since_last_night):
    """Anonymous: to the login page; a clinician: 403; another patient's attack: 404; GET: 405."""
    for url in (START, end_url(since_last_night)):
        response = client.post(url, {"peak_intensity": "5"})
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    client.force_login(dave)
    assert client.post(START, {"peak_intensity": "5"}).status_code == 403
    assert client.post(end_url(since_last_night)).status_code == 403
    client.force_login(bob)
    assert client.post(end_url(since_last_night)).status_code == 404
    assert client.get(START).status_code == 405
    since_last_night.refresh_from_db()
    assert since_last_night.ended_at is None
    assert not HeadacheAttack.objects.filter(patient__in=[bob, dave]).exists()


# --- shown across days and pages ----------------------------------------------------------------


@pytest.mark.parametrize(
    "page",
    ["diary:calendar", "diary:trends", "diary:medications", "diary:questionnaires", "yesterday"],
)
def test_every_patient_page_has_the_ongoing_banner_with_ended_now(
    patient_client, since_last_night, page
):
    url = day_url(YESTERDAY) if page == "yesterday" else reverse(page)
    html = patient_client.get(url).content.decode()
    assert 'class="ongoing-banner"' in html
    assert "Headache ongoing since 22:10 yesterday" in html
    assert f'action="{end_url(since_last_night)}"' in html
    assert f'name="next" value="{url}"' in html


def test_no_banner_without_an_ongoing_attack(patient_client, alice):
    services.attack_upsert(
        patient=alice,
        started_at=london(YESTERDAY, 8),
        ended_at=london(YESTERDAY, 12),
        peak_intensity=5,
    )
    assert (
        'class="ongoing-banner"'
        not in patient_client.get(reverse("diary:calendar")).content.decode()
    )


def test_the_calendar_marks_every_day_the_ongoing_attack_spans_so_far(patient_client, alice):
    services.attack_upsert(
        patient=alice, started_at=london(TODAY - timedelta(days=2), 21), peak_intensity=6
    )
    html = patient_client.get(reverse("diary:calendar") + "?month=2026-03").content.decode()
    assert html.count(" is-ongoing") == 3
    for day in (TODAY - timedelta(days=2), YESTERDAY):
        assert (
            calendar_name(
                day, "headache day, worst pain 6 of 10, 0 painful body areas, headache ongoing"
            )
            in html
        )
    assert calendar_name(TODAY, "headache day") in html  # 04:00 to 12:00 so far
    assert calendar_name(date(2026, 3, 7), "not recorded") in html


def test_a_headache_started_minutes_ago_is_marked_ongoing_before_it_makes_a_headache_day(
    patient_client, alice
):
    services.attack_start_now(patient=alice, peak_intensity=4)
    html = patient_client.get(reverse("diary:calendar")).content.decode()
    assert calendar_name(TODAY, "headache ongoing, 0 painful body areas") in html
    assert "h-ongoing" in html


def test_the_day_page_of_a_spanned_day_shows_the_ongoing_attack(patient_client, since_last_night):
    html = patient_client.get(day_url(YESTERDAY)).content.decode()
    assert "Editing the headache that started" in html
    assert "Headache ongoing since 22:10 yesterday" in html


# --- relief follow-ups --------------------------------------------------------------------------


def test_today_asks_how_well_a_dose_taken_two_hours_ago_worked(patient_client, alice, sumatriptan):
    dose = dose_at(alice, sumatriptan, NOW - timedelta(hours=2, minutes=5))
    html = patient_client.get(TODAY_URL).content.decode()
    assert "How well did Sumatriptan 50 mg at 09:55 work?" in html
    assert f'action="{follow_up_url(dose)}"' in html
    for label in ("No relief", "Some relief", "Pain free"):
        assert f">{label}</button>" in html


def test_only_unrated_acute_doses_of_2_to_24_hours_ago_are_asked_about(
    patient_client, alice, sumatriptan
):
    vitamin, _ = services.medication_upsert(
        patient=alice, name="Magnesium", med_class="other", kind="preventive"
    )
    dose_at(alice, sumatriptan, NOW - timedelta(hours=1))  # too early
    dose_at(alice, sumatriptan, NOW - timedelta(hours=25))  # too late
    dose_at(alice, sumatriptan, NOW - timedelta(hours=3), relief_2h="partial")  # answered
    dose_at(alice, vitamin, NOW - timedelta(hours=3))  # preventive
    assert "How well did" not in patient_client.get(TODAY_URL).content.decode()


def test_one_tap_saves_the_relief_and_only_the_relief(patient_client, alice, sumatriptan):
    dose = dose_at(alice, sumatriptan, NOW - timedelta(hours=2), quantity=Decimal("2"))
    response = patient_client.post(follow_up_url(dose), {"relief_2h": "partial", "next": TODAY_URL})
    assert response.status_code == 302 and response["Location"] == TODAY_URL
    saved = Dose.objects.get(pk=dose.pk)
    assert (saved.relief_2h, saved.version, saved.quantity) == ("partial", 2, Decimal("2"))
    assert (saved.taken_at, saved.date, saved.amount) == (dose.taken_at, dose.date, dose.amount)
    assert "How well did" not in patient_client.get(TODAY_URL).content.decode()


def test_the_follow_up_page_a_reminder_links_to(patient_client, alice, sumatriptan):
    dose = dose_at(alice, sumatriptan, NOW - timedelta(hours=2))
    html = patient_client.get(follow_up_url(dose)).content.decode()
    assert "How well did Sumatriptan 50 mg at 10:00 work?" in html
    patient_client.post(follow_up_url(dose), {"relief_2h": "complete"})
    html = patient_client.get(follow_up_url(dose)).content.decode()
    assert "You answered “Pain free”" in html and 'aria-pressed="true"' in html


def test_a_bad_relief_answer_is_400_and_saves_nothing(patient_client, alice, sumatriptan):
    dose = dose_at(alice, sumatriptan, NOW - timedelta(hours=2))
    response = patient_client.post(follow_up_url(dose), {"relief_2h": "great"})
    assert response.status_code == 400
    assert Dose.objects.get(pk=dose.pk).version == 1


def test_the_follow_up_page_is_the_patients_own(client, alice, bob, dave, sumatriptan):
    dose = dose_at(alice, sumatriptan, NOW - timedelta(hours=2))
    url = follow_up_url(dose)
    response = client.get(url)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    client.force_login(dave)
    assert client.get(url).status_code == 403
    assert client.post(url, {"relief_2h": "none"}).status_code == 403
    client.force_login(bob)
    assert client.get(url).status_code == 404
    assert client.post(url, {"relief_2h": "none"}).status_code == 404
    services.dose_delete(patient=alice, dose_id=dose.pk)
    client.force_login(alice)
    assert client.get(url).status_code == 404
    assert Dose.objects.get(pk=dose.pk).relief_2h == ""


# --- query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("doses", [1, 6])
def test_today_with_an_ongoing_attack_and_follow_ups_runs_a_constant_number_of_queries(
    client, alice, sumatriptan, since_last_night, doses, django_assert_num_queries
):
    for hours in range(doses):
        dose_at(alice, sumatriptan, NOW - timedelta(hours=2 + hours))
    client.force_login(alice)
    # as without them (test_views): the timer card finds the attack among the day's attacks
    with django_assert_num_queries(10):
        html = client.get(TODAY_URL).content.decode()
    assert html.count("How well did") == doses


@pytest.mark.parametrize("history", [1, 30])
def test_the_follow_up_page_runs_a_constant_number_of_queries(
    client, alice, sumatriptan, history, django_assert_num_queries
):
    doses = [dose_at(alice, sumatriptan, NOW - timedelta(hours=2 + h)) for h in range(history)]
    client.force_login(alice)
    with django_assert_num_queries(5):  # session, user, dose + medication, profile, banner
        client.get(follow_up_url(doses[0]))


@pytest.mark.parametrize("page", ["diary:calendar", "diary:trends"])
def test_the_banner_costs_one_query_on_other_pages(
    client, alice, since_last_night, page, django_assert_num_queries
):
    client.force_login(alice)
    with django_assert_num_queries(7):  # as without an ongoing attack (test_views)
        html = client.get(reverse(page)).content.decode()
    assert html.count('class="ongoing-banner"') == 1
