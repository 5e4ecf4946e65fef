"""The report as a PDF download: the same report, one A4 page, logged like the page, and a
renderer that fetches nothing but the site's own static files."""

import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import AccessEvent
from clinic import bodymap, pdf
from clinic.views import action_label
from tests.clinic.conftest import PERIOD, answer_sss_week

pytestmark = pytest.mark.django_db
PERIOD_QUERY = f"start={PERIOD[0]:%Y-%m-%d}&end={PERIOD[1]:%Y-%m-%d}"


def pdf_url(patient, query=PERIOD_QUERY):
    return reverse("clinic:report_pdf", kwargs={"patient_id": patient.pk}) + f"?{query}"


def pdf_text(response) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(response.content))
    return len(reader.pages), " ".join(page.extract_text() for page in reader.pages)


def test_a_clinician_with_a_share_downloads_one_a4_page_and_the_read_is_logged(
    client, diary_alice, carol
):
    answer_sss_week(diary_alice)
    client.force_login(carol)
    response = client.get(pdf_url(diary_alice))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="flaremap-report-2026-01-01-to-2026-02-28.pdf"'
    )
    pages, text = pdf_text(response)
    assert pages == 1
    assert f"Diary summary · {diary_alice.email}" in text
    assert "1 Jan 2026 – 28 Feb 2026" in text
    assert "Headache days by month" in text
    assert "Meets the published ACR 2016 threshold" in text
    assert "Patient-generated diary data" in text  # the footer, in the page margin
    assert "Bad day at work" not in text  # notes need the notes scope, as on the page
    event = AccessEvent.objects.get(patient=diary_alice, actor=carol)
    assert event.action == "report_pdf"
    assert action_label(event.action) == "Downloaded your report (PDF)"


def test_the_six_month_demo_report_with_every_screen_is_still_one_a4_page(client, alice, carol):
    from diary.demo import seed_patient_diary

    seed_patient_diary(patient=alice, days=182, seed=1000, persona=0)
    client.force_login(carol)
    response = client.get(pdf_url(alice, query=""))  # the default 90 days, ending today
    pages, text = pdf_text(response)
    assert pages == 1
    for screen in ("PHQ-4", "TMD screen", "MIDAS", "DSQ-SF", "IOM 2015 symptom pattern"):
        assert screen in text


def test_the_patient_downloads_their_own_report_with_notes_and_no_access_event(client, diary_alice):
    client.force_login(diary_alice)
    response = client.get(pdf_url(diary_alice))
    assert response.status_code == 200
    assert "Bad day at work" in pdf_text(response)[1]
    assert not AccessEvent.objects.exists()


def test_without_a_period_the_pdf_covers_the_default_90_days(client, diary_alice, carol):
    client.force_login(carol)
    response = client.get(reverse("clinic:report_pdf", kwargs={"patient_id": diary_alice.pk}))
    assert response.status_code == 200
    start, end = re.search(
        r"report-(\d{4}-\d\d-\d\d)-to-(\d{4}-\d\d-\d\d)\.pdf", response["Content-Disposition"]
    ).groups()
    assert (int(end[:4]) - int(start[:4])) in (0, 1)


def test_an_invalid_period_is_a_400_page_with_the_error_and_no_pdf(client, diary_alice, carol):
    client.force_login(carol)
    response = client.get(pdf_url(diary_alice, "start=2026-03-01&end=2026-01-01"))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "The start must be on or before the end." in response.content.decode()
    assert not AccessEvent.objects.exists()


def test_the_report_page_links_to_the_pdf_of_the_same_period(client, diary_alice, carol):
    client.force_login(carol)
    page = client.get(
        reverse("clinic:report", kwargs={"patient_id": diary_alice.pk}) + f"?{PERIOD_QUERY}"
    ).content.decode()
    assert f'href="{pdf_url(diary_alice).replace("&", "&amp;")}"' in page


def test_the_pdf_renderer_reads_static_files_and_refuses_everything_else():
    fetcher = pdf.static_files_only()
    css = fetcher.fetch("file:///static/css/report-pdf.css")
    assert css.url.endswith("/static/css/report-pdf.css")
    for url in (
        "http://127.0.0.1:8000/static/css/app.css",  # no request to the site itself
        "https://example.com/tracker.png",
        "file:///etc/passwd",
        "file:///static/../config/settings.py",
        "data:text/css,body{}",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_the_heat_fills_are_the_colours_of_the_stylesheet():
    """The body map's SVG fill attributes (for WeasyPrint) and clinic.css's --heat-N (for
    browsers) stay the same colours; level 0 is transparent on screen, white on paper."""
    css = (Path(__file__).parents[2] / "static/css/clinic.css").read_text()
    on_screen = dict(re.findall(r"--heat-(\d): ([#\w]+);", css))
    assert on_screen["0"] == "transparent" and bodymap.HEAT_FILLS[0] == "#ffffff"
    assert [on_screen[str(level)] for level in range(1, 6)] == list(bodymap.HEAT_FILLS[1:])


def test_without_weasyprint_the_download_says_so_and_the_page_still_works(
    client, diary_alice, carol, monkeypatch
):
    def missing():
        raise pdf.PdfUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf, "_response_class", missing)
    client.force_login(carol)
    response = client.get(pdf_url(diary_alice))
    assert response.status_code == 503
    assert "PDF download unavailable" in response.content.decode()
    assert "Use Print on the report page" in response.content.decode()
    report = reverse("clinic:report", kwargs={"patient_id": diary_alice.pk})
    assert client.get(report + f"?{PERIOD_QUERY}").status_code == 200


def test_the_pdf_runs_the_report_pages_queries(
    client, diary_alice, carol, django_assert_max_num_queries
):
    client.force_login(carol)
    with django_assert_max_num_queries(16):  # as the report page (test_views_report)
        assert client.get(pdf_url(diary_alice)).status_code == 200


def test_the_sharing_page_offers_the_patient_their_report_as_a_pdf(client, alice):
    client.force_login(alice)
    page = client.get(reverse("clinic:shares")).content.decode()
    assert f'href="{reverse("clinic:report_pdf", kwargs={"patient_id": alice.pk})}"' in page
    assert "Download my report (PDF" in page
