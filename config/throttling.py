"""API rate limits that fail open.

The limits live in the shared cache (Redis in production). A limit protects the service; a
diary write or a login must not be refused because the cache is briefly unreachable, so a cache
failure lets the request through and logs it instead of answering 500.
"""

import logging

from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import ScopedRateThrottle

logger = logging.getLogger(__name__)


class FailOpenScopedRateThrottle(ScopedRateThrottle):
    """DRF's scoped rate limit; when the cache cannot be read or written, the request passes."""

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception as exc:  # redis-py raises its own errors, not Django's
            logger.warning("rate limit %r skipped: cache unavailable (%s)", self.scope, exc)
            return True


class WriteRateThrottle(FailOpenScopedRateThrottle):
    """The ``writes`` rate (settings.REST_FRAMEWORK) on unsafe methods; reads are not limited."""

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)
