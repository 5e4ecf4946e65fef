"""The synced diary resources and the one write path the API uses for all of them.

A ``Resource`` ties a URL name to its model, serializer and ``diary.services`` functions.
``write`` and ``remove`` are shared by the single-object endpoints and ``POST /sync/batch/``,
so a retried or batched change behaves exactly like the same request sent alone:

- the stored object is locked, the service applies the change, and if the result equals what
  was stored the change is undone and answered 200 (a replay after a lost response: no version
  bump, no 412, RFC 9110 13.1.1);
- a stale ``If-Match`` answers 412 with the current object; deleting a tombstone answers 204.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from rest_framework import serializers
from rest_framework.exceptions import APIException, ValidationError

from accounts.models import User
from diary import services
from diary.api import serializers as api_serializers
from diary.api.common import Precondition, as_api_error
from diary.api.prepared import PreparedRows
from diary.models import Day, Dose, HeadacheAttack, Medication, QuestionnaireResponse

VOLATILE = {"version", "created_at", "updated_at"}


class StaleVersion(Exception):
    """``If-Match`` named an older version; carries the current object (None: no such object)."""

    def __init__(self, current):
        super().__init__("This entry was changed elsewhere; merge with `current` and retry.")
        self.current = current


class WriteConflict(APIException):
    status_code = 409
    default_detail = "Another write to this entry happened at the same moment; retry."
    default_code = "conflict"


class _Undo(Exception):
    """Leaves the write's transaction (rolling it back) with a result to answer."""

    def __init__(self, result):
        super().__init__()
        self.result = result


@dataclass(frozen=True)
class Resource:
    name: str
    model: type
    serializer: type[api_serializers.SyncedSerializer]
    key_field: str  # "date" for days, "id" for the UUID-keyed objects
    ordering: tuple[str, ...]
    upsert: Callable  # (patient, key, fields, replace, before) -> (obj, created)
    delete: Callable  # (patient, key) -> obj
    date_filter: Callable | None = None  # (start, end) -> Q of the rows touching that range

    def parse_key(self, raw):
        """The object key from a URL or batch item; an impossible key is simply not found."""
        try:
            if self.key_field == "date":
                return date.fromisoformat(str(raw)) if len(str(raw)) == 10 else _not_found()
            return uuid.UUID(str(raw))
        except (ValueError, TypeError):
            return _not_found()

    def owned(self, patient: User) -> QuerySet:
        return self.model.objects.filter(patient=patient)

    def lock(self, patient: User, key):
        """The stored object, locked; another patient's id is 404 before anything else runs."""
        if self.key_field == "date":
            rows = PreparedRows(self.model, Q(patient_id=patient.pk, date=key))
            return services.one_or_none(rows.select_for_update())
        rows = PreparedRows(self.model, Q(pk=key))
        obj = services.one_or_none(rows.select_for_update())
        if obj is not None and obj.patient_id != patient.pk:
            raise Http404("Not found.")
        return obj

    def live(self, patient: User, key):
        return services.one_or_none(
            self.owned(patient).filter(**{self.key_field: key}, deleted_at__isnull=True)
        )

    def changes(
        self,
        patient: User,
        *,
        start: date | None = None,
        end: date | None = None,
        updated_since: datetime | None = None,
    ) -> PreparedRows:
        """Rows to list: live ones, or every change (tombstones too) since ``updated_since``.

        Lists are the API's hottest reads, so their SQL is compiled once per shape."""
        if updated_since is not None:
            conditions = Q(patient_id=patient.pk, updated_at__gte=updated_since)
        else:
            conditions = Q(patient_id=patient.pk, deleted_at__isnull=True)
        if self.date_filter is not None and (start or end):
            conditions &= self.date_filter(start, end)
        return PreparedRows(self.model, conditions)

    def list_ordering(self, *, syncing: bool) -> tuple[str, ...]:
        return ("updated_at", "id") if syncing else self.ordering

    def represent(self, obj, *, show_notes: bool = True) -> dict:
        return self.serializer(obj, context={"show_notes": show_notes}).data


def _not_found():
    raise Http404("Not found.")


def _same_content(resource: Resource, before, after) -> bool:
    if before is None or before.is_deleted:
        return False
    old, new = resource.represent(before), resource.represent(after)
    return all(old[name] == new[name] for name in old if name not in VOLATILE)


def write(
    resource: Resource,
    *,
    patient: User,
    key,
    data,
    partial: bool,
    precondition: Precondition,
    create_only: bool = False,
) -> tuple[object, int]:
    """Validate ``data`` and upsert one object; returns (object, HTTP status 200/201).

    Raises ValidationError (400), Http404, StaleVersion (412) or WriteConflict (409).
    ``create_only`` (POST): an existing object with that id is returned unchanged (200).
    """
    serializer = resource.serializer(data=data, partial=partial)
    serializer.is_valid(raise_exception=True)
    body_id = serializer.validated_data.get("id")
    if body_id is not None and resource.key_field == "id" and body_id != key:
        raise ValidationError({"id": ["Does not match the id in the URL."]})
    for attempt in (1, 2):
        try:
            return _write_once(
                resource,
                patient=patient,
                key=key,
                serializer=serializer,
                partial=partial,
                precondition=precondition,
                create_only=create_only,
            )
        except IntegrityError:
            # Two first writes of one object raced; the second sees the first once it commits.
            if attempt == 2:
                raise WriteConflict() from None
    raise AssertionError("unreachable")


