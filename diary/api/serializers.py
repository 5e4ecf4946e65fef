"""Serializers for the diary API: plain ModelSerializers that check types and ranges (from
``diary.scales`` through the model fields) and shape JSON; every rule about the diary itself
(body-pain map, dates, ownership) is enforced by ``diary.services`` when the view writes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.openapi import ClockTimeField
from diary import scales
from diary.days import offset_zone
from diary.models import Day, Dose, HeadacheAttack, Medication, QuestionnaireResponse, Trigger
from diary.services import DAY_FIELDS, DOSE_FIELDS

SYNC_FIELDS = ["id", "version", "created_at", "updated_at", "deleted"]
SYNC_READ_ONLY = ["version", "created_at", "updated_at"]
NOTES_FIELD = "notes"


def _storable(text: str) -> bool:
    """Lone surrogates cannot be stored as UTF-8 (PostgreSQL would refuse them with a 500)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class SyncedSerializer(serializers.ModelSerializer):
    """Fields every synced object carries, plus notes hidden from clinicians without the scope.

    Context ``show_notes`` (default True) decides whether ``notes`` is in the output at all.
    """

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.TimeField: ClockTimeField,
    }

    id = serializers.UUIDField(
        required=False,
        help_text="Client-generated UUID (v4). On POST it makes retries safe; on PUT the URL wins.",
    )
    version = serializers.IntegerField(
        read_only=True, min_value=1, help_text="Bumped on every change; sent as the ETag."
    )
    deleted = serializers.BooleanField(
        source="is_deleted",
        read_only=True,
        help_text="True for a tombstone (only listed with `updated_since`).",
    )

    def get_fields(self):
        fields = super().get_fields()
        if not self.context.get("show_notes", True):
            fields.pop(NOTES_FIELD, None)
        return fields

    def validate(self, attrs):
        errors = {
            name: ["Contains characters that cannot be stored."]
            for name, value in attrs.items()
            if isinstance(value, str) and not _storable(value)
        }
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def service_fields(self) -> dict:
        """validated_data as keyword arguments of the resource's ``services`` upsert."""
        return dict(self.validated_data)


BODY_PAIN_SCHEMA = {
    "type": "object",
    "description": (
        "Body-pain map: WPI area code -> intensity 1-10. Areas left out (or null) are not painful. "
        "When given, it replaces the whole map."
    ),
    "properties": {
        area.code: {
            "type": ["integer", "null"],
            "minimum": scales.PAIN_AREA_MIN,
            "maximum": scales.PAIN_AREA_MAX,
            "description": area.label,
        }
        for area in scales.PAIN_AREAS
    },
    "additionalProperties": False,
}


@extend_schema_field(BODY_PAIN_SCHEMA)
class BodyPainField(serializers.Field):
    """The map as sent: ``services.day_upsert`` checks its areas and intensities."""

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return dict(value)


OFFSET_RULE = (
    "Send it with the device's UTC offset (2026-12-05T23:30:00-05:00): its diary day is then "
    "the local date in that offset (04:00 rollover), wherever the profile zone is, and it is "
    "answered with that offset. In UTC (Z, +00:00) or without an offset, the day is counted in "
    "the profile zone. Offsets beyond +-14:00 are refused."
)


class DeviceTimeField(serializers.DateTimeField):
    """A moment as the device sent it: an explicit UTC offset is kept (the serializer stores it
    next to the time), where DRF would convert it to the server's zone and lose it."""

    default_error_messages = {"offset": "A UTC offset lies between -14:00 and +14:00."}

    def enforce_timezone(self, value):
        if isinstance(value, datetime) and value.utcoffset() is not None:
            return value
        return super().enforce_timezone(value)

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        if abs(moment.utcoffset()) > timedelta(minutes=scales.UTC_OFFSET_MAX_MINUTES):
            self.fail("offset")
        return moment


