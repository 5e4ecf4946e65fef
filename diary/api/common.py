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
from rest_framework.exceptions import ErrorDetail, PermissionDenied, ValidationError

from accounts import access
from accounts.access import Grant
from accounts.models import User
from config.throttling import RateLimitHeadersMixin, WriteRateThrottle
from diary.services import ANY_VERSION

MAX_DB_INT = 2**63 - 1


# --- parsing ------------------------------------------------------------------------------------


def query_params(request) -> dict:
    """The query string as a plain dict, so a serializer refuses an empty value (``?to=``)
    instead of treating it as absent, as it does for form-like input."""
    return request.query_params.dict()


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
    """ETag of a synced object: its version (per object URL, so versions suffice).

    Weak (``W/"3"``): one version has several representations (with or without notes, gzip
    or not), and a weak ETag is the same whether or not GZipMiddleware compressed the answer.
    ``If-Match`` accepts it strong, weak or bare."""
    return f'W/"{obj.version}"'


def not_modified(request, obj) -> bool:
    """``If-None-Match`` (weak comparison, RFC 9110 13.1.2) names the stored version."""
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    if header.strip() == "*":
        return True
    versions = {_ETAG.match(tag).group(1) for tag in header.split(",") if _ETAG.match(tag)}
    return str(obj.version) in versions


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


def field_errors(exc: DjangoValidationError) -> dict[str, list[ErrorDetail]]:
    """A Django ValidationError from a service as API field errors, keeping each error's code
    (``unique``, ``invalid_choice``, ...) for the problem body's ``errors``."""
    if not hasattr(exc, "error_dict"):
        return {"non_field_errors": _coded(exc.error_list)}
    return {
        "non_field_errors" if name == "__all__" else name: _coded(errors)
        for name, errors in exc.error_dict.items()
    }


def _coded(errors) -> list[ErrorDetail]:
    return [
        ErrorDetail(message, code=error.code or "invalid")
        for error in errors
        for message in error.messages
    ]


def as_api_error(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(field_errors(exc))


# --- throttling ---------------------------------------------------------------------------------


class WriteThrottledMixin(RateLimitHeadersMixin):
    throttle_classes = [WriteRateThrottle]
    throttle_scope = "writes"


# --- OpenAPI shapes -----------------------------------------------------------------------------


class ProblemItemSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, machine-readable: `required`, `max_value`, ...")
    detail = serializers.CharField(help_text="Readable message.")
    attr = serializers.CharField(
        allow_null=True, help_text="The field's path (`body_pain.neck`), or null."
    )


class ErrorSerializer(serializers.Serializer):
    """RFC 9457 problem details (see config.api_errors)."""

    type = serializers.CharField(help_text="`urn:flaremap:problem:<code>`, e.g. `...:not_found`.")
    title = serializers.CharField(help_text="The HTTP status phrase.")
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text="Readable explanation.")
    errors = ProblemItemSerializer(many=True, help_text="One entry per error, each with a code.")


PROBLEM_PROPERTIES = {
    "type": {"type": "string"},
    "title": {"type": "string"},
    "status": {"type": "integer"},
    "detail": {"type": "string"},
    "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ProblemItem"}},
}


class FieldErrorsSerializer(serializers.Serializer):
    """Documented through ``FieldErrorsExtension`` (problem details + field -> messages)."""


class FieldErrorsExtension(OpenApiSerializerExtension):
    target_class = FieldErrorsSerializer

    def get_name(self, auto_schema, direction):
        return "FieldErrors"

    def map_serializer(self, auto_schema, direction):
        messages = {"type": "array", "items": {"type": "string"}}
        return {
            "type": "object",
            "description": (
                "Problem details (`errors` lists each error with its `code` and `attr`); "
                "each invalid field (or `non_field_errors`) also maps to its messages "
                "(nested objects and lists carry nested errors)."
            ),
            "properties": {**PROBLEM_PROPERTIES, "non_field_errors": messages},
            "required": list(PROBLEM_PROPERTIES),
            "additionalProperties": {"anyOf": [{"type": "array", "items": {}}, {"type": "object"}]},
        }


