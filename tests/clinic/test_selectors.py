"""Many patients' day facts and dashboard rows: the same facts as the per-patient selector,
constant query counts whatever the number of patients."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from accounts.access import record_access
from clinic import selectors
from diary.days import patient_today
from diary.selectors import day_facts, day_facts_many
from insights.models import Insight
from tests.clinic.bulk_data import make_patients
from tests.clinic.conftest import PERIOD
from tests.factories import ClinicianFactory, ShareFactory

pytestmark = pytest.mark.django_db


def test_day_facts_of_many_patients_equal_the_per_patient_selector(diary_alice, bob):
    windows = {diary_alice.pk: PERIOD, bob.pk: PERIOD}
    bulk = day_facts_many(patients=[diary_alice, bob], windows=windows)
    assert bulk[diary_alice.pk] == day_facts(patient=diary_alice, start=PERIOD[0], end=PERIOD[1])
    assert bulk[bob.pk] == day_facts(patient=bob, start=PERIOD[0], end=PERIOD[1])


def test_day_facts_of_many_patients_respect_each_patients_own_window(diary_alice):
    """An attack just before the window still decides the onset, as in day_facts."""
    window = (date(2026, 1, 11), date(2026, 1, 31))
    bulk = day_facts_many(patients=[diary_alice], windows={diary_alice.pk: window})
    assert bulk[diary_alice.pk] == day_facts(patient=diary_alice, start=window[0], end=window[1])
    assert bulk[diary_alice.pk][0].headache_day  # 11 Jan, second day of A2
    assert not bulk[diary_alice.pk][0].onset


def test_day_facts_of_many_patients_on_generated_diaries_equal_the_per_patient_selector():
    clinician = ClinicianFactory()
    patients = make_patients(clinician=clinician, count=6, days=40, seed=7)
    windows = {}
    for patient in patients:
        today = patient_today(patient)
        windows[patient.pk] = (today - timedelta(days=39), today)
    bulk = day_facts_many(patients=patients, windows=windows)
    for patient in patients:
        start, end = windows[patient.pk]
        assert bulk[patient.pk] == day_facts(patient=patient, start=start, end=end)


def test_dashboard_row_figures_for_a_known_diary(alice, carol):
    from tests.clinic.conftest import build_fixed_diary

    build_fixed_diary(alice)
    # Pretend "now" is 28 Feb 2026 12:00 UTC: last 30 days = 30 Jan - 28 Feb.
    now = datetime(2026, 2, 28, 12, tzinfo=UTC)
    row = selectors.dashboard_rows(reader=carol, now=now)[0]
    assert row.patient == alice
    assert row.today == date(2026, 2, 28)
    assert row.last_entry == date(2026, 2, 25)
    assert (row.headache.now, row.headache.before) == (2, 4)  # 14, 20 Feb vs 5, 10, 11, 20 Jan
    assert row.headache.direction == "down"
    assert (row.migraine.now, row.migraine.before) == (1, 3)
    assert (row.medication.now, row.medication.before) == (2, 2)
    assert row.wpi is None and row.wpi_week.answered_days == 1  # 22-28 Feb: only 25 Feb
    assert row.acr.sss == 9 and row.acr.status == "too_few_days"  # 19-25 Feb: 20 and 25 Feb
    assert not row.chronic_pattern
    assert [(o.med_class, o.days, o.status) for o in row.overuse] == [
        ("non_opioid", 1, "below"),
        ("triptan", 1, "below"),
        ("multiple", 2, "below"),
    ]


def test_dashboard_and_report_show_the_same_wpi_like_counts_and_acr_screen(alice, carol):
    from clinic.report import build_report
    from tests.clinic.conftest import answer_sss_week, build_fixed_diary

    answer_sss_week(build_fixed_diary(alice))
    now = datetime(2026, 2, 28, 12, tzinfo=UTC)
    row = selectors.dashboard_rows(reader=carol, now=now)[0]
    report = build_report(patient=alice, start=PERIOD[0], end=PERIOD[1], include_notes=False)
    assert row.wpi == report.latest_wpi.wpi == 7  # 22-28 Feb: the seven areas of 25 Feb
    assert row.wpi_week == report.latest_wpi
    assert row.acr == report.acr  # the SSS of 25 Feb with the WPI-like of 19-25 Feb
    assert (row.acr.wpi, row.acr.status) == (12, "meets")


def test_dashboard_counts_found_insights_and_new_ones_since_the_last_view(alice, carol):
    Insight.objects.create(patient=alice, kind="pain_spread", status="found", summary="s")
    Insight.objects.create(patient=alice, kind="sleep_pain", status="not_found", summary="s")
    row = selectors.dashboard_rows(reader=carol)[0]
    assert (row.found_insights, row.new_insights) == (1, 1)
    record_access(actor=carol, patient=alice, action="report")
    row = selectors.dashboard_rows(reader=carol)[0]
    assert (row.found_insights, row.new_insights) == (1, 0)


def test_dashboard_leaves_unshared_scopes_empty(alice, dave):
    ShareFactory(patient=alice, clinician=dave, scope_diary=False, scope_insights=True)
    Insight.objects.create(patient=alice, kind="pain_spread", status="found", summary="s")
    row = selectors.dashboard_rows(reader=dave)[0]
    assert not row.diary_shared and row.insights_shared
    assert row.headache is None and row.wpi is None and row.found_insights == 1
    ShareFactory(patient=alice, clinician=dave, scope_diary=True, scope_insights=False)
    row = selectors.dashboard_rows(reader=dave)[0]
    assert row.diary_shared and row.headache is not None


def test_dashboard_lists_only_active_shares(alice, bob, carol, erin):
    ShareFactory(patient=bob, clinician=carol, revoked_at=timezone.now())
    assert [row.patient for row in selectors.dashboard_rows(reader=carol)] == [alice]
    assert selectors.dashboard_rows(reader=erin) == []


def test_dashboard_sorts_by_headache_days_most_first():
    clinician = ClinicianFactory()
    make_patients(clinician=clinician, count=8, days=30, seed=3)
    rows = selectors.dashboard_rows(reader=clinician, sort="headache")
    counts = [row.headache.now for row in rows]
    assert counts == sorted(counts, reverse=True)
    names = [row.patient.email for row in selectors.dashboard_rows(reader=clinician)]
    assert names == sorted(names)


def _count_queries(clinician):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        rows = selectors.dashboard_rows(reader=clinician, sort="headache")
    return len(captured), rows


def test_dashboard_query_count_is_the_same_for_5_and_50_patients():
    small, large = ClinicianFactory(), ClinicianFactory()
    make_patients(clinician=small, count=5, days=60, seed=1)
    make_patients(clinician=large, count=50, days=60, seed=2)
    small_count, small_rows = _count_queries(small)
    large_count, large_rows = _count_queries(large)
    assert (len(small_rows), len(large_rows)) == (5, 50)
    assert small_count == large_count <= 9


def test_dashboard_summary_is_cached_until_the_diary_changes(alice, carol, monkeypatch):
    from datetime import datetime as dt

    from diary import services

    calls = []
    original = selectors.day_facts_many

    def counting(**kwargs):
        calls.append(set(kwargs["windows"]))
        return original(**kwargs)

    monkeypatch.setattr(selectors, "day_facts_many", counting)
    services.day_upsert(patient=alice, date=patient_today(alice), stress=3)
    first = selectors.dashboard_rows(reader=carol)[0]
    assert calls == [{alice.pk}] and first.headache.now == 0
    assert selectors.dashboard_rows(reader=carol)[0].headache == first.headache
    assert calls[-1] == set()  # served from the cache
    started = dt.now(tz=UTC) - timedelta(hours=3)
    services.attack_upsert(
        patient=alice, started_at=started, ended_at=started + timedelta(hours=2), peak_intensity=6
    )
    assert selectors.dashboard_rows(reader=carol)[0].headache.now == 1
    assert calls[-1] == {alice.pk}


def test_patients_with_an_ongoing_attack_are_never_served_from_the_cache(alice, carol):
    from datetime import datetime as dt

    from diary import services

    services.attack_upsert(
        patient=alice, started_at=dt.now(tz=UTC) - timedelta(minutes=10), peak_intensity=5
    )
    patient = selectors._shared_patients(carol)[0]
    assert patient.has_ongoing_attack
    assert selectors._summary_key(patient, patient_today(alice)) is None


def test_dashboard_works_when_the_cache_is_down(alice, carol, monkeypatch):
    class Broken:
        def get_many(self, keys):
            raise ConnectionError("cache down")

        def set_many(self, entries, timeout):
            raise ConnectionError("cache down")

    monkeypatch.setattr(selectors, "cache", Broken())
    from diary import services

    services.day_upsert(patient=alice, date=patient_today(alice), stress=3)
    assert selectors.dashboard_rows(reader=carol)[0].headache.now == 0
