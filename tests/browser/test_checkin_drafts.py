"""An unsaved check-in is kept on the phone (``static/js/draft.js``): offline saves wait for the
connection, a closed tab offers its entry back, and a day changed elsewhere is not overwritten."""

from datetime import timedelta

import pytest
from django.conf import settings

from diary import services
from diary.days import patient_today
from diary.models import Day
from tests.browser.conftest import session_cookie_for
from tests.browser.test_checkin import chip, tap_slider
from tests.factories import PASSWORD, PatientFactory

pytestmark = pytest.mark.django_db(transaction=True)

NECK = '.bodymap-view[data-view=front] .area[data-area="neck"]'
DRAFTS = "Object.keys(localStorage).filter(k => k.startsWith('flaremap-draft:')).length"


@pytest.fixture
def patient(db):
    return PatientFactory(email="drafter@example.com")


def fill_an_entry(page) -> None:
    page.goto("/diary/today/")
    page.locator(NECK).tap()  # mild (3)
    tap_slider(page, "fieldset:has(#id_stress_0)", 0.7)
    chip(page, "No headache").tap()


def test_a_save_tapped_offline_waits_and_is_sent_when_back_online(page_as, patient):
    page = page_as(patient)
    fill_an_entry(page)
    page.context.set_offline(True)
    page.get_by_role("button", name="Save today").tap()
    page.get_by_text("You are offline. Your entry is kept on this device").wait_for()
    assert not Day.objects.filter(patient=patient).exists()
    assert page.evaluate(DRAFTS) == 1

    page.context.set_offline(False)
    page.get_by_text("Saved for").wait_for()
    day = Day.objects.get(patient=patient)
    assert day.pain_map == {"neck": 3} and day.headache is False and day.stress >= 6
    assert page.evaluate(DRAFTS) == 0  # saved: nothing left on the device
    assert not page.js_errors


def test_losing_the_connection_while_filling_in_says_nothing_is_lost(page_as, patient):
    page = page_as(patient)
    page.goto("/diary/today/")
    banner = page.locator("[data-draft-status]")
    page.context.set_offline(True)
    banner.get_by_text("You are offline. What you enter is kept on this device").wait_for()
    page.locator(NECK).tap()
    page.context.set_offline(False)
    banner.wait_for(state="hidden")
    page.get_by_role("button", name="Save today").tap()
    page.get_by_text("Saved for").wait_for()
    assert Day.objects.get(patient=patient).pain_map == {"neck": 3}


def test_a_closed_tab_offers_its_entry_back(page_as, patient):
    page = page_as(patient)
    fill_an_entry(page)
    page.get_by_text("Mood, fatigue and notes").tap()
    page.get_by_label("Notes").fill("Long day at the desk")
    context = page.context
    page.close()

    page = context.new_page()
    page.goto("/diary/today/")
    banner = page.locator("[data-draft-status]")
    banner.get_by_text("was not saved yet").wait_for()
    assert page.locator(NECK).get_attribute("data-level") in (None, "", "0")
    banner.get_by_role("button", name="Restore it").tap()
    banner.get_by_text("Restored. Check it and tap Save.").wait_for()
    assert page.locator(NECK).get_attribute("data-level") == "3"
    assert page.get_by_label("Notes").input_value() == "Long day at the desk"
    assert page.get_by_label("Notes").is_visible()  # its <details> was opened

    page.get_by_role("button", name="Save today").tap()
    page.get_by_text("Saved for").wait_for()
    day = Day.objects.get(patient=patient)
    assert day.pain_map == {"neck": 3} and day.notes == "Long day at the desk"
    assert day.stress >= 6
    page.reload()
    assert page.locator("[data-draft-status]").is_hidden()
    assert page.evaluate(DRAFTS) == 0


def test_discard_forgets_the_entry(page_as, patient):
    page = page_as(patient)
    fill_an_entry(page)
    page.reload()
    page.locator("[data-draft-status]").get_by_role("button", name="Discard").tap()
    assert page.locator("[data-draft-status]").is_hidden()
    assert page.evaluate(DRAFTS) == 0
    page.reload()
    assert page.locator("[data-draft-status]").is_hidden()


def test_looking_without_changing_anything_leaves_no_draft(page_as, patient):
    page = page_as(patient)
    page.goto("/diary/today/")
    page.get_by_text("Mood, fatigue and notes").tap()  # taps that change no value
    page.get_by_role("button", name="Back", exact=True).tap()
    page.wait_for_timeout(50)
    assert page.evaluate(DRAFTS) == 0
    chip(page, "No headache").tap()
    page.wait_for_timeout(50)
    assert page.evaluate(DRAFTS) == 1