def error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


BAD_REQUEST = OpenApiResponse(FieldErrorsSerializer, description="Invalid input (field errors).")
UNAUTHORIZED = error("Missing, invalid or expired token.")
FORBIDDEN = error("Not allowed for this role (e.g. clinicians are read-only).")
NOT_FOUND = error("No such object for this patient (other patients' ids also answer 404).")
TOO_LARGE = error("Request body over the size limit.")
THROTTLED = error("Too many writes; retry after the `Retry-After` seconds.")
RACED = error("Another write to this object happened at the same moment; retry.")
UNAVAILABLE = error("Database briefly unavailable; retry after the `Retry-After` seconds.")

READ_ERRORS = {400: BAD_REQUEST, 401: UNAUTHORIZED, 404: NOT_FOUND, 503: UNAVAILABLE}
WRITE_ERRORS = {
    400: BAD_REQUEST,
    401: UNAUTHORIZED,
    403: FORBIDDEN,
    404: NOT_FOUND,
    409: RACED,
    413: TOO_LARGE,
    429: THROTTLED,
    503: UNAVAILABLE,
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
IF_MATCH_PATTERN = r'^\s*(\*|(W/)?"?[0-9]{1,9}"?)\s*$'
IF_MATCH_PARAM = OpenApiParameter(
    "If-Match",
    {"type": "string", "pattern": IF_MATCH_PATTERN},
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


HEADERS = {
    "Retry-After": "Seconds to wait before retrying.",
    "RateLimit-Limit": "Requests allowed in the window (IETF RateLimit header fields draft).",
    "RateLimit-Remaining": "Requests left in the current window.",
    "RateLimit-Reset": "Seconds until the window frees a request.",
    "RateLimit-Policy": "The limit and its window, e.g. `600;w=60`.",
}


def _header(name: str) -> dict:
    return {"$ref": f"#/components/headers/{name}"}


def document_retry_after(result, generator, request, public):
    """Spectacular post-processing hook: 429 and 503 answers carry ``Retry-After``; throttled
    operations (those documenting 429) describe the ``RateLimit-*`` headers of their 2xx and
    429 answers."""
    components = result.setdefault("components", {}).setdefault("headers", {})
    for name, description in HEADERS.items():
        kind = {"type": "string"} if name == "RateLimit-Policy" else {"type": "integer"}
        components[name] = {"description": description, "schema": kind}
    for item in result.get("paths", {}).values():
        for operation in item.values():
            responses = operation.get("responses", {}) if isinstance(operation, dict) else {}
            for code in ("429", "503"):
                if code in responses:
                    responses[code].setdefault("headers", {})["Retry-After"] = _header(
                        "Retry-After"
                    )
            if "429" not in responses:
                continue
            for code, response in responses.items():
                if not (code.startswith("2") or code == "429"):
                    continue
                headers = response.setdefault("headers", {})
                for name in HEADERS:
                    if name != "Retry-After":
                        headers[name] = _header(name)
    return result


# Response fields a reader may not see: notes without the notes scope.
SOMETIMES_ABSENT = {"notes"}


def require_response_fields(result, generator, request, public):
    """Spectacular post-processing hook: in a response component every field is always sent
    (read-only or not), so generated clients get ``id: str``, not ``id: str | Unset``.

    Applies to the components split from a request twin (``Day`` next to ``DayRequest``, ``Me``
    next to ``PatchedMeRequest``)."""
    schemas = result.get("components", {}).get("schemas", {})
    for name, component in schemas.items():
        split = f"{name}Request" in schemas or f"Patched{name}Request" in schemas
        if not split or "properties" not in component:
            continue
        component["required"] = [
            field for field in component["properties"] if field not in SOMETIMES_ABSENT
        ]
    return result
