"""Sign-up and the public and account pages at phone size, with axe-core."""

import re

import pytest
from knox.models import AuthToken

from accounts import services
from accounts.models import User
from tests.browser.conftest import no_horizontal_scroll
from tests.factories import ShareFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _axe_serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_a_patient_signs_up_on_a_phone_and_lands_on_the_check_in(phone_page):
    page = phone_page
    page.goto("/")
    page.get_by_role("link", name="Create a patient account").click()
    page.get_by_label("Email").fill("newcomer@example.com")
    page.get_by_label("Password", exact=True).fill("amber-lantern-river-42")
    page.get_by_label("Password again").fill("amber-lantern-river-42")
    page.get_by_label("I understand Flaremap is a diary").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Create account").click()
    assert "/diary/today/" in page.url
    user = User.objects.get(email="newcomer@example.com")
    assert user.is_patient
    # the device's zone (Europe/London in the test browser) was pre-selected
    assert user.patient_profile.timezone == "Europe/London"
    assert no_horizontal_scroll(page)


def test_sign_up_errors_are_shown_next_to_the_fields(phone_page):
    page = phone_page
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password again").fill("short")
    page.get_by_role("button", name="Create account").click()
    assert page.locator(".form-errors").is_visible()
    assert page.get_by_text("Enter a valid email address.").is_visible()
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/signup/clinician/",
        "/accounts/password/reset/",
    ],
)
def test_public_pages_have_no_serious_accessibility_violations(phone_page, path):
    phone_page.goto(path)
    assert _axe_serious(phone_page) == []
    assert no_horizontal_scroll(phone_page)


def test_account_and_insight_pages_have_no_serious_accessibility_violations(page_as, alice):
    page = page_as(alice)
    services.token_create(user=alice, device_name="Pixel 8")
    for path in ("/accounts/profile/", "/accounts/delete/", "/accounts/devices/", "/insights/"):
        page.goto(path)
        assert _axe_serious(page) == [], path


def test_a_patient_signs_out_a_lost_phone_from_their_phone(page_as, alice):
    services.token_create(user=alice, device_name="Lost Pixel 7 with a long device name too")
    services.token_create(user=alice, device_name="Kitchen iPad")
    page = page_as(alice)
    page.goto("/accounts/profile/")
    page.get_by_role("link", name="Signed-in phones and apps").click()
    assert page.get_by_text("Lost Pixel 7").is_visible()
    assert no_horizontal_scroll(page)
    button = page.get_by_role("button", name=re.compile(r"^Sign out Lost Pixel 7"))
    assert button.bounding_box()["height"] >= 44  # a thumb-sized target
    with page.expect_navigation():
        button.click()
    assert page.get_by_text("That device is signed out").is_visible()
    assert page.get_by_text("Lost Pixel 7").count() == 0
    assert page.get_by_text("Kitchen iPad").is_visible()
    assert list(AuthToken.objects.filter(user=alice).values_list("device__name", flat=True)) == [
        "Kitchen iPad"
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_more_menu_pages_and_stop_sharing_pass_axe_in_light_and_dark(page_as, alice, scheme):
    share = ShareFactory(patient=alice)
    page = page_as(alice)
    page.emulate_media(color_scheme=scheme)
    for path in ("/accounts/profile/", "/insights/", "/clinic/sharing/"):
        page.goto(path)
        page.locator("nav[aria-label=Main] summary").click()  # the open menu is checked too
        assert _axe_serious(page) == [], path
    page.goto("/clinic/sharing/")
    with page.expect_navigation():
        page.get_by_role("link", name="Stop sharing").click()
    assert _axe_serious(page) == [], "confirm"
    button = page.get_by_role("button", name="Stop sharing")
    colours = button.evaluate(
        "b => [getComputedStyle(b).color, getComputedStyle(b).backgroundColor]"
    )
    assert _contrast(*colours) >= 4.5, colours
    share.refresh_from_db()
    assert share.revoked_at is None  # nothing happens before the confirmation
    page.get_by_role("link", name="Keep sharing").click()
    page.wait_for_url("**/clinic/sharing/")


def _contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two computed ``rgb(r, g, b)`` colours."""

    def luminance(colour: str) -> float:
        channels = [int(part) / 255 for part in re.findall(r"\d+", colour)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_log_out_sits_under_more_and_works_on_a_phone(page_as, alice):
    page = page_as(alice)
    page.goto("/diary/today/")
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("button", name="Log out").is_hidden()
    nav.locator("summary").tap()
    with page.expect_navigation():
        nav.get_by_role("button", name="Log out").tap()
    assert "/accounts/login/" in page.url