def test_an_entry_sent_back_with_errors_is_still_kept(page_as, patient):
    page = page_as(patient)
    page.goto("/diary/today/")
    chip(page, "Headache").tap()
    page.get_by_label("Ended at").fill("23:59")
    page.get_by_role("button", name="Save today").tap()
    page.get_by_text("add roughly when it started").wait_for()
    assert not Day.objects.filter(patient=patient).exists()
    page.goto("/diary/today/")
    banner = page.locator("[data-draft-status]")
    banner.get_by_text("was not saved yet").wait_for()
    banner.get_by_role("button", name="Restore it").tap()
    assert page.get_by_label("Ended at").input_value() == "23:59"


def test_a_restored_entry_does_not_overwrite_a_day_changed_elsewhere(page_as, patient):
    today = patient_today(patient)
    services.day_upsert(patient=patient, date=today, stress=1)
    page = page_as(patient)
    fill_an_entry(page)
    services.day_upsert(patient=patient, date=today, stress=2, body_pain={"upper_leg_left": 5})
    page.reload()  # shows the newer day (version 2); the draft was based on version 1
    page.locator("[data-draft-status]").get_by_role("button", name="Restore it").tap()
    page.get_by_role("button", name="Save today").tap()
    page.get_by_text("This day was changed elsewhere").wait_for()
    day = Day.objects.get(patient=patient, date=today)
    assert (day.stress, day.pain_map, day.version) == (2, {"upper_leg_left": 5}, 2)
    assert page.evaluate(DRAFTS) == 1  # still kept: the patient decides what to do with it


def test_drafts_belong_to_one_account_and_go_with_logging_out(page_as, patient, live_server):
    page = page_as(patient)
    fill_an_entry(page)
    other = PatientFactory(email="other@example.com")
    page.context.clear_cookies()
    page.context.add_cookies([session_cookie_for(other, live_server.url)])
    page.goto("/diary/today/")
    assert page.locator("[data-draft-status]").is_hidden()  # not the other account's entry
    assert page.evaluate(DRAFTS) == 1

    page.locator("nav[aria-label=Main] summary").click()  # Log out sits under "More"
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/")
    assert page.evaluate(DRAFTS) == 0


def test_deleting_the_account_removes_its_drafts_and_a_wrong_password_keeps_them(page_as, patient):
    page = page_as(patient)
    fill_an_entry(page)
    page.wait_for_timeout(50)
    assert page.evaluate(DRAFTS) == 1
    page.goto("/accounts/delete/")
    page.get_by_label("Password").fill("not the password")
    with page.expect_navigation():
        page.get_by_role("button", name="Delete my account permanently").click()
    page.get_by_text("That password is not correct.").wait_for()
    assert page.evaluate(DRAFTS) == 1  # nothing deleted, nothing forgotten
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Delete my account permanently").click()
    assert not type(patient).objects.filter(pk=patient.pk).exists()
    page.get_by_text("Your account and diary have been deleted.").wait_for()
    assert page.evaluate(DRAFTS) == 0


def test_an_unsaved_entry_of_another_day_is_pointed_to(page_as, patient):
    yesterday = patient_today(patient) - timedelta(days=1)
    page = page_as(patient)
    page.goto(f"/diary/day/{yesterday:%Y-%m-%d}/")
    page.locator(NECK).tap()
    page.wait_for_timeout(50)
    page.goto("/diary/today/")
    banner = page.locator("[data-draft-status]")
    banner.get_by_text(f"An entry for {yesterday:%A %-d %B} was not saved yet").wait_for()
    banner.get_by_role("link", name=f"Open {yesterday:%A %-d %B}").tap()
    page.wait_for_url(f"**/diary/day/{yesterday:%Y-%m-%d}/")
    banner.get_by_role("button", name="Restore it").tap()
    assert page.locator(NECK).get_attribute("data-level") == "3"


def test_an_entry_saved_after_the_session_expired_comes_back_after_logging_in(page_as, patient):
    page = page_as(patient)
    fill_an_entry(page)
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)  # the session expired meanwhile
    page.get_by_role("button", name="Save today").tap()
    page.wait_for_url("**/accounts/login/**")
    page.get_by_label("Email").fill(patient.email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Log in").tap()
    assert "/diary/day/" in page.url  # back to the day the entry was for
    assert not Day.objects.filter(patient=patient).exists()
    page.locator("[data-draft-status]").get_by_role("button", name="Restore it").tap()
    page.get_by_role("button", name="Save today").tap()
    page.get_by_text("Saved for").wait_for()
    assert Day.objects.get(patient=patient).pain_map == {"neck": 3}
    assert page.evaluate(DRAFTS) == 0
