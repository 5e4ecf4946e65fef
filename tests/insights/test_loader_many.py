"""insights.loader.load_rows_many: loading many patients gives each one exactly the rows and the
arrays a load of that patient alone gives."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import numpy as np
import pytest
from django.utils import timezone

from diary import services
from diary.days import patient_today, patient_zone
from insights.loader import diary_from_rows, load_diary, load_rows_many

NOW = datetime(2026, 3, 10, 20, 0, tzinfo=UTC)  # 11 March, 10:00 in Kiritimati
ARRAYS = ("recorded", "headache_day", "migraine_day", "onset", "peak", "stress", "pain")
ARRAYS += ("sleep_minutes", "sleep_quality", "medication")


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def _diary(patient, days: int, *, offset: int = 0):
    today = patient_today(patient)
    medication, _ = services.medication_upsert(
        patient=patient, name="Ibuprofen", med_class="nsaid", default_amount=Decimal("400")
    )
    for back in range(days):
        day = today - timedelta(days=back)
        services.day_upsert(patient=patient, date=day, stress=(back + offset) % 11, headache=True)
        if back % 3 == 0:
            start = datetime.combine(day, time(6), tzinfo=patient_zone(patient))
            attack, _ = services.attack_upsert(
                patient=patient,
                started_at=start,
                ended_at=start + timedelta(hours=2),
                peak_intensity=5,
            )
            services.dose_upsert(
                patient=patient,
                medication=medication,
                attack=attack,
                taken_at=start + timedelta(minutes=30),
            )


def test_each_patient_gets_the_rows_and_arrays_a_load_of_their_own_gives(alice, bob):
    bob.patient_profile.timezone = "Pacific/Kiritimati"  # a day ahead of alice
    bob.patient_profile.save()
    bob.refresh_from_db()
    _diary(alice, 12)
    _diary(bob, 9, offset=5)
    todays = {p.pk: patient_today(p) for p in (alice, bob)}
    assert todays[bob.pk] == todays[alice.pk] + timedelta(days=1)
    many = load_rows_many([alice, bob], todays=todays)
    for patient in (alice, bob):
        today = todays[patient.pk]
        single = load_rows_many([patient], todays={patient.pk: today})[patient.pk]
        assert many[patient.pk] == single
        assert len(single.days) > 0 and len(single.attacks) > 0 and len(single.doses) > 0
        arrays = diary_from_rows(many[patient.pk], today=today, zone=patient_zone(patient))
        alone = load_diary(patient=patient, today=today)
        assert arrays.start == alone.start and arrays.n == alone.n
        for name in ARRAYS:
            np.testing.assert_array_equal(getattr(arrays, name), getattr(alone, name))


def test_rows_after_a_patients_own_today_are_left_out(alice, bob):
    _diary(bob, 3)
    bob_today = patient_today(bob)
    many = load_rows_many(
        [alice, bob], todays={alice.pk: date(2026, 3, 12), bob.pk: bob_today - timedelta(days=1)}
    )
    assert [row[0] for row in many[bob.pk].days] == [
        bob_today - timedelta(days=2),
        bob_today - timedelta(days=1),
    ]
    assert many[alice.pk].days == []


def test_three_queries_for_any_number_of_patients(alice, bob, django_assert_num_queries):
    _diary(alice, 4)
    _diary(bob, 4)
    todays = {p.pk: patient_today(p) for p in (alice, bob)}
    with django_assert_num_queries(3):
        load_rows_many([alice, bob], todays=todays)
