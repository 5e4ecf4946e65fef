"""Diary pages in Chromium: no serious accessibility problems (axe-core), light and dark."""

from datetime import timedelta

import pytest

from diary import services
from diary.days import patient_today
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [
    "/diary/today/",
    "/diary/calendar/",
    "/diary/trends/?days=90",
    "/diary/medications/",
    "/diary/questionnaires/",
    "/diary/questionnaires/asc12/",
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
            headache=offset % 4 == 0,
            body_pain={"neck": 1 + offset % 9, "hip_left": 5} if offset % 2 else {},
        )
    return patient


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
