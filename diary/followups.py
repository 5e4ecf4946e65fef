"""Two-hour relief follow-ups: a dose whose effect the patient has not rated yet."""

from datetime import datetime, timedelta

from diary.models import Dose

FOLLOW_UP_AFTER = timedelta(hours=2)
FOLLOW_UP_WINDOW = timedelta(hours=24)


def relief_follow_ups_due(patient, now: datetime) -> list[Dose]:
    """Live acute doses taken 2-24 h ago whose 2-hour relief is still unrated, oldest first."""
    return list(
        Dose.objects.filter(
            patient=patient,
            deleted_at__isnull=True,
            relief_2h="",
            taken_at__lte=now - FOLLOW_UP_AFTER,
            taken_at__gt=now - FOLLOW_UP_WINDOW,
            medication__kind="acute",
        )
        .select_related("medication")
        .order_by("taken_at")
    )
