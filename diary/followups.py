"""Two-hour relief follow-ups: a dose whose effect the patient has not rated yet."""

from datetime import datetime, timedelta

from diary.models import Dose

FOLLOW_UP_AFTER = timedelta(hours=2)
FOLLOW_UP_WINDOW = timedelta(hours=24)


def awaiting_relief(doses, now: datetime):
    """The doses of a queryset still awaiting their 2-hour relief rating at ``now``: live, of
    an acute medication, taken 2-24 h ago, unrated (the one rule for pages, API and reminders)."""
    return doses.filter(
        deleted_at__isnull=True,
        relief_2h="",
        taken_at__lte=now - FOLLOW_UP_AFTER,
        taken_at__gt=now - FOLLOW_UP_WINDOW,
        medication__kind="acute",
    )


def relief_follow_ups_due(patient, now: datetime) -> list[Dose]:
    """The patient's doses awaiting a relief rating, oldest first."""
    rows = awaiting_relief(Dose.objects.filter(patient=patient), now)
    return list(rows.select_related("medication").order_by("taken_at"))


def follow_up_question(dose: Dose, zone) -> str:
    """ "How well did Sumatriptan 50 mg at 14:05 work?", the time in the patient's ``zone``."""
    amount = f" {dose.amount.normalize():f} {dose.unit}".rstrip() if dose.amount else ""
    clock = dose.taken_at.astimezone(zone).strftime("%H:%M")
    return f"How well did {dose.medication.name}{amount} at {clock} work?"
