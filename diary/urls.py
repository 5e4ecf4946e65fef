from django.urls import path

from config.placeholder import placeholder
from diary import urls_io

app_name = "diary"
urlpatterns = [
    path("today/", placeholder, name="today"),
    path("calendar/", placeholder, name="calendar"),
    path("trends/", placeholder, name="trends"),
    *urls_io.urlpatterns,
]
