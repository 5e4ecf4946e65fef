"""The daily diary: day records (stress, sleep, body-pain map), headache attacks, medications,
doses and periodic questionnaires.

Every invariant is a database constraint as well as a validation message (ranges come from
``diary.scales``). Synced objects carry a client-generated UUID, ``version`` for optimistic
concurrency and ``deleted_at`` tombstones so mobile clients can sync deltas.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Lower
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from diary import scales


class SyncedModel(models.Model):
    """Fields every offline-synced diary object shares."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


def ranged(low, high) -> list:
    """Field validators matching a CheckConstraint, so forms and the API get field messages."""
    return [MinValueValidator(low), MaxValueValidator(high)]


def notes_field() -> models.TextField:
    """Free text with its limit enforced by validation (forms, API, CSV) and the database."""
    return models.TextField(
        blank=True,
        max_length=scales.NOTES_MAX_CHARS,
        validators=[MaxLengthValidator(scales.NOTES_MAX_CHARS)],
    )


def _notes_limit(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length("notes"), scales.NOTES_MAX_CHARS), name=name
    )


def offset_field(moment: str) -> models.SmallIntegerField:
    """The UTC offset (minutes) a device sent with ``moment``: its diary day is the local date
    in that offset. Null: the time came in UTC or without an offset (the profile zone's day)."""
    return models.SmallIntegerField(
        null=True,
        blank=True,
        validators=ranged(-scales.UTC_OFFSET_MAX_MINUTES, scales.UTC_OFFSET_MAX_MINUTES),
        help_text=f"UTC offset in minutes the device sent with {moment}; null: the profile zone.",
    )


def _offset_range(field: str, name: str) -> models.CheckConstraint:
    return _range(field, -scales.UTC_OFFSET_MAX_MINUTES, scales.UTC_OFFSET_MAX_MINUTES, name)


def _range(field: str, low, high, name: str, nullable: bool = True) -> models.CheckConstraint:
    in_range = Q(**{f"{field}__gte": low, f"{field}__lte": high})
    condition = (Q(**{f"{field}__isnull": True}) | in_range) if nullable else in_range
    return models.CheckConstraint(condition=condition, name=name)


