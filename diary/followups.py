"""Two-hour relief follow-ups: a dose whose effect the patient has not rated yet. Which doses
are due is read through ``diary.selectors`` (``awaiting_relief``, ``relief_follow_ups_due``)."""

from datetime import timedelta

from diary.models import Dose

FOLLOW_UP_AFTER = timedelta(hours=2)
FOLLOW_UP_WINDOW = timedelta(hours=24)


def follow_up_question(dose: Dose, zone) -> str:
    """ "How well did Sumatriptan 50 mg at 14:05 work?", the time in the patient's ``zone``."""
    amount = f" {dose.amount.normalize():f} {dose.unit}".rstrip() if dose.amount else ""
    clock = dose.taken_at.astimezone(zone).strftime("%H:%M")
    return f"How well did {dose.medication.name}{amount} at {clock} work?"
