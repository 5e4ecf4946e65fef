"""Daily CSV export (diary.csv_export): one row per diary day as the read model describes it,
formula-safe free text, and files the import reads back exactly."""

import csv
import io
from datetime import date, datetime, time, timedelta

import pytest

from diary import csv_export, csv_import, selectors, services
from diary.days import patient_today, patient_zone
from diary.models import Day, HeadacheAttack
from tests.diary.test_csv_import import EXAMPLE, HEADER, errors_of

pytestmark = pytest.mark.django_db


def test_an_empty_diary_exports_only_the_header(alice):
    assert csv_export.export_csv(alice) == HEADER + "\n"


def test_the_format_documents_example_round_trips_exactly(alice):
    report = csv_import.import_csv(alice, EXAMPLE)
    assert report.ok, errors_of(report)
    assert csv_export.export_csv(alice) == EXAMPLE


def test_export_describes_app_entered_attacks_per_diary_day(alice):
    zone = patient_zone(alice)
    start = datetime(2026, 3, 1, 22, 0, tzinfo=zone)
    services.attack_upsert(
        patient=alice,
        started_at=start,
        ended_at=start + timedelta(hours=12),
        peak_intensity=8,
        nausea=True,
        aura=True,
    )
    text = csv_export.export_csv(alice)
    assert text.splitlines()[1:] == [
        "2026-03-01,1,8,6,nausea;aura,,,,,,",
        "2026-03-02,1,8,6,nausea;aura,,,,,,",
    ]


def test_export_takes_headache_hours_and_peak_from_the_read_model(alice):
    zone = patient_zone(alice)
    base = datetime(2026, 3, 1, 9, tzinfo=zone)
    services.attack_upsert(
        patient=alice, started_at=base, ended_at=base + timedelta(hours=4), peak_intensity=3
    )
    services.attack_upsert(
        patient=alice,
        started_at=base + timedelta(hours=2),
        ended_at=base + timedelta(hours=5),
        peak_intensity=6,
    )
    (fact,) = selectors.day_facts(patient=alice, start=date(2026, 3, 1), end=date(2026, 3, 1))
    hours = csv_export.format_hours(fact.headache_minutes)
    assert csv_export.export_csv(alice).splitlines()[1] == f"2026-03-01,1,6,{hours},,,,,,,"


def test_export_lists_acute_doses_in_the_order_taken_but_not_preventives(alice):
    zone = patient_zone(alice)
    ibuprofen = services.medication_for_name(patient=alice, name="ibuprofen", med_class="nsaid")
    triptan = services.medication_for_name(patient=alice, name="sumatriptan", med_class="triptan")
    preventive, _ = services.medication_upsert(
        patient=alice, name="amitriptyline", med_class="other", kind="preventive"
    )
    for medication, hour in ((triptan, 9), (ibuprofen, 8), (preventive, 21)):
        services.dose_upsert(
            patient=alice,
            medication=medication,
            taken_at=datetime(2026, 3, 1, hour, tzinfo=zone),
        )
    # a triptan day is a migraine day, hence a headache day (IHS guidelines; diary.derive)
    assert csv_export.export_csv(alice).splitlines()[1] == (
        "2026-03-01,1,,,,ibuprofen|nsaid;sumatriptan|triptan,,,,,"
    )


def test_export_omits_deleted_entries_and_other_patients(alice, bob):
    services.day_upsert(patient=alice, date=date(2026, 3, 1), stress=4)
    services.day_upsert(patient=alice, date=date(2026, 3, 2), stress=5)
    services.day_delete(patient=alice, date=date(2026, 3, 2))
    services.day_upsert(patient=bob, date=date(2026, 3, 3), stress=9)
    assert csv_export.export_csv(alice).splitlines()[1:] == ["2026-03-01,,,,,,4,,,,"]


def test_export_can_be_limited_to_a_date_range(alice):
    for offset in range(5):
        services.day_upsert(patient=alice, date=date(2026, 3, 1) + timedelta(days=offset), stress=1)
    text = csv_export.export_csv(alice, start=date(2026, 3, 2), end=date(2026, 3, 3))
    assert [line[:10] for line in text.splitlines()[1:]] == ["2026-03-02", "2026-03-03"]


def test_export_quotes_notes_with_commas_quotes_and_line_breaks(alice):
    note = 'Long day, "awful" light\nslept late'
    services.day_upsert(patient=alice, date=date(2026, 3, 1), notes=note)
    text = csv_export.export_csv(alice)
    assert '"Long day, ""awful"" light\nslept late"' in text
    other = csv_import.import_csv(alice, text)
    assert other.unchanged == 1


def test_export_reads_a_whole_diary_in_a_constant_number_of_queries(
    alice, django_assert_max_num_queries
):
    zone = patient_zone(alice)
    for offset in range(20):
        day = date(2026, 3, 1) + timedelta(days=offset)
        services.day_upsert(patient=alice, date=day, stress=offset % 10, body_pain={"neck": 3})
        start = datetime.combine(day, time(10), tzinfo=zone)
        attack, _ = services.attack_upsert(
            patient=alice, started_at=start, ended_at=start + timedelta(hours=3), peak_intensity=5
        )
        services.dose_upsert(
            patient=alice,
            medication=services.medication_for_name(patient=alice, name="ibu", med_class="nsaid"),
            attack=attack,
            taken_at=start,
        )
    with django_assert_max_num_queries(6):
        text = csv_export.export_csv(alice)
    assert len(text.splitlines()) == 21


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(None, ""), (0, "0"), (390, "6.5"), (400, "6.67"), (600, "10"), (1, "0.02")],
)
def test_hours_are_written_with_at_most_two_decimals(minutes, text):
    assert csv_export.format_hours(minutes) == text


