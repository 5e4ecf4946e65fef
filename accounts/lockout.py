"""What a locked-out client sees: JSON for the API, a page for the web (django-axes callable)."""

from django.http import JsonResponse
from django.shortcuts import render


def lockout_response(request, original_response=None, credentials=None):
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": "Too many failed attempts. Try again in 15 minutes."}, status=429
        )
    else:
        response = render(request, "accounts/locked_out.html", status=429)
    response["Retry-After"] = "900"
    return response
