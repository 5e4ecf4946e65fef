from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from django.utils import timezone

from diary import scales, services
from insights.loader import load_diary

LONDON = ZoneInfo("Europe/London")
TODAY = date(2025, 3, 31)
NOW = datetime(2025, 3, 31, 12, tzinfo=LONDON)


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def _load(patient):
    patient.refresh_from_db()
    return load_diary(patient=patient, today=TODAY, now=NOW)


def _migraine(patient, day: date, hours: int = 6, **features):
    features = features or {"unilateral": True, "pulsating": True, "nausea": True}
    attack, _ = services.attack_upsert(
        patient=patient,
        started_at=_at(day, 9),
        ended_at=_at(day, 9) + timedelta(hours=hours),
        peak_intensity=7,
        **features,
    )
    return attack


def test_one_row_per_calendar_day_from_the_first_entry_to_today(alice):
    services.day_upsert(patient=alice, date=date(2025, 3, 1), stress=4)
    diary = _load(alice)
    assert diary.start == date(2025, 3, 1)
    assert diary.n == 31
    assert diary.recorded.sum() == 1


def test_day_columns_become_arrays_with_nan_for_missing(alice):
    services.day_upsert(
        patient=alice,
        date=date(2025, 3, 1),
        stress=6,
        sleep_quality=2,
        total_sleep_min=300,
        body_pain={"neck": 5, "hip_left": 3},
    )
    services.day_upsert(patient=alice, date=date(2025, 3, 3), stress=2)
    diary = _load(alice)
    assert diary.stress[:3].tolist()[0] == 6 and np.isnan(diary.stress[1])
    assert diary.sleep_minutes[0] == 300 and diary.sleep_quality[0] == 2
    assert diary.pain[0, scales.PAIN_AREA_CODES.index("neck")] == 5
    assert diary.painful_areas[:3].tolist()[0] == 2
    assert np.isnan(diary.painful_areas[1]) and diary.painful_areas[2] == 0


def test_headache_and_migraine_days_come_from_the_day_definitions(alice):
    services.day_upsert(patient=alice, date=date(2025, 3, 1), stress=3)
    _migraine(alice, date(2025, 3, 10))
    _migraine(alice, date(2025, 3, 20), unilateral=True)  # not migraine-like: C and D unmet
    diary = _load(alice)
    index = (date(2025, 3, 10) - diary.start).days
    assert diary.headache_day[index] and diary.migraine_day[index] and diary.onset[index]
    assert diary.peak[index] == 7
    other = (date(2025, 3, 20) - diary.start).days
    assert diary.headache_day[other] and not diary.migraine_day[other]


def test_a_relapse_within_a_day_is_not_a_new_onset(alice):
    _migraine(alice, date(2025, 3, 10))
    _migraine(alice, date(2025, 3, 11))
    diary = _load(alice)
    assert diary.onset[:2].tolist() == [True, False]
    assert diary.headache_day[:2].tolist() == [True, True]


def test_answering_headache_yes_without_details_makes_a_headache_day(alice):
    services.day_upsert(patient=alice, date=date(2025, 3, 5), headache=True)
    diary = _load(alice)
    assert diary.headache_day[0] and not diary.onset[0]


def test_acute_medication_days_per_class(alice):
    triptan, _ = services.medication_upsert(
        patient=alice, name="Sumatriptan", med_class="triptan", kind="acute"
    )
    preventive, _ = services.medication_upsert(
        patient=alice, name="Propranolol", med_class="other", kind="preventive"
    )
    attack = _migraine(alice, date(2025, 3, 10))
    services.dose_upsert(
        patient=alice, medication=triptan, attack=attack, taken_at=_at(date(2025, 3, 10), 10)
    )
    services.dose_upsert(patient=alice, medication=preventive, taken_at=_at(date(2025, 3, 11), 8))
    diary = _load(alice)
    triptan_column = scales.MEDICATION_CLASS_CODES.index("triptan")
    assert diary.medication[:, triptan_column].sum() == 1
    assert diary.medication[0, triptan_column]
    assert diary.medication.sum() == 1  # preventive doses are not acute-medication days


