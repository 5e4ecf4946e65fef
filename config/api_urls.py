"""/api/v1/: each app contributes its own routes."""

from django.urls import include, path

urlpatterns = [
    path("auth/", include("accounts.api_urls")),
    path("", include("diary.api_urls")),
    path("", include("insights.api_urls")),
    path("", include("clinic.api_urls")),
]
