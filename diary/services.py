"""Writes for the diary. One validated path shared by the web forms, the API, CSV import and
the demo seeder: every write checks ownership, ranges and dates, bumps ``version`` (optimistic
concurrency for offline clients), and marks the patient's insights for recompute on commit.
"""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import PatientProfile, User
from diary import scales
from diary.days import diary_date_for, patient_today
from diary.models import Day, Dose, HeadacheAttack, Medication, QuestionnaireResponse
from insights.tasks import schedule_recompute

DAY_FIELDS = (
    "headache",
    "stress",
    "mood",
    "fatigue",
    "bedtime",
    "lights_out",
    "sleep_latency_min",
    "awakenings",
    "waso_min",
    "final_wake",
    "rise_time",
    "sleep_quality",
    "total_sleep_min",
    "notes",
)
SLEEP_ITEM_FIELDS = (
    "bedtime",
    "lights_out",
    "sleep_latency_min",
    "waso_min",
    "final_wake",
    "rise_time",
)
ATTACK_FIELDS = (
    "started_at",
    "ended_at",
    "peak_intensity",
    "side",
    "location",
    *scales.MIGRAINE_FEATURE_CODES,
    "aura_minutes",
    "functional_impact",
    "notes",
)
MEDICATION_FIELDS = (
    "name",
    "med_class",
    "kind",
    "default_amount",
    "unit",
    "started_on",
    "stopped_on",
)
DOSE_FIELDS = (
    "medication",
    "attack",
    "taken_at",
    "date",
    "amount",
    "unit",
    "quantity",
    "relief_2h",
)


class VersionConflict(Exception):
    """The client edited an older version; carries the current object so it can merge."""

    def __init__(self, current):
        super().__init__("This entry was changed elsewhere; reload it and try again.")
        self.current = current


class NotFound(Exception):
    """The object does not exist for this patient (never reveals other patients' ids)."""


# Time zones run from UTC-12 to UTC+14: no diary day anywhere is earlier than this.
_LATEST_BEHIND_UTC = timedelta(hours=12 + scales.DAY_ROLLOVER_HOUR)


def _check_not_future(patient: User, day: date, field: str = "date") -> None:
    """Refuse days after the patient's today. A day no later than the earliest diary day on
    Earth is decided without the patient's time zone (no profile query for back-filled days)."""
    if day <= (timezone.now() - _LATEST_BEHIND_UTC).date():
        return
    if day > patient_today(patient):
        raise ValidationError({field: "This day is in the future; you can only log past days."})


def _minutes_between(start: time, end: time) -> int:
    """Minutes from one clock time to the next occurrence of another (nights cross midnight)."""
    start_min = start.hour * 60 + start.minute
    end_min = end.hour * 60 + end.minute
    return (end_min - start_min) % (24 * 60)


def sleep_metrics(
    *,
    bedtime: time | None,
    lights_out: time | None,
    sleep_latency_min: int | None,
    waso_min: int | None,
    final_wake: time | None,
    rise_time: time | None,
) -> tuple[int | None, int | None, float | None]:
    """Consensus Sleep Diary (Carney et al., Sleep 2012) derived values.

    TIB = out of bed - into bed; TST = (final awakening - tried to sleep) - SOL - WASO;
    SE = TST / TIB x 100. Returns (TST, TIB, SE) in minutes / percent, None when items are missing.
    """
    tried = lights_out or bedtime
    tst = tib = efficiency = None
    if bedtime and rise_time:
        tib = _minutes_between(bedtime, rise_time)
    if tried and final_wake:
        tst = _minutes_between(tried, final_wake) - (sleep_latency_min or 0) - (waso_min or 0)
        tst = max(tst, 0)
    if tst is not None and tib:
        tst = min(tst, tib)
        efficiency = round(100.0 * tst / tib, 1)
    return tst, tib, efficiency


# --- days -------------------------------------------------------------------------------------


def one_or_none(queryset):
    """The only row of a unique lookup, or None. Unlike ``first()`` it adds no ORDER BY, which
    the database does not need here and Django pays for per selected column."""
    return next(iter(queryset.order_by()[:1]), None)


