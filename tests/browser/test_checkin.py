"""The daily check-in in headless Chromium at 390 x 844: taps only, past days, no JavaScript."""

from datetime import time, timedelta
from decimal import Decimal

import pytest

from diary import services
from diary.days import local_datetime, patient_today
from diary.models import Day, Dose, HeadacheAttack
from tests.browser.conftest import DESKTOP, no_horizontal_scroll
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def patient(db):
    patient = PatientFactory(email="tapper@example.com")
    services.medication_upsert(
        patient=patient, name="Ibuprofen", med_class="nsaid", default_amount=Decimal("400")
    )
    return patient


def chip(page, text: str):
    """A radio or checkbox drawn as a chip, by its visible text."""
    return page.locator(".chip span").get_by_text(text, exact=True)


def tap_slider(page, fieldset_selector: str, fraction: float) -> None:
    """Tap a scale's slider at a fraction of its width (as a thumb would)."""
    slider = page.locator(f"{fieldset_selector} input[type=range]")
    box = slider.bounding_box()
    slider.tap(position={"x": box["width"] * fraction, "y": box["height"] / 2})


def test_a_complete_check_in_by_taps_alone(page_as, patient):
    page = page_as(patient)
    page.goto("/diary/today/")
    today = patient_today(patient)
    assert page.locator("h1").inner_text() == f"{today:%A %-d %B}"

    chip(page, "Headache").tap()
    page.locator(".quick-times button", has_text="Now").first.tap()
    tap_slider(page, "fieldset:has(#id_attack_peak_0)", 0.75)
    chip(page, "Throbbing").tap()
    chip(page, "Light bothers me").tap()
    chip(page, "Noise bothers me").tap()

    page.locator('.bodymap-view[data-view=front] .area[data-area="neck"]').tap()
    page.locator('.bodymap-view[data-view=front] .area[data-area="neck"]').tap()
    page.locator('.bodymap-view[data-view=front] .area[data-area="shoulder_left"]').tap()
    page.get_by_role("button", name="Back", exact=True).tap()
    page.locator('.bodymap-view[data-view=back] .area[data-area="lower_back"]').tap()
    page.get_by_role("button", name="More intense").tap()

    page.get_by_text("Ibuprofen").tap()
    tap_slider(page, "fieldset:has(#id_stress_0)", 0.3)
    page.get_by_role("button", name="Usual times 23:00–07:00").tap()
    assert page.locator("#id_rise_time").input_value() == "07:00"
    chip(page, "Good").tap()
    page.get_by_role("button", name="Save today").tap()

    page.get_by_text(f"Saved for {today:%A %-d %B}").wait_for()
    day = Day.objects.get(patient=patient, date=today)
    assert day.pain_map == {"shoulder_left": 3, "neck": 6, "lower_back": 4}
    assert day.stress in (2, 3, 4) and day.sleep_quality == 4
    assert day.total_sleep_min == 480  # the usual times, tapped
    attack = HeadacheAttack.objects.get(patient=patient)
    assert 6 <= attack.peak_intensity <= 8
    assert attack.features == ["pulsating", "photophobia", "phonophobia"]
    dose = Dose.objects.get(patient=patient)
    assert dose.medication.name == "Ibuprofen" and dose.attack == attack
    assert dose.amount == Decimal("400")
    assert not page.js_errors


def test_edit_a_past_day_from_the_calendar(page_as, patient):
    today = patient_today(patient)
    past = today - timedelta(days=3)
    services.day_upsert(patient=patient, date=past, stress=2, body_pain={"neck": 3})
    page = page_as(patient)
    page.goto(f"/diary/calendar/?month={past:%Y-%m}")  # early in a month, `past` is last month
    name = f"{past.day} {past:%B} ({past:%A}): no headache, 1 painful body area"
    page.get_by_role("link", name=name).tap()  # named by its content, visible day first
    page.wait_for_url(f"**/diary/day/{past:%Y-%m-%d}/")
    assert page.title().startswith(f"{past:%A %-d %B %Y}")
    assert page.locator(".area[data-area=neck]").first.get_attribute("data-level") == "3"
    page.locator('.bodymap-view[data-view=front] .area[data-area="neck"]').tap()
    chip(page, "No headache").tap()
    page.get_by_role("button", name=f"Save {past:%-d %b}").tap()
    page.get_by_text(f"Saved for {past:%A %-d %B}").wait_for()
    assert page.url.endswith(f"/diary/day/{past:%Y-%m-%d}/")
    day = Day.objects.get(patient=patient, date=past)
    assert day.pain_map == {"neck": 6} and day.stress == 2 and day.headache is False
    assert day.version == 2


def test_check_in_works_without_javascript(page_as, patient):
    page = page_as(patient, javascript=False)
    page.goto("/diary/today/")
    assert page.locator("input[type=range]").count() == 0
    page.locator("label[for=id_stress_6]").click()
    page.get_by_label("Neck", exact=True).select_option("5")
    chip(page, "No headache").click()
    page.get_by_role("button", name="Save today").click()
    page.get_by_text("Saved for").wait_for()
    day = Day.objects.get(patient=patient)
    assert (day.stress, day.pain_map, day.headache) == (6, {"neck": 5}, False)


def test_errors_show_on_the_fields_and_nothing_is_saved(page_as, patient):
    page = page_as(patient, javascript=False)
    page.goto("/diary/today/")
    chip(page, "Headache").click()
    page.get_by_label("Ended at").fill("23:59")
    page.locator("label[for=id_attack_peak_5]").click()
    page.get_by_role("button", name="Save today").click()
    page.get_by_text("add roughly when it started").wait_for()
    assert page.get_by_role("alert").inner_text().startswith("Please correct")
    assert not Day.objects.filter(patient=patient).exists()


