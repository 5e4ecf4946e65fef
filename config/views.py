"""Site-wide views: health check for load balancers and compose, and the PWA service worker."""

from functools import cache

from django.contrib.staticfiles import finders
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """200 when the database answers; 503 otherwise (compose and the load balancer poll this)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@cache
def _service_worker_source() -> bytes:
    with open(finders.find("sw.js"), "rb") as file:
        return file.read()


def service_worker(request):
    """static/sw.js served from the site root, so its scope covers every page."""
    response = HttpResponse(
        _service_worker_source(), content_type="application/javascript; charset=utf-8"
    )
    response["Service-Worker-Allowed"] = "/"
    return response