def _check_version(obj, expected_version: int | None) -> None:
    if expected_version is not None and obj.version != expected_version:
        raise VersionConflict(obj)


def _save_validated(obj, *, exclude: list[str] | None = None) -> None:
    """Field validation (ranges and choices from ``scales``) before the database's own checks.

    Each CheckConstraint is covered by a field validator or by an explicit check in the service,
    so ``full_clean`` does not evaluate them again: Django runs each one as a SAVEPOINT + SELECT
    (~95 queries for a day write, most of the cost of an API write). The constraints still
    guard the table.
    """
    obj.full_clean(
        exclude=exclude or ["patient"], validate_unique=False, validate_constraints=False
    )
    obj.save()


def _touch(obj, *, created: bool) -> None:
    now = timezone.now()
    obj.updated_at = now
    if not created:
        obj.version += 1


def _clean_pain_map(body_pain: dict) -> dict[str, int]:
    if not isinstance(body_pain, dict):
        raise ValidationError({"body_pain": "Send a mapping of area code to intensity 1-10."})
    unknown = sorted(set(body_pain) - set(scales.PAIN_AREA_CODES))
    if unknown:
        raise ValidationError({"body_pain": f"Unknown body area(s): {', '.join(unknown)}."})
    clean = {}
    for code, value in body_pain.items():
        if value is None or value == 0:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError({"body_pain": f"Intensity for {code} must be a whole number."})
        if not scales.PAIN_AREA_MIN <= value <= scales.PAIN_AREA_MAX:
            raise ValidationError({"body_pain": f"Intensity for {code} must be between 1 and 10."})
        clean[code] = value
    return clean


@transaction.atomic
def day_upsert(
    *,
    patient: User,
    date: date,
    body_pain: dict | None = None,
    expected_version: int | None = None,
    replace: bool = True,
    **fields,
) -> tuple[Day, bool]:
    """Create or update the patient's record for one local day (``PUT /days/<date>/``).

    ``replace`` (PUT semantics) resets fields not given to empty; otherwise only the given
    fields change (PATCH). ``body_pain`` maps WPI area codes to intensity 1-10; areas not in it
    are unmarked when replacing. Raises ValidationError (field messages) or VersionConflict.
    """
    locked = one_or_none(Day.objects.select_for_update().filter(patient=patient, date=date))
    return day_upsert_locked(
        patient=patient,
        date=date,
        locked=locked,
        body_pain=body_pain,
        expected_version=expected_version,
        replace=replace,
        **fields,
    )