def test_same_as_yesterday_fills_the_map_and_medication_in_one_tap(page_as, patient):
    yesterday = patient_today(patient) - timedelta(days=1)
    services.day_upsert(patient=patient, date=yesterday, body_pain={"neck": 4, "hip_right": 7})
    medication = patient.medications.get()
    services.dose_upsert(
        patient=patient,
        medication=medication,
        taken_at=local_datetime(patient, yesterday, time(8, 0)),
    )
    page = page_as(patient)
    page.goto("/diary/today/")
    page.get_by_role("button", name="Same as yesterday").tap()
    assert (
        page.locator('.bodymap-view[data-view=front] .area[data-area="neck"]').get_attribute(
            "data-level"
        )
        == "4"
    )
    assert page.get_by_label("Hip (buttock), right", exact=True).input_value() == "7"
    assert page.locator(f"#id_med_{medication.pk.hex}_take").is_checked()
    assert page.locator("[data-marked-count]").inner_text() == "2 marked"


def test_body_map_areas_are_keyboard_buttons_with_their_state_in_the_name(page_as, patient):
    page = page_as(patient)
    page.goto("/diary/today/")
    neck = page.locator('.bodymap-view[data-view=front] .area[data-area="neck"]')
    assert neck.get_attribute("role") == "button"
    neck.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowUp")
    assert neck.get_attribute("aria-label") == "Neck: 4 of 10, moderate"
    assert page.get_by_label("Neck", exact=True).input_value() == "4"


@pytest.mark.parametrize("path", ["/diary/today/", "/diary/calendar/", "/diary/trends/"])
def test_diary_pages_fit_a_phone_screen(page_as, patient, path):
    page = page_as(patient)
    page.goto(path)
    assert no_horizontal_scroll(page)
    assert not page.js_errors


def test_both_body_views_show_side_by_side_on_a_desktop(page_as, patient):
    page = page_as(patient, viewport=DESKTOP)
    page.goto("/diary/today/")
    assert page.locator(".bodymap-view[data-view=front]").is_visible()
    assert page.locator(".bodymap-view[data-view=back]").is_visible()
    assert not page.get_by_role("button", name="Back", exact=True).is_visible()


def test_a_headache_only_day_stores_no_sleep_and_no_stress(page_as, patient):
    page = page_as(patient)
    page.goto("/diary/today/")
    stress = page.locator("fieldset:has(#id_stress_0) input[type=range]")
    assert "unset" in stress.get_attribute("class")  # no value shown before a tap
    assert (
        page.locator("fieldset:has(#id_stress_0) .slider-value")
        .inner_text()
        .startswith("Not rated")
    )
    assert page.locator("#id_bedtime").input_value() == ""
    chip(page, "Headache").tap()
    tap_slider(page, "fieldset:has(#id_attack_peak_0)", 0.5)
    page.get_by_role("button", name="Save today").tap()
    today = patient_today(patient)
    page.get_by_text(f"Saved for {today:%A %-d %B}").wait_for()
    day = Day.objects.get(patient=patient, date=today)
    assert day.headache is True and day.headache_peak is not None  # "sometime today"
    assert (day.bedtime, day.final_wake, day.rise_time, day.total_sleep_min) == (None,) * 4
    assert day.stress is None and day.body_map_answered is False
    assert not HeadacheAttack.objects.filter(patient=patient).exists()
    assert not page.js_errors


def test_got_out_of_bed_follows_the_wake_time_until_edited(page_as, patient):
    page = page_as(patient)
    page.goto("/diary/today/")
    page.locator("#id_final_wake").fill("06:30")
    assert page.locator("#id_rise_time").input_value() == "06:30"
    page.locator("#id_rise_time").fill("07:15")
    page.locator("#id_final_wake").fill("06:00")
    assert page.locator("#id_rise_time").input_value() == "07:15"


def test_hours_slept_and_no_body_pain_in_two_taps(page_as, patient):
    page = page_as(patient)
    page.goto("/diary/today/")
    chip(page, "7 h").tap()
    page.get_by_text("No body pain today").tap()
    page.get_by_role("button", name="Save today").tap()
    today = patient_today(patient)
    page.get_by_text(f"Saved for {today:%A %-d %B}").wait_for()
    day = Day.objects.get(patient=patient, date=today)
    assert (day.total_sleep_min, day.bedtime, day.body_map_answered) == (420, None, True)


def test_a_warning_sign_shows_urgent_advice_after_saving(page_as, patient):
    page = page_as(patient)
    page.goto("/diary/today/")
    chip(page, "Headache").tap()
    tap_slider(page, "fieldset:has(#id_attack_peak_0)", 0.98)
    page.locator("details.red-flags summary").tap()
    chip(page, "Came on suddenly: at its worst within a minute").tap()
    page.get_by_role("button", name="Save today").tap()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "Please seek urgent medical care" in alert.inner_text()
    assert Day.objects.filter(patient=patient, headache=True).exists()  # saved all the same
    assert no_horizontal_scroll(page)


def test_a_cycle_tracker_logs_a_period_day_with_one_tap(page_as, patient):
    patient.patient_profile.tracks_cycle = True
    patient.patient_profile.save()
    page = page_as(patient)
    page.goto("/diary/today/")
    chip(page, "Yes – day 1").tap()
    page.get_by_role("button", name="Save today").tap()
    page.get_by_text("Saved for").wait_for()
    assert Day.objects.get(patient=patient, date=patient_today(patient)).period is True
    assert no_horizontal_scroll(page)
