from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "insights"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_save

        from accounts.models import PatientProfile
        from diary.signals import diary_changed
        from insights import tasks

        diary_changed.connect(tasks.on_diary_changed, dispatch_uid="insights.on_diary_changed")
        post_save.connect(
            tasks.on_profile_saved, sender=PatientProfile, dispatch_uid="insights.on_profile_saved"
        )
