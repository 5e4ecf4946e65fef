from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as account_views
from config import api_errors, views

if settings.ADMIN_REQUIRE_MFA:
    from django_otp.admin import OTPAdminSite

    admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("accounts/", include("accounts.urls")),
    path("diary/", include("diary.urls")),
    path("insights/", include("insights.urls")),
    path("clinic/", include("clinic.urls")),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Split view: the UI's start-up script is a separate same-origin request (CSP, no inline JS).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    # Last: an /api/ URL missing its trailing slash answers JSON (308 or 404), not HTML.
    re_path(r"^(?P<path>api/.*[^/])$", api_errors.missing_slash),
]

handler404 = "config.api_errors.not_found"
