"""Clinician side and consent pages in headless Chromium: the consent journey by taps, the
report at phone and desktop size, printed to one A4 page, and accessibility (axe-core).

Screenshots and the printed PDF go to $CLINIC_SCREENSHOTS (default: pytest's tmp_path).
"""

import io
import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import AccessEvent, Share
from tests.browser.conftest import DESKTOP, PHONE, no_horizontal_scroll
from tests.clinic.bulk_data import make_patients
from tests.clinic.conftest import PERIOD, answer_sss_week, build_fixed_diary
from tests.factories import ClinicianFactory, PatientFactory, ShareFactory

pytestmark = pytest.mark.django_db(transaction=True)
REPORT_QUERY = f"?start={PERIOD[0].isoformat()}&end={PERIOD[1].isoformat()}"


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("CLINIC_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def patient(db):
    return answer_sss_week(build_fixed_diary(PatientFactory(email="pat@example.com")))


@pytest.fixture
def clinician(db):
    return ClinicianFactory(email="doc@example.com", profile__name="Dr Ada Lane")


def report_path(patient) -> str:
    return reverse("clinic:report", kwargs={"patient_id": patient.pk})


def test_consent_journey_by_taps_invite_redeem_view_log_revoke(page_as, patient, shots):
    doctor = ClinicianFactory(email="lane@example.com")
    me = page_as(patient)
    me.goto(reverse("clinic:shares"))
    me.get_by_label("My free-text notes").tap()
    me.get_by_role("button", name="Create invitation").tap()
    link = me.get_by_label("Or send this link").input_value()
    assert re.search(r"/clinic/redeem/\?code=[A-Z2-9]{12}$", link)
    assert no_horizontal_scroll(me)
    me.screenshot(path=shots / "share-code-390.png", full_page=True)

    doc = page_as(doctor)
    doc.goto(link)
    with doc.expect_navigation():
        doc.get_by_role("button", name="Add patient").tap()
    assert doc.url.endswith(reverse("clinic:dashboard"))
    with doc.expect_navigation():
        doc.get_by_role("link", name="pat@example.com").tap()
    assert doc.locator("h1").inner_text().endswith("pat@example.com")

    me.goto(reverse("clinic:access_log"))
    assert "Opened your report" in me.locator("main").inner_text()
    me.goto(reverse("clinic:shares"))
    with me.expect_navigation():
        me.get_by_role("link", name="Stop sharing").tap()
    assert Share.objects.get(patient=patient, clinician=doctor).status == "active"  # asks first
    with me.expect_navigation():
        me.get_by_role("button", name="Stop sharing").tap()
    assert Share.objects.get(patient=patient, clinician=doctor).status == "revoked"
    response = doc.goto(report_path(patient))
    assert response.status == 404


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_report_fits_the_screen_and_shows_the_figures_first(
    page_as, patient, clinician, shots, viewport
):
    ShareFactory(patient=patient, clinician=clinician, scope_notes=True)
    page = page_as(clinician, viewport=viewport)
    page.goto(report_path(patient) + REPORT_QUERY)
    assert no_horizontal_scroll(page)
    assert page.get_by_role("button", name="Print").is_visible()  # shown by clinic-print.js
    first = page.locator(".key-figures .figure").first.inner_text()
    assert first.startswith("6") and "headache days" in first
    alert = page.locator(".report-alerts li").first.inner_text()
    assert alert.startswith("Meets the published ACR 2016")
    page.screenshot(path=shots / f"report-{viewport['width']}.png", full_page=True)
    assert page.js_errors == []


def test_report_prints_on_one_a4_page(page_as, patient, clinician, shots):
    ShareFactory(patient=patient, clinician=clinician, scope_notes=True)
    page = page_as(clinician, viewport=DESKTOP)
    page.goto(report_path(patient) + REPORT_QUERY)
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    (shots / "report.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1
    assert page.locator(".report-period-form").is_hidden()


def test_the_pdf_download_on_a_phone_is_the_one_page_report(page_as, patient, clinician, shots):
    ShareFactory(patient=patient, clinician=clinician)
    page = page_as(clinician, viewport=PHONE)
    page.goto(report_path(patient) + REPORT_QUERY)
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF download").tap()
    assert download.value.suggested_filename == "flaremap-report-2026-01-01-to-2026-02-28.pdf"
    pdf = Path(download.value.path()).read_bytes()
    (shots / "report-download.pdf").write_bytes(pdf)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert AccessEvent.objects.filter(actor=clinician, action="report_pdf").count() == 1


@pytest.fixture
def demo_patient(db, clinician):
    """The six-month demo diary with a name and birth date, insights computed, shared with
    notes."""
    from datetime import date

    from diary.demo import seed_patient_diary
    from insights import services

    patient = PatientFactory(email="demo@example.com")
    patient.patient_profile.full_name = "Maria Example"
    patient.patient_profile.date_of_birth = date(1986, 4, 12)
    patient.patient_profile.save()
    seed_patient_diary(patient=patient, days=182, seed=1000, persona=0)
    services.recompute_patient(patient.pk)
    ShareFactory(patient=patient, clinician=clinician, scope_notes=True)
    return patient


def test_a_full_demo_report_prints_and_downloads_on_one_page(
    page_as, clinician, demo_patient, shots
):
    """Six months of the demo diary, eight insights (every kind but the menstrual one: this
    patient does not track a cycle) and notes, every v2 section: still one A4 page, printed by
    Chromium and as the PDF download."""
    patient = demo_patient
    page = page_as(clinician, viewport=DESKTOP)
    page.goto(report_path(patient))
    assert page.locator(".insight-sentences li").count() == 8
    main = page.locator("main").inner_text()
    for text in ("Maria Example", "Acute drug", "Preventive:", "Attacks and disability"):
        assert text in main
    for screen in ("PHQ-4", "TMD screen", "Fatigue", "DSQ-SF"):
        assert screen in main
    assert page.locator(".month-chart svg rect").count() == 9  # 3 blocks of 90 days x 3 bars
    page.emulate_media(media="print")
    printed = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    (shots / "demo-report-printed.pdf").write_bytes(printed)
    assert len(PdfReader(io.BytesIO(printed)).pages) == 1
    page.emulate_media(media="screen")
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF download").click()
    downloaded = Path(download.value.path()).read_bytes()
    (shots / "demo-report-download.pdf").write_bytes(downloaded)
    assert len(PdfReader(io.BytesIO(downloaded)).pages) == 1


def test_a_clinician_reads_the_demo_report_on_a_phone_and_reaches_its_tables_by_keyboard(
    page_as, clinician, demo_patient, shots
):
    page = page_as(clinician, viewport=PHONE)
    page.goto(report_path(demo_patient))
    assert no_horizontal_scroll(page)
    assert page.locator("h1").inner_text().startswith("Diary summary · Maria Example")
    regions = page.locator(".table-scroll[role=region][tabindex='0']")
    assert regions.count() >= 3
    drugs = page.get_by_role("region", name="Acute drugs with their 2-hour response")
    drugs.focus()
    assert drugs.evaluate("el => el === document.activeElement")
    page.screenshot(path=shots / "demo-report-390.png", full_page=True)
    assert page.js_errors == []


def test_report_and_revoking_work_without_javascript(page_as, patient, clinician):
    share = ShareFactory(patient=patient, clinician=clinician)
    page = page_as(clinician, javascript=False)
    page.goto(report_path(patient) + REPORT_QUERY)
    assert "Headache days by month" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Print").is_hidden()  # needs JavaScript
    me = page_as(patient, javascript=False)
    me.goto(reverse("clinic:shares"))
    with me.expect_navigation():
        me.get_by_role("link", name="Stop sharing").click()
    with me.expect_navigation():
        me.get_by_role("button", name="Stop sharing").click()
    share.refresh_from_db()
    assert share.status == "revoked"


def test_dashboard_on_a_phone_lists_cards_and_sorts_without_javascript(page_as, shots):
    doctor = ClinicianFactory()
    make_patients(clinician=doctor, count=12, days=60, seed=4)
    page = page_as(doctor, javascript=False)
    page.goto(reverse("clinic:dashboard"))
    assert no_horizontal_scroll(page)
    page.get_by_label("Sort by").select_option("headache")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    counts = [
        int(t) for t in page.locator("td[data-label='Headache days'] .count").all_inner_texts()
    ]
    assert len(counts) == 12 and counts == sorted(counts, reverse=True)
    page.screenshot(path=shots / "dashboard-390.png", full_page=True)
    assert AccessEvent.objects.filter(actor=doctor, action="dashboard").count() == 24


def test_desktop_dashboard_screenshot(page_as, shots):
    doctor = ClinicianFactory()
    make_patients(clinician=doctor, count=12, days=60, seed=4)
    page = page_as(doctor, viewport=DESKTOP)
    page.goto(reverse("clinic:dashboard") + "?sort=migraine")
    assert page.locator("th[aria-sort]").inner_text().startswith("Migraine days")
    page.screenshot(path=shots / "dashboard-1280.png", full_page=True)


def _axe_serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_clinic_pages_have_no_serious_accessibility_violations(page_as, patient, clinician):
    ShareFactory(patient=patient, clinician=clinician)
    doc = page_as(clinician)
    for path in (reverse("clinic:dashboard"), reverse("clinic:redeem"), report_path(patient)):
        doc.goto(path)
        assert _axe_serious(doc) == [], path
    me = page_as(patient)
    for path in (reverse("clinic:shares"), reverse("clinic:access_log")):
        me.goto(path)
        assert _axe_serious(me) == [], path
