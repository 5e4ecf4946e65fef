"""The patient's diary pages: check-in (today and any past day), calendar, trends,
medications and questionnaires."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from diary import selectors, services
from diary.days import patient_today
from diary.models import Day, Dose, HeadacheAttack, Medication, QuestionnaireResponse

# 12:00 in London on Tuesday 10 March 2026 (GMT): the patients' diary day is 10 March.
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 10)
YESTERDAY = TODAY - timedelta(days=1)


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    """Freeze 'now' for the services and views (``django.utils.timezone.now``)."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def patient_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def ibuprofen(alice):
    medication, _ = services.medication_upsert(
        patient=alice, name="Ibuprofen", med_class="nsaid", default_amount=Decimal("400")
    )
    return medication


@pytest.fixture
def sumatriptan(alice):
    medication, _ = services.medication_upsert(
        patient=alice, name="Sumatriptan", med_class="triptan", default_amount=Decimal("50")
    )
    return medication


def calendar_name(day: date, spoken: str) -> str:
    """A calendar day link's content: the visible day number, then the rest of its name."""
    return f'<span class="cal-date">{day.day}<span class="visually-hidden"> {day:%B (%A)}: {spoken}'


def day_url(day: date) -> str:
    return reverse("diary:day", kwargs={"day": day})


def london(day: date, hour: int, minute: int = 0) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo("Europe/London"))


def checkin(**overrides) -> dict:
    """A minimal valid check-in POST: stress only, no headache, sleep not recorded."""
    data = {"stress": "4", "headache": "no", "sleep_skip": "on"}
    data.update({key: str(value) for key, value in overrides.items()})
    return data


