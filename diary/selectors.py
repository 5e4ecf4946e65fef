"""Reads for the diary. Callers resolve the patient through ``accounts.access`` first; the
``readable_*`` helpers here do that (and record clinician access) in one step.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q, QuerySet

from accounts import access
from accounts.models import User
from diary import scales
from diary.days import patient_zone
from diary.derive import AttackSpan, DayFacts, DoseEntry, derive_days
from diary.models import Day, Dose, HeadacheAttack, Medication, QuestionnaireResponse

ATTACK_LOOKBACK_DAYS = 3  # attacks that started shortly before a range can still cover it


def live(queryset: QuerySet) -> QuerySet:
    return queryset.filter(deleted_at__isnull=True)


def days_between(*, patient: User, start: date, end: date) -> QuerySet[Day]:
    return live(Day.objects.filter(patient=patient, date__range=(start, end))).order_by("date")


def attacks_touching(*, patient: User, start: date, end: date) -> QuerySet[HeadacheAttack]:
    """Live attacks covering any day of the range (ongoing ones included)."""
    return (
        live(HeadacheAttack.objects.filter(patient=patient, start_date__lte=end))
        .filter(Q(end_date__gte=start) | Q(end_date__isnull=True))
        .order_by("started_at")
    )


def doses_between(*, patient: User, start: date, end: date) -> QuerySet[Dose]:
    return (
        live(Dose.objects.filter(patient=patient, date__range=(start, end)))
        .select_related("medication")
        .order_by("taken_at")
    )


def medications_for(*, patient: User) -> QuerySet[Medication]:
    return live(Medication.objects.filter(patient=patient)).order_by("kind", "name")


def questionnaires_between(
    *, patient: User, start: date, end: date, instrument: str | None = None
) -> QuerySet[QuestionnaireResponse]:
    rows = live(QuestionnaireResponse.objects.filter(patient=patient, date__range=(start, end)))
    if instrument:
        rows = rows.filter(instrument=instrument)
    return rows.order_by("date")


def attack_span(attack: HeadacheAttack) -> AttackSpan:
    return AttackSpan(
        id=attack.pk,
        started_at=attack.started_at,
        ended_at=attack.ended_at,
        start_date=attack.start_date,
        end_date=attack.end_date,
        peak=attack.peak_intensity,
        features=frozenset(attack.features),
        aura_minutes=attack.aura_minutes,
    )


def dose_entry(dose: Dose) -> DoseEntry:
    return DoseEntry(
        date=dose.date,
        med_class=dose.medication.med_class,
        acute=dose.medication.kind == Medication.Kind.ACUTE,
        attack_id=dose.attack_id,
        name=dose.medication.name,
    )


def day_facts(*, patient: User, start: date, end: date) -> list[DayFacts]:
    """Per-day facts for a range in three queries (days, attacks, doses)."""
    lookback = start - timedelta(days=ATTACK_LOOKBACK_DAYS)
    attacks = [attack_span(a) for a in attacks_touching(patient=patient, start=lookback, end=end)]
    return derive_days(
        start=start,
        end=end,
        zone=patient_zone(patient),
        days=days_between(patient=patient, start=start, end=end),
        attacks=attacks,
        doses=[dose_entry(d) for d in doses_between(patient=patient, start=start, end=end)],
    )


def readable_day_facts(
    *, reader: User, patient_id, start: date, end: date, action: str, request=None
) -> tuple[User, list[DayFacts]]:
    """Day facts for a patient the reader may see (diary scope); clinician reads are logged."""
    patient = access.readable_patient(reader, patient_id, scope="diary")
    access.record_access(actor=reader, patient=patient, action=action, request=request)
    return patient, day_facts(patient=patient, start=start, end=end)


def pain_area_counts(facts: list[DayFacts]) -> dict[str, int]:
    """How many recorded days each WPI area was painful (the report's body-map heat map)."""
    counts = dict.fromkeys(scales.PAIN_AREA_CODES, 0)
    for fact in facts:
        for code in fact.pain:
            counts[code] += 1
    return counts
