from datetime import date

from django.urls import path, register_converter

from diary import urls_io, views, views_timer
from diary.days import in_diary_range


class IsoDateConverter:
    """A diary day in the URL (YYYY-MM-DD); impossible dates such as 2026-02-30, and days no
    diary can hold (year 1, year 9999), are a 404."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        day = date.fromisoformat(value)
        if not in_diary_range(day):
            raise ValueError(value)
        return day

    def to_url(self, value) -> str:
        return value.isoformat() if isinstance(value, date) else str(value)


register_converter(IsoDateConverter, "isodate")

app_name = "diary"
urlpatterns = [
    path("today/", views.today, name="today"),
    path("day/<isodate:day>/", views.day, name="day"),
    path("calendar/", views.calendar, name="calendar"),
    path("attacks/start/", views_timer.attack_start, name="attack_start"),
    path("attacks/<uuid:attack_id>/end/", views_timer.attack_end, name="attack_end"),
    path("follow-ups/<uuid:dose_id>/", views_timer.follow_up, name="follow_up"),
    path("warning-signs/", views.warning_signs, name="warning_signs"),
    path("trends/", views.trends_page, name="trends"),
    path("medications/", views.medications, name="medications"),
    path("medications/<uuid:medication_id>/", views.medication_edit, name="medication_edit"),
    path("medications/<uuid:medication_id>/stop/", views.medication_stop, name="medication_stop"),
    path(
        "medications/<uuid:medication_id>/remove/",
        views.medication_remove,
        name="medication_remove",
    ),
    path("triggers/", views.triggers, name="triggers"),
    path("triggers/<uuid:trigger_id>/remove/", views.trigger_remove, name="trigger_remove"),
    path("questionnaires/", views.questionnaires, name="questionnaires"),
    path("questionnaires/<slug:instrument>/", views.questionnaire, name="questionnaire"),
    *urls_io.urlpatterns,
]