class Day(SyncedModel):
    """One patient's local calendar day: stress, last night's sleep, body-pain map, notes.

    The night belongs to the day on which the patient wakes (Consensus Sleep Diary).
    Body pain is one nullable column per WPI area (NULL = no pain marked), so unknown areas
    cannot exist and each intensity is range-checked by the database.
    """

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diary_days"
    )
    date = models.DateField()
    headache = models.BooleanField(null=True, blank=True, help_text="Any headache this day.")
    # A headache logged with only its worst pain, no times ("sometime today"): no attack can
    # be made without a start, so the score stays on the day (a headache day of unknown length).
    headache_peak = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=ranged(scales.INTENSITY_MIN, scales.INTENSITY_MAX),
        help_text="Worst pain (0-10) of a headache logged without times.",
    )
    stress = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=ranged(scales.STRESS_MIN, scales.STRESS_MAX)
    )
    mood = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=ranged(scales.MOOD_MIN, scales.MOOD_MAX)
    )
    fatigue = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=ranged(scales.FATIGUE_MIN, scales.FATIGUE_MAX)
    )
    # Consensus Sleep Diary core items for the night before this day.
    bedtime = models.TimeField(null=True, blank=True)
    lights_out = models.TimeField(null=True, blank=True)
    sleep_latency_min = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=ranged(0, scales.MAX_LATENCY_MINUTES)
    )
    awakenings = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=ranged(0, scales.MAX_AWAKENINGS)
    )
    waso_min = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=ranged(0, scales.MAX_SLEEP_MINUTES)
    )
    final_wake = models.TimeField(null=True, blank=True)
    rise_time = models.TimeField(null=True, blank=True)
    sleep_quality = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=ranged(scales.SLEEP_QUALITY_MIN, scales.SLEEP_QUALITY_MAX),
    )
    # Derived on save from the items above, or entered directly (e.g. CSV `sleep_hours`).
    total_sleep_min = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=ranged(0, scales.MAX_SLEEP_MINUTES)
    )
    time_in_bed_min = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=ranged(0, scales.MAX_SLEEP_MINUTES)
    )
    sleep_efficiency = models.FloatField(null=True, blank=True, validators=ranged(0, 100))
    # True: the body map was answered (areas marked, or "No pain today"); False/None: it was
    # left alone (None also for days recorded before this was asked). Marking an area answers it.
    body_map_answered = models.BooleanField(
        null=True,
        blank=True,
        help_text="The body map was answered: areas marked, or none marked on purpose (no pain).",
    )
    # Menstruating this day: True/False as answered, None when not asked or not answered
    # (only patients who track their cycle are asked; "no" differs from no answer).
    period = models.BooleanField(
        null=True, blank=True, help_text="Menstruating this day (null: not answered)."
    )
    # Possible triggers of the day (``scales.DEFAULT_TRIGGER_CODES`` or ``own:<uuid>`` of a
    # Trigger): None = not answered, [] = answered "none today". Checked by the service.
    triggers = models.JSONField(
        null=True,
        blank=True,
        help_text="Trigger keys ticked this day; null when the question was not answered.",
    )
    notes = notes_field()

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "date"], name="day_unique_patient_date"),
            _range("stress", scales.STRESS_MIN, scales.STRESS_MAX, "day_stress_range"),
            _range("mood", scales.MOOD_MIN, scales.MOOD_MAX, "day_mood_range"),
            _range("fatigue", scales.FATIGUE_MIN, scales.FATIGUE_MAX, "day_fatigue_range"),
            _range(
                "sleep_quality",
                scales.SLEEP_QUALITY_MIN,
                scales.SLEEP_QUALITY_MAX,
                "day_sleep_quality_range",
            ),
            _range("sleep_latency_min", 0, scales.MAX_LATENCY_MINUTES, "day_latency_range"),
            _range("awakenings", 0, scales.MAX_AWAKENINGS, "day_awakenings_range"),
            _range("waso_min", 0, scales.MAX_SLEEP_MINUTES, "day_waso_range"),
            _range("total_sleep_min", 0, scales.MAX_SLEEP_MINUTES, "day_tst_range"),
            _range("time_in_bed_min", 0, scales.MAX_SLEEP_MINUTES, "day_tib_range"),
            _range("sleep_efficiency", 0, 100, "day_sleep_efficiency_range"),
            _range(
                "headache_peak",
                scales.INTENSITY_MIN,
                scales.INTENSITY_MAX,
                "day_headache_peak_range",
            ),
            _notes_limit("day_notes_length"),
            *[
                _range(
                    scales.pain_field(code),
                    scales.PAIN_AREA_MIN,
                    scales.PAIN_AREA_MAX,
                    f"day_pain_{code}_range",
                )
                for code in scales.PAIN_AREA_CODES
            ],
        ]
        indexes = [models.Index(fields=["patient", "updated_at"], name="day_patient_updated_idx")]

    def __str__(self):
        return f"{self.patient_id} {self.date}"

    @property
    def pain_map(self) -> dict[str, int]:
        """Marked areas and their intensity, in the canonical area order."""
        values = ((code, getattr(self, scales.pain_field(code))) for code in scales.PAIN_AREA_CODES)
        return {code: value for code, value in values if value is not None}

    @property
    def painful_area_count(self) -> int:
        return len(self.pain_map)


for _code in scales.PAIN_AREA_CODES:
    Day.add_to_class(
        scales.pain_field(_code),
        models.PositiveSmallIntegerField(
            null=True,
            blank=True,
            verbose_name=scales.PAIN_AREA_BY_CODE[_code].label,
            validators=ranged(scales.PAIN_AREA_MIN, scales.PAIN_AREA_MAX),
        ),
    )


