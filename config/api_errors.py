"""API error bodies: RFC 9457 problem details with a stable code per error, never an HTML page
under /api/ (a lost database is ``config.middleware``'s 503, for pages and API alike).

Every error body has ``type`` (``urn:flaremap:problem:<code>``), ``title``, ``status``,
``detail`` (readable) and ``errors``: one ``{"code", "detail", "attr"}`` per error, where
``code`` is DRF's stable code (``required``, ``max_value``, ``not_found``, ...) and ``attr``
the field path (``body_pain.neck``, ``operations.3.op``) or null. Validation errors also keep
the plain ``{"field": ["message"]}`` members, so a person reading the body sees what to fix.
"""

from http import HTTPStatus

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.urls import Resolver404, resolve
from django.views.defaults import page_not_found
from rest_framework import status
from rest_framework.exceptions import (
    APIException,
    ErrorDetail,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

PROBLEM_TYPE = "urn:flaremap:problem:"


def problem(status_code: int, *, code: str, detail: str, errors=None, **extra) -> dict:
    """One problem-details body; ``errors`` defaults to the one error it describes."""
    body = {
        "type": PROBLEM_TYPE + code,
        "title": HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": str(detail),
        "errors": errors if errors is not None else [_error(code, detail, None)],
    }
    body.update(extra)
    return body


def problem_response(status_code: int, *, code: str, detail: str, headers=None, **extra):
    return Response(
        problem(status_code, code=code, detail=detail, **extra), status_code, headers=headers
    )


def problem_for(exc: APIException) -> dict:
    """The problem body of a DRF exception (validation errors: one entry per message)."""
    if isinstance(exc, ValidationError):
        errors = list(_flatten(exc.detail, None))
        first = errors[0] if errors else _error("invalid", "Invalid input.", None)
        readable = f"{first['attr']}: {first['detail']}" if first["attr"] else first["detail"]
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        fields = {name: value for name, value in fields.items() if name not in _RESERVED}
        body = problem(exc.status_code, code="invalid", detail=readable, errors=errors)
        body.update(fields)  # after: a field may be called `code`, like the share code
        return body
    detail = exc.detail if not isinstance(exc.detail, list | dict) else exc.default_detail
    code = getattr(detail, "code", None) or exc.default_code
    return problem(exc.status_code, code=code, detail=detail)


_RESERVED = {"type", "title", "status", "detail", "errors", "instance"}


def _error(code, detail, attr) -> dict:
    return {"code": str(code), "detail": str(detail), "attr": attr}


def _flatten(detail, attr):
    if isinstance(detail, dict):
        for name, value in detail.items():
            if name == "non_field_errors" and attr is None:
                yield from _flatten(value, None)
            else:
                yield from _flatten(value, f"{attr}.{name}" if attr else str(name))
    elif isinstance(detail, list):
        nested = any(isinstance(item, dict | list) for item in detail)
        for index, item in enumerate(detail):
            yield from _flatten(
                item, (f"{attr}.{index}" if attr else str(index)) if nested else attr
            )
    else:
        yield _error(getattr(detail, "code", None) or "invalid", detail, attr)


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = PermissionDenied(*exc.args)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    response.data = problem_for(exc)
    return response


def not_found(request, exception=None):
    """404 for an unknown URL: JSON under /api/ (API clients never get an HTML page)."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            problem(404, code="not_found", detail="Not found."), status=status.HTTP_404_NOT_FOUND
        )
    return page_not_found(request, exception)


def missing_slash(request, path: str):
    """An /api/ URL without its trailing slash: a JSON 308 to the right URL (method and body
    are kept, so PUT and POST follow it safely), or a JSON 404 when no such URL exists.

    Django's APPEND_SLASH would answer an HTML 301 (GET) or raise (POST in DEBUG)."""
    target = request.path + "/"
    try:
        resolve(target)
    except Resolver404:
        return not_found(request)
    query = request.META.get("QUERY_STRING", "")
    location = request.build_absolute_uri(target + (f"?{query}" if query else ""))
    body = problem(
        308,
        code="trailing_slash",
        detail=f"API URLs end with a slash: use {target}",
        location=location,
    )
    response = JsonResponse(body, status=status.HTTP_308_PERMANENT_REDIRECT)
    response["Location"] = location
    return response


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
