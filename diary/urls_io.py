"""Routes for CSV import/export pages (owned separately from the diary pages)."""

from django.urls import path

from config.placeholder import placeholder

urlpatterns = [
    path("export.csv", placeholder, name="export_csv"),
    path("import/", placeholder, name="import_csv"),
]
