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


def awaiting_relief(doses, now: datetime):
    """The doses of a queryset that ``relief_follow_ups_due`` would ask about at ``now`` (the
    API's ``?awaiting_relief=true``, which keeps the list's own order and paging)."""
    return doses.filter(
        deleted_at__isnull=True,
        relief_2h="",
        taken_at__lte=now - FOLLOW_UP_AFTER,
        taken_at__gt=now - FOLLOW_UP_WINDOW,
        medication__kind="acute",
    )


def follow_up_question(dose: Dose, zone) -> str:
    """ "How well did Sumatriptan 50 mg at 14:05 work?", the time in the patient's ``zone``."""
    amount = f" {dose.amount.normalize():f} {dose.unit}".rstrip() if dose.amount else ""
    clock = dose.taken_at.astimezone(zone).strftime("%H:%M")
    return f"How well did {dose.medication.name}{amount} at {clock} work?"
