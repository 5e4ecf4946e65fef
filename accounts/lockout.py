"""django-axes hooks: the key a lockout counts on, and what a locked-out client sees."""

from django.http import JsonResponse
from django.shortcuts import render

from config.api_errors import problem


def normalise_email(value) -> str:
    """An e-mail as accounts are looked up: trimmed and lower-cased."""
    return str(value or "").strip().lower()


def lockout_username(request, credentials=None) -> str:
    """AXES_USERNAME_CALLABLE: count failures on the normalised e-mail on every login path.

    The user lookup ignores case, so ``Victim@...`` must not get a fresh set of attempts and a
    lock made through the API must hold on the web form (and the other way round).
    """
    if credentials:
        return normalise_email(credentials.get("username"))
    data = getattr(request, "data", None) or request.POST
    return normalise_email(data.get("username") or data.get("email"))


def lockout_response(request, original_response=None, credentials=None):
    if request.path.startswith("/api/"):
        detail = "Too many failed attempts. Try again in 15 minutes."
        response = JsonResponse(problem(429, code="locked_out", detail=detail), status=429)
    else:
        response = render(request, "accounts/locked_out.html", status=429)
    response["Retry-After"] = "900"
    return response
