"""Cross-cutting HTTP behaviour: oversized bodies answer 413, a lost database answers 503,
and no response of the app is kept by a browser or shared cache."""

import logging

from django.conf import settings
from django.db import OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)


def _wants_json(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


class RequestSizeLimitMiddleware:
    """Refuse bodies over MAX_REQUEST_BODY_BYTES before any view reads them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BODY_BYTES:
            limit_kb = settings.MAX_REQUEST_BODY_BYTES // 1024
            detail = f"Request body too large; the limit is {limit_kb} KB."
            if _wants_json(request):
                return JsonResponse({"detail": detail}, status=413)
            return HttpResponse(detail, status=413, content_type="text/plain")
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
        detail = "The service is temporarily unavailable. Please retry in a moment."
        if _wants_json(request):
            response = JsonResponse({"detail": detail}, status=503)
        else:
            response = HttpResponse(detail, status=503, content_type="text/plain")
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
