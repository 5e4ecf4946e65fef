"""Diary invariants enforced by the database itself (CheckConstraint / UniqueConstraint).

Each test writes past validation (``bulk_create`` or ``QuerySet.update``) so only the database
can refuse the row. Run on PostgreSQL (``DATABASE_URL``) to prove the constraints there; SQLite
enforces the same CHECK and partial UNIQUE constraints, so the suite also runs on the default.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from diary import scales
from diary.models import Day, Dose, HeadacheAttack, Medication, QuestionnaireResponse

D = date(2026, 1, 15)
START = datetime(2026, 1, 15, 9, tzinfo=UTC)


def assert_refused(callable_, *args, **kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_(*args, **kwargs)


@pytest.fixture
def day(alice):
    return Day.objects.create(patient=alice, date=D)


@pytest.fixture
def medication(alice):
    return Medication.objects.create(patient=alice, name="Ibuprofen", med_class="nsaid")


@pytest.fixture
def attack(alice):
    return HeadacheAttack.objects.create(
        patient=alice, started_at=START, start_date=D, peak_intensity=5
    )


# --- Day -----------------------------------------------------------------------------------------


def test_one_day_per_patient_and_date(alice, day):
    assert_refused(Day.objects.bulk_create, [Day(patient=alice, date=D)])


def test_two_patients_may_have_the_same_date(alice, bob, day):
    Day.objects.create(patient=bob, date=D)
    assert Day.objects.filter(date=D).count() == 2


DAY_OUT_OF_RANGE = [
    ("stress", 11),
    ("mood", 11),
    ("fatigue", 11),
    ("sleep_quality", 0),
    ("sleep_quality", 6),
    ("sleep_latency_min", scales.MAX_LATENCY_MINUTES + 1),
    ("awakenings", scales.MAX_AWAKENINGS + 1),
    ("waso_min", scales.MAX_SLEEP_MINUTES + 1),
    ("total_sleep_min", scales.MAX_SLEEP_MINUTES + 1),
    ("time_in_bed_min", scales.MAX_SLEEP_MINUTES + 1),
    ("sleep_efficiency", 100.5),
    ("sleep_efficiency", -1.0),
]


@pytest.mark.parametrize(("field", "value"), DAY_OUT_OF_RANGE)
def test_day_values_out_of_range_are_refused_by_the_database(day, field, value):
    assert_refused(Day.objects.filter(pk=day.pk).update, **{field: value})


@pytest.mark.parametrize("code", scales.PAIN_AREA_CODES)
@pytest.mark.parametrize("value", [0, 11])
def test_every_body_area_intensity_must_be_1_to_10(day, code, value):
    assert_refused(Day.objects.filter(pk=day.pk).update, **{scales.pain_field(code): value})


def test_body_area_intensities_at_the_limits_are_accepted(day):
    Day.objects.filter(pk=day.pk).update(pain_neck=1, pain_chest=10, stress=0, sleep_quality=5)
    day.refresh_from_db()
    assert day.pain_map == {"neck": 1, "chest": 10}


def test_notes_longer_than_2000_characters_are_refused_by_the_database(day, attack):
    too_long = "x" * (scales.NOTES_MAX_CHARS + 1)
    assert_refused(Day.objects.filter(pk=day.pk).update, notes=too_long)
    assert_refused(HeadacheAttack.objects.filter(pk=attack.pk).update, notes=too_long)
    Day.objects.filter(pk=day.pk).update(notes="é" * scales.NOTES_MAX_CHARS)  # characters


def test_pain_map_lists_areas_in_the_canonical_order(alice):
    day = Day(patient=alice, date=D, pain_abdomen=2, pain_jaw_left=5)
    assert list(day.pain_map) == ["jaw_left", "abdomen"]
    assert day.painful_area_count == 2


def test_a_tombstoned_day_still_occupies_its_date(alice, day):
    Day.objects.filter(pk=day.pk).update(deleted_at=START)
    assert_refused(Day.objects.bulk_create, [Day(patient=alice, date=D)])


# --- HeadacheAttack ------------------------------------------------------------------------------


def test_attack_must_end_after_it_starts(attack):
    assert_refused(HeadacheAttack.objects.filter(pk=attack.pk).update, ended_at=START)
    earlier = START - timedelta(hours=1)
    assert_refused(HeadacheAttack.objects.filter(pk=attack.pk).update, ended_at=earlier)


def test_attack_end_date_cannot_precede_its_start_date(attack):
    update = HeadacheAttack.objects.filter(pk=attack.pk).update
    assert_refused(update, end_date=D - timedelta(days=1))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("peak_intensity", 11),
        ("aura_minutes", 24 * 60 + 1),
        ("functional_impact", 4),
        ("side", "top"),
    ],
)
def test_attack_values_out_of_range_are_refused(attack, field, value):
    assert_refused(HeadacheAttack.objects.filter(pk=attack.pk).update, **{field: value})


def test_ongoing_attack_without_end_is_allowed(attack):
    assert attack.ended_at is None and attack.end_date is None


def test_attack_features_list_the_ichd3_features_present(alice):
    attack = HeadacheAttack(patient=alice, nausea=True, unilateral=True, aura=True)
    assert attack.features == ["unilateral", "nausea", "aura"]


# --- Medication and Dose -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("med_class", "herbal"), ("kind", "sometimes"), ("default_amount", Decimal("0"))],
)
def test_medication_values_out_of_range_are_refused(medication, field, value):
    assert_refused(Medication.objects.filter(pk=medication.pk).update, **{field: value})


def test_medication_cannot_stop_before_it_started(medication):
    update = Medication.objects.filter(pk=medication.pk).update
    assert_refused(update, started_on=D, stopped_on=D - timedelta(days=1))


def test_the_same_medication_is_listed_once_while_live(alice, medication):
    duplicate = Medication(patient=alice, name="Ibuprofen", med_class="nsaid")
    assert_refused(Medication.objects.bulk_create, [duplicate])


def test_a_removed_medication_can_be_added_again(alice, medication):
    Medication.objects.filter(pk=medication.pk).update(deleted_at=START)
    Medication.objects.create(patient=alice, name="Ibuprofen", med_class="nsaid")
    assert Medication.objects.filter(patient=alice).count() == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount", Decimal("0")),
        ("quantity", Decimal("0")),
        ("quantity", Decimal("100.5")),
        ("relief_2h", "great"),
    ],
)
def test_dose_values_out_of_range_are_refused(alice, medication, field, value):
    dose = Dose.objects.create(patient=alice, medication=medication, taken_at=START, date=D)
    assert_refused(Dose.objects.filter(pk=dose.pk).update, **{field: value})


def test_a_medication_with_doses_cannot_be_hard_deleted(alice, medication):
    from django.db.models import RestrictedError

    Dose.objects.create(patient=alice, medication=medication, taken_at=START, date=D)
    with pytest.raises(RestrictedError):
        medication.delete()


def test_deleting_the_patient_removes_medications_and_their_doses(alice, medication):
    Dose.objects.create(patient=alice, medication=medication, taken_at=START, date=D)
    alice.delete()
    assert not Dose.objects.exists() and not type(medication).objects.exists()


def test_deleting_an_attack_keeps_its_doses(alice, medication, attack):
    dose = Dose.objects.create(
        patient=alice, medication=medication, attack=attack, taken_at=START, date=D
    )
    attack.delete()
    dose.refresh_from_db()
    assert dose.attack is None


# --- QuestionnaireResponse -----------------------------------------------------------------------


@pytest.mark.parametrize(("instrument", "score"), [("sss", 13), ("asc12", 25), ("pss4", 17)])
def test_questionnaire_scores_beyond_the_instrument_maximum_are_refused(alice, instrument, score):
    row = QuestionnaireResponse(patient=alice, instrument=instrument, date=D, answers=[], score=0)
    row.save()
    assert_refused(QuestionnaireResponse.objects.filter(pk=row.pk).update, score=score)


def test_unknown_instrument_is_refused(alice):
    row = QuestionnaireResponse(patient=alice, instrument="csi", date=D, answers=[], score=3)
    assert_refused(QuestionnaireResponse.objects.bulk_create, [row])


def test_one_live_response_per_instrument_and_day(alice):
    first = QuestionnaireResponse.objects.create(
        patient=alice, instrument="pss4", date=D, answers=[0, 0, 0, 0], score=8
    )
    second = QuestionnaireResponse(
        patient=alice, instrument="pss4", date=D, answers=[1, 1, 1, 1], score=8
    )
    assert_refused(QuestionnaireResponse.objects.bulk_create, [second])
    QuestionnaireResponse.objects.filter(pk=first.pk).update(deleted_at=START)
    QuestionnaireResponse.objects.bulk_create([second])
    assert QuestionnaireResponse.objects.filter(patient=alice).count() == 2


# --- synced-object bookkeeping ------------------------------------------------------------------


def test_synced_objects_start_at_version_1_with_client_usable_uuid(alice):
    day = Day.objects.create(patient=alice, date=D)
    assert day.version == 1 and day.id.version == 4
    assert not day.is_deleted


def test_per_patient_date_reads_are_indexed():
    names = {index.name for index in HeadacheAttack._meta.indexes}
    assert "attack_patient_start_idx" in names
    assert "dose_patient_date_idx" in {index.name for index in Dose._meta.indexes}
    unique = {c.name: c for c in Day._meta.constraints}["day_unique_patient_date"]
    assert unique.fields == ("patient", "date")  # also serves (patient, date) range reads
