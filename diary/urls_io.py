"""Routes for CSV import/export pages (owned separately from the diary pages)."""

from django.urls import path

from diary import views_io

urlpatterns = [
    path("export.csv", views_io.export_csv, name="export_csv"),
    path("import/", views_io.import_csv, name="import_csv"),
]