def test_deleted_days_and_other_patients_are_not_loaded(alice, bob):
    services.day_upsert(patient=alice, date=date(2025, 3, 1), stress=4)
    services.day_upsert(patient=alice, date=date(2025, 3, 2), stress=9)
    services.day_delete(patient=alice, date=date(2025, 3, 2))
    services.day_upsert(patient=bob, date=date(2025, 3, 2), stress=7)
    diary = _load(alice)
    assert diary.recorded.sum() == 1
    assert np.nanmax(diary.stress) == 4


def test_a_patient_without_entries_has_an_empty_diary(alice):
    assert _load(alice).n == 0


def test_loading_takes_three_queries_whatever_the_diary_size(alice, django_assert_num_queries):
    for offset in range(20):
        services.day_upsert(patient=alice, date=date(2025, 3, 1) + timedelta(days=offset))
        _migraine(alice, date(2025, 3, 1) + timedelta(days=offset))
    alice.refresh_from_db()
    alice = type(alice).objects.select_related("patient_profile").get(pk=alice.pk)
    with django_assert_num_queries(3):
        load_diary(patient=alice, today=TODAY, now=timezone.now())


def test_zero_stress_stays_zero_and_missing_items_are_nan(alice):
    services.day_upsert(patient=alice, date=date(2025, 3, 1), stress=0, total_sleep_min=0)
    diary = _load(alice)
    assert diary.stress[0] == 0 and diary.sleep_minutes[0] == 0
    assert np.isnan(diary.sleep_quality[0])


def test_a_pain_area_never_marked_is_zero_on_logged_days_and_nan_on_others(alice):
    services.day_upsert(patient=alice, date=date(2025, 3, 1), body_pain={"neck": 4})
    services.day_upsert(patient=alice, date=date(2025, 3, 3), stress=2)
    diary = _load(alice)
    hip = scales.PAIN_AREA_CODES.index("hip_left")
    assert diary.pain[[0, 2], hip].tolist() == [0.0, 0.0]
    assert np.isnan(diary.pain[1]).all()


def test_a_20_minute_headache_over_the_clock_change_is_not_a_headache_day(alice):
    services.attack_upsert(
        patient=alice,
        started_at=datetime(2025, 3, 30, 0, 50, tzinfo=LONDON),  # 00:50 GMT
        ended_at=datetime(2025, 3, 30, 2, 10, tzinfo=LONDON),  # 02:10 BST, 20 minutes later
        peak_intensity=6,
    )
    services.attack_upsert(
        patient=alice,
        started_at=datetime(2025, 3, 30, 9, tzinfo=LONDON),
        ended_at=datetime(2025, 3, 30, 9, 40, tzinfo=LONDON),
        peak_intensity=3,
    )
    diary = _load(alice)
    assert diary.start == date(2025, 3, 29)
    assert diary.headache_day[:2].tolist() == [False, True]


def test_an_attack_still_open_covers_every_day_until_today(alice):
    services.attack_upsert(
        patient=alice, started_at=_at(date(2025, 3, 29), 20), peak_intensity=5, ended_at=None
    )
    diary = _load(alice)
    assert diary.headache_day.tolist() == [True, True, True]
    assert diary.onset.tolist() == [True, False, False]


def test_an_acute_dose_without_an_attack_marks_only_its_medication_day(alice):
    nsaid, _ = services.medication_upsert(
        patient=alice, name="Ibuprofen", med_class="nsaid", kind="acute"
    )
    services.day_upsert(patient=alice, date=date(2025, 3, 1), stress=1)
    services.dose_upsert(patient=alice, medication=nsaid, taken_at=_at(date(2025, 3, 2), 10))
    diary = _load(alice)
    assert diary.medication[:, scales.MEDICATION_CLASS_CODES.index("nsaid")][:3].tolist() == [
        False,
        True,
        False,
    ]
    assert not diary.headache_day.any()