def _write_once(resource, *, patient, key, serializer, partial, precondition, create_only):
    try:
        with transaction.atomic():
            before = resource.lock(patient, key)
            if create_only and before is not None:
                raise _Undo((before, 200))
            if precondition.present and before is None and not create_only:
                raise StaleVersion(None)
            fields = _service_fields(serializer)
            try:
                obj, created = resource.upsert(patient, key, fields, not partial, before)
            except DjangoValidationError as exc:
                raise as_api_error(exc) from None
            except services.NotFound:
                raise Http404("Not found.") from None
            if _same_content(resource, before, obj):
                raise _Undo((before, 200))
            stale = (
                not create_only
                and precondition.version is not None
                and before is not None
                and before.version != precondition.version
            )
            if stale:
                raise StaleVersion(before)
            return obj, 201 if created else 200
    except _Undo as undo:
        return undo.result


def _service_fields(serializer) -> dict:
    if isinstance(serializer, api_serializers.DaySerializer):
        return serializer.service_fields()
    fields = dict(serializer.validated_data)
    fields.pop("id", None)
    return fields


def remove(resource: Resource, *, patient: User, key, precondition: Precondition):
    """Tombstone one object. Deleting a tombstone again succeeds (a replayed DELETE)."""
    with transaction.atomic():
        before = resource.lock(patient, key)
        if before is None:
            raise Http404("Not found.")
        if before.is_deleted:
            return before
        if precondition.version is not None and before.version != precondition.version:
            raise StaleVersion(before)
        try:
            return resource.delete(patient, key)
        except services.NotFound:
            raise Http404("Not found.") from None


# --- per-resource service adapters --------------------------------------------------------------


def _day_upsert(patient, key, fields, replace, before):
    if key.year < api_serializers.EARLIEST_YEAR:
        raise DjangoValidationError({"date": "Days before 1900 are not accepted."})
    # The row ``write`` already locked, copied: ``before`` must keep the stored values.
    locked = copy.copy(before) if before is not None else None
    return services.day_upsert_locked(
        patient=patient, date=key, replace=replace, locked=locked, **fields
    )


def _day_delete(patient, key):
    return services.day_delete(patient=patient, date=key)


def _attack_upsert(patient, key, fields, replace, before):
    return services.attack_upsert(patient=patient, attack_id=key, replace=replace, **fields)


def _medication_upsert(patient, key, fields, replace, before):
    return services.medication_upsert(patient=patient, medication_id=key, replace=replace, **fields)


def _dose_upsert(patient, key, fields, replace, before):
    """Turn the ids of the medication and attack into the patient's own objects."""
    if "medication_id" in fields:
        medication_id = fields.pop("medication_id")
        fields["medication"] = Medication.objects.filter(
            patient=patient, pk=medication_id, deleted_at__isnull=True
        ).first()
        if fields["medication"] is None:
            raise DjangoValidationError({"medication": "Choose a medication from your list."})
    if "attack_id" in fields:
        attack_id = fields.pop("attack_id")
        fields["attack"] = None
        if attack_id is not None:
            fields["attack"] = HeadacheAttack.objects.filter(
                patient=patient, pk=attack_id, deleted_at__isnull=True
            ).first()
            if fields["attack"] is None:
                raise DjangoValidationError({"attack": "That headache is not in your diary."})
    return services.dose_upsert(patient=patient, dose_id=key, replace=replace, **fields)


def _questionnaire_upsert(patient, key, fields, replace, before):
    """Questionnaires are saved whole; a PATCH fills the missing parts from the stored one."""
    merged = {}
    for name in ("instrument", "date", "answers"):
        if name in fields:
            merged[name] = fields[name]
        elif before is not None and not replace:
            merged[name] = getattr(before, name)
        else:
            raise DjangoValidationError({name: "This field is required."})
    return services.questionnaire_upsert(patient=patient, questionnaire_id=key, **merged)


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
    ordering=("date",),
    upsert=_day_upsert,
    delete=_day_delete,
    date_filter=_by_date,
)
HEADACHES = Resource(
    name="headaches",
    model=HeadacheAttack,
    serializer=api_serializers.AttackSerializer,
    key_field="id",
    ordering=("started_at", "id"),
    upsert=_attack_upsert,
    delete=lambda patient, key: services.attack_delete(patient=patient, attack_id=key),
    date_filter=_attacks_touching,
)
MEDICATIONS = Resource(
    name="medications",
    model=Medication,
    serializer=api_serializers.MedicationSerializer,
    key_field="id",
    ordering=("name", "id"),
    upsert=_medication_upsert,
    delete=lambda patient, key: services.medication_delete(patient=patient, medication_id=key),
)
DOSES = Resource(
    name="doses",
    model=Dose,
    serializer=api_serializers.DoseSerializer,
    key_field="id",
    ordering=("taken_at", "id"),
    upsert=_dose_upsert,
    delete=lambda patient, key: services.dose_delete(patient=patient, dose_id=key),
    date_filter=_by_date,
)
QUESTIONNAIRES = Resource(
    name="questionnaires",
    model=QuestionnaireResponse,
    serializer=api_serializers.QuestionnaireSerializer,
    key_field="id",
    ordering=("date", "id"),
    upsert=_questionnaire_upsert,
    delete=lambda patient, key: services.questionnaire_delete(
        patient=patient, questionnaire_id=key
    ),
    date_filter=_by_date,
)
RESOURCES = {r.name: r for r in (DAYS, HEADACHES, MEDICATIONS, DOSES, QUESTIONNAIRES)}


class ConflictSerializerBase(serializers.Serializer):
    detail = serializers.CharField()


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
