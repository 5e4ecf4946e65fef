"""The attack timer and the 2-hour relief follow-up in Chromium at 390 x 844 (issue 23):
start a headache with one tap on Today, see it ongoing on other pages, end it, and answer
"How well did it work?" for a dose taken two hours ago.

Screenshots go to $DIARY_SCREENSHOTS (default: pytest's tmp_path).
"""

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from diary import services
from diary.models import Dose, HeadacheAttack
from tests.browser.conftest import no_horizontal_scroll
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def patient(db):
    patient = PatientFactory(email="timer@example.com")
    medication, _ = services.medication_upsert(
        patient=patient, name="Sumatriptan", med_class="triptan", default_amount=Decimal("50")
    )
    services.dose_upsert(
        patient=patient, medication=medication, taken_at=timezone.now() - timedelta(hours=2)
    )
    return patient


def _serious_axe_violations(page) -> list:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [
        (violation["id"], [node["target"] for node in violation["nodes"]])
        for violation in violations
        if violation["impact"] in ("serious", "critical")
    ]


def test_start_and_end_an_attack_and_answer_a_relief_follow_up_on_a_phone(
    page_as, patient, tmp_path
):
    shots = Path(os.environ.get("DIARY_SCREENSHOTS", tmp_path))
    page = page_as(patient)
    page.goto("/diary/today/")
    timer = page.locator("section.timer")
    with page.expect_navigation():
        timer.get_by_role("button", name="6 of 10").tap()
    attack = HeadacheAttack.objects.get(patient=patient)
    assert attack.ended_at is None and attack.peak_intensity == 6
    assert timer.get_by_role("heading").text_content().startswith("Headache ongoing since")
    follow_up = page.locator("section.follow-up")
    assert "How well did Sumatriptan 50 mg at" in follow_up.get_by_role("heading").text_content()
    assert no_horizontal_scroll(page)
    assert _serious_axe_violations(page) == []
    page.screenshot(path=str(shots / "today-ongoing-attack-and-follow-up-390.png"), full_page=False)

    page.goto("/diary/calendar/")  # the banner follows the patient to every page
    banner = page.locator(".ongoing-banner")
    assert "Headache ongoing since" in banner.text_content()
    assert page.locator(".cal-day.is-ongoing").count() >= 1
    assert _serious_axe_violations(page) == []
    page.screenshot(path=str(shots / "calendar-ongoing-banner-390.png"))
    page.emulate_media(color_scheme="dark")
    assert _serious_axe_violations(page) == []
    page.goto("/diary/today/")
    assert _serious_axe_violations(page) == []
    page.screenshot(path=str(shots / "today-ongoing-attack-and-follow-up-390-dark.png"))
    page.emulate_media(color_scheme="light")

    page.goto("/diary/today/")
    with page.expect_navigation():
        follow_up.get_by_role("button", name="Some relief").tap()
    assert Dose.objects.get(patient=patient).relief_2h == "partial"
    assert page.locator("section.follow-up").count() == 0

    with page.expect_navigation():
        timer.get_by_role("button", name="Ended now").tap()
    attack.refresh_from_db()
    assert attack.ended_at is not None
    assert page.get_by_text("Headache ended at").is_visible()
    assert timer.get_by_role("heading", name="Headache started now").is_visible()
    assert page.js_errors == []


def test_the_timer_and_the_banner_work_without_javascript(page_as, patient):
    page = page_as(patient, javascript=False)
    page.goto("/diary/today/")
    with page.expect_navigation():
        page.locator("section.timer").get_by_role("button", name="3 of 10").click()
    page.goto("/diary/trends/")
    with page.expect_navigation():
        page.locator(".ongoing-banner").get_by_role("button", name="Ended now").click()
    assert HeadacheAttack.objects.get(patient=patient).ended_at is not None
    assert page.locator(".ongoing-banner").count() == 0