class Medication(SyncedModel):
    """An entry of the patient's own medication list (acute or preventive)."""

    class Kind(models.TextChoices):
        ACUTE = "acute", "Acute (taken for an attack)"
        PREVENTIVE = "preventive", "Preventive (taken regularly)"

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="medications"
    )
    name = models.CharField(max_length=80)
    med_class = models.CharField(max_length=20, choices=scales.MEDICATION_CLASSES)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ACUTE)
    default_amount = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    unit = models.CharField(max_length=16, blank=True, default="mg")
    started_on = models.DateField(null=True, blank=True)
    stopped_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "name", "med_class"],
                condition=Q(deleted_at__isnull=True),
                name="medication_unique_live_name",
            ),
            models.CheckConstraint(
                condition=Q(med_class__in=scales.MEDICATION_CLASS_CODES),
                name="medication_class_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["acute", "preventive"]), name="medication_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(stopped_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(stopped_on__gte=F("started_on")),
                name="medication_stop_after_start",
            ),
            models.CheckConstraint(
                condition=Q(default_amount__isnull=True) | Q(default_amount__gt=0),
                name="medication_amount_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "updated_at"], name="medication_patient_upd_idx")
        ]

    def __str__(self):
        return self.name


class Trigger(SyncedModel):
    """A possible headache trigger the patient added to their own checklist (the default ones
    are ``scales.DEFAULT_TRIGGERS``). Days refer to it as ``own:<id>``."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="triggers"
    )
    name = models.CharField(max_length=scales.TRIGGER_NAME_MAX_CHARS)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "patient",
                condition=Q(deleted_at__isnull=True),
                name="trigger_unique_live_name",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("name"), scales.TRIGGER_NAME_MAX_CHARS)
                & ~Q(name=""),
                name="trigger_name_length",
            ),
        ]
        indexes = [models.Index(fields=["patient", "updated_at"], name="trigger_patient_upd_idx")]

    def __str__(self):
        return self.name

    @property
    def key(self) -> str:
        return scales.own_trigger_key(self.pk)


class HeadacheAttack(SyncedModel):
    """One headache attack with its ICHD-3 features. May cross midnight; ongoing if no end.

    ``start_date``/``end_date`` are the patient's local diary days it covers, stored so that
    per-day counts are indexed range reads (kept in step by ``diary.services``).
    """

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="headache_attacks"
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    started_offset_min = offset_field("started_at")
    ended_offset_min = offset_field("ended_at")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    peak_intensity = models.PositiveSmallIntegerField(
        validators=ranged(scales.INTENSITY_MIN, scales.INTENSITY_MAX)
    )
    side = models.CharField(max_length=12, choices=scales.HEADACHE_SIDES, default="unknown")
    location = models.CharField(max_length=100, blank=True)
    unilateral = models.BooleanField(default=False)
    pulsating = models.BooleanField(default=False)
    worse_with_activity = models.BooleanField(default=False)
    nausea = models.BooleanField(default=False)
    vomiting = models.BooleanField(default=False)
    photophobia = models.BooleanField(default=False)
    phonophobia = models.BooleanField(default=False)
    aura = models.BooleanField(default=False)
    aura_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=ranged(0, 24 * 60)
    )
    functional_impact = models.PositiveSmallIntegerField(
        choices=scales.FUNCTIONAL_IMPACT, null=True, blank=True
    )
    notes = notes_field()

    class Meta:
        ordering = ["started_at"]
        constraints = [
            _range(
                "peak_intensity",
                scales.INTENSITY_MIN,
                scales.INTENSITY_MAX,
                "attack_peak_range",
                nullable=False,
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gt=F("started_at")),
                name="attack_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="attack_end_date_after_start",
            ),
            _range("aura_minutes", 0, 24 * 60, "attack_aura_minutes_range"),
            _range("functional_impact", 0, 3, "attack_impact_range"),
            models.CheckConstraint(
                condition=Q(side__in=[code for code, _ in scales.HEADACHE_SIDES]),
                name="attack_side_valid",
            ),
            _notes_limit("attack_notes_length"),
            _offset_range("started_offset_min", "attack_started_offset_range"),
            _offset_range("ended_offset_min", "attack_ended_offset_range"),
        ]
        indexes = [
            models.Index(fields=["patient", "start_date"], name="attack_patient_start_idx"),
            models.Index(fields=["patient", "updated_at"], name="attack_patient_upd_idx"),
            # The ongoing attack of every patient page's banner: a tiny partial index.
            models.Index(
                fields=["patient"],
                condition=Q(ended_at__isnull=True, deleted_at__isnull=True),
                name="attack_ongoing_idx",
            ),
        ]

    def __str__(self):
        return f"Attack {self.started_at:%Y-%m-%d %H:%M} ({self.peak_intensity}/10)"

    @property
    def features(self) -> list[str]:
        return [code for code in scales.MIGRAINE_FEATURE_CODES if getattr(self, code)]

    @property
    def is_ongoing(self) -> bool:
        return self.ended_at is None and self.deleted_at is None


class Dose(SyncedModel):
    """One intake of a medication; ``date`` is the diary day it counts for."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="doses"
    )
    # A medication with doses cannot be deleted on its own; deleting the patient removes both.
    medication = models.ForeignKey(Medication, on_delete=models.RESTRICT, related_name="doses")
    attack = models.ForeignKey(
        HeadacheAttack, on_delete=models.SET_NULL, null=True, blank=True, related_name="doses"
    )
    taken_at = models.DateTimeField()
    taken_offset_min = offset_field("taken_at")
    date = models.DateField()
    amount = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    unit = models.CharField(max_length=16, blank=True)
    quantity = models.DecimalField(
        max_digits=5, decimal_places=2, default=1, validators=ranged(Decimal("0.01"), 100)
    )
    relief_2h = models.CharField(max_length=10, choices=scales.RELIEF_LEVELS, blank=True)

    class Meta:
        ordering = ["taken_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0), name="dose_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0) & Q(quantity__lte=100), name="dose_quantity_range"
            ),
            models.CheckConstraint(
                condition=Q(relief_2h__in=["", "none", "partial", "complete"]),
                name="dose_relief_valid",
            ),
            _offset_range("taken_offset_min", "dose_taken_offset_range"),
        ]
        indexes = [
            models.Index(fields=["patient", "date"], name="dose_patient_date_idx"),
            models.Index(fields=["patient", "updated_at"], name="dose_patient_upd_idx"),
        ]

    def __str__(self):
        return f"{self.medication} at {self.taken_at:%Y-%m-%d %H:%M}"