def day_upsert_locked(
    *,
    patient: User,
    date: date,
    locked: Day | None,
    body_pain: dict | None = None,
    expected_version: int | None = None,
    replace: bool = True,
    **fields,
) -> tuple[Day, bool]:
    """``day_upsert`` for a caller that already holds the day's row lock (``locked``: that row,
    selected for update, or None) in its own transaction and lets any error end it, as the
    API's write path does: no second lock query and no savepoint of its own."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("day_upsert_locked needs the caller's transaction")
    unknown = set(fields) - set(DAY_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Unknown field."))
    _check_not_future(patient, date)
    day = locked
    if day is None:
        day = Day(patient=patient, date=date)
        created = True
    else:
        _check_version(day, expected_version)
        created = day.deleted_at is not None  # reviving a tombstone reads as a create
        day.deleted_at = None
    if replace:
        for name in DAY_FIELDS:
            setattr(day, name, "" if name == "notes" else None)
        for code in scales.PAIN_AREA_CODES:
            setattr(day, scales.pain_field(code), None)
    for name, value in fields.items():
        setattr(day, name, "" if (name == "notes" and value is None) else value)
    if body_pain is not None:
        clean = _clean_pain_map(body_pain)
        for code in scales.PAIN_AREA_CODES:
            setattr(day, scales.pain_field(code), clean.get(code))
    _derive_sleep(day)
    _touch(day, created=day._state.adding)
    _save_validated(day)
    schedule_recompute(patient.pk)
    return day, created


def _derive_sleep(day: Day) -> None:
    """Fill TST/TIB/SE from the sleep items; a directly entered TST is kept if items are absent."""
    tst, tib, efficiency = sleep_metrics(**{name: getattr(day, name) for name in SLEEP_ITEM_FIELDS})
    if tst is not None:
        day.total_sleep_min = tst
    day.time_in_bed_min = tib
    day.sleep_efficiency = efficiency


@transaction.atomic
def day_delete(*, patient: User, date: date, expected_version: int | None = None) -> Day:
    """Tombstone a day so syncing clients learn about the deletion."""
    day = one_or_none(Day.objects.select_for_update().filter(patient=patient, date=date))
    if day is None or day.deleted_at is not None:
        raise NotFound("No entry for that day.")
    _check_version(day, expected_version)
    day.deleted_at = timezone.now()
    _touch(day, created=False)
    day.save()
    schedule_recompute(patient.pk)
    return day


# --- generic synced objects --------------------------------------------------------------------


def _locked_own(model, *, patient: User, object_id):
    """The patient's object with this id, locked; NotFound for another patient's id."""
    if object_id is None:
        return None
    try:
        object_id = uuid.UUID(str(object_id))
    except ValueError:
        raise NotFound("Not found.") from None
    obj = one_or_none(model.objects.select_for_update().filter(pk=object_id))
    if obj is not None and obj.patient_id != patient.pk:
        raise NotFound("Not found.")
    return obj


def _upsert(model, *, patient, object_id, expected_version, replace, allowed, fields):
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Unknown field."))
    obj = _locked_own(model, patient=patient, object_id=object_id)
    created = obj is None
    if created:
        obj = model(patient=patient, **({"id": object_id} if object_id else {}))
    else:
        _check_version(obj, expected_version)
        if obj.deleted_at is not None:
            obj.deleted_at = None
        if replace:
            defaults = model()
            for name in allowed:
                setattr(obj, name, getattr(defaults, name, None))
    for name, value in fields.items():
        setattr(obj, name, value)
    return obj, created


def _soft_delete(model, *, patient: User, object_id, expected_version: int | None):
    obj = _locked_own(model, patient=patient, object_id=object_id)
    if obj is None or obj.deleted_at is not None:
        raise NotFound("Not found.")
    _check_version(obj, expected_version)
    obj.deleted_at = timezone.now()
    _touch(obj, created=False)
    obj.save()
    schedule_recompute(patient.pk)
    return obj


# --- headache attacks --------------------------------------------------------------------------


@transaction.atomic
def attack_upsert(
    *,
    patient: User,
    attack_id=None,
    expected_version: int | None = None,
    replace: bool = True,
    **fields,
) -> tuple[HeadacheAttack, bool]:
    """Create or update one headache attack (client UUID: a retried create never duplicates).

    Validates: start not in the future, end after start, intensity 0-10; derives the diary
    days it covers (``start_date``/``end_date``, both by the 04:00 rollover rule).
    """
    attack, created = _upsert(
        HeadacheAttack,
        patient=patient,
        object_id=attack_id,
        expected_version=expected_version,
        replace=replace,
        allowed=ATTACK_FIELDS,
        fields=fields,
    )
    if not attack.started_at:
        raise ValidationError({"started_at": "When did the headache start?"})
    now = timezone.now()
    if attack.started_at > now + timedelta(minutes=5):
        raise ValidationError({"started_at": "The start cannot be in the future."})
    if attack.ended_at is not None:
        if attack.ended_at <= attack.started_at:
            raise ValidationError({"ended_at": "The end must be after the start."})
        if attack.ended_at > now + timedelta(minutes=5):
            raise ValidationError({"ended_at": "The end cannot be in the future."})
    attack.start_date = diary_date_for(patient, attack.started_at)
    attack.end_date = (
        max(diary_date_for(patient, attack.ended_at - timedelta(seconds=1)), attack.start_date)
        if attack.ended_at
        else None
    )
    _touch(attack, created=created)
    _save_validated(attack)
    schedule_recompute(patient.pk)
    return attack, created


def attack_delete(*, patient: User, attack_id, expected_version: int | None = None):
    with transaction.atomic():
        return _soft_delete(
            HeadacheAttack, patient=patient, object_id=attack_id, expected_version=expected_version
        )


# --- medications and doses ----------------------------------------------------------------------


@transaction.atomic
def medication_upsert(
    *,
    patient: User,
    medication_id=None,
    expected_version: int | None = None,
    replace: bool = True,
    **fields,
) -> tuple[Medication, bool]:
    """Create or update an entry of the patient's medication list."""
    medication, created = _upsert(
        Medication,
        patient=patient,
        object_id=medication_id,
        expected_version=expected_version,
        replace=replace,
        allowed=MEDICATION_FIELDS,
        fields=fields,
    )
    medication.name = (medication.name or "").strip()
    if not medication.name:
        raise ValidationError({"name": "Give the medication a name."})
    clash = Medication.objects.filter(
        patient=patient,
        name__iexact=medication.name,
        med_class=medication.med_class,
        deleted_at__isnull=True,
    ).exclude(pk=medication.pk)
    if clash.exists():
        raise ValidationError({"name": "This medication is already on your list."})
    if (
        medication.started_on
        and medication.stopped_on
        and (medication.stopped_on < medication.started_on)
    ):
        raise ValidationError({"stopped_on": "The stop date must be on or after the start."})
    if medication.default_amount is not None and medication.default_amount <= 0:
        raise ValidationError({"default_amount": "The amount must be more than 0."})
    _touch(medication, created=created)
    _save_validated(medication)
    schedule_recompute(patient.pk)  # acute vs preventive decides acute-medication days
    return medication, created


