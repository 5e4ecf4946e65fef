"""Diary pages in Chromium: no serious accessibility problems (axe-core), light and dark; the
phone navigation, the calendar's medication marks and the stress/headache-start overlay.

Screenshots go to $DIARY_SCREENSHOTS (default: pytest's tmp_path).
"""

import os
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest

from diary import services
from diary.days import patient_today, patient_zone
from tests.browser.conftest import DESKTOP, no_horizontal_scroll
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [
    "/diary/today/",
    "/diary/calendar/",
    "/diary/trends/?days=90",
    "/diary/medications/",
    "/diary/questionnaires/",
    "/diary/questionnaires/asc12/",
    "/diary/questionnaires/dsqsf/",
]


@pytest.fixture
def patient(db):
    patient = PatientFactory(email="axe@example.com")
    medication, _ = services.medication_upsert(patient=patient, name="Aspirin", med_class="nsaid")
    today = patient_today(patient)
    for offset in range(1, 20):
        day = today - timedelta(days=offset)
        services.day_upsert(
            patient=patient,
            date=day,
            stress=offset % 10,
            fatigue=offset % 7,
            mood=10 - offset % 6,
            headache=offset % 4 == 0,
            body_pain={"neck": 1 + offset % 9, "hip_left": 5} if offset % 2 else {},
        )
        if offset % 4 == 0:  # a headache start after stress fell, treated with aspirin
            started = datetime.combine(day, time(9), tzinfo=patient_zone(patient))
            attack, _ = services.attack_upsert(
                patient=patient,
                started_at=started,
                ended_at=started + timedelta(hours=5),
                peak_intensity=6,
            )
            services.dose_upsert(
                patient=patient,
                medication=medication,
                attack=attack,
                taken_at=started + timedelta(hours=1),
            )
    return patient


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("DIARY_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violations(page_as, patient, path, scheme):
    from axe_playwright_python.sync_playwright import Axe

    page = page_as(patient)
    page.emulate_media(color_scheme=scheme)
    page.goto(path)
    if path == "/diary/today/":  # open the attack details and the body-map panel too
        page.locator("label[for=id_headache_1]").tap()
        page.locator(".bodymap-view[data-view=front] .area[data-area=neck]").tap()
    violations = Axe().run(page).response["violations"]
    serious = [
        (violation["id"], [node["target"] for node in violation["nodes"]])
        for violation in violations
        if violation["impact"] in ("serious", "critical")
    ]
    assert serious == []


TABS = {
    "/diary/today/": "Today",
    "/diary/calendar/": "Calendar",
    "/diary/trends/": "Trends",
    "/insights/": "Insights",
}
MORE = {
    "/diary/medications/": "Medications",
    "/diary/questionnaires/": "Questionnaires",
    "/clinic/sharing/": "Sharing",
    "/accounts/profile/": "Account",
}


def _current_names(page) -> list[str]:
    nav = page.get_by_role("navigation", name="Main")
    return [link.text_content().strip() for link in nav.locator("[aria-current=page]").all()]


def test_the_tab_bar_on_a_phone_leads_everywhere_and_marks_the_current_page(page_as, patient):
    page = page_as(patient)
    page.goto("/diary/today/")
    nav = page.get_by_role("navigation", name="Main")
    bar = nav.bounding_box()
    assert bar["y"] + bar["height"] == pytest.approx(844, abs=1)  # fixed to the bottom
    assert nav.get_by_role("button", name="Log out").is_hidden()  # not in the main row
    for path, name in TABS.items():
        with page.expect_navigation():
            nav.get_by_role("link", name=name, exact=True).tap()
        assert page.url.endswith(path)
        assert _current_names(page) == [name]
        assert nav.get_by_role("link", name=name, exact=True).bounding_box()["height"] >= 44
    for path, name in MORE.items():
        nav.locator("summary").tap()
        with page.expect_navigation():
            nav.get_by_role("link", name=name, exact=True).tap()
        assert page.url.endswith(path)
        assert _current_names(page) == [name]
        assert "is-current" in nav.locator("summary").get_attribute("class")
    nav.locator("summary").tap()
    assert nav.get_by_role("button", name="Log out").is_visible()
    assert no_horizontal_scroll(page)


def test_the_more_menu_closes_on_a_tap_outside_or_escape(page_as, patient):
    page = page_as(patient)
    page.goto("/diary/calendar/")
    nav = page.get_by_role("navigation", name="Main")
    more = nav.get_by_role("link", name="Medications")
    nav.locator("summary").tap()
    assert more.is_visible()
    page.locator("h1").tap()
    assert more.is_hidden()
    nav.locator("summary").focus()
    page.keyboard.press("Enter")
    assert more.is_visible()
    page.keyboard.press("Escape")
    assert more.is_hidden()
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    assert page.js_errors == []


def test_the_more_menu_works_without_javascript(page_as, patient):
    page = page_as(patient, javascript=False)
    page.goto("/diary/trends/")
    nav = page.get_by_role("navigation", name="Main")
    nav.locator("summary").tap()
    with page.expect_navigation():
        nav.get_by_role("link", name="Questionnaires").tap()
    assert _current_names(page) == ["Questionnaires"]


def test_a_past_day_opened_from_the_calendar_highlights_calendar(page_as, patient):
    page = page_as(patient)
    page.goto("/diary/calendar/")
    day = patient_today(patient) - timedelta(days=1)
    if day.month != patient_today(patient).month:
        page.goto(f"/diary/calendar/?month={day:%Y-%m}")
    with page.expect_navigation():
        page.locator(f"a[href='/diary/day/{day.isoformat()}/']").tap()
    assert _current_names(page) == ["Calendar"]


def test_the_save_bar_of_the_check_in_stays_above_the_tab_bar(page_as, patient):
    page = page_as(patient)
    page.goto("/diary/today/")
    save = page.locator(".save-bar").bounding_box()
    bar = page.get_by_role("navigation", name="Main").bounding_box()
    assert save["y"] + save["height"] <= bar["y"] + 1


def test_calendar_marks_medication_days_and_names_links_by_what_they_show(page_as, patient):
    today = patient_today(patient)
    page = page_as(patient)
    medicated = [today - timedelta(days=offset) for offset in range(4, 20, 4)]
    for month in sorted({day.strftime("%Y-%m") for day in medicated}):
        page.goto(f"/diary/calendar/?month={month}")
        for day in (d for d in medicated if d.strftime("%Y-%m") == month):
            link = page.locator(f"a[href='/diary/day/{day.isoformat()}/']")
            assert link.locator(".cal-med").is_visible()
            name = f"{day.day} {day:%B} ({day:%A}): headache day"
            assert page.get_by_role("link", name=name).count() == 1
            assert link.inner_text().strip().startswith(str(day.day))
    assert page.locator(".legend .pill").first.is_visible()


def test_trends_overlay_headache_starts_on_stress_in_each_period(page_as, patient):
    page = page_as(patient)
    for days, marks in ((30, 4), (90, 4), (365, 3)):
        page.goto(f"/diary/trends/?days={days}")
        chart = page.locator("section[aria-labelledby=h-stress] svg.chart")
        assert chart.get_attribute("aria-label").endswith(
            "with the 4 headache starts of this period marked"
        )
        assert chart.locator(".event-mark").count() == marks
        assert chart.locator(".event-band").first.is_visible()
    page.get_by_text("Stress before each headache start (4)").tap()
    assert page.locator("section[aria-labelledby=h-stress] table tbody tr").count() == 4


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_at_phone_and_desktop_size(page_as, patient, shots, scheme):
    for label, viewport in (("390", None), ("1280", DESKTOP)):
        page = page_as(patient, **({"viewport": viewport} if viewport else {}))
        page.emulate_media(color_scheme=scheme)
        for path, name in (
            ("/diary/calendar/", "calendar"),
            ("/diary/trends/?days=30", "trends"),
            ("/diary/medications/", "medications"),
        ):
            page.goto(path)
            assert no_horizontal_scroll(page), path
            page.screenshot(path=shots / f"{name}-{label}-{scheme}.png", full_page=True)
        page.goto("/diary/today/")
        page.locator("nav[aria-label=Main] summary").click()
        page.screenshot(path=shots / f"more-open-{label}-{scheme}.png")
