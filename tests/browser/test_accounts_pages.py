"""Sign-up and the public and account pages at phone size, with axe-core."""

import pytest

from accounts.models import User
from tests.browser.conftest import no_horizontal_scroll

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
    for path in ("/accounts/profile/", "/accounts/delete/", "/insights/"):
        page.goto(path)
        assert _axe_serious(page) == [], path
