"""/api/v1/: each app contributes its own routes."""

from django.urls import include, path

from config.api_views import PingView

urlpatterns = [
    path("ping/", PingView.as_view(), name="api-ping"),
    path("auth/", include("accounts.api_urls")),
    path("", include("diary.api_urls")),
    path("", include("insights.api_urls")),
    path("", include("clinic.api_urls")),
]
