from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "insights"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from diary.signals import diary_changed
        from insights import tasks

        diary_changed.connect(tasks.on_diary_changed, dispatch_uid="insights.on_diary_changed")
