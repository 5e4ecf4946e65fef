"""CSV download and upload pages (diary:export_csv, diary:import_csv)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from diary import csv_export, csv_import
from diary.models import Day
from tests.diary.test_csv_import import EXAMPLE

pytestmark = pytest.mark.django_db

EXPORT = reverse("diary:export_csv")
IMPORT = reverse("diary:import_csv")


def upload(text, name="diary.csv", encoding="utf-8"):
    data = text.encode(encoding) if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def test_export_downloads_the_patients_csv_as_an_attachment(alice_client, alice):
    csv_import.import_csv(alice, EXAMPLE)
    response = alice_client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="flaremap-diary-')
    assert {"no-store", "private"} <= set(response["Cache-Control"].split(", "))
    assert response.content.decode("utf-8") == EXAMPLE


def test_export_accepts_a_date_range_and_refuses_a_bad_one(alice_client, alice):
    csv_import.import_csv(alice, EXAMPLE)
    response = alice_client.get(EXPORT, {"start": "2026-03-02"})
    assert response.content.decode().splitlines()[1:] == ["2026-03-02,0,,,,,2,7.5,4,neck:2,"]
    bad = alice_client.get(EXPORT, {"end": "soon"})
    assert bad.status_code == 400
    assert "end must be a date" in bad.content.decode()


def test_export_never_includes_another_patients_days(alice_client, bob):
    csv_import.import_csv(bob, EXAMPLE)
    assert alice_client.get(EXPORT).content.decode() == ",".join(csv_export.COLUMNS) + "\n"


def test_export_runs_a_constant_number_of_queries(
    alice_client, alice, django_assert_max_num_queries
):
    csv_import.import_csv(alice, EXAMPLE)
    with django_assert_max_num_queries(9):
        alice_client.get(EXPORT)


@pytest.mark.parametrize("url", [EXPORT, IMPORT])
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("url", [EXPORT, IMPORT])
def test_clinicians_have_no_diary_to_import_or_export(client, carol, url):
    client.force_login(carol)
    assert client.get(url).status_code == 403


def test_the_import_page_offers_a_labelled_file_field_and_the_format(alice_client):
    response = alice_client.get(IMPORT)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in html
    assert '<label for="id_file">CSV file' in html
    assert 'accept=".csv,text/csv"' in html
    assert ",".join(csv_export.COLUMNS) in html
    assert "css/csv_io.css" in html


def test_an_upload_with_a_day_before_1900_or_a_nul_byte_shows_the_lines(alice_client, alice):
    text = "date,stress,notes\n1899-12-31,3,\n2026-03-01,3,a\x00b\n"
    html = alice_client.post(IMPORT, {"file": upload(text)}).content.decode()
    assert "from 1900 on" in html
    assert "Line 2</span> date 1899-12-31 is before 1900" in html
    assert "Line 3</span> notes holds a NUL byte" in html
    assert not Day.objects.filter(patient=alice).exists()


def test_uploading_a_good_file_imports_it_and_shows_the_summary(alice_client, alice):
    response = alice_client.post(IMPORT, {"file": upload(EXAMPLE)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Import complete" in html
    assert "Imported 2 row(s): 2 new day(s), 0 updated, 0 unchanged." in html
    assert Day.objects.filter(patient=alice).count() == 2


def test_uploading_a_bad_file_lists_each_problem_with_its_line_and_imports_nothing(
    alice_client, alice
):
    text = EXAMPLE + "2026-03-03,,,,,,11,,,,\n2026-03-04,,,,,,,,,elbow:2,\n"
    response = alice_client.post(IMPORT, {"file": upload(text)})
    html = response.content.decode()
    assert "Nothing was imported" in html
    assert "Line 4</span> stress must be a whole number from 0 to 10" in html
    assert "Line 5</span> body_pain: unknown region “elbow”" in html
    assert not Day.objects.filter(patient=alice).exists()


def test_warnings_are_shown_after_a_successful_import(alice_client):
    response = alice_client.post(IMPORT, {"file": upload("date,stress,mood\n2026-03-01,2,3\n")})
    assert "Line 1</span> unknown column “mood” is ignored" in response.content.decode()


def test_check_only_writes_nothing(alice_client, alice):
    response = alice_client.post(IMPORT, {"file": upload(EXAMPLE), "dry_run": "on"})
    assert "File checked" in response.content.decode()
    assert not Day.objects.filter(patient=alice).exists()


def test_a_file_over_one_megabyte_is_refused_with_a_field_error(alice_client, alice):
    big = "date,notes\n" + "x" * (1024 * 1024)
    response = alice_client.post(IMPORT, {"file": upload(big)})
    assert "larger than 1 MB" in response.content.decode()
    assert not Day.objects.filter(patient=alice).exists()


def test_a_non_utf8_file_is_refused_with_a_field_error(alice_client):
    response = alice_client.post(
        IMPORT, {"file": upload("date,notes\n2026-03-01,café\n", encoding="latin-1")}
    )
    assert "not UTF-8 text" in response.content.decode()


def test_posting_without_a_file_asks_for_one(alice_client):
    response = alice_client.post(IMPORT, {})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()


def test_the_upload_needs_the_csrf_token(alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(IMPORT, {"file": upload(EXAMPLE)}).status_code == 403


def test_an_upload_with_too_many_days_asks_to_split_it(alice_client, alice, monkeypatch):
    from diary import views_io

    monkeypatch.setattr(views_io, "MAX_UPLOAD_ROWS", 10)
    rows = "".join(f"2025-{1 + i // 28:02d}-{1 + i % 28:02d},,,,,,3,,,,\n" for i in range(12))
    text = ",".join(csv_export.COLUMNS) + "\n" + rows
    response = alice_client.post(IMPORT, {"file": upload(text)})
    assert "import at most 10 at a time" in response.content.decode()
    assert not Day.objects.filter(patient=alice).exists()
