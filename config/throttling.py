"""API rate limits that fail open, and tell the client where it stands.

The limits live in the shared cache (Redis in production). A limit protects the service; a
diary write or a login must not be refused because the cache is briefly unreachable, so a cache
failure lets the request through and logs it instead of answering 500.

A limited request's answer carries the IETF draft headers (draft-ietf-httpapi-ratelimit-headers):
``RateLimit-Limit``, ``RateLimit-Remaining``, ``RateLimit-Reset`` (seconds) and
``RateLimit-Policy`` (``<limit>;w=<window seconds>``); a 429 also has ``Retry-After`` (DRF).
"""

import logging
import math

from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import ScopedRateThrottle

logger = logging.getLogger(__name__)


class FailOpenScopedRateThrottle(ScopedRateThrottle):
    """DRF's scoped rate limit; when the cache cannot be read or written, the request passes."""

    def allow_request(self, request, view):
        try:
            allowed = super().allow_request(request, view)
        except Exception as exc:  # redis-py raises its own errors, not Django's
            logger.warning("rate limit %r skipped: cache unavailable (%s)", self.scope, exc)
            return True
        if self.rate is not None and hasattr(self, "history"):
            request.rate_limit_headers = self._headers(allowed)
        return allowed

    def _headers(self, allowed: bool) -> dict[str, str]:
        used = len(self.history) + (0 if allowed else 1)
        remaining = max(self.num_requests - used, 0)
        oldest = self.history[-1] if self.history else self.now
        reset = max(math.ceil(self.duration - (self.now - oldest)), 0)
        return {
            "RateLimit-Limit": str(self.num_requests),
            "RateLimit-Remaining": str(remaining),
            "RateLimit-Reset": str(reset),
            "RateLimit-Policy": f"{self.num_requests};w={self.duration}",
        }


class WriteRateThrottle(FailOpenScopedRateThrottle):
    """The ``writes`` rate (settings.REST_FRAMEWORK) on unsafe methods; reads are not limited."""

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)


class RateLimitHeadersMixin:
    """Copy the throttle's ``RateLimit-*`` headers onto the answer (errors included)."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        for name, value in getattr(request, "rate_limit_headers", {}).items():
            response[name] = value
        return response


class WriteThrottledMixin(RateLimitHeadersMixin):
    throttle_classes = [WriteRateThrottle]
    throttle_scope = "writes"
