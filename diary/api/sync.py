"""``POST /api/v1/sync/batch/``: an offline client's queue of changes in one request.

Each operation is applied exactly as the matching single-object request would be (same
validation, same ``If-Match`` rules, same replay safety) in a savepoint of its own, so one bad
item never undoes or blocks the others; the answer lists a result per item, in order. The
batch as a whole is one transaction: a request cut off part-way (a worker timeout, a dropped
connection) changes nothing, and the client simply sends it again.
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_errors import problem, problem_for
from config.openapi import BAD_REQUEST, WRITE_ERRORS
from config.throttling import WriteThrottledMixin
from diary.api.common import parse_version, writing_patient
from diary.api.resources import RESOURCES, STALE, remove, write
from diary.services import VersionConflict

MAX_OPERATIONS = 500
SYNCED_COMPONENTS = ("Day", "Attack", "Medication", "Dose", "Questionnaire", "Trigger")
OPERATIONS = {
    "create": "POST /<resource>/ (key optional: a new UUID; an existing id is returned as is)",
    "upsert": "PUT /<resource>/<key>/ (create or replace)",
    "patch": "PATCH /<resource>/<key>/",
    "delete": "DELETE /<resource>/<key>/",
}


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": True,
        "description": "The request body of the matching single-object request.",
    }
)
class OperationDataField(serializers.JSONField):
    default_error_messages = {"invalid": "Send the request body as a JSON object."}

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(serializers.CharField):
    """Text only: a number is refused, not turned into text (the schema says string)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class BatchOperationSerializer(serializers.Serializer):
    op = serializers.ChoiceField(
        choices=list(OPERATIONS),
        help_text="; ".join(f"`{name}`: {meaning}" for name, meaning in OPERATIONS.items()),
    )
    resource = serializers.ChoiceField(choices=list(RESOURCES))
    key = StrictCharField(
        required=False,
        max_length=64,
        help_text="The `{key}` of the single-object URL: a date for days, else the UUID.",
    )
    if_match = StrictCharField(
        required=False,
        allow_null=True,
        max_length=32,
        help_text='Like the If-Match header: the version you last read (e.g. `"3"`) or `*`.',
    )
    data = OperationDataField(required=False, default=dict)


class BatchRequestSerializer(serializers.Serializer):
    operations = BatchOperationSerializer(many=True, max_length=MAX_OPERATIONS, min_length=1)


SYNCED_OBJECT = {
    "oneOf": [{"$ref": f"#/components/schemas/{name}"} for name in SYNCED_COMPONENTS],
    "description": "The object as the resource's single-object endpoint returns it.",
}


@extend_schema_field(SYNCED_OBJECT)
class SyncedObjectField(serializers.JSONField):
    pass


@extend_schema_field({"oneOf": [{"$ref": "#/components/schemas/FieldErrors"}]})
class ItemErrorsField(serializers.JSONField):
    pass


class BatchResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(min_value=0, help_text="Position in `operations`.")
    op = serializers.ChoiceField(choices=list(OPERATIONS))
    resource = serializers.ChoiceField(choices=list(RESOURCES))
    key = serializers.CharField(allow_null=True, help_text="The object's key (null if unknown).")
    status = serializers.IntegerField(
        help_text="What the single request would answer: 200, 201, 204, 400, 404, 409 or 412."
    )
    data = SyncedObjectField(
        allow_null=True, help_text="The stored object (null for delete and failures)."
    )
    errors = ItemErrorsField(
        allow_null=True, help_text="The error body the single request would answer, or null."
    )
    current = SyncedObjectField(allow_null=True, help_text="On 412: the current object.")


class BatchResponseSerializer(serializers.Serializer):
    results = BatchResultSerializer(many=True)


def _key_of(resource, obj) -> str:
    return str(getattr(obj, resource.key_field))


def apply_operation(patient, index: int, operation: dict) -> dict:
    """Apply one operation in its own savepoint and describe the outcome."""
    resource = RESOURCES[operation["resource"]]
    op = operation["op"]
    result = {"index": index, "op": op, "resource": resource.name, "key": operation.get("key")}
    result.update(status=None, data=None, errors=None, current=None)
    try:
        expected_version = parse_version(operation.get("if_match"))
        raw_key = operation.get("key")
        if op == "create":
            if resource.key_field != "id":
                raise Http404("Days are written with `upsert` (keyed by date).")
            data = operation["data"]
            raw_key = raw_key or (data.get("id") if isinstance(data, dict) else None)
            key = resource.parse_key(raw_key) if raw_key else uuid.uuid4()
            expected_version = None
        elif not raw_key:
            raise ValidationError({"key": ["This operation needs the object's key."]})
        else:
            key = resource.parse_key(raw_key)
        result["key"] = str(key)
        if op == "delete":
            remove(resource, patient=patient, key=key, expected_version=expected_version)
            result["status"] = 204
            return result
        obj, code, data = write(
            resource,
            patient=patient,
            key=key,
            data=operation["data"],
            partial=op == "patch",
            expected_version=expected_version,
            create_only=op == "create",
        )
        result.update(status=code, data=data, key=_key_of(resource, obj))
    except VersionConflict as exc:
        current = resource.represent(exc.current) if exc.current is not None else None
        errors = problem(412, code="precondition_failed", detail=STALE)
        result.update(status=412, errors=errors, current=current)
    except Http404:
        result.update(status=404, errors=problem(404, code="not_found", detail="Not found."))
    except APIException as exc:
        result.update(status=exc.status_code, errors=problem_for(exc))
    return result


class SyncBatchView(WriteThrottledMixin, APIView):
    """Apply up to 500 queued changes; each is atomic on its own, failures do not stop others."""

    @extend_schema(
        request=BatchRequestSerializer,
        responses={
            200: OpenApiResponse(
                BatchResponseSerializer, description="One result per operation, in order."
            ),
            **WRITE_ERRORS,
            400: BAD_REQUEST,
        },
        tags=["sync"],
        summary="Apply a batch of offline changes",
        description=(
            "Operations run in order, each in its own transaction, with exactly the rules of "
            "the single-object requests: `If-Match` (`if_match`) gives 412 with `current` when "
            "stale, a replayed operation is harmless, deleting a tombstone is 204. The whole "
            f"request is 400 only when the envelope is invalid (e.g. more than {MAX_OPERATIONS} "
            "operations); otherwise it is 200 and each item carries its own status."
        ),
    )
    def post(self, request):
        patient = writing_patient(request)
        envelope = BatchRequestSerializer(data=request.data)
        envelope.is_valid(raise_exception=True)
        with transaction.atomic():
            results = [
                apply_operation(patient, index, operation)
                for index, operation in enumerate(envelope.validated_data["operations"])
            ]
        return Response({"results": results})
