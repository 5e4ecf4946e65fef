"""/api/v1/ routes of the clinic: the FHIR and report-PDF exports, and the routes about consent
and audit (the signed-in account ``me``, shares and the access log), whose views live in
``accounts.api``; ``config/api_urls.py`` mounts ``accounts.api_urls`` under ``auth/``, so the
root-level account routes are mounted here.
"""

from django.urls import path

from accounts.api_urls import account_urlpatterns
from clinic import api

urlpatterns = [
    *account_urlpatterns,
    path("export/fhir/", api.FHIRExportView.as_view(), name="api-export-fhir"),
    path("export/report-pdf/", api.ReportPDFView.as_view(), name="api-export-report-pdf"),
]
