"""/api/v1/ routes about consent and audit: the signed-in account (``me``), shares and the
access log. The views live in ``accounts.api``; ``config/api_urls.py`` mounts
``accounts.api_urls`` under ``auth/``, so the root-level account routes are mounted here.
"""

from accounts.api_urls import account_urlpatterns

urlpatterns = [*account_urlpatterns]