class QuestionnaireResponse(SyncedModel):
    """A periodic questionnaire or screen (``diary.scales``), scored on save."""

    class Instrument(models.TextChoices):
        SSS = "sss", "ACR 2016 Symptom Severity Scale"
        ASC12 = "asc12", "Allodynia Symptom Checklist (ASC-12)"
        PSS4 = "pss4", "Perceived Stress Scale (PSS-4)"
        PHQ4 = "phq4", "Patient Health Questionnaire-4 (PHQ-4)"
        PHQ8 = "phq8", "Patient Health Questionnaire-8 (PHQ-8)"
        GAD7 = "gad7", "Generalized Anxiety Disorder-7 (GAD-7)"
        TMD = "tmd", "TMD Pain Screener (DC/TMD)"
        MIDAS = "midas", "Migraine Disability Assessment (MIDAS)"
        DSQSF = "dsqsf", "DePaul Symptom Questionnaire, short form (DSQ-SF)"

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="questionnaires"
    )
    instrument = models.CharField(max_length=8, choices=Instrument.choices)
    date = models.DateField()
    answers = models.JSONField()
    score = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    instrument__in=[
                        "sss",
                        "asc12",
                        "pss4",
                        "phq4",
                        "phq8",
                        "gad7",
                        "tmd",
                        "midas",
                        "dsqsf",
                    ]
                ),
                name="questionnaire_instrument_valid",
            ),
            models.CheckConstraint(
                condition=(Q(instrument="sss") & Q(score__lte=12))
                | (Q(instrument="asc12") & Q(score__lte=24))
                | (Q(instrument="pss4") & Q(score__lte=16))
                | (Q(instrument="phq4") & Q(score__lte=12))
                | (Q(instrument="phq8") & Q(score__lte=24))
                | (Q(instrument="gad7") & Q(score__lte=21))
                | (Q(instrument="tmd") & Q(score__lte=7))
                | (Q(instrument="midas") & Q(score__lte=450))
                | (Q(instrument="dsqsf") & Q(score__lte=100)),
                name="questionnaire_score_range",
            ),
            models.UniqueConstraint(
                fields=["patient", "instrument", "date"],
                condition=Q(deleted_at__isnull=True),
                name="questionnaire_unique_live_per_day",
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "instrument", "date"], name="questionnaire_pat_idx"),
            models.Index(fields=["patient", "updated_at"], name="questionnaire_pat_upd_idx"),
        ]

    def __str__(self):
        return f"{self.get_instrument_display()} {self.date}: {self.score}"


class SentReminder(models.Model):
    """A reminder claimed for sending. The unique (patient, kind, key) row is the claim: two
    overlapping runs cannot both insert it, so each reminder goes out at most once; a failed
    send deletes the row so a later run tries again."""

    class Kind(models.TextChoices):
        CHECKIN = "checkin", "Daily check-in"
        FOLLOW_UP = "follow_up", "Relief follow-up"
        QUESTIONNAIRE = "questionnaire", "Questionnaire due"

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_reminders"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # What the reminder is about: the diary day, the dose id, or "<instrument>@<last answered>".
    key = models.CharField(max_length=64)
    claimed_at = models.DateTimeField(default=timezone.now, db_index=True)
    channel = models.CharField(max_length=8, blank=True)  # "push" or "email", once sent

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "kind", "key"], name="sent_reminder_unique"),
        ]

    def __str__(self):
        return f"{self.kind} {self.key} for {self.patient_id}"
