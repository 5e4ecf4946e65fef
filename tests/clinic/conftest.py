"""A small fixed diary whose report figures are computed by hand in tests/clinic/test_report.py.

Patient ``alice`` (Europe/London, UTC+0 in winter), January and February 2026:

attacks                                       doses
A1 5 Jan 08:00-14:00 peak 7, unilateral,      Sumatriptan (triptan) 5 Jan 09:00 -> A1
   pulsating, nausea (ICHD-3 C+D)
A2 10 Jan 20:00 - 11 Jan 10:00 peak 5,        -
   pulsating, activity, photo+phonophobia
A3 20 Jan 15:00-15:20 peak 3, no features     Ibuprofen (NSAID) 20 Jan 15:05 -> A3
A4 3 Feb 10:00-10:20 peak 2, untreated        -
A5 14 Feb 09:00-13:00 peak 4, no features     Sumatriptan 14 Feb 09:30 -> A5
                                              Ibuprofen 21 Feb 12:00 (no attack)
                                              Propranolol (preventive) 2 and 3 Jan
day rows: 5, 6, 7 Jan; 3, 20 (headache: yes, no details), 25 Feb.
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from accounts.models import PatientProfile
from diary import services

LONDON = ZoneInfo("Europe/London")
PERIOD = (date(2026, 1, 1), date(2026, 2, 28))
SLEEP_A = {  # TIB 480, TST 440, SE 91.7
    "bedtime": time(23, 0),
    "sleep_latency_min": 20,
    "waso_min": 20,
    "final_wake": time(7, 0),
    "rise_time": time(7, 0),
}
SLEEP_B = {  # TIB 480, TST 360, SE 75.0
    "bedtime": time(23, 0),
    "sleep_latency_min": 60,
    "waso_min": 60,
    "final_wake": time(7, 0),
    "rise_time": time(7, 0),
}
SLEEP_C = {  # TIB 480, TST 480, SE 100.0
    "bedtime": time(22, 0),
    "sleep_latency_min": 0,
    "waso_min": 0,
    "final_wake": time(6, 0),
    "rise_time": time(6, 0),
}


def at(day: int, month: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LONDON)


def build_fixed_diary(patient):
    """Write the diary above through the diary services (the path every client uses)."""
    PatientProfile.objects.filter(user=patient).update(
        timezone="Europe/London",
        year_of_birth=1985,
        sex="female",
        diagnoses="Migraine without aura\nFibromyalgia",
        family_history_migraine="first_degree",
        family_history_chronic_pain="other",
    )
    patient.refresh_from_db()
    suma = services.medication_for_name(patient=patient, name="Sumatriptan", med_class="triptan")
    ibu = services.medication_for_name(patient=patient, name="Ibuprofen", med_class="nsaid")
    propranolol, _ = services.medication_upsert(
        patient=patient, name="Propranolol", med_class="other", kind="preventive"
    )
    a1, _ = services.attack_upsert(
        patient=patient,
        started_at=at(5, 1, 8),
        ended_at=at(5, 1, 14),
        peak_intensity=7,
        unilateral=True,
        pulsating=True,
        nausea=True,
        notes="Started after a long meeting",
    )
    services.attack_upsert(
        patient=patient,
        started_at=at(10, 1, 20),
        ended_at=at(11, 1, 10),
        peak_intensity=5,
        pulsating=True,
        worse_with_activity=True,
        photophobia=True,
        phonophobia=True,
    )
    a3, _ = services.attack_upsert(
        patient=patient, started_at=at(20, 1, 15), ended_at=at(20, 1, 15, 20), peak_intensity=3
    )
    services.attack_upsert(
        patient=patient, started_at=at(3, 2, 10), ended_at=at(3, 2, 10, 20), peak_intensity=2
    )
    a5, _ = services.attack_upsert(
        patient=patient, started_at=at(14, 2, 9), ended_at=at(14, 2, 13), peak_intensity=4
    )
    services.dose_upsert(patient=patient, medication=suma, attack=a1, taken_at=at(5, 1, 9))
    services.dose_upsert(patient=patient, medication=ibu, attack=a3, taken_at=at(20, 1, 15, 5))
    services.dose_upsert(patient=patient, medication=suma, attack=a5, taken_at=at(14, 2, 9, 30))
    services.dose_upsert(patient=patient, medication=ibu, taken_at=at(21, 2, 12))
    services.dose_upsert(patient=patient, medication=propranolol, taken_at=at(2, 1, 8))
    services.dose_upsert(patient=patient, medication=propranolol, taken_at=at(3, 1, 8))
    days = [
        (date(2026, 1, 5), 6, {"neck": 5, "shoulder_left": 3}, SLEEP_A, "Bad day at work"),
        (date(2026, 1, 6), 8, {"neck": 4, "upper_back": 2, "lower_back": 3}, SLEEP_B, ""),
        (date(2026, 1, 7), 2, {}, SLEEP_C, ""),
        (date(2026, 2, 3), 4, {"neck": 2}, {"total_sleep_min": 300}, ""),
        (
            date(2026, 2, 20),
            7,
            {
                "neck": 6,
                "shoulder_left": 5,
                "shoulder_right": 5,
                "lower_back": 4,
                "upper_leg_left": 3,
                "upper_leg_right": 3,
                "lower_leg_left": 2,
                "chest": 2,
            },
            {**SLEEP_A, "headache": True},
            "",
        ),
        (
            date(2026, 2, 25),
            3,
            {
                "neck": 3,
                "shoulder_left": 2,
                "lower_back": 2,
                "hip_left": 2,
                "hip_right": 2,
                "upper_arm_right": 2,
                "jaw_left": 2,
            },
            SLEEP_B,
            "",
        ),
    ]
    for day, stress, pain, extra, notes in days:
        services.day_upsert(
            patient=patient, date=day, stress=stress, body_pain=pain, notes=notes, **extra
        )
    services.questionnaire_upsert(
        patient=patient,
        instrument="sss",
        date=date(2026, 2, 25),
        answers={
            "fatigue": 3,
            "waking_unrefreshed": 2,
            "cognitive_symptoms": 2,
            "headaches": 1,
            "lower_abdominal_pain": 0,
            "depression": 1,
        },
    )
    services.questionnaire_upsert(
        patient=patient,
        instrument="asc12",
        date=date(2026, 1, 7),
        answers=[2, 2, 0, 1, 0, 0, 1, 2, 0, 1, 0, 0],
    )
    services.questionnaire_upsert(
        patient=patient, instrument="pss4", date=date(2026, 2, 25), answers=[3, 1, 1, 3]
    )
    return patient


SSS_WEEK_CHECK_INS = tuple(date(2026, 2, day) for day in (21, 22, 23, 24))


def answer_sss_week(patient):
    """Pain-free check-ins on 21-24 Feb: with 20 and 25 Feb, 6 of the 7 days of the SSS's week
    (19-25 Feb) and 4 of 22-28 Feb are answered, enough for WPI-like counts (the fixed diary
    alone has 2 and 1)."""
    for day in SSS_WEEK_CHECK_INS:
        services.day_upsert(patient=patient, date=day, stress=3)
    return patient


@pytest.fixture
def diary_alice(alice):
    return build_fixed_diary(alice)


@pytest.fixture
def diary_alice_sss_week(alice):
    return answer_sss_week(build_fixed_diary(alice))


def login(client, user):
    client.force_login(user)
    return client
