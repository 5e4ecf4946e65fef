from django.urls import path

from config.placeholder import placeholder

app_name = "diary"
urlpatterns = [
    path("today/", placeholder, name="today"),
    path("calendar/", placeholder, name="calendar"),
    path("trends/", placeholder, name="trends"),
    path("export.csv", placeholder, name="export_csv"),
    path("import/", placeholder, name="import_csv"),
]
