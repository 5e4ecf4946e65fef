"""/api/v1/ routes of the diary: synced resources, the sync batch and the exports."""

from django.urls import path

from diary.api import export, sync, views

LIST = {"get": "list"}
LIST_CREATE = {"get": "list", "post": "create"}
DETAIL = {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}

urlpatterns = [
    path("days/", views.DayViewSet.as_view(LIST), name="api-days"),
    path("diary-day/", views.DiaryDayView.as_view(), name="api-diary-day"),
    path("days/<str:key>/", views.DayViewSet.as_view(DETAIL), name="api-day"),
    path("headaches/", views.HeadacheViewSet.as_view(LIST_CREATE), name="api-headaches"),
    path("headaches/<str:key>/", views.HeadacheViewSet.as_view(DETAIL), name="api-headache"),
    path("medications/", views.MedicationViewSet.as_view(LIST_CREATE), name="api-medications"),
    path("medications/<str:key>/", views.MedicationViewSet.as_view(DETAIL), name="api-medication"),
    path("doses/", views.DoseViewSet.as_view(LIST_CREATE), name="api-doses"),
    path("doses/<str:key>/", views.DoseViewSet.as_view(DETAIL), name="api-dose"),
    path(
        "questionnaires/",
        views.QuestionnaireViewSet.as_view(LIST_CREATE),
        name="api-questionnaires",
    ),
    path(
        "questionnaires/<str:key>/",
        views.QuestionnaireViewSet.as_view(DETAIL),
        name="api-questionnaire",
    ),
    path("triggers/", views.TriggerViewSet.as_view(LIST_CREATE), name="api-triggers"),
    path("triggers/<str:key>/", views.TriggerViewSet.as_view(DETAIL), name="api-trigger"),
]

urlpatterns += [
    path("sync/batch/", sync.SyncBatchView.as_view(), name="api-sync-batch"),
    path("export/csv/", export.CSVExportView.as_view(), name="api-export-csv"),
]
