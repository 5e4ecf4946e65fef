"""The API's OpenAPI shapes: error bodies, shared responses and parameters, fields whose schema
needs a hand, and the postprocessing hooks that document headers and required fields.

Shared by every app's API (accounts, diary, insights, clinic), so it lives in config.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema_field
from rest_framework import serializers


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


def _operations(result):
    for item in result.get("paths", {}).values():
        for operation in item.values():
            if isinstance(operation, dict) and "responses" in operation:
                yield operation


def document_unauthorized(result, generator, request, public):
    """Spectacular post-processing hook: every operation that needs a token can answer 401.

    Added for all secured operations, so endpoints from any app document it without
    repeating it in each ``extend_schema``.
    """
    for operation in _operations(result):
        secured = any(requirement for requirement in operation.get("security", [{}]))
        if secured and "401" not in operation["responses"]:
            operation["responses"]["401"] = {
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
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


def document_retry_after(result, generator, request, public):
    """Spectacular post-processing hook: 429 and 503 answers carry ``Retry-After``; throttled
    operations (those documenting 429) describe the ``RateLimit-*`` headers of their 2xx and
    429 answers."""
    components = result.setdefault("components", {}).setdefault("headers", {})
    for name, description in HEADERS.items():
        kind = {"type": "string"} if name == "RateLimit-Policy" else {"type": "integer"}
        components[name] = {"description": description, "schema": kind}
    for operation in _operations(result):
        responses = operation["responses"]
        for code, response in responses.items():
            names = ["Retry-After"] if code in ("429", "503") else []
            if "429" in responses and (code.startswith("2") or code == "429"):
                names += [name for name in HEADERS if name != "Retry-After"]
            for name in names:
                response.setdefault("headers", {})[name] = {"$ref": f"#/components/headers/{name}"}
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


CLOCK_TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"


@extend_schema_field(
    {
        "type": "string",
        "pattern": CLOCK_TIME_PATTERN,
        "example": "23:30",
        "description": "Local clock time, HH:MM or HH:MM:SS (no time zone).",
    }
)
class ClockTimeField(serializers.TimeField):
    """A wall-clock time. OpenAPI's ``format: time`` demands an offset, which a diary's
    'went to bed at 23:30' never has, so the schema gives the real pattern instead."""
