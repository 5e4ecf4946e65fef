"""The attack timer and the 2-hour relief follow-ups as the pages show them: "Headache ongoing
since 22:10 yesterday" and "How well did Sumatriptan 50 mg at 14:05 work?".

Reads only (``diary.selectors``, ``diary.followups``); the writes are
``services.attack_start_now`` / ``attack_end_now`` and ``dose_upsert``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from accounts.models import User
from diary import scales, selectors
from diary.days import patient_today, patient_zone, rollover_date
from diary.followups import follow_up_question
from diary.models import Dose, HeadacheAttack

START_LEVELS = range(1, scales.INTENSITY_MAX + 1)  # a headache that starts hurts: 1-10


@dataclass(frozen=True)
class OngoingAttack:
    attack: HeadacheAttack
    since: str  # "22:10 yesterday"

    @property
    def start_date(self) -> date:
        return self.attack.start_date


@dataclass(frozen=True)
class FollowUp:
    dose: Dose
    question: str
    choices: tuple = scales.RELIEF_LEVELS


def since_text(moment: datetime, *, zone, today: date) -> str:
    """When an ongoing attack started, as a person says it: "22:10", "22:10 yesterday",
    "22:10 on Mon 2 Mar" (days by the diary's 04:00 rule, like everything else)."""
    local = moment.astimezone(zone)
    clock = local.strftime("%H:%M")
    day = rollover_date(local)
    if day >= today:
        return clock
    if (today - day).days == 1:
        return f"{clock} yesterday"
    return f"{clock} on {local:%a %-d %b}"


def ongoing_for(patient: User, attack: HeadacheAttack | None = None) -> OngoingAttack | None:
    """The patient's ongoing attack, described (one query unless ``attack`` is given)."""
    attack = attack or selectors.ongoing_attack(patient=patient)
    if attack is None:
        return None
    zone = patient_zone(patient)
    return OngoingAttack(
        attack=attack,
        since=since_text(attack.started_at, zone=zone, today=patient_today(patient)),
    )


def today_cards(patient: User, attacks) -> dict:
    """Today's timer and follow-ups. ``attacks`` are those the check-in loaded for today: an
    ongoing attack always covers today, so it is among them (no query for it)."""
    open_attacks = [a for a in attacks if a is not None and a.ended_at is None]
    latest = max(open_attacks, key=lambda a: a.started_at, default=None)
    return {
        "ongoing": ongoing_for(patient, latest) if latest is not None else None,
        "follow_ups": follow_ups_for(patient),
        "start_levels": START_LEVELS,
        "hide_ongoing_banner": True,  # the timer card says it
    }


def follow_ups_for(patient: User) -> list[FollowUp]:
    """The relief follow-ups due now, each with its question (one query)."""
    zone = patient_zone(patient)
    return [
        FollowUp(dose=dose, question=follow_up_question(dose, zone))
        for dose in selectors.relief_follow_ups_due(patient, timezone.now())
    ]
