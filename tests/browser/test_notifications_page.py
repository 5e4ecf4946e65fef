"""The Notifications page at phone size: the device button appears only where the browser can
push, the settings save, and axe finds nothing serious."""

import pytest

from tests.browser.conftest import no_horizontal_scroll
from tests.browser.test_accounts_pages import _axe_serious
from tests.test_settings import ROOT

pytestmark = pytest.mark.django_db(transaction=True)


def test_notifications_page_on_a_phone(page_as, alice, vapid_keys):
    page = page_as(alice)
    page.goto("/accounts/notifications/")
    button = page.get_by_role("button", name="Turn on notifications on this device")
    button.wait_for(state="visible")
    assert not page.get_by_role("button", name="Turn off notifications on this device").is_visible()
    page.get_by_label("Remind me to check in each day").check()
    page.get_by_label("Ask how my medication worked, 2 hours after a dose").check()
    page.get_by_label("Quiet from").fill("22:00")
    page.get_by_label("Until").fill("07:00")
    with page.expect_navigation():
        page.get_by_role("button", name="Save notification settings").click()
    assert "Notification settings saved." in page.content()
    alice.patient_profile.refresh_from_db()
    assert alice.patient_profile.remind_follow_ups and alice.patient_profile.reminder_enabled
    assert str(alice.patient_profile.quiet_hours_start) == "22:00:00"
    assert page.get_by_role("button", name="Turn on notifications on this device").is_visible()
    assert no_horizontal_scroll(page)
    assert _axe_serious(page) == []
    assert page.js_errors == []
    shots = ROOT / "screenshots"
    shots.mkdir(exist_ok=True)
    page.screenshot(path=shots / "notifications-390.png", full_page=True)


def test_no_device_button_where_the_browser_cannot_push(page_as, alice, vapid_keys):
    page = page_as(alice)
    page.add_init_script("delete window.PushManager;")
    page.goto("/accounts/notifications/")
    page.wait_for_load_state("load")
    assert not page.get_by_role("button", name="Turn on notifications on this device").is_visible()
    assert page.get_by_label("Quiet from").is_visible()


def test_no_device_button_without_javascript(page_as, alice, vapid_keys):
    page = page_as(alice, javascript=False)
    page.goto("/accounts/notifications/")
    assert not page.get_by_role("button", name="Turn on notifications on this device").is_visible()