def medication_for_name(*, patient: User, name: str, med_class: str) -> Medication:
    """The patient's live medication with this name and class, created if missing (CSV, seed)."""
    existing = Medication.objects.filter(
        patient=patient, name__iexact=name.strip(), med_class=med_class, deleted_at__isnull=True
    ).first()
    if existing:
        return existing
    medication, _ = medication_upsert(patient=patient, name=name, med_class=med_class)
    return medication


def medication_delete(*, patient: User, medication_id, expected_version: int | None = None):
    with transaction.atomic():
        return _soft_delete(
            Medication, patient=patient, object_id=medication_id, expected_version=expected_version
        )


@transaction.atomic
def dose_upsert(
    *,
    patient: User,
    dose_id=None,
    expected_version: int | None = None,
    replace: bool = True,
    **fields,
) -> tuple[Dose, bool]:
    """Record one medication intake; the medication (and attack) must be the patient's own."""
    dose, created = _upsert(
        Dose,
        patient=patient,
        object_id=dose_id,
        expected_version=expected_version,
        replace=replace,
        allowed=DOSE_FIELDS,
        fields=fields,
    )
    if dose.medication_id is None:
        raise ValidationError({"medication": "Choose a medication from your list."})
    if dose.medication.patient_id != patient.pk or dose.medication.deleted_at is not None:
        raise ValidationError({"medication": "Choose a medication from your list."})
    if dose.attack_id is not None and (
        dose.attack.patient_id != patient.pk or dose.attack.deleted_at is not None
    ):
        raise ValidationError({"attack": "That headache is not in your diary."})
    if not dose.taken_at:
        raise ValidationError({"taken_at": "When did you take it?"})
    if dose.taken_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"taken_at": "The time cannot be in the future."})
    if not dose.date:
        dose.date = diary_date_for(patient, dose.taken_at)
    _check_not_future(patient, dose.date)
    if not dose.unit:
        dose.unit = dose.medication.unit
    if dose.amount is None:
        dose.amount = dose.medication.default_amount
    if dose.amount is not None and dose.amount <= 0:
        raise ValidationError({"amount": "The amount must be more than 0."})
    _touch(dose, created=created)
    _save_validated(dose)
    schedule_recompute(patient.pk)
    return dose, created