# --- access --------------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_the_login_page(client, db):
    response = client.get(reverse("diary:today"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_clinician_has_no_diary_pages(client, dave):
    client.force_login(dave)
    for name in ("diary:today", "diary:calendar", "diary:trends", "diary:medications"):
        assert client.get(reverse(name)).status_code == 403


# --- the check-in page ---------------------------------------------------------------------------


def test_today_page_shows_the_date_explicitly_with_previous_day_link(patient_client):
    response = patient_client.get(reverse("diary:today"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tuesday 10 March 2026" in html
    assert day_url(YESTERDAY) in html
    assert f'action="{day_url(TODAY)}"' in html


def test_a_check_in_at_half_past_two_at_night_belongs_to_the_day_that_is_ending(
    patient_client, monkeypatch
):
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 3, 11, 2, 30, tzinfo=UTC))
    html = patient_client.get(reverse("diary:today")).content.decode()
    assert "Tuesday 10 March 2026" in html


def test_the_form_posts_to_its_explicit_day_so_midnight_cannot_move_the_entry(patient_client):
    html = patient_client.get(reverse("diary:today")).content.decode()
    assert 'action="/diary/day/2026-03-10/"' in html


def test_impossible_date_in_the_address_is_not_found(patient_client):
    assert patient_client.get("/diary/day/2026-02-30/").status_code == 404


def test_future_day_is_not_offered_for_entry(patient_client):
    response = patient_client.get(day_url(TODAY + timedelta(days=1)))
    assert response.status_code == 404
    assert "in the future" in response.content.decode()


def test_posting_to_a_future_day_saves_nothing(patient_client, alice):
    response = patient_client.post(day_url(TODAY + timedelta(days=1)), checkin())
    assert response.status_code == 404
    assert not Day.objects.filter(patient=alice).exists()


def test_check_in_saves_stress_sleep_body_map_and_notes_in_one_post(patient_client, alice):
    data = checkin(
        stress=7,
        mood=6,
        fatigue=3,
        bedtime="23:00",
        sleep_latency_min=20,
        awakenings=1,
        waso_min=10,
        final_wake="06:30",
        rise_time="07:00",
        sleep_quality=4,
        pain_neck=6,
        pain_shoulder_left=3,
        notes="Long day at work.",
    )
    del data["sleep_skip"]
    response = patient_client.post(day_url(TODAY), data)
    assert response.status_code == 302
    day = Day.objects.get(patient=alice, date=TODAY)
    assert (day.stress, day.mood, day.fatigue, day.sleep_quality) == (7, 6, 3, 4)
    assert day.pain_map == {"shoulder_left": 3, "neck": 6}
    assert day.headache is False
    assert day.notes == "Long day at work."
    # TST = (06:30 - 23:00) - 20 - 10 = 420 min; TIB = 480; SE = 87.5 %
    assert (day.total_sleep_min, day.time_in_bed_min, day.sleep_efficiency) == (420, 480, 87.5)


def test_saved_sleep_shows_total_sleep_time_and_efficiency(patient_client, alice):
    services.day_upsert(
        patient=alice, date=TODAY, bedtime=time(23), final_wake=time(7), rise_time=time(7, 30)
    )
    html = patient_client.get(reverse("diary:today")).content.decode()
    assert "8 h 00 min" in html
    assert "94%" in html


def test_save_redirects_back_to_the_same_day_with_a_confirmation(patient_client):
    response = patient_client.post(day_url(YESTERDAY), checkin(), follow=True)
    assert response.redirect_chain[-1][0] == day_url(YESTERDAY)
    assert "Saved for Monday 9 March" in response.content.decode()


def test_usual_sleep_times_are_offered_not_filled_in(patient_client, alice):
    profile = alice.patient_profile
    profile.usual_bedtime, profile.usual_wake_time = time(22, 30), time(6, 45)
    profile.save()
    html = patient_client.get(reverse("diary:today")).content.decode()
    assert 'name="bedtime" value="22:30"' not in html
    assert 'name="final_wake" value="06:45"' not in html
    assert "Usual times 22:30–06:45" in html


def test_tapping_usual_times_fills_them_in_for_the_patient_to_save(patient_client, alice):
    profile = alice.patient_profile
    profile.usual_bedtime, profile.usual_wake_time = time(22, 30), time(6, 45)
    profile.save()
    data = {"stress": "4", "headache": "no", "action": "usual_sleep"}
    html = patient_client.post(day_url(TODAY), data).content.decode()
    assert 'name="bedtime" value="22:30"' in html and 'name="rise_time" value="06:45"' in html
    assert not Day.objects.filter(patient=alice).exists()  # nothing saved until Save


def test_a_headache_only_save_records_no_sleep(patient_client, alice):
    data = {"headache": "yes"}
    assert patient_client.post(day_url(TODAY), data).status_code == 302
    day = Day.objects.get(patient=alice, date=TODAY)
    assert day.headache is True
    assert (day.bedtime, day.final_wake, day.rise_time, day.total_sleep_min) == (None,) * 4
    assert day.stress is None  # an untouched scale is not saved


def test_hours_slept_is_stored_as_total_sleep_without_times(patient_client, alice):
    patient_client.post(day_url(TODAY), {"headache": "no", "sleep_hours": "420"})
    day = Day.objects.get(patient=alice, date=TODAY)
    assert (day.total_sleep_min, day.bedtime, day.time_in_bed_min) == (420, None, None)


def test_sleep_times_win_over_hours_slept(patient_client, alice):
    data = {"sleep_hours": "600", "bedtime": "23:00", "final_wake": "06:00", "rise_time": "06:00"}
    patient_client.post(day_url(TODAY), data)
    day = Day.objects.get(patient=alice, date=TODAY)
    assert (day.total_sleep_min, day.time_in_bed_min) == (420, 420)


def test_a_stored_half_hour_total_survives_saving_the_page_unchanged(patient_client, alice):
    services.day_upsert(patient=alice, date=TODAY, total_sleep_min=450)
    day = Day.objects.get(patient=alice, date=TODAY)
    html = patient_client.get(day_url(TODAY)).content.decode()
    assert "7 h 30" in html
    patient_client.post(day_url(TODAY), {"version": day.version, "sleep_hours": "450"})
    day.refresh_from_db()
    assert day.total_sleep_min == 450


def test_a_headache_with_only_a_pain_score_is_saved_for_sometime_today(patient_client, alice):
    response = patient_client.post(day_url(TODAY), {"headache": "yes", "attack_peak": "5"})
    assert response.status_code == 302
    day = Day.objects.get(patient=alice, date=TODAY)
    assert (day.headache, day.headache_peak) == (True, 5)
    assert not HeadacheAttack.objects.filter(patient=alice).exists()
    html = patient_client.get(day_url(TODAY)).content.decode()
    assert 'name="attack_peak" value="5"' in html and "checked" in html


def test_the_body_map_records_whether_it_was_answered(patient_client, alice):
    patient_client.post(day_url(TODAY), {"stress": "3"})
    assert Day.objects.get(patient=alice, date=TODAY).body_map_answered is False
    patient_client.post(day_url(YESTERDAY), {"no_body_pain": "on"})
    assert Day.objects.get(patient=alice, date=YESTERDAY).body_map_answered is True
    html = patient_client.get(day_url(YESTERDAY)).content.decode()
    assert 'name="no_body_pain" id="id_no_body_pain" checked' in html


def test_no_body_pain_together_with_marked_areas_is_a_field_error(patient_client, alice):
    response = patient_client.post(day_url(TODAY), {"no_body_pain": "on", "pain_neck": "3"})
    assert response.status_code == 200
    assert "Untick one of them" in response.content.decode()
    assert not Day.objects.filter(patient=alice).exists()


def test_a_warning_sign_shows_urgent_advice_after_saving(patient_client, alice):
    data = {"headache": "yes", "attack_peak": "10", "red_flags": ["sudden"]}
    response = patient_client.post(day_url(TODAY), data, follow=True)
    html = response.content.decode()
    assert Day.objects.get(patient=alice, date=TODAY).headache_peak == 10  # saved anyway
    assert "Please seek urgent medical care" in html and "worst within a minute" in html
    again = patient_client.get(day_url(TODAY)).content.decode()
    assert "Please seek urgent medical care" not in again  # shown once, after that save


def test_a_long_aura_shows_urgent_advice_after_saving(patient_client, alice):
    data = {
        "headache": "yes",
        "attack_start": "08:00",
        "attack_peak": "4",
        "attack_features": ["aura"],
        "attack_aura_minutes": "61",
    }
    html = patient_client.post(day_url(TODAY), data, follow=True).content.decode()
    assert "an aura lasting more than an hour" in html


def test_an_ordinary_headache_shows_no_warning(patient_client, alice):
    data = {"headache": "yes", "attack_start": "08:00", "attack_peak": "10"}
    html = patient_client.post(day_url(TODAY), data, follow=True).content.decode()
    assert "Please seek urgent medical care" not in html


def test_the_warning_signs_page_is_public_and_linked_from_the_footer(client, db):
    html = client.get(reverse("diary:warning_signs")).content.decode()
    assert "thunderclap" in html and "does not diagnose" in html
    assert reverse("diary:warning_signs") in client.get(reverse("accounts:login")).content.decode()


def test_body_map_areas_carry_visible_names(patient_client):
    html = patient_client.get(reverse("diary:today")).content.decode()
    assert html.count(">Jaw</tspan>") == 2 and ">Shoulder</tspan>" in html


def test_skipping_sleep_clears_what_was_recorded(patient_client, alice):
    services.day_upsert(patient=alice, date=TODAY, bedtime=time(23), final_wake=time(7))
    day = Day.objects.get(patient=alice, date=TODAY)
    patient_client.post(day_url(TODAY), checkin(version=day.version, bedtime="23:00"))
    day.refresh_from_db()
    assert day.bedtime is None and day.total_sleep_min is None


def test_headache_with_details_creates_an_attack_with_its_features(patient_client, alice):
    data = checkin(
        headache="yes",
        attack_start="08:15",
        attack_end="11:00",
        attack_peak=7,
        attack_side="left",
        attack_impact=2,
    )
    post = {**data, "attack_features": ["unilateral", "pulsating", "nausea"]}
    assert patient_client.post(day_url(TODAY), post).status_code == 302
    attack = HeadacheAttack.objects.get(patient=alice)
    assert attack.started_at == london(TODAY, 8, 15)
    assert attack.ended_at == london(TODAY, 11)
    assert (attack.peak_intensity, attack.side, attack.functional_impact) == (7, "left", 2)
    assert attack.features == ["unilateral", "pulsating", "nausea"]
    assert Day.objects.get(patient=alice, date=TODAY).headache is True


def test_headache_yes_without_details_marks_the_day_only(patient_client, alice):
    patient_client.post(day_url(TODAY), checkin(headache="yes"))
    assert Day.objects.get(patient=alice, date=TODAY).headache is True
    assert not HeadacheAttack.objects.filter(patient=alice).exists()


def test_attack_details_without_a_start_time_ask_for_it(patient_client, alice):
    data = {**checkin(headache="yes", attack_peak=5), "attack_features": ["nausea"]}
    response = patient_client.post(day_url(TODAY), data)
    assert response.status_code == 200
    assert "add roughly when it started" in response.content.decode()
    assert not Day.objects.filter(patient=alice).exists()


def test_an_attack_ending_before_it_starts_is_a_field_error_and_nothing_is_saved(
    patient_client, alice
):
    data = checkin(headache="yes", attack_start="10:00", attack_end="09:00", attack_peak=5)
    response = patient_client.post(day_url(YESTERDAY), data)
    assert response.status_code == 200
    assert "The end must be after the start" in response.content.decode()
    assert not Day.objects.filter(patient=alice).exists()
    assert not HeadacheAttack.objects.filter(patient=alice).exists()


def test_an_attack_ending_after_midnight_uses_the_next_day(patient_client, alice):
    data = checkin(
        headache="yes",
        attack_start="20:00",
        attack_end="09:00",
        attack_end_next_day="on",
        attack_peak=6,
    )
    assert patient_client.post(day_url(date(2026, 3, 5)), data).status_code == 302
    attack = HeadacheAttack.objects.get(patient=alice)
    assert attack.ended_at == london(date(2026, 3, 6), 9)
    assert (attack.start_date, attack.end_date) == (date(2026, 3, 5), date(2026, 3, 6))


def test_a_start_time_after_midnight_counts_for_the_day_that_is_ending(patient_client, alice):
    data = checkin(headache="yes", attack_start="01:30", attack_peak=4)
    patient_client.post(day_url(date(2026, 3, 5)), data)
    attack = HeadacheAttack.objects.get(patient=alice)
    assert attack.started_at == london(date(2026, 3, 6), 1, 30)
    assert attack.start_date == date(2026, 3, 5)


def test_an_attack_ending_in_the_future_is_refused(patient_client, alice):
    data = checkin(headache="yes", attack_start="09:00", attack_end="15:00", attack_peak=4)
    response = patient_client.post(day_url(TODAY), data)
    assert "cannot be in the future" in response.content.decode()
    assert not HeadacheAttack.objects.filter(patient=alice).exists()


def test_an_ongoing_attack_from_yesterday_can_be_ended_today(patient_client, alice):
    attack, _ = services.attack_upsert(
        patient=alice, started_at=london(YESTERDAY, 18), peak_intensity=6
    )
    html = patient_client.get(reverse("diary:today")).content.decode()
    assert "Mon 9 Mar, 18:00" in html
    data = checkin(headache="yes", attack_end="10:00", attack_peak=8)
    assert patient_client.post(day_url(TODAY), data).status_code == 302
    attack.refresh_from_db()
    assert attack.started_at == london(YESTERDAY, 18)
    assert attack.ended_at == london(TODAY, 10)
    assert attack.peak_intensity == 8


def test_saying_no_headache_while_one_is_still_ongoing_explains_what_to_do(patient_client, alice):
    services.attack_upsert(patient=alice, started_at=london(YESTERDAY, 18), peak_intensity=6)
    response = patient_client.post(day_url(TODAY), checkin(headache="no"))
    assert "still marked as ongoing" in response.content.decode()
    assert not Day.objects.filter(patient=alice, date=TODAY).exists()


def test_no_headache_removes_the_attack_logged_for_that_day(patient_client, alice):
    attack, _ = services.attack_upsert(
        patient=alice,
        started_at=london(YESTERDAY, 9),
        ended_at=london(YESTERDAY, 12),
        peak_intensity=5,
    )
    patient_client.post(day_url(YESTERDAY), checkin(headache="no"))
    attack.refresh_from_db()
    assert attack.deleted_at is not None
    assert Day.objects.get(patient=alice, date=YESTERDAY).headache is False


def test_another_attack_can_be_logged_on_the_same_day(patient_client, alice):
    services.attack_upsert(
        patient=alice,
        started_at=london(YESTERDAY, 7),
        ended_at=london(YESTERDAY, 9),
        peak_intensity=5,
    )
    data = checkin(headache="yes", attack_start="18:00", attack_end="20:00", attack_peak=3)
    patient_client.post(day_url(YESTERDAY) + "?attack=new", {**data, "attack_choice": "new"})
    assert HeadacheAttack.objects.filter(patient=alice, deleted_at__isnull=True).count() == 2


def test_out_of_range_stress_is_a_field_error(patient_client, alice):
    response = patient_client.post(day_url(TODAY), checkin(stress=11))
    assert response.status_code == 200
    assert response.context["form"].errors["stress"]
    assert not Day.objects.filter(patient=alice).exists()


def test_out_of_range_body_area_intensity_is_a_field_error(patient_client, alice):
    response = patient_client.post(day_url(TODAY), checkin(pain_neck=12))
    assert response.context["form"].errors["pain_neck"]
    assert not Day.objects.filter(patient=alice).exists()


def test_unknown_body_area_is_an_error_and_nothing_is_saved(patient_client, alice):
    response = patient_client.post(day_url(TODAY), checkin(pain_elbow=5))
    assert "Unknown body area(s): elbow" in response.content.decode()
    assert not Day.objects.filter(patient=alice).exists()


def test_notes_longer_than_2000_characters_are_a_field_error(patient_client, alice):
    response = patient_client.post(day_url(TODAY), checkin(notes="x" * 2001))
    assert response.context["form"].errors["notes"]
    assert not Day.objects.filter(patient=alice).exists()


def test_dose_quick_pick_records_a_dose_linked_to_the_attack(patient_client, alice, sumatriptan):
    key = f"med_{sumatriptan.pk.hex}"
    data = checkin(
        headache="yes",
        attack_start="08:00",
        attack_peak=6,
        **{f"{key}_take": "on", f"{key}_time": "08:30", f"{key}_quantity": "1"},
    )
    assert patient_client.post(day_url(TODAY), data).status_code == 302
    dose = Dose.objects.get(patient=alice)
    assert dose.medication == sumatriptan
    assert dose.attack == HeadacheAttack.objects.get(patient=alice)
    assert dose.taken_at == london(TODAY, 8, 30)
    assert dose.date == TODAY
    assert dose.amount == Decimal("50")  # the usual dose from the medication list


def test_dose_needs_a_time_and_nothing_is_saved_without_it(patient_client, alice, ibuprofen):
    key = f"med_{ibuprofen.pk.hex}"
    response = patient_client.post(day_url(YESTERDAY), checkin(**{f"{key}_take": "on"}))
    assert "When did you take Ibuprofen?" in response.content.decode()
    assert not Day.objects.filter(patient=alice).exists()


def test_dose_in_the_future_is_refused_and_the_day_is_not_half_saved(
    patient_client, alice, ibuprofen
):
    key = f"med_{ibuprofen.pk.hex}"
    data = checkin(**{f"{key}_take": "on", f"{key}_time": "18:00"})
    response = patient_client.post(day_url(TODAY), data)
    assert "still in the future" in response.content.decode()
    assert not Day.objects.filter(patient=alice).exists()
    assert not Dose.objects.exists()


def test_unticking_an_existing_dose_removes_it(patient_client, alice, ibuprofen):
    dose, _ = services.dose_upsert(
        patient=alice, medication=ibuprofen, taken_at=london(YESTERDAY, 9)
    )
    patient_client.post(day_url(YESTERDAY), checkin())
    dose.refresh_from_db()
    assert dose.deleted_at is not None


def test_an_existing_dose_can_be_given_its_relief(patient_client, alice, ibuprofen):
    dose, _ = services.dose_upsert(
        patient=alice, medication=ibuprofen, taken_at=london(YESTERDAY, 9)
    )
    key = f"dose_{dose.pk.hex}"
    data = checkin(**{f"{key}_take": "on", f"{key}_time": "09:00", f"{key}_relief": "partial"})
    patient_client.post(day_url(YESTERDAY), data)
    dose.refresh_from_db()
    assert dose.relief_2h == "partial" and dose.deleted_at is None


def test_another_patients_medication_cannot_be_logged(patient_client, alice, bob):
    bobs, _ = services.medication_upsert(patient=bob, name="Naproxen", med_class="nsaid")
    key = f"med_{bobs.pk.hex}"
    data = checkin(**{f"{key}_take": "on", f"{key}_time": "09:00"})
    patient_client.post(day_url(TODAY), data)
    assert not Dose.objects.exists()


def test_quick_picks_list_recently_used_medications_first(patient_client, alice, ibuprofen):
    zolmi, _ = services.medication_upsert(patient=alice, name="Zolmitriptan", med_class="triptan")
    services.dose_upsert(patient=alice, medication=zolmi, taken_at=london(YESTERDAY, 9))
    html = patient_client.get(reverse("diary:today")).content.decode()
    assert html.index("Zolmitriptan") < html.index("Ibuprofen")


def test_stopped_medications_are_not_offered(patient_client, alice):
    services.medication_upsert(
        patient=alice,
        name="Topiramate",
        med_class="other",
        kind="preventive",
        started_on=date(2025, 1, 1),
        stopped_on=date(2026, 1, 1),
    )
    assert "Topiramate" not in patient_client.get(reverse("diary:today")).content.decode()


def test_same_as_yesterday_without_javascript_fills_the_form_but_saves_nothing(
    patient_client, alice, ibuprofen
):
    services.day_upsert(patient=alice, date=YESTERDAY, body_pain={"neck": 6, "lower_back": 3})
    services.dose_upsert(patient=alice, medication=ibuprofen, taken_at=london(YESTERDAY, 9))
    response = patient_client.post(day_url(TODAY), {**checkin(), "action": "carry"})
    form = response.context["form"]
    assert response.status_code == 200
    assert form["pain_neck"].value() == 6
    assert form["pain_lower_back"].value() == 3
    assert form[f"med_{ibuprofen.pk.hex}_take"].value() is True
    assert form[f"med_{ibuprofen.pk.hex}_time"].value() == "09:00"
    assert not Day.objects.filter(patient=alice, date=TODAY).exists()


def test_same_as_yesterday_is_offered_only_when_yesterday_has_something(patient_client, alice):
    assert "Same as yesterday" not in patient_client.get(reverse("diary:today")).content.decode()
    services.day_upsert(patient=alice, date=YESTERDAY, body_pain={"neck": 2})
    assert "Same as yesterday" in patient_client.get(reverse("diary:today")).content.decode()


def test_a_day_changed_elsewhere_meanwhile_is_not_overwritten(patient_client, alice):
    day, _ = services.day_upsert(patient=alice, date=TODAY, stress=2)
    services.day_upsert(patient=alice, date=TODAY, stress=9)  # e.g. the phone app
    response = patient_client.post(day_url(TODAY), checkin(version=day.version, stress=5))
    assert "changed elsewhere" in response.content.decode()
    assert Day.objects.get(patient=alice, date=TODAY).stress == 9


def test_a_day_created_elsewhere_after_the_page_was_opened_is_not_overwritten(
    patient_client, alice
):
    html = patient_client.get(reverse("diary:today")).content.decode()
    assert 'name="version"' in html and 'name="version" value' not in html
    services.day_upsert(patient=alice, date=TODAY, stress=9)  # e.g. the phone app, meanwhile
    response = patient_client.post(day_url(TODAY), checkin(stress=5))
    assert "changed elsewhere" in response.content.decode()
    assert Day.objects.get(patient=alice, date=TODAY).stress == 9


def test_editing_a_past_day_shows_what_was_saved(patient_client, alice):
    services.day_upsert(patient=alice, date=date(2026, 2, 1), stress=8, body_pain={"chest": 4})
    response = patient_client.get(day_url(date(2026, 2, 1)))
    html = response.content.decode()
    assert "Sunday 1 February 2026" in html
    assert response.context["form"]["stress"].value() == 8
    assert 'data-area="chest" data-label="Chest" data-level="4"' in html


def _history(patient, days: int) -> None:
    medication, _ = services.medication_upsert(patient=patient, name="Aspirin", med_class="nsaid")
    for offset in range(1, days + 1):
        day = TODAY - timedelta(days=offset)
        services.day_upsert(patient=patient, date=day, stress=offset % 10, body_pain={"neck": 3})
        if offset % 3 == 0:
            attack, _ = services.attack_upsert(
                patient=patient,
                started_at=london(day, 9),
                ended_at=london(day, 15),
                peak_intensity=5,
            )
            services.dose_upsert(
                patient=patient, medication=medication, attack=attack, taken_at=london(day, 10)
            )


@pytest.mark.parametrize("history_days", [1, 60])
@pytest.mark.parametrize("offset", [0, 3])  # today (empty) and a day with an attack and a dose
def test_check_in_page_renders_with_a_constant_number_of_queries(
    client, alice, history_days, offset, django_assert_num_queries
):
    _history(alice, max(history_days, offset))
    client.force_login(alice)
    # session, user, profile, days (this day + the day before), attacks, doses, medications,
    # own triggers; on today the stored insights and the relief follow-ups due, on other days
    # the banner's ongoing attack (today's timer card finds it among the day's attacks)
    with django_assert_num_queries(10 if offset == 0 else 9):
        assert client.get(day_url(TODAY - timedelta(days=offset))).status_code == 200


# --- calendar ------------------------------------------------------------------------------------


def test_calendar_marks_migraine_headache_and_headache_free_days(patient_client, alice):
    services.day_upsert(patient=alice, date=date(2026, 3, 2), headache=False)
    services.day_upsert(patient=alice, date=date(2026, 3, 3), headache=True)
    services.attack_upsert(
        patient=alice,
        started_at=london(date(2026, 3, 4), 8),
        ended_at=london(date(2026, 3, 4), 16),
        peak_intensity=7,
        unilateral=True,
        pulsating=True,
        nausea=True,
    )
    services.day_upsert(
        patient=alice, date=date(2026, 3, 5), body_pain={"neck": 2, "hip_left": 3, "chest": 1}
    )
    html = patient_client.get(reverse("diary:calendar") + "?month=2026-03").content.decode()
    assert calendar_name(date(2026, 3, 2), "no headache, 0 painful body areas") in html
    assert calendar_name(date(2026, 3, 3), "headache day") in html
    assert calendar_name(date(2026, 3, 4), "migraine day, worst pain 7 of 10") in html
    assert calendar_name(date(2026, 3, 5), "no headache, 3 painful body areas") in html
    assert calendar_name(date(2026, 3, 6), "not recorded") in html
    assert f'href="{day_url(date(2026, 3, 4))}"' in html


def test_calendar_marks_acute_medication_days_in_words_and_with_a_mark(
    patient_client, alice, ibuprofen
):
    services.dose_upsert(patient=alice, medication=ibuprofen, taken_at=london(date(2026, 3, 4), 9))
    services.day_upsert(patient=alice, date=date(2026, 3, 5), headache=False)
    html = patient_client.get(reverse("diary:calendar") + "?month=2026-03").content.decode()
    assert (
        calendar_name(date(2026, 3, 4), "no headache, 0 painful body areas, acute medication taken")
        in html
    )
    assert calendar_name(date(2026, 3, 5), "no headache, 0 painful body areas<") in html
    assert html.count(" has-med") == 1 and html.count('class="pill cal-med"') == 1
    assert "<strong>1</strong> with acute medication" in html


def test_calendar_day_links_are_named_by_their_content_starting_with_the_visible_day(
    patient_client, alice
):
    """axe label-content-name-mismatch: no aria-label that hides the visible day number."""
    services.day_upsert(patient=alice, date=date(2026, 3, 2), headache=True)
    html = patient_client.get(reverse("diary:calendar") + "?month=2026-03").content.decode()
    link = html[html.index(f'href="{day_url(date(2026, 3, 2))}"') :]
    link = link[: link.index("</a>")]
    assert "aria-label" not in link
    assert '<span class="cal-date">2<span class="visually-hidden"> March (Monday): headache' in link


def test_calendar_counts_headache_and_migraine_days(patient_client, alice):
    services.day_upsert(patient=alice, date=date(2026, 3, 3), headache=True)
    html = patient_client.get(reverse("diary:calendar")).content.decode()
    assert "<strong>1</strong> headache day (<strong>0</strong> migraine)" in html


def test_calendar_of_an_empty_month_says_so(patient_client):
    html = patient_client.get(reverse("diary:calendar") + "?month=2025-06").content.decode()
    assert "No entries for June 2025" in html


def test_calendar_does_not_link_future_days_or_months(patient_client):
    html = patient_client.get(reverse("diary:calendar")).content.decode()
    assert day_url(date(2026, 3, 11)) not in html
    assert "?month=2026-04" not in html
    future = patient_client.get(reverse("diary:calendar") + "?month=2027-01").content.decode()
    assert "has not started yet" in future


def test_calendar_with_an_unreadable_month_shows_this_month(patient_client):
    response = patient_client.get(reverse("diary:calendar") + "?month=banana")
    assert response.status_code == 200
    assert "March 2026" in response.content.decode()


@pytest.mark.parametrize("history_days", [1, 60])
def test_calendar_renders_with_a_constant_number_of_queries(
    client, alice, history_days, django_assert_num_queries
):
    _history(alice, history_days)
    client.force_login(alice)
    with django_assert_num_queries(7):  # session, user, profile, days, attacks, doses, ongoing
        client.get(reverse("diary:calendar"))


# --- trends --------------------------------------------------------------------------------------


@pytest.mark.parametrize("days", [30, 90, 365])
def test_trends_render_each_period(patient_client, alice, days):
    _history(alice, 40)
    response = patient_client.get(reverse("diary:trends") + f"?days={days}")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"of {days} days recorded" in html
    assert html.count('<svg class="chart"') == 7


def test_trends_count_headache_days_from_the_day_definitions(patient_client, alice):
    _history(alice, 30)  # attacks 3, 6, ... 27 days ago fall within the last 30 days
    html = patient_client.get(reverse("diary:trends")).content.decode()
    assert "<dt>Headache days</dt><dd>9</dd>" in html
    assert "<dt>Acute medication days</dt><dd>9</dd>" in html


@pytest.mark.parametrize(("days", "starts", "marks"), [(30, 9, 9), (90, 10, 10), (365, 10, 5)])
def test_trends_overlay_headache_starts_on_stress(patient_client, alice, days, starts, marks):
    _history(alice, 30)  # attacks 3, 6, ... 30 days ago, each a new start (> 48 h apart)
    html = patient_client.get(reverse("diary:trends") + f"?days={days}").content.decode()
    assert "Stress and headache starts" in html
    assert f"with the {starts} headache starts of this period marked" in html
    assert html.count('class="event-mark"') == marks  # over a year: the weeks with a start
    assert f"Stress before each headache start ({starts})" in html


def test_trends_show_the_daily_fatigue_and_mood_of_the_check_in(patient_client, alice):
    today = patient_today(alice)
    services.day_upsert(patient=alice, date=today, fatigue=7, mood=2)
    services.day_upsert(patient=alice, date=today - timedelta(days=1), fatigue=4)
    (fact,) = selectors.day_facts(patient=alice, start=today, end=today)
    assert (fact.fatigue, fact.mood) == (7, 2)
    response = patient_client.get(reverse("diary:trends"))
    html = response.content.decode()
    assert "<dt>Average fatigue</dt><dd>5.5<small>/10</small></dd>" in html
    assert "<dt>Average mood</dt><dd>2<small>/10</small></dd>" in html
    assert "Fatigue and mood" in html
    assert [dot.value for dot in response.context["t"].fatigue_chart.dots] == [4, 7]
    assert [dot.value for dot in response.context["t"].mood_chart.dots] == [2]


def test_trends_with_an_unknown_period_fall_back_to_30_days(patient_client):
    response = patient_client.get(reverse("diary:trends") + "?days=7")
    assert response.context["days"] == 30


def test_trends_without_entries_say_so(patient_client):
    html = patient_client.get(reverse("diary:trends")).content.decode()
    assert "Nothing recorded in this period yet" in html


@pytest.mark.parametrize("history_days", [1, 120])
def test_trends_render_with_a_constant_number_of_queries(
    client, alice, history_days, django_assert_num_queries
):
    _history(alice, history_days)
    client.force_login(alice)
    with django_assert_num_queries(7):  # ... and the banner's ongoing attack
        client.get(reverse("diary:trends") + "?days=365")


# --- medications ---------------------------------------------------------------------------------


def test_patient_adds_an_acute_medication(patient_client, alice):
    response = patient_client.post(
        reverse("diary:medications"),
        {"name": "Rizatriptan", "med_class": "triptan", "kind": "acute", "default_amount": "10"},
    )
    assert response.status_code == 302
    medication = Medication.objects.get(patient=alice)
    assert (medication.name, medication.default_amount) == ("Rizatriptan", Decimal("10"))


def test_the_same_medication_twice_is_a_field_error(patient_client, ibuprofen):
    response = patient_client.post(
        reverse("diary:medications"), {"name": "ibuprofen", "med_class": "nsaid", "kind": "acute"}
    )
    assert "already on your list" in response.content.decode()


def test_a_stop_date_before_the_start_is_a_field_error(patient_client, alice):
    response = patient_client.post(
        reverse("diary:medications"),
        {
            "name": "Propranolol",
            "med_class": "other",
            "kind": "preventive",
            "started_on": "2026-02-01",
            "stopped_on": "2026-01-01",
        },
    )
    assert "on or after the start date" in response.content.decode()
    assert not Medication.objects.filter(patient=alice).exists()


def test_medications_page_lists_acute_and_preventive_apart(patient_client, alice, ibuprofen):
    services.medication_upsert(
        patient=alice, name="Amitriptyline", med_class="other", kind="preventive"
    )
    html = patient_client.get(reverse("diary:medications")).content.decode()
    assert html.index("Ibuprofen") < html.index("Preventive") < html.index("Amitriptyline")


def test_stopping_a_medication_sets_todays_date(patient_client, ibuprofen):
    patient_client.post(reverse("diary:medication_stop", args=[ibuprofen.pk]))
    ibuprofen.refresh_from_db()
    assert ibuprofen.stopped_on == TODAY


def test_removing_a_medication_keeps_logged_doses(patient_client, alice, ibuprofen):
    dose, _ = services.dose_upsert(
        patient=alice, medication=ibuprofen, taken_at=london(YESTERDAY, 9)
    )
    patient_client.post(reverse("diary:medication_remove", args=[ibuprofen.pk]))
    ibuprofen.refresh_from_db()
    dose.refresh_from_db()
    assert ibuprofen.deleted_at is not None and dose.deleted_at is None


def test_editing_a_medication_changes_its_usual_dose(patient_client, ibuprofen):
    patient_client.post(
        reverse("diary:medication_edit", args=[ibuprofen.pk]),
        {"name": "Ibuprofen", "med_class": "nsaid", "kind": "acute", "default_amount": "200"},
    )
    ibuprofen.refresh_from_db()
    assert ibuprofen.default_amount == Decimal("200")


def test_another_patients_medication_pages_are_not_found(client, bob, ibuprofen):
    client.force_login(bob)
    assert client.get(reverse("diary:medication_edit", args=[ibuprofen.pk])).status_code == 404
    response = client.post(reverse("diary:medication_stop", args=[ibuprofen.pk]))
    assert response.status_code == 404
    ibuprofen.refresh_from_db()
    assert ibuprofen.stopped_on is None


# --- questionnaires ------------------------------------------------------------------------------


def _answers(values) -> dict:
    return {f"item_{i}": str(value) for i, value in enumerate(values)}


def test_asc12_is_scored_on_save_and_shown_with_its_band(patient_client, alice):
    response = patient_client.post(
        reverse("diary:questionnaire", args=["asc12"]),
        _answers([2, 2, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0]),
        follow=True,
    )
    response_row = QuestionnaireResponse.objects.get(patient=alice)
    html = response.content.decode()
    assert response_row.score == 7
    assert "score is 7 of 24" in html
    assert "“moderate” range (6–8)" in html


def test_pss4_reverses_the_positive_items(patient_client, alice):
    patient_client.post(reverse("diary:questionnaire", args=["pss4"]), _answers([4, 0, 0, 4]))
    assert QuestionnaireResponse.objects.get(patient=alice).score == 16


def test_sss_is_scored_from_six_items(patient_client, alice):
    patient_client.post(reverse("diary:questionnaire", args=["sss"]), _answers([3, 2, 1, 1, 0, 1]))
    response = QuestionnaireResponse.objects.get(patient=alice)
    assert response.score == 8
    assert response.answers["fatigue"] == 3 and response.answers["depression"] == 1


def test_a_missing_answer_is_a_field_error(patient_client, alice):
    data = _answers([1, 1, 1])
    response = patient_client.post(reverse("diary:questionnaire", args=["pss4"]), data)
    assert "Choose an answer." in response.content.decode()
    assert not QuestionnaireResponse.objects.exists()


def test_answering_again_the_same_day_replaces_the_answers(patient_client, alice):
    url = reverse("diary:questionnaire", args=["pss4"])
    patient_client.post(url, _answers([1, 1, 1, 1]))
    patient_client.post(url, _answers([2, 2, 2, 2]))
    rows = QuestionnaireResponse.objects.filter(patient=alice, deleted_at__isnull=True)
    assert [row.score for row in rows] == [8]


def test_questionnaires_page_shows_what_is_due(patient_client, alice):
    services.questionnaire_upsert(
        patient=alice, instrument="pss4", date=TODAY - timedelta(days=3), answers=[1, 1, 1, 1]
    )
    response = patient_client.get(reverse("diary:questionnaires"))
    cards = {card["code"]: card for card in response.context["cards"]}
    assert cards["pss4"]["due"] is False
    assert cards["sss"]["due"] is True and cards["asc12"]["due"] is True
    assert "no clinical cut-off" in response.content.decode()


def test_unknown_questionnaire_is_not_found(patient_client):
    assert patient_client.get("/diary/questionnaires/csi/").status_code == 404


def test_today_shows_stored_found_insights_and_links_to_all(patient_client, alice):
    from insights.models import Insight

    Insight.objects.create(
        patient=alice,
        kind="sleep_pain",
        status="found",
        summary="Short nights, more pain.",
        n_days=60,
    )
    Insight.objects.create(
        patient=alice,
        kind="stress_headache",
        status="not_found",
        summary="No link yet.",
        n_days=60,
    )
    body = patient_client.get("/diary/today/").content.decode()
    assert "Short nights, more pain." in body
    assert "No link yet." not in body
    assert "All insights and how they are computed" in body


def test_the_before_0400_hint_shows_only_in_the_small_hours(patient_client, monkeypatch):
    assert (
        "Until 04:00, entries count"
        not in patient_client.get(reverse("diary:today")).content.decode()
    )
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 3, 10, 2, 30, tzinfo=UTC))
    assert (
        "Until 04:00, entries count" in patient_client.get(reverse("diary:today")).content.decode()
    )
