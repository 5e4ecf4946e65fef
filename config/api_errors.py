"""DRF exception handler: every error is JSON; database outages become 503, never 500."""

from django.db import OperationalError
from django.http import JsonResponse
from django.views.defaults import page_not_found
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is not None:
        return response
    if isinstance(exc, OperationalError):
        return Response(
            {"detail": "The service is temporarily unavailable. Please retry in a moment."},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "5"},
        )
    return None


def not_found(request, exception=None):
    """404 for an unknown URL: JSON under /api/ (API clients never get an HTML page)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    return page_not_found(request, exception)