def dose_delete(*, patient: User, dose_id, expected_version: int | None = None):
    with transaction.atomic():
        return _soft_delete(
            Dose, patient=patient, object_id=dose_id, expected_version=expected_version
        )


# --- questionnaires ----------------------------------------------------------------------------


def _int_answers(answers, count: int, maximum: int, field: str = "answers") -> list[int]:
    if not isinstance(answers, list) or len(answers) != count:
        raise ValidationError({field: f"Give exactly {count} answers."})
    for value in answers:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
            raise ValidationError(
                {field: f"Each answer must be a whole number from 0 to {maximum}."}
            )
    return answers


def score_questionnaire(instrument: str, answers) -> tuple[object, int]:
    """Validate and score one questionnaire; returns (normalized answers, score).

    - ASC-12 (Lipton et al. 2008): 12 items 0-2, total 0-24.
    - PSS-4 (Cohen et al. 1983): 4 items 0-4, items 2 and 3 reversed, total 0-16.
    - ACR 2016 SSS (Wolfe et al. 2016): fatigue, waking unrefreshed, cognitive 0-3 each plus
      headaches, lower-abdominal pain, depression 0/1 each, total 0-12.
    """
    if instrument == "asc12":
        values = _int_answers(answers, len(scales.ASC12_ITEMS), scales.ASC12_ANSWER_MAX)
        return values, sum(values)
    if instrument == "pss4":
        values = _int_answers(answers, len(scales.PSS4_ITEMS), scales.PSS4_ANSWER_MAX)
        score = sum(
            scales.PSS4_ANSWER_MAX - v if i in scales.PSS4_REVERSED else v
            for i, v in enumerate(values)
        )
        return values, score
    if instrument == "sss":
        if not isinstance(answers, dict):
            raise ValidationError({"answers": "Give the six SSS items as a mapping."})
        expected = set(scales.SSS_WEEK_ITEMS) | set(scales.SSS_SIX_MONTH_ITEMS)
        if set(answers) != expected:
            raise ValidationError({"answers": f"Give exactly: {', '.join(sorted(expected))}."})
        for name in scales.SSS_WEEK_ITEMS:
            _int_answers([answers[name]], 1, 3)
        for name in scales.SSS_SIX_MONTH_ITEMS:
            _int_answers([answers[name]], 1, 1)
        return dict(answers), sum(answers.values())
    raise ValidationError({"instrument": "Choose sss, asc12 or pss4."})


@transaction.atomic
def questionnaire_upsert(
    *,
    patient: User,
    questionnaire_id=None,
    expected_version: int | None = None,
    instrument: str,
    date: date,
    answers,
) -> tuple[QuestionnaireResponse, bool]:
    """Save a questionnaire response and its score (one live response per instrument and day)."""
    _check_not_future(patient, date)
    normalized, score = score_questionnaire(instrument, answers)
    response, created = _upsert(
        QuestionnaireResponse,
        patient=patient,
        object_id=questionnaire_id,
        expected_version=expected_version,
        replace=True,
        allowed=("instrument", "date", "answers", "score"),
        fields={"instrument": instrument, "date": date, "answers": normalized, "score": score},
    )
    clash = QuestionnaireResponse.objects.filter(
        patient=patient, instrument=instrument, date=date, deleted_at__isnull=True
    ).exclude(pk=response.pk)
    if clash.exists():
        raise ValidationError({"date": "You already answered this questionnaire on that day."})
    _touch(response, created=created)
    try:
        with transaction.atomic():
            _save_validated(response)
    except IntegrityError:
        raise ValidationError(
            {"date": "You already answered this questionnaire on that day."}
        ) from None
    schedule_recompute(patient.pk)
    return response, created


def questionnaire_delete(*, patient: User, questionnaire_id, expected_version: int | None = None):
    with transaction.atomic():
        return _soft_delete(
            QuestionnaireResponse,
            patient=patient,
            object_id=questionnaire_id,
            expected_version=expected_version,
        )


def ensure_patient_profile(patient: User) -> PatientProfile:
    profile, _ = PatientProfile.objects.get_or_create(user=patient)
    return profile
