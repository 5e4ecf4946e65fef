"""HTTP plumbing shared by every Flaremap API view: who is reading or writing, ETags and
``If-Match``, cursor pagination, the write throttle, error bodies and their OpenAPI shapes.

Nothing here knows about diary rules; those live in ``diary.services``.
"""

from __future__ import annotations

import re

from django.http import Http404
from rest_framework.exceptions import PermissionDenied, ValidationError

from accounts import access
from accounts.access import Grant
from accounts.models import User
from diary.services import ANY_VERSION

MAX_DB_INT = 2**63 - 1


# --- parsing ------------------------------------------------------------------------------------


def query_params(request) -> dict:
    """The query string as a plain dict, so a serializer refuses an empty value (``?to=``)
    instead of treating it as absent, as it does for form-like input."""
    return request.query_params.dict()


# --- who reads, who writes ----------------------------------------------------------------------


def patient_id_from_query(request) -> int | None:
    """``?patient=<id>`` as an int, None when left out. An empty value is refused (400), as
    the schema's integer type says, rather than read as "left out"; an id that cannot exist
    is 404 like any unknown patient."""
    raw = request.query_params.get("patient")
    if raw is None:
        return None
    if raw == "":
        raise ValidationError({"patient": ["Give a patient id (a whole number) or leave it out."]})
    if not raw.isascii() or not raw.isdigit() or int(raw) > MAX_DB_INT:
        raise Http404("No such patient.")
    return int(raw)


def read_grant(request, *, scope: str = "diary", action: str) -> Grant:
    """Resolve whose data this request reads (``?patient=<id>`` for clinicians) and log it.

    A patient reads themself; a clinician reads a patient through an active share with the
    scope. Anything else is 404 so patient ids never leak. Every clinician read is recorded.
    """
    user: User = request.user
    patient_id = patient_id_from_query(request)
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
    patient_id = patient_id_from_query(request)
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
    """The ``If-Match`` header's version; sent but empty is malformed (400), as the schema's
    pattern says, not a request without a condition."""
    header = request.headers.get("If-Match")
    if header is not None and not header.strip():
        raise ValidationError({"if_match": ['Send the ETag you read, e.g. If-Match: "3".']})
    return parse_version(header)