# --- clock changes ------------------------------------------------------------------------------

LONG_DAY, SHORT_DAY = date(2026, 10, 24), date(2026, 3, 28)  # Europe/London: 25 and 23 hours


@pytest.mark.parametrize(("day", "hours"), [(LONG_DAY, "24"), (SHORT_DAY, "23")])
def test_a_headache_filling_a_day_across_a_clock_change_exports_what_the_import_accepts(
    alice, bob, day, hours
):
    zone = patient_zone(alice)
    start = datetime.combine(day, time(3), tzinfo=zone)
    services.attack_upsert(
        patient=alice, started_at=start, ended_at=start + timedelta(hours=27), peak_intensity=5
    )
    text = csv_export.export_csv(alice, start=day, end=day)
    assert text.splitlines()[1] == f"{day.isoformat()},1,5,{hours},,,,,,,"
    report = csv_import.import_csv(bob, text)
    assert report.ok, errors_of(report)
    assert csv_export.export_csv(bob, start=day, end=day) == text


def test_every_day_around_both_clock_changes_round_trips(alice, bob):
    zone = patient_zone(alice)
    for first in (SHORT_DAY, LONG_DAY):
        start = datetime.combine(first - timedelta(days=2), time(22), tzinfo=zone)
        services.attack_upsert(
            patient=alice, started_at=start, ended_at=start + timedelta(hours=100), peak_intensity=7
        )
    text = csv_export.export_csv(alice)
    assert len(text.splitlines()) == 1 + 2 * 5
    assert csv_import.import_csv(bob, text).ok
    assert csv_export.export_csv(bob) == text


def test_a_headache_split_at_four_keeps_its_dose_on_the_other_day(alice, bob):
    """Under 30 minutes on a day, it counts only as a treated attack: the import links it."""
    zone = patient_zone(alice)
    start = datetime(2026, 3, 1, 22, tzinfo=zone)
    attack, _ = services.attack_upsert(
        patient=alice,
        started_at=start,
        ended_at=start + timedelta(hours=6, minutes=20),
        peak_intensity=6,
    )
    services.dose_upsert(
        patient=alice,
        medication=services.medication_for_name(patient=alice, name="suma", med_class="triptan"),
        attack=attack,
        taken_at=start + timedelta(hours=1),
    )
    text = csv_export.export_csv(alice)
    assert text.splitlines()[2] == "2026-03-02,1,6,0.33,,,,,,,"
    assert csv_import.import_csv(bob, text).ok
    assert csv_export.export_csv(bob) == text


# --- spreadsheet formulas (OWASP CSV injection) -----------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_note_a_spreadsheet_would_run_gets_a_leading_quote(alice, start):
    services.day_upsert(patient=alice, date=date(2026, 3, 1), notes=f"{start}1+cmd|' /C calc'!A0")
    _, row = csv.reader(io.StringIO(csv_export.export_csv(alice), newline=""))
    assert row[10] == f"'{start}1+cmd|' /C calc'!A0"


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_a_medication_name_a_spreadsheet_would_run_gets_a_leading_quote(alice, start):
    name = f"{start}HYPERLINK(x)"
    services.dose_upsert(
        patient=alice,
        medication=services.medication_for_name(patient=alice, name=name, med_class="other"),
        taken_at=datetime(2026, 3, 1, 9, tzinfo=patient_zone(alice)),
    )
    text = csv_export.export_csv(alice)
    assert text.splitlines()[1] == f"2026-03-01,,,,,'{name}|other,,,,,"


@pytest.mark.parametrize(
    "note", ["=1+1", "'=1+1", "''=1+1", "'", "'plain", "-", "\t@x", "a=b", "'\r", ""]
)
def test_notes_round_trip_exactly_through_the_quote(alice, bob, note):
    services.day_upsert(patient=alice, date=date(2026, 3, 1), notes=note, stress=1)
    report = csv_import.import_csv(bob, csv_export.export_csv(alice))
    assert report.ok, errors_of(report)
    assert Day.objects.get(patient=bob).notes == note
    assert csv_import.import_csv(alice, csv_export.export_csv(alice)).unchanged == 1


def test_a_clinician_without_the_notes_scope_gets_the_notes_column_empty(alice):
    services.day_upsert(patient=alice, date=date(2026, 3, 1), notes="private", stress=2)
    assert csv_export.export_csv(alice, notes=False).splitlines()[1] == "2026-03-01,,,,,,2,,,,"


def test_a_range_at_the_ends_of_the_calendar_exports_without_error(alice):
    services.day_upsert(patient=alice, date=date(2026, 3, 1), stress=2)
    text = csv_export.export_csv(alice, start=date(1, 1, 1), end=date(9999, 12, 31))
    assert text.splitlines()[1:] == ["2026-03-01,,,,,,2,,,,"]
    assert csv_export.export_csv(alice, start=date(1, 1, 1), end=date(1, 1, 2)) == HEADER + "\n"


def test_a_pain_score_without_times_round_trips(alice, bob):
    day = patient_today(alice) - timedelta(days=2)
    services.day_upsert(patient=alice, date=day, headache=True, headache_peak=6)
    text = csv_export.export_csv(alice)
    assert f"{day},1,6,," in text
    assert csv_import.import_csv(bob, text).ok
    assert csv_export.export_csv(bob) == text
    assert Day.objects.get(patient=bob, date=day).headache_peak == 6
    assert not HeadacheAttack.objects.filter(patient=bob).exists()