def device_offset(moment: datetime | None) -> int | None:
    """The UTC offset (minutes) a device sent with a time; None for UTC or no time."""
    if moment is None:
        return None
    minutes = int(moment.utcoffset().total_seconds() // 60)
    return minutes or None


class DeviceTimesMixin:
    """Stores each time's device offset (``device_times``: time field -> offset field) and
    answers each time in its stored offset, so a client that sends back what it read keeps the
    entry's diary day."""

    device_times: dict[str, str] = {}

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if field_name in self.device_times:
            field_class = DeviceTimeField
        return field_class, kwargs

    def service_fields(self) -> dict:
        fields = super().service_fields()
        for moment, offset in self.device_times.items():
            if moment in fields:
                fields[offset] = device_offset(fields[moment])
        return fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        for moment, offset in self.device_times.items():
            value, minutes = getattr(instance, moment), getattr(instance, offset)
            if value is not None and minutes is not None and moment in data:
                data[moment] = value.astimezone(offset_zone(minutes)).isoformat()
        return data


class DaySerializer(SyncedSerializer):
    """One diary day (keyed by its date): stress, mood, fatigue, last night's sleep (Consensus
    Sleep Diary items; time in bed and efficiency computed), the body-pain map and notes."""

    id = serializers.UUIDField(read_only=True)
    body_pain = BodyPainField(source="pain_map", required=False)
    triggers = serializers.ListField(
        child=serializers.CharField(max_length=64),
        allow_null=True,
        required=False,
        max_length=scales.MAX_DAY_TRIGGERS,
        help_text=(
            "Possible triggers ticked this day: codes of the default checklist ("
            + ", ".join(f"`{code}`" for code in scales.DEFAULT_TRIGGER_CODES)
            + ") or `own:<id>` of one of your triggers (`/triggers/`). Null: not answered; "
            "[]: answered, none today."
        ),
    )

    class Meta:
        model = Day
        fields = [
            *SYNC_FIELDS,
            "date",
            *DAY_FIELDS,
            "time_in_bed_min",
            "sleep_efficiency",
            "body_pain",
        ]
        read_only_fields = [*SYNC_READ_ONLY, "date", "time_in_bed_min", "sleep_efficiency"]
        extra_kwargs = {
            "total_sleep_min": {
                "help_text": (
                    "Minutes asleep. Computed from the sleep items when bedtime/lights-out and "
                    "final wake are given (your value is then replaced); otherwise as entered."
                )
            },
            "time_in_bed_min": {"help_text": "Computed: bedtime to rise time (minutes)."},
            "sleep_efficiency": {"help_text": "Computed: total sleep / time in bed x 100."},
        }

    def service_fields(self) -> dict:
        fields = super().service_fields()
        if "pain_map" in fields:
            fields["body_pain"] = fields.pop("pain_map")
        return fields


class TriggerSerializer(SyncedSerializer):
    """One of the patient's own possible triggers; days tick it as `own:<id>`."""

    class Meta:
        model = Trigger
        fields = [*SYNC_FIELDS, "name"]
        read_only_fields = SYNC_READ_ONLY
        extra_kwargs = {"name": {"trim_whitespace": True}}


class AttackSerializer(DeviceTimesMixin, SyncedSerializer):
    """One headache attack with its ICHD-3 features; may cross midnight, ongoing if no end."""

    device_times = {"started_at": "started_offset_min", "ended_at": "ended_offset_min"}
    ongoing = serializers.SerializerMethodField(
        help_text="True while the attack has no end (`ended_at` null); list them with "
        "`?ongoing=true`."
    )

    def get_ongoing(self, attack) -> bool:
        return attack.ended_at is None

    functional_impact = serializers.ChoiceField(
        choices=scales.FUNCTIONAL_IMPACT,
        allow_null=True,
        required=False,
        help_text="0 none, 1 mild (slowed down), 2 moderate (cut back), 3 severe (bed rest).",
    )

    class Meta:
        model = HeadacheAttack
        fields = [
            *SYNC_FIELDS,
            "started_at",
            "ended_at",
            "started_offset_min",
            "ended_offset_min",
            "ongoing",
            "start_date",
            "end_date",
            "peak_intensity",
            "side",
            "location",
            *scales.MIGRAINE_FEATURE_CODES,
            "aura_minutes",
            "functional_impact",
            "notes",
        ]
        read_only_fields = [
            *SYNC_READ_ONLY,
            "start_date",
            "end_date",
            "started_offset_min",
            "ended_offset_min",
        ]
        extra_kwargs = {
            "started_at": {"help_text": f"When it started. {OFFSET_RULE}"},
            "ended_at": {"help_text": f"Null while the attack is ongoing. {OFFSET_RULE}"},
            "started_offset_min": {
                "help_text": "UTC offset (minutes) the device sent with `started_at`; null: "
                "the profile zone counts its day. Kept by edits that do not resend the time."
            },
            "ended_offset_min": {"help_text": "The same for `ended_at`."},
            "start_date": {
                "help_text": "Diary day of the start (04:00 local rollover, in the device's "
                "offset when it sent one, else the profile zone)."
            },
            "end_date": {"help_text": "Diary day of the end (same rule); null while ongoing."},
            "peak_intensity": {"help_text": "Peak pain, NRS 0-10."},
        }


class MedicationSerializer(SyncedSerializer):
    """An entry of the patient's medication list (acute or preventive)."""

    class Meta:
        model = Medication
        fields = [
            *SYNC_FIELDS,
            "name",
            "med_class",
            "kind",
            "default_amount",
            "unit",
            "started_on",
            "stopped_on",
        ]
        read_only_fields = SYNC_READ_ONLY
        extra_kwargs = {
            "default_amount": {"coerce_to_string": False, "min_value": Decimal("0.01")},
            "name": {"trim_whitespace": True},
        }


class DoseSerializer(DeviceTimesMixin, SyncedSerializer):
    """One intake of a medication from the list, optionally tied to an attack."""

    device_times = {"taken_at": "taken_offset_min"}

    medication = serializers.UUIDField(
        source="medication_id", help_text="Id of a live medication from your list."
    )
    attack = serializers.UUIDField(
        source="attack_id",
        required=False,
        allow_null=True,
        help_text="Optional id of the headache attack this dose treated.",
    )

    class Meta:
        model = Dose
        fields = [*SYNC_FIELDS, *DOSE_FIELDS]
        read_only_fields = [*SYNC_READ_ONLY, "taken_offset_min"]
        extra_kwargs = {
            "taken_at": {"help_text": f"When it was taken. {OFFSET_RULE}"},
            "taken_offset_min": {
                "help_text": "UTC offset (minutes) the device sent with `taken_at`; null: the "
                "profile zone counts its day. Kept by edits that do not resend the time."
            },
            "date": {
                "required": False,
                "allow_null": True,
                "help_text": "Diary day it counts for; derived from taken_at (see its rule) "
                "when left out, or when a new taken_at comes without a date.",
            },
            "amount": {
                "coerce_to_string": False,
                "min_value": Decimal("0.01"),
                "help_text": "Defaults to the medication's default amount.",
            },
            "unit": {"help_text": "Defaults to the medication's unit."},
            "quantity": {"coerce_to_string": False},
            "relief_2h": {
                "help_text": "Relief two hours after the dose (empty: not recorded). Answer a "
                "follow-up (`?awaiting_relief=true`) with a PATCH of this field alone."
            },
        }


ANSWERS_SCHEMA = {
    "description": (
        "ASC-12: 12 answers 0-2; PSS-4: 4 answers 0-4 (items 2 and 3 are reversed when scored); "
        "ACR 2016 SSS: an object with fatigue, waking_unrefreshed, cognitive_symptoms (0-3) and "
        "headaches, lower_abdominal_pain, depression (0-1); DSQ-SF: 14 [frequency, severity] "
        "pairs, each 0-4."
    ),
    "oneOf": [
        {
            "type": "array",
            "items": {"type": "integer", "minimum": 0, "maximum": scales.PSS4_ANSWER_MAX},
            "minItems": len(scales.PSS4_ITEMS),
            "maxItems": len(scales.ASC12_ITEMS),
        },
        {
            "type": "object",
            "properties": {
                **{
                    name: {"type": "integer", "minimum": 0, "maximum": 3}
                    for name in scales.SSS_WEEK_ITEMS
                },
                **{
                    name: {"type": "integer", "minimum": 0, "maximum": 1}
                    for name in scales.SSS_SIX_MONTH_ITEMS
                },
            },
            "required": [*scales.SSS_WEEK_ITEMS, *scales.SSS_SIX_MONTH_ITEMS],
            "additionalProperties": False,
        },
        {
            "type": "array",
            "items": {
                "type": "array",
                "items": {"type": "integer", "minimum": 0, "maximum": scales.DSQ_ANSWER_MAX},
                "minItems": 2,
                "maxItems": 2,
            },
            "minItems": len(scales.DSQ_ITEMS),
            "maxItems": len(scales.DSQ_ITEMS),
        },
    ],
}


@extend_schema_field(ANSWERS_SCHEMA)
class AnswersField(serializers.JSONField):
    """Shape is checked by ``services.score_questionnaire``; here only 'list or object'."""

    default_error_messages = {"invalid": "Send a list of answers, or an object for the SSS."}

    def to_internal_value(self, data):
        if not isinstance(data, list | dict):
            self.fail("invalid")
        return data


class QuestionnaireSerializer(SyncedSerializer):
    """A periodic questionnaire (ACR 2016 SSS, ASC-12 or PSS-4), scored when saved."""

    answers = AnswersField()
    score = serializers.IntegerField(
        read_only=True, min_value=0, max_value=24, help_text="Computed when saved."
    )

    class Meta:
        model = QuestionnaireResponse
        fields = [*SYNC_FIELDS, "instrument", "date", "answers", "score"]
        read_only_fields = SYNC_READ_ONLY
