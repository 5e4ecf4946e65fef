"""Cross-cutting HTTP behaviour: oversized bodies answer 413, bodies without a length 411, a lost
database 503, and no response of the app is kept by a browser or shared cache."""

import logging

from django.conf import settings
from django.db import OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control

from config.api_errors import problem

logger = logging.getLogger(__name__)


def _wants_json(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


_CODES = {411: "length_required", 413: "too_large", 503: "service_unavailable"}


def _refuse(request, status: int, detail: str) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(problem(status, code=_CODES[status], detail=detail), status=status)
    return HttpResponse(detail, status=status, content_type="text/plain")


class RequestSizeLimitMiddleware:
    """Refuse bodies over MAX_REQUEST_BODY_BYTES, and bodies of unknown length, before any view
    reads them.

    A chunked body (``Transfer-Encoding: chunked``, no ``Content-Length``) reaches Django as an
    empty stream under WSGI, so a PUT would silently save an empty day. It answers 411 instead:
    every HTTP client sends a length for a body it holds in memory.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "chunked" in request.headers.get("Transfer-Encoding", "").lower():
            return _refuse(
                request, 411, "Send the request body with a Content-Length header, not chunked."
            )
        try:
            length = int(request.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BODY_BYTES:
            limit_kb = settings.MAX_REQUEST_BODY_BYTES // 1024
            return _refuse(request, 413, f"Request body too large; the limit is {limit_kb} KB.")
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """Turn a dropped database connection into 503 + Retry-After, never a 500.

    The request's transaction (if any) has already rolled back, so nothing is half-written;
    the client may simply retry. The broken connection is closed so the next request reconnects.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError):
            return None
        logger.warning("database unavailable: %s", exception)
        for conn in connections.all(initialized_only=True):
            conn.close_if_unusable_or_obsolete()
        response = _refuse(
            request, 503, "The service is temporarily unavailable. Please retry in a moment."
        )
        response["Retry-After"] = "5"
        return response


class PrivateResponseMiddleware:
    """Mark every app response ``Cache-Control: no-store, private`` and send Permissions-Policy.

    Pages, API JSON, reports, PDF, FHIR and CSV all carry health data, so no browser, proxy or
    back/forward cache may keep a copy (a shared or stolen phone would show it after log-out).
    Placed after WhiteNoise, so static files keep their long cache lifetime.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True)
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        return response
