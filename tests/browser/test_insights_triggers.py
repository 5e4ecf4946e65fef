"""The insights page lists the demo patient's triggers one by one, readable on a phone."""

from diary.demo import seed_patient_diary
from insights import services
from tests.browser.conftest import no_horizontal_scroll
from tests.factories import PatientFactory


def test_the_trigger_card_lists_found_and_quiet_triggers_on_a_phone(page_as):
    patient = PatientFactory(email="patient@example.com")
    seed_patient_diary(patient=patient, days=182, seed=1000, persona=0)
    services.recompute_patient(patient.pk)
    page = page_as(patient)
    page.goto("/insights/")
    card = page.locator("article:has(#insight-triggers-title)")
    found = card.locator("h4:has-text('Linked to more headaches') + ul li")
    assert found.first.inner_text().startswith("Alcohol.")
    assert "interval" in found.first.inner_text()
    assert card.locator("h4:has-text('No clear sign so far') + p").inner_text()
    assert no_horizontal_scroll(page)
