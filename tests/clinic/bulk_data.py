"""Many patients with realistic diaries, written with bulk inserts (for dashboard scale tests,
the 500-patient timing and screenshots). Not a clinical simulation: just varied, valid rows.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.models import PatientProfile, Share, User
from diary import scales
from diary.days import patient_today
from diary.models import Day, Dose, HeadacheAttack, Medication, QuestionnaireResponse
from insights.models import AnalysisState, Insight

ZONES = ("Europe/London", "Europe/Paris", "America/New_York", "Australia/Sydney")


def make_patients(*, clinician: User, count: int, days: int = 60, seed: int = 1) -> list[User]:
    """``count`` patients sharing with ``clinician``, each with ``days`` days of diary."""
    rng = random.Random(seed)
    stamp = uuid.uuid4().hex[:6]
    users = User.objects.bulk_create(
        [
            User(email=f"p{stamp}-{i:04d}@example.com", role=User.Role.PATIENT, password="!")
            for i in range(count)
        ]
    )
    if users[0].pk is None:  # backends without RETURNING
        users = list(User.objects.filter(email__startswith=f"p{stamp}-").order_by("email"))
    PatientProfile.objects.bulk_create(
        [PatientProfile(user=u, timezone=rng.choice(ZONES)) for u in users]
    )
    Share.objects.bulk_create(
        [Share(patient=u, clinician=clinician, redeemed_at=timezone.now()) for u in users]
    )
    users = list(
        User.objects.filter(pk__in=[u.pk for u in users]).select_related("patient_profile")
    )
    day_rows, attacks, doses, meds, responses, insights = [], [], [], [], [], []
    for user in users:
        _diary_for(user, days, rng, day_rows, attacks, doses, meds, responses, insights)
    Medication.objects.bulk_create(meds)
    Day.objects.bulk_create(day_rows, batch_size=500)
    HeadacheAttack.objects.bulk_create(attacks, batch_size=500)
    Dose.objects.bulk_create(doses, batch_size=500)
    QuestionnaireResponse.objects.bulk_create(responses, batch_size=500)
    Insight.objects.bulk_create(insights, batch_size=500)
    # As the diary services would have done on each write (the dashboard cache keys on it).
    AnalysisState.objects.bulk_create([AnalysisState(patient=user) for user in users])
    return users


def _diary_for(user, days, rng, day_rows, attacks, doses, meds, responses, insights):
    zone = ZoneInfo(user.patient_profile.timezone)
    today = patient_today(user)
    triptan = Medication(patient=user, name="Sumatriptan", med_class="triptan")
    nsaid = Medication(patient=user, name="Ibuprofen", med_class="nsaid")
    meds += [triptan, nsaid]
    load = rng.random()  # how often this patient has headaches / pain
    for offset in range(days):
        day = today - timedelta(days=offset)
        if rng.random() < 0.85:
            pain = {
                code: rng.randint(1, 8)
                for code in scales.PAIN_AREA_CODES
                if rng.random() < 0.08 + 0.4 * load
            }
            row = Day(
                patient=user,
                date=day,
                stress=rng.randint(0, 10),
                total_sleep_min=rng.randint(300, 540),
                sleep_efficiency=round(rng.uniform(70, 98), 1),
                sleep_quality=rng.randint(1, 5),
            )
            for code, value in pain.items():
                setattr(row, scales.pain_field(code), value)
            day_rows.append(row)
        if rng.random() < 0.1 + 0.45 * load:
            start = datetime.combine(day, time(rng.randint(6, 18)), tzinfo=zone)
            attack = HeadacheAttack(
                patient=user,
                started_at=start,
                ended_at=start + timedelta(hours=rng.randint(1, 10)),
                start_date=day,
                end_date=day,
                peak_intensity=rng.randint(2, 9),
                unilateral=rng.random() < 0.5,
                pulsating=rng.random() < 0.6,
                nausea=rng.random() < 0.4,
                photophobia=rng.random() < 0.5,
                phonophobia=rng.random() < 0.5,
            )
            attacks.append(attack)
            if rng.random() < 0.6:
                medication = triptan if rng.random() < 0.6 else nsaid
                doses.append(
                    Dose(
                        patient=user,
                        medication=medication,
                        attack=attack,
                        taken_at=start + timedelta(minutes=30),
                        date=day,
                    )
                )
    for weeks_ago in range(0, days // 7, 2):
        answers = {
            "fatigue": rng.randint(0, 3),
            "waking_unrefreshed": rng.randint(0, 3),
            "cognitive_symptoms": rng.randint(0, 3),
            "headaches": rng.randint(0, 1),
            "lower_abdominal_pain": rng.randint(0, 1),
            "depression": rng.randint(0, 1),
        }
        responses.append(
            QuestionnaireResponse(
                patient=user,
                instrument="sss",
                date=today - timedelta(days=7 * weeks_ago),
                answers=answers,
                score=sum(answers.values()),
            )
        )
    for kind in ("stress_headache", "pain_spread", "headache_frequency"):
        insights.append(
            Insight(
                patient=user,
                kind=kind,
                status=rng.choice(["found", "not_found", "insufficient_data"]),
                n_days=days,
                summary="Synthetic insight for scale tests.",
            )
        )
