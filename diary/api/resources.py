"""The synced diary resources and the one write path the API uses for all of them.

A ``Resource`` ties a URL name to its model, serializer and ``diary.services`` functions.
``write`` and ``remove`` are shared by the single-object endpoints and ``POST /sync/batch/``,
so a batched change behaves exactly like the same request sent alone: the serializer checks
the JSON, the service does the write (lock, version, replay: a write that changes nothing
answers 200 without a new version), and the service's exceptions become HTTP answers.
``services.VersionConflict`` is left to the caller, which answers 412 with the current object.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import Q, QuerySet
from django.http import Http404
from rest_framework import serializers
from rest_framework.exceptions import APIException, ValidationError

from accounts.models import User
from config.api_errors import as_api_error
from config.openapi import ErrorSerializer
from diary import services
from diary.api import serializers as api_serializers
from diary.models import Day, Dose, HeadacheAttack, Medication, QuestionnaireResponse, Trigger

STALE = "This entry was changed elsewhere; merge with `current` and retry."


class WriteConflict(APIException):
    status_code = 409
    default_detail = "Another write to this entry happened at the same moment; retry."
    default_code = "conflict"


@dataclass(frozen=True)
class Resource:
    name: str
    model: type
    serializer: type[api_serializers.SyncedSerializer]
    key_field: str  # "date" for days, "id" for the UUID-keyed objects
    key_argument: str  # the key's name in the services: "date", "attack_id", ...
    ordering: tuple[str, ...]
    upsert: Callable  # services.<resource>_upsert
    delete: Callable  # services.<resource>_delete
    date_filter: Callable | None = None  # (start, end) -> Q of the rows touching that range

    def parse_key(self, raw):
        """The object key from a URL or batch item; an impossible key is simply not found."""
        try:
            if self.key_field == "date":
                return date.fromisoformat(str(raw)) if len(str(raw)) == 10 else _not_found()
            return uuid.UUID(str(raw))
        except (ValueError, TypeError):
            return _not_found()

    def live(self, patient: User, key):
        rows = self.model.objects.filter(patient=patient, deleted_at__isnull=True)
        return rows.filter(**{self.key_field: key}).first()

    def changes(
        self,
        patient: User,
        *,
        start: date | None = None,
        end: date | None = None,
        updated_since: datetime | None = None,
    ) -> QuerySet:
        """Rows to list: live ones, or every change (tombstones too) since ``updated_since``."""
        rows = self.model.objects.filter(patient=patient)
        if updated_since is not None:
            rows = rows.filter(updated_at__gte=updated_since)
        else:
            rows = rows.filter(deleted_at__isnull=True)
        if self.date_filter is not None and (start or end):
            rows = rows.filter(self.date_filter(start, end))
        return rows

    def list_ordering(self, *, syncing: bool) -> tuple[str, ...]:
        return ("updated_at", "id") if syncing else self.ordering

    def represent(self, obj, *, show_notes: bool = True) -> dict:
        return self.serializer(obj, context={"show_notes": show_notes}).data


def _not_found():
    raise Http404("Not found.")


def write(
    resource: Resource,
    *,
    patient: User,
    key,
    data,
    partial: bool,
    expected_version=None,
    create_only: bool = False,
) -> tuple[object, int, dict]:
    """Validate ``data`` and upsert one object; returns (object, HTTP status 200/201, its
    representation).

    Raises ValidationError (400), Http404, services.VersionConflict (412) or WriteConflict
    (409). ``create_only`` (POST): an existing object with that id is returned unchanged (200).
    """
    serializer = resource.serializer(data=data, partial=partial)
    serializer.is_valid(raise_exception=True)
    fields = serializer.service_fields()
    body_id = fields.pop("id", None)
    if body_id is not None and resource.key_field == "id" and body_id != key:
        raise ValidationError({"id": ["Does not match the id in the URL."]})
    if create_only:  # only the UUID-keyed services take it: days have no POST
        fields["create_only"] = True
    for attempt in (1, 2):
        try:
            obj, outcome = resource.upsert(
                patient=patient,
                **{resource.key_argument: key},
                expected_version=expected_version,
                replace=not partial,
                **fields,
            )
        except IntegrityError:
            # Two first writes of one object raced; the second sees the first once it commits.
            if attempt == 2:
                raise WriteConflict() from None
            continue
        except DjangoValidationError as exc:
            raise as_api_error(exc) from None
        except services.NotFound:
            raise Http404("Not found.") from None
        serializer.instance = obj  # its fields are built: the answer reuses them
        return obj, 201 if outcome is services.Outcome.CREATED else 200, serializer.data
    raise AssertionError("unreachable")


def remove(resource: Resource, *, patient: User, key, expected_version=None):
    """Tombstone one object. Deleting a tombstone again succeeds (a replayed DELETE)."""
    try:
        obj, _ = resource.delete(
            patient=patient, **{resource.key_argument: key}, expected_version=expected_version
        )
    except services.NotFound:
        raise Http404("Not found.") from None
    return obj


def _by_date(start, end) -> Q:
    condition = Q()
    if start:
        condition &= Q(date__gte=start)
    if end:
        condition &= Q(date__lte=end)
    return condition


def _attacks_touching(start, end) -> Q:
    """Attacks covering any day of the range (an ongoing attack covers every later day)."""
    condition = Q()
    if end:
        condition &= Q(start_date__lte=end)
    if start:
        condition &= Q(end_date__gte=start) | Q(end_date__isnull=True)
    return condition


DAYS = Resource(
    name="days",
    model=Day,
    serializer=api_serializers.DaySerializer,
    key_field="date",
    key_argument="date",
    ordering=("date",),
    upsert=services.day_upsert,
    delete=services.day_delete,
    date_filter=_by_date,
)
HEADACHES = Resource(
    name="headaches",
    model=HeadacheAttack,
    serializer=api_serializers.AttackSerializer,
    key_field="id",
    key_argument="attack_id",
    ordering=("started_at", "id"),
    upsert=services.attack_upsert,
    delete=services.attack_delete,
    date_filter=_attacks_touching,
)
MEDICATIONS = Resource(
    name="medications",
    model=Medication,
    serializer=api_serializers.MedicationSerializer,
    key_field="id",
    key_argument="medication_id",
    ordering=("name", "id"),
    upsert=services.medication_upsert,
    delete=services.medication_delete,
)
DOSES = Resource(
    name="doses",
    model=Dose,
    serializer=api_serializers.DoseSerializer,
    key_field="id",
    key_argument="dose_id",
    ordering=("taken_at", "id"),
    upsert=services.dose_upsert,
    delete=services.dose_delete,
    date_filter=_by_date,
)
QUESTIONNAIRES = Resource(
    name="questionnaires",
    model=QuestionnaireResponse,
    serializer=api_serializers.QuestionnaireSerializer,
    key_field="id",
    key_argument="questionnaire_id",
    ordering=("date", "id"),
    upsert=services.questionnaire_upsert,
    delete=services.questionnaire_delete,
    date_filter=_by_date,
)
TRIGGERS = Resource(
    name="triggers",
    model=Trigger,
    serializer=api_serializers.TriggerSerializer,
    key_field="id",
    key_argument="trigger_id",
    ordering=("name", "id"),
    upsert=services.trigger_upsert,
    delete=services.trigger_delete,
)
RESOURCES = {r.name: r for r in (DAYS, HEADACHES, MEDICATIONS, DOSES, QUESTIONNAIRES, TRIGGERS)}


class ConflictSerializerBase(ErrorSerializer):
    """A 412 problem body (``precondition_failed``) with the stored object as ``current``."""


def conflict_serializer(resource: Resource) -> type[serializers.Serializer]:
    """The 412 body of one resource: a message and the current object (null if none)."""
    name = resource.serializer.__name__.replace("Serializer", "") + "ConflictSerializer"
    return type(
        name,
        (ConflictSerializerBase,),
        {
            "current": resource.serializer(read_only=True, allow_null=True),
            "__module__": __name__,
        },
    )
