from django.urls import path

from clinic import views

app_name = "clinic"
urlpatterns = [
    path("patients/", views.dashboard, name="dashboard"),
    path("patients/<int:patient_id>/report/", views.report, name="report"),
    path("patients/<int:patient_id>/report.pdf", views.report_pdf, name="report_pdf"),
    path("patients/<int:patient_id>/fhir/", views.fhir_export, name="fhir_export"),
    path("redeem/", views.redeem, name="redeem"),
    path("sharing/", views.shares, name="shares"),
    path("sharing/access-log/", views.access_log, name="access_log"),
    path("sharing/<uuid:share_id>/", views.share_detail, name="share_detail"),
    path("sharing/<uuid:share_id>/revoke/", views.share_revoke, name="share_revoke"),
]
