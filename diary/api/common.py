"""HTTP plumbing shared by every Flaremap API view: who is reading or writing, ETags and
``If-Match``, cursor pagination, the write throttle, error bodies and their OpenAPI shapes.

Nothing here knows about diary rules; those live in ``diary.services``.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError

from accounts import access
from accounts.access import Grant
from accounts.models import User
from config.throttling import WriteRateThrottle
from diary.services import ANY_VERSION

MAX_DB_INT = 2**63 - 1


# --- parsing ------------------------------------------------------------------------------------


# --- who reads, who writes ----------------------------------------------------------------------


def _patient_id_from_query(request) -> int | None:
    raw = request.query_params.get("patient")
    if raw is None or raw == "":
        return None
    if not raw.isascii() or not raw.isdigit() or int(raw) > MAX_DB_INT:
        raise Http404("No such patient.")
    return int(raw)


def read_grant(request, *, scope: str = "diary", action: str) -> Grant:
    """Resolve whose data this request reads (``?patient=<id>`` for clinicians) and log it.

    A patient reads themself; a clinician reads a patient through an active share with the
    scope. Anything else is 404 so patient ids never leak. Every clinician read is recorded.
    """
    user: User = request.user
    patient_id = _patient_id_from_query(request)
    if patient_id is None:
        if not user.is_patient:
            raise ValidationError(
                {"patient": ["Choose the patient to read with ?patient=<id> (see GET /shares/)."]}
            )
        patient_id = user.pk
    grant = access.grant_for(user, patient_id)
    if not grant.allows(scope):
        raise Http404("No such patient.")
    access.record_access(actor=user, patient=grant.patient, action=action, request=request)
    return grant


def writing_patient(request) -> User:
    """Only a patient writes, and only their own diary; clinicians are read-only (403)."""
    user: User = request.user
    if not user.is_patient:
        raise PermissionDenied("Only the patient can change their diary; clinicians read only.")
    patient_id = _patient_id_from_query(request)
    if patient_id is not None and patient_id != user.pk:
        raise Http404("No such patient.")
    return user


# --- versions -----------------------------------------------------------------------------------

_ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')


def etag_for(obj) -> str:
    """Strong ETag of a synced object: its version (per object URL, so versions suffice)."""
    return f'"{obj.version}"'


def parse_version(value) -> int | str | None:
    """Parse an ``If-Match`` value (``"3"``, ``W/"3"``, ``3`` or ``*``) into the version the
    services expect (None: no condition; ``ANY_VERSION`` for ``*``); 400 when malformed."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        if value.strip() == "*":
            return ANY_VERSION
        match = _ETAG.match(value)
        if match:
            return int(match.group(1))
    raise ValidationError({"if_match": ['Send the ETag you read, e.g. If-Match: "3".']})


def if_match(request) -> int | str | None:
    return parse_version(request.headers.get("If-Match"))


# --- errors -------------------------------------------------------------------------------------


def field_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    """A Django ValidationError from a service as API field errors."""
    if not hasattr(exc, "error_dict"):
        return {"non_field_errors": list(exc.messages)}
    return {
        "non_field_errors" if name == "__all__" else name: messages
        for name, messages in exc.message_dict.items()
    }


def as_api_error(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(field_errors(exc))


# --- throttling ---------------------------------------------------------------------------------


class WriteThrottledMixin:
    throttle_classes = [WriteRateThrottle]
    throttle_scope = "writes"


# --- OpenAPI shapes -----------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class FieldErrorsSerializer(serializers.Serializer):
    """Documented through ``FieldErrorsExtension`` (an object of field -> messages)."""


class FieldErrorsExtension(OpenApiSerializerExtension):
    target_class = FieldErrorsSerializer

    def get_name(self, auto_schema, direction):
        return "FieldErrors"

    def map_serializer(self, auto_schema, direction):
        messages = {"type": "array", "items": {"type": "string"}}
        return {
            "type": "object",
            "description": (
                "Validation errors: each key is a field (or `non_field_errors`) with its "
                "messages; nested objects carry nested errors. Malformed JSON gives `detail`."
            ),
            "properties": {"detail": {"type": "string"}, "non_field_errors": messages},
            "additionalProperties": {"oneOf": [messages, {"type": "object"}]},
        }


def error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


BAD_REQUEST = OpenApiResponse(FieldErrorsSerializer, description="Invalid input (field errors).")
UNAUTHORIZED = error("Missing, invalid or expired token.")
FORBIDDEN = error("Not allowed for this role (e.g. clinicians are read-only).")
NOT_FOUND = error("No such object for this patient (other patients' ids also answer 404).")
TOO_LARGE = error("Request body over the size limit.")
THROTTLED = error("Too many writes; retry after the `Retry-After` seconds.")

READ_ERRORS = {400: BAD_REQUEST, 401: UNAUTHORIZED, 404: NOT_FOUND}
WRITE_ERRORS = {
    400: BAD_REQUEST,
    401: UNAUTHORIZED,
    403: FORBIDDEN,
    404: NOT_FOUND,
    413: TOO_LARGE,
    429: THROTTLED,
}

PATIENT_PARAM = OpenApiParameter(
    "patient",
    OpenApiTypes.INT,
    description=(
        "Whose diary to read. Patients omit it (or give their own id). Clinicians must give the "
        "id of a patient who shares with them (`patient` in `GET /shares/`); without an active "
        "share with the needed scope the answer is 404. Notes are left out unless the share "
        "includes notes. Clinicians are read-only: writes answer 403."
    ),
)
WRITE_PATIENT_PARAM = OpenApiParameter(
    "patient",
    OpenApiTypes.INT,
    description="Optional; only the patient's own id is accepted (writes are patient-only).",
)
IF_MATCH_PARAM = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    description=(
        'Optimistic concurrency: the `ETag` you last read (e.g. `"3"`) or `*`. A stale value '
        "answers 412 with the current object, unless the stored object already equals what "
        "you send (a replayed request), which answers 2xx (RFC 9110, 13.1.1)."
    ),
)


def document_unauthorized(result, generator, request, public):
    """Spectacular post-processing hook: every operation that needs a token can answer 401.

    Added for all secured operations, so endpoints from any app document it without
    repeating it in each ``extend_schema``.
    """
    for item in result.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            secured = any(requirement for requirement in operation.get("security", [{}]))
            if secured and "401" not in operation["responses"]:
                operation["responses"]["401"] = {
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                    "description": "Missing, invalid or expired token.",
                }
    return result
