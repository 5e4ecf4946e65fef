"""Reads for the diary. Callers resolve the patient through ``accounts.access`` first.

``diary_rows`` is the one read of days, attacks and doses for the day rules: the calendar,
trends, clinician dashboard and report, and insights load their rows there, for one patient or
many, and get their days from ``diary.derive``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import User
from diary import scales
from diary.days import patient_zone
from diary.derive import FEATURE_BITS, AttackColumns, AttackSpan, DayFacts, DoseColumns, derive_days
from diary.followups import FOLLOW_UP_AFTER, FOLLOW_UP_WINDOW
from diary.models import Day, Dose, HeadacheAttack, Medication, QuestionnaireResponse, Trigger

ATTACK_LOOKBACK_DAYS = 3  # attacks that started shortly before a range can still cover it
PAIN_FIELDS = tuple(scales.pain_field(code) for code in scales.PAIN_AREA_CODES)
DAY_COLUMNS = (
    "date",
    "headache",
    "stress",
    "sleep_quality",
    "total_sleep_min",
    "sleep_efficiency",
    "mood",
    "fatigue",
    "period",
    "triggers",
    *PAIN_FIELDS,
)
ATTACK_COLUMNS = (
    "id",
    "started_at",
    "ended_at",
    "start_date",
    "end_date",
    "peak_intensity",
    "aura_minutes",
    *scales.MIGRAINE_FEATURE_CODES,
)
DOSE_COLUMNS = (
    "date",
    "medication__med_class",
    "medication__kind",
    "attack_id",
    "medication__name",
)
_ACUTE = Medication.Kind.ACUTE.value
_FEATURE_WEIGHTS = np.array([FEATURE_BITS[code] for code in scales.MIGRAINE_FEATURE_CODES])


def live(queryset: QuerySet) -> QuerySet:
    return queryset.filter(deleted_at__isnull=True)


def _dated(queryset: QuerySet, start: date | None, end: date) -> QuerySet:
    queryset = live(queryset.filter(date__lte=end))
    return queryset if start is None else queryset.filter(date__gte=start)


def _touching(queryset: QuerySet, start: date | None, end: date) -> QuerySet:
    queryset = live(queryset.filter(start_date__lte=end))
    if start is None:
        return queryset
    return queryset.filter(Q(end_date__gte=start) | Q(end_date__isnull=True))


def days_between(*, patient: User, start: date | None, end: date) -> QuerySet[Day]:
    """Live check-ins of the range (``start`` None: from the first)."""
    return _dated(Day.objects.filter(patient=patient), start, end).order_by("date")


def attacks_touching(*, patient: User, start: date | None, end: date) -> QuerySet[HeadacheAttack]:
    """Live attacks covering any day of the range (ongoing ones included)."""
    queryset = HeadacheAttack.objects.filter(patient=patient)
    return _touching(queryset, start, end).order_by("started_at")


def ongoing_attack(*, patient: User) -> HeadacheAttack | None:
    """The patient's attack still going on (no end yet); the latest if several were left open.
    One indexed query (``attack_ongoing_idx``): every patient page shows it in a banner."""
    rows = HeadacheAttack.objects.filter(patient=patient, ended_at__isnull=True)
    return live(rows).order_by("-started_at").first()


def live_dose(*, patient: User, dose_id) -> Dose | None:
    """One of the patient's live doses with its medication; None for anyone else's."""
    rows = live(Dose.objects.filter(patient=patient, pk=dose_id)).select_related("medication")
    return rows.first()


def doses_between(*, patient: User, start: date | None, end: date) -> QuerySet[Dose]:
    queryset = _dated(Dose.objects.filter(patient=patient), start, end)
    return queryset.select_related("medication").order_by("taken_at")


def period_dates(*, patient: User, start: date, end: date) -> list[date]:
    """The days of the range answered "period: yes" (for the check-in's "day N of period")."""
    rows = days_between(patient=patient, start=start, end=end).filter(period=True)
    return list(rows.values_list("date", flat=True))


def medications_for(*, patient: User) -> QuerySet[Medication]:
    return live(Medication.objects.filter(patient=patient)).order_by("kind", "name")


def triggers_for(*, patient: User) -> QuerySet[Trigger]:
    """The patient's live own triggers, by name."""
    return live(Trigger.objects.filter(patient=patient)).order_by(Lower("name"), "id")


def trigger_labels(*, patient_ids) -> dict[int, dict[str, str]]:
    """Each patient's checklist as key -> label: the defaults, then their live own triggers.
    One query (none for an empty list)."""
    labels = {patient_id: dict(scales.DEFAULT_TRIGGER_LABELS) for patient_id in patient_ids}
    if not labels:
        return labels
    own = live(Trigger.objects.filter(patient_id__in=labels)).order_by(Lower("name"), "id")
    for patient_id, trigger_id, name in own.values_list("patient_id", "id", "name"):
        labels[patient_id][scales.own_trigger_key(trigger_id)] = name
    return labels


def questionnaires_between(
    *, patient: User, start: date | None, end: date, instrument: str | None = None
) -> QuerySet[QuestionnaireResponse]:
    rows = _dated(QuestionnaireResponse.objects.filter(patient=patient), start, end)
    if instrument:
        rows = rows.filter(instrument=instrument)
    return rows.order_by("date")


@dataclass(frozen=True)
class QuestionnaireStatus:
    """One offered questionnaire: its answers (newest first) and whether it is due today."""

    instrument: str
    latest: QuestionnaireResponse | None
    history: list[QuestionnaireResponse]
    due: bool


def questionnaire_statuses(*, patient: User, today: date) -> list[QuestionnaireStatus]:
    """Every questionnaire offered to this patient, in ``scales.INSTRUMENTS`` order.

    Due when never answered or last answered ``interval`` days ago or more. PHQ-8 and GAD-7 are
    offered only when the latest PHQ-4 part calls for them (or they were answered before), and
    are due only when asked for by a PHQ-4 newer than their own latest answer.
    """
    rows = list(
        questionnaires_between(patient=patient, start=today - timedelta(days=730), end=today)
    )
    latest_phq4 = next((row for row in rows[::-1] if row.instrument == "phq4"), None)
    asked_for = (
        set(scales.screen_reading("phq4", latest_phq4.score, latest_phq4.answers)["follow_up"])
        if latest_phq4
        else set()
    )
    statuses = []
    for code, info in scales.INSTRUMENTS.items():
        history = [row for row in rows if row.instrument == code][::-1]
        latest = history[0] if history else None
        due = latest is None or (today - latest.date).days >= info["interval"]
        if info.get("follow_up"):
            if code not in asked_for and latest is None:
                continue
            due = code in asked_for and (latest is None or latest.date < latest_phq4.date)
        statuses.append(QuestionnaireStatus(code, latest, history, due))
    return statuses


def questionnaires_due(patient: User, today: date) -> list[QuestionnaireStatus]:
    """The questionnaires due today (the page's "Due now" line and the reminder)."""
    return [status for status in questionnaire_statuses(patient=patient, today=today) if status.due]


def attack_span(attack: HeadacheAttack) -> AttackSpan:
    return AttackSpan(
        id=attack.pk,
        started_at=attack.started_at,
        ended_at=attack.ended_at,
        start_date=attack.start_date,
        end_date=attack.end_date,
        peak=attack.peak_intensity,
        features=frozenset(attack.features),
        aura_minutes=attack.aura_minutes,
    )


@dataclass(slots=True)
class CheckIn:
    """The columns of a Day that ``derive_days`` reads, without a model instance."""

    date: date
    headache: bool | None
    stress: int | None
    sleep_quality: int | None
    total_sleep_min: int | None
    sleep_efficiency: float | None
    mood: int | None
    fatigue: int | None
    period: bool | None
    triggers: list[str] | None
    pain_map: dict[str, int]


@dataclass(frozen=True, slots=True)
class DiaryRows:
    """One patient's live rows as ``values_list`` tuples (``DAY_COLUMNS``, ``ATTACK_COLUMNS``,
    ``DOSE_COLUMNS``): days and attacks in date order, doses in the order they were taken."""

    days: list[tuple] = field(default_factory=list)
    attacks: list[tuple] = field(default_factory=list)
    doses: list[tuple] = field(default_factory=list)

    def check_ins(self) -> list[CheckIn]:
        pain_at = len(DAY_COLUMNS) - len(PAIN_FIELDS)
        return [
            CheckIn(
                *row[:pain_at],
                pain_map={
                    code: value
                    for code, value in zip(scales.PAIN_AREA_CODES, row[pain_at:], strict=True)
                    if value is not None
                },
            )
            for row in self.days
        ]

    def headache_answers(self) -> list[date]:
        """The days the patient answered "headache: yes"."""
        return [row[0] for row in self.days if row[1]]

    def attack_columns(self) -> AttackColumns:
        """The attacks as ``derive``'s columns, without an object per attack.

        Ids become ints (``UUID.int``) for attacks and doses alike: derive matches doses to
        attacks by id, and UUID hashing and equality are slow Python code.
        """
        if not self.attacks:
            return AttackColumns([], [], [], [], [], [], [], np.zeros(0, dtype=np.int64))
        ids, started, ended, start_date, end_date, peak, aura, *flags = zip(
            *self.attacks, strict=True
        )
        flag_bytes = np.frombuffer(b"".join(map(bytes, flags)), np.uint8)  # a byte per flag
        return AttackColumns(
            ids=[attack_id.int for attack_id in ids],
            started_at=started,
            ended_at=ended,
            start_date=start_date,
            end_date=end_date,
            peak=peak,
            aura_minutes=aura,
            features=_FEATURE_WEIGHTS @ flag_bytes.reshape(len(flags), len(self.attacks)),
        )

    def dose_columns(self) -> DoseColumns:
        if not self.doses:
            return DoseColumns([], [], [], [])
        day, med_class, kind, attack_id, name = zip(*self.doses, strict=True)
        return DoseColumns(
            date=day,
            med_class=med_class,
            acute=[value == _ACUTE for value in kind],
            attack_id=[None if value is None else value.int for value in attack_id],
            name=name,
        )


def diary_rows(
    *, windows: dict[int, tuple[date | None, date]], full_days_since: date | None = None
) -> dict[int, DiaryRows]:
    """Live days, attacks and doses of each patient (by id) over their own inclusive window, in
    three queries whatever the number of patients or days. ``start`` None means from the first
    entry. Attacks include those that ended up to ``ATTACK_LOOKBACK_DAYS`` before ``start``:
    they decide whether an attack on ``start`` is an onset or a relapse.

    With ``full_days_since``, check-ins before that date are loaded only when they say
    "headache: yes" (the one check-in field the day rules read), for callers that need stress,
    sleep and pain for recent days only.
    """
    rows = {patient_id: DiaryRows() for patient_id in windows}
    if not windows:
        return rows
    starts = [start for start, _ in windows.values()]
    first = None if None in starts else min(starts)
    last = max(end for _, end in windows.values())
    lookback = None if first is None else _lookback(first)
    days = _dated(Day.objects.filter(patient_id__in=windows), first, last)
    if full_days_since is not None:
        days = days.filter(Q(date__gte=full_days_since) | Q(headache=True))
    attacks = _touching(HeadacheAttack.objects.filter(patient_id__in=windows), lookback, last)
    doses = _dated(Dose.objects.filter(patient_id__in=windows), first, last)
    queries = (
        ("days", days.order_by("patient_id", "date"), DAY_COLUMNS, _dated_in),
        ("attacks", attacks.order_by("patient_id", "started_at"), ATTACK_COLUMNS, _touches),
        ("doses", doses.order_by("patient_id", "taken_at"), DOSE_COLUMNS, _dated_in),
    )
    for name, queryset, columns, inside in queries:
        for patient_id, *row in queryset.values_list("patient_id", *columns):
            if inside(row, *windows[patient_id]):
                getattr(rows[patient_id], name).append(tuple(row))
    return rows


def _lookback(start: date) -> date:
    return start - timedelta(days=ATTACK_LOOKBACK_DAYS)


def _dated_in(row: list, start: date | None, end: date) -> bool:
    """A day or dose row (date first) inside the window."""
    return (start is None or start <= row[0]) and row[0] <= end


def _touches(row: list, start: date | None, end: date) -> bool:
    """An attack row (``ATTACK_COLUMNS``) covering the window or its look-back."""
    start_date, end_date = row[3], row[4]
    return start_date <= end and (start is None or end_date is None or end_date >= _lookback(start))


def day_facts_many(
    *,
    patients: Sequence[User],
    windows: dict[int, tuple[date, date]],
    full_days_since: date | None = None,
) -> dict[int, list[DayFacts]]:
    """Day facts for many patients (by id, each over its own window) in three queries: what
    ``day_facts`` gives each of them (see ``diary_rows`` for ``full_days_since``)."""
    rows = diary_rows(windows=windows, full_days_since=full_days_since)
    zones = {patient.pk: patient_zone(patient) for patient in patients}
    now = timezone.now()  # the diary's one clock: an ongoing attack runs until now
    return {
        patient_id: derive_days(
            start=start,
            end=end,
            zone=zones[patient_id],
            days=rows[patient_id].check_ins(),
            attacks=rows[patient_id].attack_columns(),
            doses=rows[patient_id].dose_columns(),
            now=now,
        )
        for patient_id, (start, end) in windows.items()
    }


def day_facts(*, patient: User, start: date, end: date) -> list[DayFacts]:
    """Per-day facts for a range in three queries (days, attacks, doses)."""
    return day_facts_many(patients=[patient], windows={patient.pk: (start, end)})[patient.pk]


# --- relief follow-ups ------------------------------------------------------------------------


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
