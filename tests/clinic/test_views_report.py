"""The report and FHIR download pages: who may open them, what they show, what gets logged."""

import json
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from accounts.models import AccessEvent
from accounts.services import share_revoke
from diary import services
from diary.days import patient_today
from insights.models import Insight
from tests.clinic.conftest import PERIOD, answer_sss_week
from tests.factories import ShareFactory

pytestmark = pytest.mark.django_db
PERIOD_QUERY = {"start": PERIOD[0].isoformat(), "end": PERIOD[1].isoformat()}


def report_url(patient, **query):
    url = reverse("clinic:report", kwargs={"patient_id": patient.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_clinician_with_share_sees_the_report_and_is_logged(client, diary_alice, carol):
    answer_sss_week(diary_alice)
    client.force_login(carol)
    response = client.get(report_url(diary_alice, **PERIOD_QUERY))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Headache days by month" in page
    assert "Meets the published ACR 2016 threshold" in page
    event = AccessEvent.objects.get(patient=diary_alice, actor=carol)
    assert event.action == "report"
    assert event.path.startswith(report_url(diary_alice))


def test_patient_sees_their_own_report_without_an_access_event(client, diary_alice):
    client.force_login(diary_alice)
    response = client.get(report_url(diary_alice, **PERIOD_QUERY))
    assert response.status_code == 200
    assert "Bad day at work" in response.content.decode()  # own notes
    assert not AccessEvent.objects.exists()


def test_notes_are_hidden_without_the_notes_scope(client, diary_alice, carol):
    client.force_login(carol)
    page = client.get(report_url(diary_alice, **PERIOD_QUERY)).content.decode()
    assert "Bad day at work" not in page
    assert "Started after a long meeting" not in page


def test_notes_are_shown_with_the_notes_scope(client, diary_alice, dave):
    ShareFactory(patient=diary_alice, clinician=dave, scope_notes=True)
    client.force_login(dave)
    page = client.get(report_url(diary_alice, **PERIOD_QUERY)).content.decode()
    assert "Bad day at work" in page


def test_insights_are_shown_only_with_the_insights_scope(client, diary_alice, dave):
    Insight.objects.create(
        patient=diary_alice,
        kind="stress_headache",
        status="found",
        effect=1.8,
        ci_low=1.2,
        ci_high=2.7,
        n_days=120,
        summary="Higher stress was followed by more headache onsets.",
    )
    ShareFactory(patient=diary_alice, clinician=dave, scope_insights=False)
    client.force_login(dave)
    page = client.get(report_url(diary_alice, **PERIOD_QUERY)).content.decode()
    assert "Higher stress was followed" not in page
    ShareFactory(patient=diary_alice, clinician=dave, scope_insights=True)
    page = client.get(report_url(diary_alice, **PERIOD_QUERY)).content.decode()
    assert "Higher stress was followed" in page


def test_clinician_with_insights_only_share_gets_404(client, diary_alice, dave):
    ShareFactory(patient=diary_alice, clinician=dave, scope_diary=False, scope_insights=True)
    client.force_login(dave)
    assert client.get(report_url(diary_alice)).status_code == 404


def test_report_defaults_to_the_last_90_days(client, diary_alice, carol):
    client.force_login(carol)
    response = client.get(report_url(diary_alice))
    assert response.status_code == 200
    data = response.context["report"]
    assert data.days == 90
    assert data.end == patient_today(diary_alice)


def test_report_for_an_empty_period_is_an_honest_200(client, diary_alice, carol):
    client.force_login(carol)
    response = client.get(report_url(diary_alice, start="2025-05-01", end="2025-05-31"))
    assert response.status_code == 200
    assert "No diary entries in this period" in response.content.decode()


@pytest.mark.parametrize(
    "query, field",
    [
        ({"start": "2026-02-10", "end": "2026-01-01"}, "start"),
        ({"start": "2024-01-01", "end": "2026-01-01"}, "start"),
        ({"start": "2026-01-01", "end": "2099-01-01"}, "end"),
        ({"start": "yesterday"}, "start"),
    ],
)
def test_bad_periods_get_a_field_error_and_400(client, diary_alice, carol, query, field):
    client.force_login(carol)
    response = client.get(report_url(diary_alice, **query))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not AccessEvent.objects.exists()


def test_fhir_download_for_a_clinician_is_logged_and_valid_json(client, diary_alice, carol):
    client.force_login(carol)
    response = client.get(reverse("clinic:fhir_export", kwargs={"patient_id": diary_alice.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert "attachment" in response["Content-Disposition"]
    bundle = json.loads(response.content)
    assert bundle["resourceType"] == "Bundle"
    assert AccessEvent.objects.get(actor=carol, patient=diary_alice).action == "fhir_export"
    assert "Bad day at work" not in response.content.decode()  # carol has no notes scope


def test_fhir_download_for_the_patient_includes_their_notes(client, diary_alice):
    client.force_login(diary_alice)
    response = client.get(reverse("clinic:fhir_export", kwargs={"patient_id": diary_alice.pk}))
    assert "Bad day at work" in response.content.decode()
    assert not AccessEvent.objects.exists()


def test_fhir_download_with_a_bad_period_answers_400_json(client, diary_alice):
    client.force_login(diary_alice)
    url = reverse("clinic:fhir_export", kwargs={"patient_id": diary_alice.pk})
    response = client.get(url + "?start=2026-03-01&end=2026-01-01")
    assert response.status_code == 400
    assert "start" in response.json()["errors"]


def test_revoking_ends_access_to_the_report_immediately(client, diary_alice, carol):
    client.force_login(carol)
    assert client.get(report_url(diary_alice)).status_code == 200
    share = diary_alice.shares_given.get(clinician=carol)
    share_revoke(patient=diary_alice, share_id=share.pk)
    assert client.get(report_url(diary_alice)).status_code == 404


def test_share_past_its_end_date_gives_404(client, diary_alice, dave):
    ShareFactory(patient=diary_alice, clinician=dave, ends_on=date(2026, 1, 1))
    client.force_login(dave)
    assert client.get(report_url(diary_alice)).status_code == 404


def test_report_page_query_count_is_constant(
    client, diary_alice, carol, django_assert_max_num_queries
):
    client.force_login(carol)
    with django_assert_max_num_queries(16):
        client.get(report_url(diary_alice, **PERIOD_QUERY))


def test_report_says_when_no_threshold_is_met(client, alice, carol):
    from diary import services

    services.day_upsert(patient=alice, date=patient_today(alice), stress=2, body_pain={"neck": 2})
    client.force_login(carol)
    page = client.get(report_url(alice)).content.decode()
    assert "No published threshold (chronic migraine, medication overuse, ACR 2016)" in page


def test_report_lists_insufficient_insights_in_one_line(client, diary_alice, carol):
    Insight.objects.create(
        patient=diary_alice, kind="sleep_pain", status="insufficient_data", summary="Needs more."
    )
    client.force_login(carol)
    response = client.get(report_url(diary_alice, **PERIOD_QUERY))
    assert [i.kind for i in response.context["insights_waiting"]] == ["sleep_pain"]
    assert "Not enough data yet for: sleep and next-day body pain" in response.content.decode()


def test_a_week_with_too_few_check_ins_shows_how_many_not_zero_areas(client, diary_alice, carol):
    client.force_login(carol)
    page = client.get(report_url(diary_alice, **PERIOD_QUERY)).content.decode()
    assert "Only 2 of 7 days of that week have a check-in" in page
    assert "2/7 days answered" in page
    assert "Does not meet" not in page and "0<small>/19" not in page


def test_the_report_shows_headache_days_without_a_duration(client, diary_alice, carol):
    client.force_login(carol)
    page = client.get(report_url(diary_alice, **PERIOD_QUERY)).content.decode()
    assert "1 of the 6 headache days have no duration" in page


def test_an_aura_over_60_minutes_is_flagged_for_assessment_in_the_report(
    client, diary_alice, carol
):
    services.attack_upsert(
        patient=diary_alice,
        started_at=datetime(2026, 2, 10, 9, tzinfo=UTC),
        ended_at=datetime(2026, 2, 10, 9, 20, tzinfo=UTC),
        peak_intensity=2,
        aura=True,
        aura_minutes=70,
    )
    client.force_login(carol)
    page = client.get(report_url(diary_alice, **PERIOD_QUERY)).content.decode()
    assert "Aura lasting over 60 minutes on" in page and "needs assessment" in page
    assert "aura over 60 min: assess" in page
